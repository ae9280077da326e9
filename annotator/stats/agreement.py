"""Percent agreement and Gwet's chance-corrected coefficients (AC1, Fleiss for missing data).

Contract (shared/research/agreement.md §1, §4):
- P_o (``percent_agreement``) is the mean over items with r_i ≥ 2 ratings of
  Σ_k n_ik(n_ik-1) / (r_i(r_i-1)); with two raters it is the share of items with the same label.
  It is defined (1.0) when everybody uses one category. Single-rated items are dropped and
  counted in ``n_dropped``.
- ``gwet_ac1`` follows Gwet / irrCAC so the published vectors match: p_a as above, but the
  category shares π_k = (1/N) Σ_i n_ik / r_i run over *all* rated items, single-rated ones
  included; p_e = Σ_k π_k(1-π_k)/(q-1) with q = len(categories), the whole taxonomy, not only
  the categories observed. ``n_dropped`` counts the single-rated items left out of p_a only.
- ``fleiss_kappa_gwet`` is irrCAC's Fleiss for missing data: same p_a and π_k, p_e = Σ π_k².
- Sums are grouped by r_i and combined in exact rational arithmetic: linear and reproducible.
- Each statistic is computed once, over *weighted items* (:data:`Weighted`: the values of an
  item and how many items carry exactly those values): the public functions weigh every item
  1, and ``annotator.agreement.weighted`` passes the distinct rating patterns of a database
  with their counts.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence
from fractions import Fraction

from ._core import (
    UNDEF_NEED_TWO,
    UNDEF_ONE_CATEGORY,
    Ratings,
    Stat,
    equal_pairs,
    item_values,
    undefined,
)

Weighted = Sequence[tuple[list[Hashable], int]]
"""Items as (non-missing values of one item, how many items carry exactly these values)."""


def each_once(values: list[list[Hashable]]) -> Weighted:
    return [(vals, 1) for vals in values]


def observed(items: Weighted) -> tuple[Fraction | None, int, int]:
    """(P_o, items used, items dropped) over items with ≥2 ratings."""
    # same_by_r[r] = Σ over items with r ratings of the unordered equal pairs.
    same_by_r: dict[int, int] = defaultdict(int)
    used = 0
    dropped = 0
    for vals, w in items:
        r = len(vals)
        if r >= 2:
            used += w
            same_by_r[r] += w * equal_pairs(vals)
        elif r:
            dropped += w
    if used == 0:
        return None, 0, dropped
    total = sum((Fraction(s * 2, r * (r - 1)) for r, s in same_by_r.items()), Fraction(0))
    return total / used, used, dropped


def percent_weighted(items: Weighted) -> Stat:
    """:func:`percent_agreement` over weighted items."""
    p_o, used, dropped = observed(items)
    if p_o is None:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "percent")
    return Stat(value=float(p_o), n_items=used, n_dropped=dropped, method="percent")


def percent_agreement(ratings: Ratings, annotators: Iterable[str] | None = None) -> Stat:
    """Pairs-based observed agreement P_o."""
    return percent_weighted(each_once(item_values(ratings, annotators)))


def _shares(items: Weighted) -> dict[Hashable, Fraction]:
    """π_k = (1/N) Σ_i n_ik / r_i over every rated item."""
    by_r: dict[int, Counter[Hashable]] = defaultdict(Counter)
    n = 0
    for vals, w in items:
        if not vals:
            continue
        n += w
        counts = by_r[len(vals)]
        for v in vals:
            counts[v] += w
    shares: dict[Hashable, Fraction] = defaultdict(Fraction)
    for r, counts in by_r.items():
        for k, c in counts.items():
            shares[k] += Fraction(c, r * n)
    return shares


def ac1_weighted(items: Weighted, categories: Sequence[Hashable]) -> Stat:
    """:func:`gwet_ac1` over weighted items."""
    p_a, used, dropped = observed(items)
    if p_a is None:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "ac1")
    cats = set(categories)
    q = len(cats)
    if q < 2:
        return undefined("undefined: AC1 needs ≥2 categories", used, dropped, "ac1")
    shares = _shares(items)
    unknown = [k for k in shares if k not in cats]
    if unknown:
        return undefined(f"undefined: value {unknown[0]!r} not in categories", used, dropped, "ac1")
    p_e = sum((p * (1 - p) for p in shares.values()), Fraction(0)) / (q - 1)
    # p_e ≤ 1/q < 1 for q ≥ 2, so the denominator cannot vanish.
    value = (p_a - p_e) / (1 - p_e)
    return Stat(value=float(value), n_items=used, n_dropped=dropped, method="ac1")


def gwet_ac1(
    ratings: Ratings, categories: Sequence[Hashable], annotators: Iterable[str] | None = None
) -> Stat:
    """Gwet's AC1 with q = len(categories)."""
    return ac1_weighted(each_once(item_values(ratings, annotators)), categories)


def fleiss_kappa_gwet(ratings: Ratings, annotators: Iterable[str] | None = None) -> Stat:
    """Gwet's generalisation of Fleiss' κ to missing ratings (irrCAC ``fleiss``)."""
    items = each_once(item_values(ratings, annotators))
    p_a, used, dropped = observed(items)
    if p_a is None:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "fleiss-gwet")
    p_e = sum((p * p for p in _shares(items).values()), Fraction(0))
    if p_e == 1:
        return undefined(UNDEF_ONE_CATEGORY, used, dropped, "fleiss-gwet")
    value = (p_a - p_e) / (1 - p_e)
    return Stat(value=float(value), n_items=used, n_dropped=dropped, method="fleiss-gwet")
