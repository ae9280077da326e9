"""Kappa-family statistics: Cohen, Scott, Light, Fleiss and per-category (one-vs-rest) kappa.

Contract (shared/research/agreement.md §1, §4):
- ``cohen_kappa`` is scikit-learn's ``cohen_kappa_score`` (unweighted; labels = union of the
  labels both raters used), but returns ``value=None`` instead of NaN when p_e = 1.
- Pairwise statistics use only the items both raters labelled; items only one of them rated are
  counted in ``n_dropped``.
- ``fleiss_kappa`` needs the same number m of ratings on every used item. Single-rated items are
  dropped first; if the rest still differ in m the result is undefined and the reason points to
  Krippendorff's alpha. It is never approximated.
- ``light_kappa`` is the mean of all pairwise Cohen kappas; it is undefined as soon as one pair
  is, because silently averaging a subset of pairs would no longer be Light's kappa.
- ``per_category_kappa`` uses the one-vs-rest κ_k formula for equal m and falls back to nominal
  alpha on presence/absence otherwise (``Stat.method`` tells which). A rating that is a set counts
  as "present" for every category it contains.
- Negative values are legitimate and never clamped. Everything is linear in the number of
  ratings, and the final ratios are formed from exact integers so results match the reference
  packages to ~1e-15.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Sequence, Set as AbstractSet
from fractions import Fraction
from itertools import combinations

from ._core import (
    UNDEF_NEED_TWO,
    UNDEF_NEED_TWO_RATERS,
    UNDEF_ONE_CATEGORY,
    Ratings,
    Stat,
    annotators_of,
    check_same_length,
    equal_pairs,
    is_missing,
    item_values,
    sort_labels,
    undefined,
)

# ----------------------------------------------------------------------------- two raters


def _paired(ratings: Ratings, a: str, b: str) -> tuple[list[Hashable], list[Hashable], int]:
    rows = list(ratings.values())
    return _clean_pairs([row.get(a) for row in rows], [row.get(b) for row in rows])


def _clean_pairs(
    a: Sequence[Hashable | None], b: Sequence[Hashable | None]
) -> tuple[list[Hashable], list[Hashable], int]:
    check_same_length(a, b)
    xs: list[Hashable] = []
    ys: list[Hashable] = []
    dropped = 0
    for va, vb in zip(a, b, strict=True):
        miss_a = is_missing(va)
        miss_b = is_missing(vb)
        if not miss_a and not miss_b:
            xs.append(va)
            ys.append(vb)
        elif miss_a != miss_b:
            dropped += 1
    return xs, ys, dropped


def _cohen(xs: list[Hashable], ys: list[Hashable], dropped: int) -> Stat:
    n = len(xs)
    if n == 0:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "cohen")
    agree = sum(1 for x, y in zip(xs, ys, strict=True) if x == y)
    ca = Counter(xs)
    cb = Counter(ys)
    chance = sum(c * cb[k] for k, c in ca.items())  # n² · p_e
    den = n * n - chance
    if den == 0:
        return undefined(UNDEF_ONE_CATEGORY, n, dropped, "cohen")
    # sklearn: 1 - Σ w·C / Σ w·E with w = 1 - I, i.e. 1 - (n - agree) / (n - n·p_e).
    value = 1.0 - ((n - agree) * n) / den
    return Stat(value=value, n_items=n, n_dropped=dropped, method="cohen")


def cohen_kappa(a: Sequence[Hashable | None], b: Sequence[Hashable | None]) -> Stat:
    """Cohen's κ of two aligned label sequences; positions where either is missing are skipped.

    Raises ``ValueError`` only if the sequences differ in length (a caller bug, not data).
    """
    return _cohen(*_clean_pairs(a, b))


def scott_pi(a: Sequence[Hashable | None], b: Sequence[Hashable | None]) -> Stat:
    """Scott's π: like Cohen's κ but p_e uses the pooled marginals of both raters."""
    xs, ys, dropped = _clean_pairs(a, b)
    n = len(xs)
    if n == 0:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "scott")
    agree = sum(1 for x, y in zip(xs, ys, strict=True) if x == y)
    pooled = Counter(xs)
    pooled.update(ys)
    chance = sum(c * c for c in pooled.values())  # 4n² · p_e
    den = 4 * n * n - chance
    if den == 0:
        return undefined(UNDEF_ONE_CATEGORY, n, dropped, "scott")
    return Stat(value=(4 * n * agree - chance) / den, n_items=n, n_dropped=dropped, method="scott")


def cohen_kappa_pair(ratings: Ratings, a: str, b: str) -> Stat:
    """Cohen's κ between annotators ``a`` and ``b`` on the items both rated."""
    return _cohen(*_paired(ratings, a, b))


def confusion_matrix(ratings: Ratings, a: str, b: str) -> tuple[list[Hashable], list[list[int]]]:
    """Labels (sorted) and counts on co-rated items: rows are ``a``'s labels, columns ``b``'s."""
    xs, ys, _ = _paired(ratings, a, b)
    labels = sort_labels([*xs, *ys])
    pos = {label: i for i, label in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for x, y in zip(xs, ys, strict=True):
        matrix[pos[x]][pos[y]] += 1
    return labels, matrix


def pairwise_kappa(
    ratings: Ratings, annotators: Iterable[str] | None = None
) -> dict[tuple[str, str], Stat]:
    """Cohen's κ for every unordered pair of annotators (in the given order)."""
    names = list(dict.fromkeys(annotators)) if annotators is not None else annotators_of(ratings)
    return {(a, b): cohen_kappa_pair(ratings, a, b) for a, b in combinations(names, 2)}


def light_kappa(ratings: Ratings, annotators: Iterable[str] | None = None) -> Stat:
    """Light's κ: the mean of the pairwise Cohen kappas; undefined if any pair is."""
    names = list(dict.fromkeys(annotators)) if annotators is not None else annotators_of(ratings)
    values = item_values(ratings, names)
    used = sum(1 for v in values if len(v) >= 2)
    dropped = len(values) - used
    if len(names) < 2:
        return undefined(UNDEF_NEED_TWO_RATERS, used, dropped, "light")
    pairs = pairwise_kappa(ratings, names)
    for (a, b), stat in pairs.items():
        if stat.value is None:
            return undefined(f"{stat.reason} (pair {a!r}, {b!r})", used, dropped, "light")
    total = sum(s.value for s in pairs.values() if s.value is not None)
    return Stat(value=total / len(pairs), n_items=used, n_dropped=dropped, method="light")


# ----------------------------------------------------------------------------- Fleiss


def _fleiss(n_items: int, m: int, sum_sq: int, totals: Iterable[int], dropped: int) -> Stat:
    """Fleiss κ from N, m, S = Σ_i Σ_k n_ik² and the category totals T_k, in integers."""
    t = n_items * m
    q = sum(c * c for c in totals)
    if q == t * t:
        return undefined(UNDEF_ONE_CATEGORY, n_items, dropped, "fleiss")
    # κ = (P̄ - P_e)/(1 - P_e) with P̄ = (S - T)/(T(m-1)), P_e = Q/T², multiplied through by T²(m-1).
    value = ((sum_sq - t) * t - q * (m - 1)) / ((m - 1) * (t * t - q))
    return Stat(value=value, n_items=n_items, n_dropped=dropped, method="fleiss")


def _refuse_unequal(sizes: set[int], used: int, dropped: int, method: str) -> Stat:
    reason = (
        f"undefined: unequal numbers of raters per item ({min(sizes)}–{max(sizes)}); "
        "use Krippendorff's alpha"
    )
    return undefined(reason, used, dropped, method)


def fleiss_kappa(ratings: Ratings, annotators: Iterable[str] | None = None) -> Stat:
    """Fleiss' κ; single-rated items are dropped, unequal m on the rest is refused."""
    values = item_values(ratings, annotators)
    units = [v for v in values if len(v) >= 2]
    dropped = len(values) - len(units)
    if not units:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "fleiss")
    sizes = {len(v) for v in units}
    if len(sizes) > 1:
        return _refuse_unequal(sizes, len(units), dropped, "fleiss")
    m = sizes.pop()
    # Σ_k n_ik² = m + 2·(equal unordered pairs): no per-item Counter needed.
    sum_sq = sum(m + 2 * equal_pairs(v) for v in units)
    totals = Counter(x for v in units for x in v)
    return _fleiss(len(units), m, sum_sq, totals.values(), dropped)


def fleiss_kappa_counts(table: Sequence[Sequence[int]]) -> Stat:
    """Fleiss' κ from an items × categories table of rater counts.

    Rows summing to 0 are ignored and rows summing to 1 dropped, as in ``fleiss_kappa``.
    Raises ``ValueError`` for ragged rows or negative counts (malformed input, not data).
    """
    if table and any(len(row) != len(table[0]) for row in table):
        raise ValueError("all rows of the count table must have the same number of categories")
    if any(c < 0 for row in table for c in row):
        raise ValueError("counts must be non-negative")
    rows = [row for row in table if sum(row) >= 2]
    dropped = sum(1 for row in table if sum(row) == 1)
    if not rows:
        return undefined(UNDEF_NEED_TWO, 0, dropped, "fleiss")
    sizes = {sum(row) for row in rows}
    if len(sizes) > 1:
        return _refuse_unequal(sizes, len(rows), dropped, "fleiss")
    m = sizes.pop()
    sum_sq = sum(c * c for row in rows for c in row)
    totals = [sum(col) for col in zip(*rows, strict=True)]
    return _fleiss(len(rows), m, sum_sq, totals, dropped)


# ----------------------------------------------------------------------------- per category


def _atoms(vals: list[Hashable]) -> Counter[Hashable]:
    """n_ik for one item: how many raters chose (or included, for sets) each category."""
    out: Counter[Hashable] = Counter()
    for v in vals:
        if isinstance(v, AbstractSet):
            out.update(v)
        else:
            out[v] += 1
    return out


def _category_reason(k: Hashable, present: int) -> str:
    which = "never chosen" if present == 0 else "always chosen"
    return f"{UNDEF_ONE_CATEGORY} ({k!r} {which})"


def per_category_weighted(
    units: Sequence[tuple[list[Hashable], int]],
    dropped: int,
    categories: Sequence[Hashable] | None = None,
) -> list[tuple[Hashable, Stat, int]]:
    """:func:`per_category_kappa` over weighted items with ≥2 ratings (values, how many
    items carry them; ``dropped`` single-rated items), plus per category its support: the
    items where at least one annotator chose it."""
    # One pass for all categories. For the α fallback, a unit of size m where c raters chose k
    # has Σ_v n_uv(n_uv-1) = c(c-1) + (m-c)(m-c-1) on the binary k/not-k values; we store the
    # offset from the c = 0 case so units that never mention k cost nothing per category.
    n = 0
    used = 0
    base: dict[int, int] = defaultdict(int)  # Σ m(m-1) per unit size m (the c = 0 case)
    offset: dict[Hashable, dict[int, int]] = defaultdict(lambda: defaultdict(int))
    total: Counter[Hashable] = Counter()  # T_k = Σ_i n_ik
    spread: Counter[Hashable] = Counter()  # Σ_i n_ik(m - n_ik)
    support: Counter[Hashable] = Counter()
    for vals, w in units:
        m = len(vals)
        used += w
        n += w * m
        base[m] += w * m * (m - 1)
        for k, c in _atoms(vals).items():
            support[k] += w
            total[k] += w * c
            spread[k] += w * c * (m - c)
            offset[k][m] += w * (c * (c - 1) + (m - c) * (m - c - 1) - m * (m - 1))
    cats = list(categories) if categories is not None else sort_labels(total)
    if not units:
        return [(k, undefined(UNDEF_NEED_TWO, 0, dropped, "kappa"), 0) for k in cats]
    sizes = {len(v) for v, _ in units}
    result: list[tuple[Hashable, Stat, int]] = []
    if len(sizes) > 1:
        for k in cats:
            present = total[k]
            absent = n - present
            chance = present * (present - 1) + absent * (absent - 1)
            den = n * (n - 1) - chance
            if den == 0:
                stat = undefined(_category_reason(k, present), used, dropped, "alpha-presence")
            else:
                adj = offset.get(k, {})
                sum_occ = sum(
                    (Fraction(b + adj.get(m, 0), m - 1) for m, b in base.items()), Fraction(0)
                )
                value = float(((n - 1) * sum_occ - chance) / den)
                stat = Stat(value, None, used, dropped, None, "alpha-presence")
            result.append((k, stat, support[k]))
        return result
    m = sizes.pop()
    t = n  # N·m
    for k in cats:
        tk = total[k]
        if tk == 0 or tk == t:
            stat = undefined(_category_reason(k, tk), used, dropped, "kappa")
        else:
            # With p_k = T_k/T and N·m = T the denominator is (m-1)·T_k·(T-T_k)/T.
            value = 1.0 - (spread[k] * t) / ((m - 1) * tk * (t - tk))
            stat = Stat(value=value, n_items=used, n_dropped=dropped, method="kappa")
        result.append((k, stat, support[k]))
    return result


def per_category_kappa(
    ratings: Ratings,
    categories: Sequence[Hashable] | None = None,
    annotators: Iterable[str] | None = None,
) -> list[tuple[Hashable, Stat]]:
    """One-vs-rest agreement for each category (observed ones, sorted, by default).

    Equal m: κ_k = 1 - Σ_i n_ik(m - n_ik) / (N·m(m-1)·p_k(1-p_k)), i.e. Fleiss κ on the
    binarised k-vs-rest table. Unequal m: nominal α on presence/absence of k.
    """
    values = item_values(ratings, annotators)
    units = [(v, 1) for v in values if len(v) >= 2]
    return [
        (k, stat)
        for k, stat, _ in per_category_weighted(units, len(values) - len(units), categories)
    ]
