"""Percentile bootstrap confidence intervals over items.

Contract:
- ``bootstrap_ci`` resamples *items* with replacement (annotators stay attached to their item),
  recomputes ``stat_fn`` on each resample and returns the percentile interval (linear
  interpolation between order statistics, like numpy's default quantile).
- Deterministic: the same ``seed`` gives the same interval (``random.Random(seed)``).
- Undefined resamples (``value is None``) are skipped. If fewer than half of the resamples, or
  fewer than 2, are defined, the interval is ``None``: the statistic is too unstable for an
  interval to mean anything.
- Cost guard: each resample costs O(n). When ``n_items × n_boot`` exceeds ``max_work`` the number
  of resamples is reduced to ``max(MIN_RESAMPLES, max_work // n_items)`` (never above
  ``n_boot``). With the default budget 2k items get the full 1000 resamples, 20k items 100, and
  100k items 100 (about 30 s for nominal alpha, so run it off the UI thread). Percentile
  intervals from 100 resamples are coarser in their tails but still usable for a dashboard.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable, Hashable, Mapping
from dataclasses import replace

from ._core import Ratings, Stat

MIN_RESAMPLES = 100
DEFAULT_MAX_WORK = 2_000_000


def effective_resamples(n_items: int, n_boot: int, max_work: int = DEFAULT_MAX_WORK) -> int:
    """How many resamples ``bootstrap_ci`` will actually draw."""
    if n_items <= 0 or n_boot <= 0:
        return 0
    if n_items * n_boot <= max_work:
        return n_boot
    return min(n_boot, max(MIN_RESAMPLES, max_work // n_items))


def _quantile(sorted_values: list[float], p: float) -> float:
    pos = p * (len(sorted_values) - 1)
    lo = math.floor(pos)
    hi = min(lo + 1, len(sorted_values) - 1)
    frac = pos - lo
    return sorted_values[lo] + (sorted_values[hi] - sorted_values[lo]) * frac


def bootstrap_ci(
    stat_fn: Callable[[Ratings], Stat],
    ratings: Ratings,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
    max_work: int = DEFAULT_MAX_WORK,
) -> tuple[float, float] | None:
    """Percentile interval of ``stat_fn`` over item resamples, or ``None`` if too few defined."""
    if not 0.0 < level < 1.0:
        raise ValueError(f"level must be in (0, 1), got {level}")
    rows: list[Mapping[str, Hashable | None]] = list(ratings.values())
    n = len(rows)
    draws = effective_resamples(n, n_boot, max_work)
    if draws == 0:
        return None
    rng = random.Random(seed)
    defined: list[float] = []
    for _ in range(draws):
        # Fresh integer keys: an item drawn twice must appear twice, not overwrite itself.
        sample = {i: rows[j] for i, j in enumerate(rng.choices(range(n), k=n))}
        value = stat_fn(sample).value
        if value is not None:
            defined.append(value)
    if len(defined) < max(2, (draws + 1) // 2):
        return None
    defined.sort()
    tail = (1.0 - level) / 2.0
    return (_quantile(defined, tail), _quantile(defined, 1.0 - tail))


def with_bootstrap_ci(
    stat_fn: Callable[[Ratings], Stat],
    ratings: Ratings,
    n_boot: int = 1000,
    seed: int = 0,
    level: float = 0.95,
) -> Stat:
    """``stat_fn(ratings)`` with its ``ci`` filled in (left ``None`` if the point is undefined)."""
    point = stat_fn(ratings)
    if point.value is None:
        return point
    return replace(point, ci=bootstrap_ci(stat_fn, ratings, n_boot, seed, level))
