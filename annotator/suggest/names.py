"""'Did you mean' for identifiers.

Contract: :func:`did_you_mean` returns up to ``limit`` ``(candidate, score)``
pairs, best first, with ``score`` in 0-100 (rapidfuzz ``ratio``) and at least
``cutoff``; the name itself is never suggested. Ties are broken by candidate
text so the output is deterministic. Pure; candidates may be any iterable.
"""

from __future__ import annotations

from collections.abc import Iterable

from rapidfuzz import fuzz, process

__all__ = ["did_you_mean"]


def did_you_mean(
    name: str, candidates: Iterable[str], limit: int = 5, cutoff: float = 70.0
) -> list[tuple[str, float]]:
    """Candidates that look like ``name`` (e.g. ``nms1`` -> ``nms``)."""
    pool = sorted({c for c in candidates if c and c != name})
    if not name or not pool:
        return []
    # Case-insensitive comparison: 'Tensor' vs 'tensor' is a likely slip, but
    # the candidate is returned with its real spelling.
    lowered = [c.lower() for c in pool]
    hits = process.extract(
        name.lower(), lowered, scorer=fuzz.ratio, score_cutoff=cutoff, limit=None
    )
    scored = [(pool[idx], float(score)) for _text, score, idx in hits]
    scored.sort(key=lambda pair: (-pair[1], pair[0]))
    return scored[:limit]
