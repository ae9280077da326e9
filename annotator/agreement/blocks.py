"""One block of agreement statistics over a set of ratings, with its intervals.

Contract: :func:`stats_block` computes, for the given ratings: ``n_items`` (items with ≥2
ratings), ``n_rated`` (items with ≥1), ``n_dropped`` (single-rated items left out of alpha),
``percent``, ``pairs`` (per pair of annotators: ``n`` co-rated items, ``percent``,
``cohen_kappa`` and its bootstrap ``ci``), ``fleiss_kappa``, ``krippendorff_alpha``,
``gwet_ac1``, ``light_kappa``, ``per_category`` (one-vs-rest kappa, ``n`` = co-rated items
where at least one annotator chose the category), ``confusion`` (per pair, rows = first
annotator), ``ci`` (bootstrap intervals of the alphas) and ``undefined`` (statistic -> reason,
for every null). At level ``set`` it adds ``alpha_masi`` and ``alpha_jaccard``; AC1 is null
there (it needs a fixed list of q categories, and sets of categories have none). Values are
full-precision floats; nothing is NaN. The agreement report (:mod:`.report`) and the
initial-versus-negotiated blocks (:mod:`.rounds`) both compute their blocks here.

Point values come from ``annotator.agreement.weighted`` (the ``annotator.stats`` formulas over
pattern counts). Bootstrap: percentile 95 % intervals over items with a fixed seed (same
database, same output), by ``annotator.stats.bootstrap_ci`` on the expanded ratings (its cost
guard draws fewer resamples, never under 100, on large data); a pair's interval resamples only
the items both annotators rated. Above 2k items the intervals come from the Poisson bootstrap
over pattern counts (:func:`poisson_bootstrap_ci`), which keeps 200 resamples at 100k items
under a second. ``n_boot = 0`` leaves every ``ci`` null.
"""

from __future__ import annotations

import math
import random
from collections import Counter
from collections.abc import Callable, Hashable, Sequence, Set as AbstractSet
from dataclasses import replace
from itertools import combinations
from typing import Any

from ..stats import (
    Distance,
    Ratings,
    Stat,
    bootstrap_ci,
    jaccard_distance,
    masi_distance,
    sort_labels,
)
from . import weighted
from .ratings import expand
from .weighted import Patterns

SEED = 0
CI_LEVEL = 0.95
# Above this many items, intervals use the Poisson bootstrap over patterns
# (the item bootstrap costs about a second per thousand items at 200 resamples).
POISSON_FROM = 2_000
NO_COMMON = "undefined: no item rated by both"


def jsonable(value: Hashable) -> Any:
    """Labels as JSON: sets of categories become sorted lists, everything else stays."""
    if isinstance(value, AbstractSet):
        return [jsonable(v) for v in sort_labels(value)]
    return value


def label_text(value: Hashable) -> str:
    """A label for display: sets as ``1+6``."""
    if isinstance(value, AbstractSet):
        return "+".join(str(v) for v in sort_labels(value))
    return str(value)


def _with_ci(point: Stat, fn: Callable[[Patterns], Stat], patterns: Patterns, n_boot: int) -> Stat:
    """``point`` with the percentile interval of ``fn`` from ``stats.bootstrap_ci``.

    ``bootstrap_ci`` resamples the expanded items; each resample is folded back into pattern
    counts (the rows of one pattern are one shared dict, so ``id`` identifies the pattern) and
    measured by the weighted formula, which equals the ``annotator.stats`` one.
    """
    if n_boot <= 0 or point.value is None:
        return point
    if sum(patterns.values()) > POISSON_FROM:
        return replace(point, ci=poisson_bootstrap_ci(fn, patterns, n_boot))
    ratings = expand(patterns)
    pattern_of = {id(row): tuple(row.items()) for row in ratings.values()}

    def stat_fn(sample: Ratings) -> Stat:
        counts = Counter(map(id, sample.values()))
        return fn(Counter({pattern_of[key]: c for key, c in counts.items()}))

    ci = bootstrap_ci(stat_fn, ratings, n_boot=n_boot, seed=SEED, level=CI_LEVEL)
    return replace(point, ci=ci)


def _poisson(rng: random.Random, mean: int) -> int:
    """A Poisson(mean) draw: exact (Knuth) for small means, normal for large ones."""
    if mean > 60:
        return max(0, round(rng.gauss(mean, math.sqrt(mean))))
    limit, k, p = math.exp(-mean), 0, rng.random()
    while p > limit:
        k += 1
        p *= rng.random()
    return k


def poisson_bootstrap_ci(
    fn: Callable[[Patterns], Stat], patterns: Patterns, n_boot: int
) -> tuple[float, float] | None:
    """Percentile interval by the Poisson bootstrap over pattern counts.

    Resampling 100k items 200 times costs tens of seconds; giving each
    pattern (a distinct row of ratings) a Poisson(count) weight instead is
    the standard large-n approximation of the same item bootstrap
    (Hanley & MacGibbon 2006) and costs O(patterns) per resample.
    """
    rng = random.Random(SEED)
    values: list[float] = []
    for _ in range(n_boot):
        drawn = Counter({key: w for key, c in patterns.items() if (w := _poisson(rng, c))})
        value = fn(drawn).value if drawn else None
        if value is not None:
            values.append(value)
    if len(values) < max(2, (n_boot + 1) // 2):
        return None
    values.sort()
    tail = (1.0 - CI_LEVEL) / 2.0

    def quantile(q: float) -> float:
        position = q * (len(values) - 1)
        low = math.floor(position)
        high = min(low + 1, len(values) - 1)
        return values[low] + (values[high] - values[low]) * (position - low)

    return (quantile(tail), quantile(1.0 - tail))


def _ci(stat: Stat) -> list[float] | None:
    return list(stat.ci) if stat.ci is not None else None


def _pair(patterns: Patterns, a: str, b: str, n_boot: int) -> tuple[dict[str, Any], Stat, Any]:
    conf, dropped = weighted.pair_counts(patterns, a, b)
    n = sum(conf.values())
    entry: dict[str, Any] = {"a": a, "b": b, "n": n, "percent": None, "cohen_kappa": None}
    if n == 0:
        entry["ci"] = None
        entry["reason"] = NO_COMMON
        return (
            entry,
            Stat(value=None, reason=NO_COMMON, n_dropped=dropped),
            {
                "labels": [],
                "matrix": [],
            },
        )
    stat = weighted.cohen(conf, dropped)
    if n_boot > 0 and stat.value is not None:
        # Only the co-rated items: the pair's interval must resample its own n, not all items.
        sub: Patterns = Counter({((a, x), (b, y)): w for (x, y), w in conf.items()})
        stat = _with_ci(stat, lambda p: weighted.cohen(*weighted.pair_counts(p, a, b)), sub, n_boot)
    labels, matrix = weighted.confusion(conf)
    entry["percent"] = sum(w for (x, y), w in conf.items() if x == y) / n
    entry["cohen_kappa"] = stat.value
    entry["ci"] = _ci(stat)
    if stat.value is None:
        entry["reason"] = stat.reason
    return entry, stat, {"labels": [jsonable(x) for x in labels], "matrix": matrix}


def _light(names: Sequence[str], pair_stats: dict[tuple[str, str], Stat]) -> Stat:
    """Light's kappa from the pairwise kappas already computed (same rule as
    ``annotator.stats.light_kappa``: undefined as soon as one pair is)."""
    if len(names) < 2:
        return Stat(value=None, reason="undefined: need ≥2 annotators")
    for (a, b), stat in pair_stats.items():
        if stat.value is None:
            return Stat(value=None, reason=f"{stat.reason} (pair {a!r}, {b!r})")
    values = [s.value for s in pair_stats.values() if s.value is not None]
    return Stat(value=sum(values) / len(values))


def _alpha(patterns: Patterns, n_boot: int, distance: Distance | None = None) -> Stat:
    point = weighted.alpha(patterns, distance)
    return _with_ci(point, lambda p: weighted.alpha(p, distance), patterns, n_boot)


def stats_block(
    patterns: Patterns,
    names: Sequence[str],
    level: str,
    categories: Sequence[Hashable] | None,
    n_boot: int = 0,
) -> dict[str, Any]:
    """Every statistic over ``patterns`` (which hold only ``names``' non-missing values)."""
    undefined: dict[str, str] = {}
    pairs: list[dict[str, Any]] = []
    confusion: dict[str, Any] = {}
    pair_stats: dict[tuple[str, str], Stat] = {}
    for a, b in combinations(names, 2):
        entry, stat, conf = _pair(patterns, a, b, n_boot)
        pairs.append(entry)
        pair_stats[(a, b)] = stat
        confusion[f"{a}|{b}"] = conf
        if stat.value is None:
            undefined[f"cohen_kappa:{a}|{b}"] = stat.reason or "undefined"

    alpha = _alpha(patterns, n_boot)
    if categories is None:
        ac1 = Stat(value=None, reason="undefined: AC1 needs a fixed category list, not sets")
    else:
        ac1 = weighted.gwet_ac1(patterns, categories)
    scalars: dict[str, Stat] = {
        "percent": weighted.percent(patterns),
        "fleiss_kappa": weighted.fleiss(patterns),
        "krippendorff_alpha": alpha,
        "gwet_ac1": ac1,
        "light_kappa": _light(names, pair_stats),
    }
    if level == "set":
        scalars["alpha_masi"] = _alpha(patterns, n_boot, masi_distance)
        scalars["alpha_jaccard"] = _alpha(patterns, n_boot, jaccard_distance)
    for key, stat in scalars.items():
        if stat.value is None:
            undefined[key] = stat.reason or "undefined"

    per_category = []
    for k, stat, support in weighted.per_category(patterns):
        per_category.append(
            {"category": jsonable(k), "kappa": stat.value, "n": support, "method": stat.method}
        )
        if stat.value is None:
            undefined[f"per_category:{label_text(k)}"] = stat.reason or "undefined"

    block: dict[str, Any] = {
        "n_items": sum(w for p, w in patterns.items() if len(p) >= 2),
        "n_rated": sum(w for p, w in patterns.items() if p),
        "n_dropped": alpha.n_dropped,
        "pairs": pairs,
    }
    block.update({key: stat.value for key, stat in scalars.items()})
    block["ci"] = {key: _ci(scalars[key]) for key in scalars if key.startswith(("krip", "alpha"))}
    block["per_category"] = per_category
    block["confusion"] = confusion
    block["undefined"] = undefined
    return block
