"""The ``annotator.stats`` statistics over *weighted rating patterns*, for speed.

Why: 100k samples rated by three annotators hold only a few thousand distinct rows
(``{annotator: value}`` patterns). Every statistic of the report is a function of how many
items carry each pattern, so computing them over ``pattern -> count`` makes the report cost
O(distinct patterns) instead of O(items) per statistic (the report calls about a dozen).

Contract: each function returns exactly the ``Stat`` that the ``annotator.stats`` function
named in its docstring returns on the expanded ratings (same formula, same exact-integer /
``Fraction`` arithmetic, same reasons, ``n_items`` and ``n_dropped`` counted in items).
Percent agreement, Krippendorff's alpha, Gwet's AC1 and per-category kappa *are* the ``annotator.stats``
functions, which take weighted items; the others reuse its building blocks;
``tests/test_agreement_report.py`` checks that on random data. A pattern is a tuple of
``(annotator, value)`` pairs holding only non-missing values; empty patterns are ignored.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence

from ..stats import Distance, Stat, sort_labels
from ..stats._core import UNDEF_NEED_TWO, UNDEF_ONE_CATEGORY, equal_pairs as _equal_pairs
from ..stats.agreement import ac1_weighted, percent_weighted
from ..stats.alpha import alpha_weighted
from ..stats.kappa import _fleiss, _refuse_unequal, per_category_weighted

Pattern = tuple[tuple[str, Hashable], ...]
Patterns = Counter[Pattern]
Units = list[tuple[list[Hashable], int]]


def _undef(reason: str, n: int, dropped: int, method: str) -> Stat:
    return Stat(value=None, reason=reason, n_items=n, n_dropped=dropped, method=method)


def units_of(patterns: Patterns) -> tuple[Units, int]:
    """(values, count) of the patterns with ≥2 ratings, and the single-rated item count."""
    units: Units = []
    dropped = 0
    for pattern, w in patterns.items():
        if len(pattern) >= 2:
            units.append(([v for _, v in pattern], w))
        elif pattern:
            dropped += w
    return units, dropped


def pair_counts(
    patterns: Patterns, a: str, b: str
) -> tuple[Counter[tuple[Hashable, Hashable]], int]:
    """The (a's value, b's value) counts on co-rated items, and items only one of them rated."""
    conf: Counter[tuple[Hashable, Hashable]] = Counter()
    dropped = 0
    for pattern, w in patterns.items():
        row = dict(pattern)
        va = row.get(a)
        vb = row.get(b)
        if va is not None and vb is not None:
            conf[(va, vb)] += w
        elif (va is None) != (vb is None):
            dropped += w
    return conf, dropped


def cohen(conf: Counter[tuple[Hashable, Hashable]], dropped: int) -> Stat:
    """``stats.cohen_kappa_pair`` (scikit-learn's formula)."""
    n = sum(conf.values())
    if n == 0:
        return _undef(UNDEF_NEED_TWO, 0, dropped, "cohen")
    agree = sum(w for (x, y), w in conf.items() if x == y)
    ca: Counter[Hashable] = Counter()
    cb: Counter[Hashable] = Counter()
    for (x, y), w in conf.items():
        ca[x] += w
        cb[y] += w
    chance = sum(c * cb[k] for k, c in ca.items())
    den = n * n - chance
    if den == 0:
        return _undef(UNDEF_ONE_CATEGORY, n, dropped, "cohen")
    value = 1.0 - ((n - agree) * n) / den
    return Stat(value=value, n_items=n, n_dropped=dropped, method="cohen")


def confusion(conf: Counter[tuple[Hashable, Hashable]]) -> tuple[list[Hashable], list[list[int]]]:
    """``stats.confusion_matrix``: sorted labels, rows = first annotator."""
    labels = sort_labels([v for pair in conf for v in pair])
    pos = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for (x, y), w in conf.items():
        matrix[pos[x]][pos[y]] += w
    return labels, matrix


def _items(patterns: Patterns) -> list[tuple[list[Hashable], int]]:
    """Every rated pattern as a weighted item of ``annotator.stats``."""
    return [([v for _, v in pattern], w) for pattern, w in patterns.items() if pattern]


def percent(patterns: Patterns) -> Stat:
    """``stats.percent_agreement`` (the same function, over weighted items)."""
    return percent_weighted(_items(patterns))


def gwet_ac1(patterns: Patterns, categories: Sequence[Hashable]) -> Stat:
    """``stats.gwet_ac1`` (the same function, over weighted items)."""
    return ac1_weighted(_items(patterns), categories)


def fleiss(patterns: Patterns) -> Stat:
    """``stats.fleiss_kappa``: refused (pointing to alpha) when items differ in raters."""
    units, dropped = units_of(patterns)
    used = sum(w for _, w in units)
    if not units:
        return _undef(UNDEF_NEED_TWO, 0, dropped, "fleiss")
    sizes = {len(v) for v, _ in units}
    if len(sizes) > 1:
        return _refuse_unequal(sizes, used, dropped, "fleiss")
    m = sizes.pop()
    sum_sq = sum(w * (m + 2 * _equal_pairs(v)) for v, w in units)
    totals: Counter[Hashable] = Counter()
    for vals, w in units:
        for v in vals:
            totals[v] += w
    return _fleiss(used, m, sum_sq, totals.values(), dropped)


def alpha(patterns: Patterns, distance: Distance | None = None) -> Stat:
    """``stats.krippendorff_alpha``: nominal, or with ``distance`` (MASI, Jaccard) (the same
    function, over weighted units)."""
    units, dropped = units_of(patterns)
    return alpha_weighted(units, dropped, distance)


def per_category(patterns: Patterns) -> list[tuple[Hashable, Stat, int]]:
    """``stats.per_category_kappa`` over the observed categories, sorted, plus per category the
    number of co-rated items where at least one annotator chose it (the same function, over
    weighted items)."""
    units, dropped = units_of(patterns)
    return per_category_weighted(units, dropped)
