"""Krippendorff's alpha and the set distances used with it.

Contract (see shared/research/agreement.md §1 and §4):
- ``krippendorff_alpha`` works with any number of annotators and missing ratings. Only units
  with at least two ratings are pairable; rated units with one rating are dropped and counted in
  ``Stat.n_dropped``. Nominal by default; pass ``distance(a, b) -> float`` for anything else
  (``masi_distance`` / ``jaccard_distance`` for label sets, each distinct set being one value).
- Undefined (``value=None``) when no unit is pairable or the expected disagreement is 0 (a single
  value in use). Never 1.0 in that case (nltk returns 1), never NaN, never raises.
- Linear in the number of ratings: the coincidence sums are accumulated per unit and grouped by
  the unit size m_u, so the 1/(m_u-1) weights are applied once per distinct m_u, in exact
  rational arithmetic for the nominal case.
- ``masi_distance`` uses exact 2/3 and 1/3 (nltk < 3.10.4 used 0.67/0.33); δ(∅, ∅) = 0.
- The set distances accept any two rating values, so they are a ``Distance`` as they stand;
  anything but two sets is a caller's programming error and raises ``TypeError``.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence, Set as AbstractSet
from fractions import Fraction

from ._core import (
    UNDEF_NEED_TWO,
    UNDEF_NO_EXPECTED_DISAGREEMENT,
    UNDEF_ONE_CATEGORY,
    Distance,
    Ratings,
    Stat,
    equal_pairs,
    item_values,
    undefined,
)


def _as_sets(a: Hashable, b: Hashable) -> tuple[AbstractSet[Hashable], AbstractSet[Hashable]]:
    # Ratings hold any hashable value, so a Distance takes two of them; only sets make sense here.
    if not isinstance(a, AbstractSet) or not isinstance(b, AbstractSet):
        raise TypeError(
            f"a set distance compares two sets of labels, not {type(a).__name__} "
            f"and {type(b).__name__}"
        )
    return a, b


def jaccard_distance(a: Hashable, b: Hashable) -> float:
    """1 - |A∩B| / |A∪B|, with δ(∅, ∅) = 0 (two empty sets agree perfectly)."""
    a, b = _as_sets(a, b)
    union = len(a | b)
    if union == 0:
        return 0.0
    return (union - len(a & b)) / union


def masi_distance(a: Hashable, b: Hashable) -> float:
    """Passonneau (2006) MASI: 1 - J·M with M = 1, 2/3, 1/3 or 0; δ(∅, ∅) = 0."""
    a, b = _as_sets(a, b)
    inter = len(a & b)
    union = len(a | b)
    if union == 0:
        return 0.0
    if inter == len(a) == len(b):
        monotonicity = 3
    elif inter == min(len(a), len(b)):
        monotonicity = 2
    elif inter > 0:
        monotonicity = 1
    else:
        monotonicity = 0
    # One division of exact integers: J·M = inter·monotonicity / (3·union).
    return 1.0 - (inter * monotonicity) / (3 * union)


def nominal_distance(a: Hashable, b: Hashable) -> float:
    return 0.0 if a == b else 1.0


Units = Sequence[tuple[list[Hashable], int]]
"""Units with ≥2 ratings as (values, how many units carry exactly these values)."""


def _nominal(units: Units, n_dropped: int) -> Stat:
    # matches[m] = Σ over units of size m of the ordered pairs of equal values, Σ_c n_uc(n_uc-1).
    matches: dict[int, int] = defaultdict(int)
    n_c: Counter[Hashable] = Counter()
    used = 0
    for vals, w in units:
        used += w
        for v in vals:
            n_c[v] += w
        matches[len(vals)] += w * 2 * equal_pairs(vals)
    n = sum(n_c.values())
    sum_occ = sum((Fraction(s, m - 1) for m, s in matches.items()), Fraction(0))
    chance = sum(c * (c - 1) for c in n_c.values())
    den = n * (n - 1) - chance
    if den == 0:
        return undefined(UNDEF_ONE_CATEGORY, used, n_dropped, "alpha-nominal")
    num = (n - 1) * sum_occ - chance
    return Stat(value=float(num / den), n_items=used, n_dropped=n_dropped, method="alpha-nominal")


def _with_distance(units: Units, n_dropped: int, distance: Distance) -> Stat:
    index: dict[Hashable, int] = {}
    # pair_counts[m][(i, j)] = Σ over units of size m of n_ui·n_uj (ordered, i≠j) or n_ui(n_ui-1).
    pair_counts: dict[int, Counter[tuple[int, int]]] = defaultdict(Counter)
    n_c: Counter[int] = Counter()
    used = 0
    for vals, w in units:
        used += w
        counts = Counter(index.setdefault(v, len(index)) for v in vals)
        for i, c in counts.items():
            n_c[i] += w * c
        bucket = pair_counts[len(vals)]
        items = list(counts.items())
        for i, ci in items:
            for j, cj in items:
                bucket[(i, j)] += w * (ci * (ci - 1) if i == j else ci * cj)
    n = sum(n_c.values())
    values = list(index)
    if len(values) < 2:
        return undefined(UNDEF_ONE_CATEGORY, used, n_dropped, "alpha")
    delta = [[float(distance(a, b)) for b in values] for a in values]
    observed = math.fsum(
        cnt * delta[i][j] / (m - 1)
        for m, bucket in pair_counts.items()
        for (i, j), cnt in bucket.items()
    )
    expected = math.fsum(
        (n_c[i] * (n_c[j] - 1) if i == j else n_c[i] * n_c[j]) * delta[i][j]
        for i in range(len(values))
        for j in range(len(values))
    )
    if expected == 0:
        return undefined(UNDEF_NO_EXPECTED_DISAGREEMENT, used, n_dropped, "alpha")
    value = 1.0 - (n - 1) * observed / expected
    return Stat(value=value, n_items=used, n_dropped=n_dropped, method="alpha")


def alpha_weighted(units: Units, n_dropped: int, distance: Distance | None = None) -> Stat:
    """α over weighted units with ≥2 ratings (``n_dropped`` single-rated units left out)."""
    if not units:
        return undefined(UNDEF_NEED_TWO, 0, n_dropped, "alpha")
    if distance is None:
        return _nominal(units, n_dropped)
    return _with_distance(units, n_dropped, distance)


def alpha_from_values(values: list[list[Hashable]], distance: Distance | None = None) -> Stat:
    """α on per-unit value lists (missing ratings already removed)."""
    units = [(v, 1) for v in values if len(v) >= 2]
    return alpha_weighted(units, len(values) - len(units), distance)


def krippendorff_alpha(
    ratings: Ratings, distance: Distance | None = None, annotators: Iterable[str] | None = None
) -> Stat:
    """Krippendorff's α; nominal unless ``distance`` is given."""
    return alpha_from_values(item_values(ratings, annotators), distance)
