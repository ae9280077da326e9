"""pass@k of one task: the unbiased estimator of Chen et al. (2021).

Contract: :func:`pass_at_k(n, c, k)` is ``1 - C(n-c, k) / C(n, k)`` for a task
with ``n`` attempts of which ``c`` passed, ``None`` when ``n < k``, computed as
a product so that large ``n`` stays exact in floating point; ``c / n`` for
``k = 1``. Pure standard library.
"""

from __future__ import annotations


def pass_at_k(n: int, c: int, k: int) -> float | None:
    """Unbiased pass@k of one task (``n`` attempts, ``c`` passed); None when ``n < k``."""
    if k < 1 or c < 0 or c > n:
        raise ValueError(f"pass@{k} of {c} passes in {n} attempts")
    if n < k:
        return None
    if n - c < k:
        return 1.0
    # C(n-c, k) / C(n, k) = prod_{i = n-c+1}^{n} (1 - k / i)
    miss = 1.0
    for i in range(n - c + 1, n + 1):
        miss *= 1.0 - k / i
    return 1.0 - miss
