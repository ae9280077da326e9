"""Published test vectors of shared/research/agreement.md §3, to 3 decimals (±5e-4)."""

from __future__ import annotations

from collections.abc import Hashable

import pytest

from annotator.stats import (
    cohen_kappa,
    fleiss_kappa,
    fleiss_kappa_counts,
    fleiss_kappa_gwet,
    gwet_ac1,
    jaccard_distance,
    krippendorff_alpha,
    light_kappa,
    masi_distance,
    pairs_from_table,
    per_category_kappa,
    percent_agreement,
    ratings_from_columns,
    ratings_from_item_rows,
    ratings_from_observer_rows,
    ratings_from_table,
    scott_pi,
)

TOL = 5e-4


def sets(s: str) -> list[frozenset[str] | None]:
    return [None if t == "-" else frozenset(t.split("+")) for t in s.split()]


# V1 Krippendorff (2011), nominal, rows=observers A-D, cols=units 1-12
K2011 = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, None, None, None],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, None, 3],
    [None, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, None],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, None],
]
# V2 Wikipedia "Krippendorff's alpha": 3 coders x 15 units
KWIKI = [
    [None] * 5 + [3, 4, 1, 2, 1, 1, 3, 3, None, 3],
    [1, None, 2, 1, 3, 3, 4, 3] + [None] * 7,
    [None, None, 2, 1, 3, 4, 4, None, 2, 1, 1, 3, 3, None, 4],
]
# V3 Fleiss (1971): 30 patients x 6 raters, categories 1..5
FLEISS71 = [
    [int(c) for c in r]
    for r in (
        "444444 222555 233335 555555 222444 113333 333355 113334 114444 555555 "
        "144444 124444 222333 144444 224445 333335 111455 111112 224444 133555 "
        "555555 244444 224555 114444 144445 222224 111155 224444 133333 555555"
    ).split()
]
# V4 Wikipedia "Fleiss' kappa": 10 subjects x 5 categories, 14 raters each
FLEISS_WIKI = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]
# V5 2-rater contingency tables (rows rater A, cols rater B)
WIKI_2X2 = [[20, 5], [10, 15]]
ARTSTEIN_POESIO = [[46, 6, 0], [0, 32, 0], [0, 6, 10]]
GWET_ABSTRACTORS = [[13, 0, 0], [0, 20, 7], [0, 4, 56]]
SAS_3X3 = [[0, 4, 1], [0, 8, 0], [0, 1, 5]]
PARADOX = [[45, 2], [3, 0]]
# V6 multi-label; "-" = not annotated
ML = {
    "a1": sets("L L+E A S T+A E I L"),
    "a2": sets("L E A+T S T L - L+I"),
    "a3": sets("L+E E+L A - A E - I"),
}
SE407453 = {
    "c1": sets("l1+l2 l1+l2 l1 l3 l3 l4 l2 l1+l2 l1+l2 l1 l1"),
    "c2": sets("l1 l1+l2 l1 l3 l1+l3 l4 l4 l1 l1+l2+l3 l1 l1"),
}


def close(value: float | None, expected: float) -> None:
    assert value is not None
    assert value == pytest.approx(expected, abs=TOL)


def _numbers(a: Hashable, b: Hashable) -> tuple[float, float]:
    assert isinstance(a, int | float) and isinstance(b, int | float), (a, b)
    return a, b


def interval(a: Hashable, b: Hashable) -> float:
    """Krippendorff's interval metric, (a - b)²."""
    x, y = _numbers(a, b)
    return float((x - y) ** 2)


def ratio(a: Hashable, b: Hashable) -> float:
    """Krippendorff's ratio metric, ((a - b) / (a + b))²."""
    x, y = _numbers(a, b)
    return ((x - y) / (x + y)) ** 2


def primary(column: str) -> list[str | None]:
    """cat1 of each multi-label annotation: the first label as written ("L+E" -> "L")."""
    return [None if t == "-" else t.split("+")[0] for t in column.split()]


# ------------------------------------------------------------------ V1
def test_v1_alpha_nominal() -> None:
    stat = krippendorff_alpha(ratings_from_observer_rows(K2011))
    close(stat.value, 0.743)
    assert (stat.n_items, stat.n_dropped) == (11, 1)  # unit 12 has one rating


def test_v1_alpha_interval() -> None:
    # Krippendorff (2011) reports interval α = 0.849 for the same data.
    r = ratings_from_observer_rows(K2011)
    close(krippendorff_alpha(r, distance=interval).value, 0.849)


def test_v1_alpha_ratio() -> None:
    r = ratings_from_observer_rows(K2011)
    close(krippendorff_alpha(r, distance=ratio).value, 0.797)


def test_v1_gwet() -> None:
    r = ratings_from_observer_rows(K2011)
    close(percent_agreement(r).value, 0.818)
    close(gwet_ac1(r, categories=[1, 2, 3, 4, 5]).value, 0.775)
    close(fleiss_kappa_gwet(r).value, 0.761)


def test_v1_ac1_depends_on_q() -> None:
    r = ratings_from_observer_rows(K2011)
    close(gwet_ac1(r, categories=range(1, 15)).value, 0.807)


# ------------------------------------------------------------------ V2
def test_v2_alpha_nominal() -> None:
    close(krippendorff_alpha(ratings_from_observer_rows(KWIKI)).value, 0.691)


def test_v2_alpha_interval() -> None:
    r = ratings_from_observer_rows(KWIKI)
    close(krippendorff_alpha(r, distance=interval).value, 0.811)


# ------------------------------------------------------------------ V3
def test_v3_fleiss() -> None:
    stat = fleiss_kappa(ratings_from_item_rows(FLEISS71))
    close(stat.value, 0.430)
    assert stat.n_items == 30


def test_v3_light() -> None:
    r = ratings_from_item_rows(FLEISS71)
    # Raters in Fleiss (1971) differ per patient; R irr treats columns as raters, as here.
    close(light_kappa(r, [f"r{j}" for j in range(6)]).value, 0.459)


def test_v3_alpha_and_ac1_and_p() -> None:
    r = ratings_from_item_rows(FLEISS71)
    close(krippendorff_alpha(r).value, 0.433)
    close(gwet_ac1(r, categories=[1, 2, 3, 4, 5]).value, 0.448)
    close(percent_agreement(r).value, 0.556)


def test_v3_per_category() -> None:
    result = per_category_kappa(ratings_from_item_rows(FLEISS71))
    assert [k for k, _ in result] == [1, 2, 3, 4, 5]
    for (_, stat), expected in zip(result, [0.245, 0.245, 0.520, 0.471, 0.566], strict=True):
        assert stat.method == "kappa"
        close(stat.value, expected)


# ------------------------------------------------------------------ V4
def test_v4_fleiss_counts() -> None:
    close(fleiss_kappa_counts(FLEISS_WIKI).value, 0.210)


# ------------------------------------------------------------------ V5
def test_table_helper_expands_counts() -> None:
    a, b = pairs_from_table([[1, 2], [0, 3]], labels=["x", "y"])
    assert a == ["x", "x", "x", "y", "y", "y"]
    assert b == ["x", "y", "y", "y", "y", "y"]


def test_v5_wiki_2x2() -> None:
    a, b = pairs_from_table(WIKI_2X2)
    close(percent_agreement(ratings_from_table(WIKI_2X2)).value, 0.70)
    close(cohen_kappa(a, b).value, 0.400)


def test_v5_artstein_poesio() -> None:
    a, b = pairs_from_table(ARTSTEIN_POESIO, ["stat", "ireq", "chck"])
    r = ratings_from_table(ARTSTEIN_POESIO, ["stat", "ireq", "chck"])
    close(percent_agreement(r).value, 0.88)
    close(cohen_kappa(a, b).value, 0.801)
    close(scott_pi(a, b).value, 0.7995)
    close(krippendorff_alpha(r).value, 0.8005)
    assert cohen_kappa(a, b).n_items == 100


def test_v5_gwet_abstractors() -> None:
    a, b = pairs_from_table(GWET_ABSTRACTORS)
    r = ratings_from_table(GWET_ABSTRACTORS)
    close(cohen_kappa(a, b).value, 0.796)
    close(gwet_ac1(r, [0, 1, 2]).value, 0.849)
    close(scott_pi(a, b).value, 0.796)
    close(krippendorff_alpha(r).value, 0.797)


def test_v5_sas() -> None:
    close(cohen_kappa(*pairs_from_table(SAS_3X3)).value, 0.484)


def test_v5_paradox() -> None:
    a, b = pairs_from_table(PARADOX)
    r = ratings_from_table(PARADOX)
    close(percent_agreement(r).value, 0.900)
    kappa = cohen_kappa(a, b).value
    close(kappa, -0.050)
    assert kappa is not None and kappa < 0  # never clamped
    close(gwet_ac1(r, [0, 1]).value, 0.890)


# ------------------------------------------------------------------ V6
def test_v6_distances() -> None:
    close(masi_distance(frozenset({1, 2}), frozenset({1, 2, 3, 4})), 0.667)
    close(masi_distance(frozenset({1, 2, 3, 4}), frozenset({3, 4, 5})), 0.867)
    close(jaccard_distance(frozenset({1, 2, 3, 4}), frozenset({3, 4, 5})), 0.600)


def test_v6_ml_alpha() -> None:
    r = ratings_from_columns(ML)
    close(krippendorff_alpha(r, distance=masi_distance).value, 0.372)
    close(krippendorff_alpha(r, distance=jaccard_distance).value, 0.448)


def test_v6_ml_primary_only_nominal() -> None:
    raw = {"a1": "L L+E A S T+A E I L", "a2": "L E A+T S T L - L+I", "a3": "L+E E+L A - A E - I"}
    r = ratings_from_columns({a: primary(col) for a, col in raw.items()})
    close(krippendorff_alpha(r).value, 0.510)


def test_v6_ml_per_category() -> None:
    result = dict(per_category_kappa(ratings_from_columns(ML)))
    assert set(result) == {"A", "E", "I", "L", "S", "T"}
    expected = {"A": 0.747, "E": 0.548, "I": 0.472, "L": 0.406, "S": 1.000, "T": 0.255}
    for k, value in expected.items():
        assert result[k].method == "alpha-presence"  # unequal raters per item → α fallback
        close(result[k].value, value)


def test_v6_se407453() -> None:
    r = ratings_from_columns(SE407453)
    close(krippendorff_alpha(r, distance=masi_distance).value, 0.540)
    close(krippendorff_alpha(r, distance=jaccard_distance).value, 0.602)
    first3 = {i: r[i] for i in range(3)}
    close(krippendorff_alpha(first3, distance=masi_distance).value, 0.444)
    close(krippendorff_alpha(first3, distance=jaccard_distance).value, 0.444)
