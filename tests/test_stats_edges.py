"""Edge-case policy of shared/research/agreement.md §4, helpers, bootstrap and performance."""

from __future__ import annotations

import dataclasses
import math
import random
import subprocess
import sys

import pytest
from hypothesis import given, settings, strategies as st

from annotator.stats import (
    Ratings,
    Stat,
    bootstrap_ci,
    cohen_kappa,
    cohen_kappa_pair,
    confusion_matrix,
    counts_table,
    effective_resamples,
    fleiss_kappa,
    fleiss_kappa_counts,
    fleiss_kappa_gwet,
    gwet_ac1,
    jaccard_distance,
    krippendorff_alpha,
    light_kappa,
    masi_distance,
    pairwise_kappa,
    per_category_kappa,
    percent_agreement,
    ratings_from_columns,
    ratings_from_item_rows,
    ratings_from_observer_rows,
    ratings_from_table,
    scott_pi,
    sort_labels,
    with_bootstrap_ci,
)

TAXONOMY = [f"C{i}" for i in range(14)]


def all_stats(ratings: Ratings) -> dict[str, Stat]:
    """Every ratings-based statistic, by name."""
    names = sorted({a for row in ratings.values() for a in row})
    pair = (names + ["?", "?"])[:2]
    out = {
        "percent": percent_agreement(ratings),
        "cohen_pair": cohen_kappa_pair(ratings, *pair),
        "light": light_kappa(ratings, names),
        "fleiss": fleiss_kappa(ratings),
        "fleiss_gwet": fleiss_kappa_gwet(ratings),
        "alpha": krippendorff_alpha(ratings),
        "ac1": gwet_ac1(ratings, TAXONOMY),
    }
    for k, stat in per_category_kappa(ratings):
        out[f"cat:{k}"] = stat
    return out


# ------------------------------------------------------------------ undefined cases


def test_empty_input_is_undefined_not_an_error() -> None:
    for name, stat in all_stats({}).items():
        assert stat.value is None, name
        assert stat.reason is not None and stat.reason.startswith("undefined: need ≥2"), name
    assert cohen_kappa([], []).value is None
    assert scott_pi([], []).value is None
    assert fleiss_kappa_counts([]).value is None
    assert per_category_kappa({}) == []


def test_one_rater_is_undefined() -> None:
    ratings = {i: {"solo": c} for i, c in enumerate("ababc")}
    for name, stat in all_stats(ratings).items():
        assert stat.value is None, name
        assert stat.reason is not None and stat.reason.startswith("undefined"), name
    stat = krippendorff_alpha(ratings)
    assert (stat.n_items, stat.n_dropped) == (0, 5)


def test_light_needs_two_annotators() -> None:
    assert light_kappa({0: {"a": 1, "b": 1}}, ["a"]).reason == "undefined: need ≥2 annotators"


def test_single_category_is_undefined_but_percent_is_one() -> None:
    ratings = {i: {"a": "x", "b": "x", "c": "x"} for i in range(6)}
    for fn in (krippendorff_alpha, fleiss_kappa, fleiss_kappa_gwet):
        stat = fn(ratings)
        assert stat.value is None
        assert stat.reason == "undefined: all ratings in one category"
        assert stat.n_items == 6
    assert cohen_kappa(["x"] * 4, ["x"] * 4).reason == "undefined: all ratings in one category"
    assert scott_pi(["x"] * 4, ["x"] * 4).value is None
    assert light_kappa(ratings, ["a", "b", "c"]).value is None
    assert percent_agreement(ratings).value == 1.0
    # AC1 with the whole taxonomy as q stays defined (agreement.md §4).
    assert gwet_ac1(ratings, TAXONOMY + ["x"]).value == pytest.approx(1.0)
    [(k, stat)] = per_category_kappa(ratings)
    assert k == "x" and stat.value is None and "always chosen" in (stat.reason or "")


def test_one_sided_marginal_is_defined() -> None:
    # p_e < 1 as soon as one rater varies: κ is 0 here, not undefined.
    stat = cohen_kappa(["x", "x", "x", "x"], ["x", "y", "x", "y"])
    assert stat.value == pytest.approx(0.0)


@settings(max_examples=200, deadline=None)
@given(
    st.dictionaries(
        st.integers(0, 30),
        st.dictionaries(
            st.sampled_from(["a", "b", "c"]),
            st.one_of(st.none(), st.just(float("nan")), st.sampled_from(["x", "y", "z"])),
        ),
    )
)
def test_never_nan_never_raises(ratings: dict[int, dict[str, str | float | None]]) -> None:
    for name, stat in all_stats(ratings).items():
        assert isinstance(stat, Stat)
        if stat.value is None:
            assert stat.reason and stat.reason.startswith("undefined"), name
        else:
            assert math.isfinite(stat.value), name
            # Chance-corrected coefficients never exceed 1; below -1 is possible (Gwet's
            # Fleiss with single-rated items) and must not be clamped.
            assert stat.value <= 1.0 + 1e-9, name


# ------------------------------------------------------------------ missing data and dropping


def test_none_nan_and_absent_are_the_same() -> None:
    absent: dict[int, dict[str, float | None]] = {
        0: {"a": 1, "b": 1},
        1: {"a": 2, "b": 1},
        2: {"a": 2, "b": 2},
        3: {"a": 1},
    }
    with_none: dict[int, dict[str, float | None]] = {**absent, 3: {"a": 1, "b": None}}
    with_nan: dict[int, dict[str, float | None]] = {**absent, 3: {"a": 1, "b": float("nan")}}
    for fn in (percent_agreement, krippendorff_alpha, fleiss_kappa):
        assert fn(absent) == fn(with_none) == fn(with_nan)
    assert cohen_kappa_pair(absent, "a", "b") == cohen_kappa_pair(with_nan, "a", "b")


def test_single_rated_items_are_dropped_and_counted() -> None:
    ratings = {
        0: {"a": 1, "b": 1},
        1: {"a": 2, "b": 2},
        2: {"a": 1, "b": 2},
        3: {"a": 1},
        4: {"b": 2},
        5: {},
    }
    for fn in (krippendorff_alpha, fleiss_kappa, percent_agreement):
        stat = fn(ratings)
        assert (stat.n_items, stat.n_dropped) == (3, 2), fn.__name__
    pair = cohen_kappa_pair(ratings, "a", "b")
    assert (pair.n_items, pair.n_dropped) == (3, 2)
    assert (
        krippendorff_alpha(ratings).value
        == krippendorff_alpha({i: ratings[i] for i in range(3)}).value
    )


def test_single_rated_items_change_ac1_but_not_alpha() -> None:
    base = {0: {"a": 1, "b": 1}, 1: {"a": 2, "b": 2}, 2: {"a": 1, "b": 2}}
    extra = {**base, 3: {"a": 1}}
    assert krippendorff_alpha(base).value == krippendorff_alpha(extra).value
    assert gwet_ac1(base, [1, 2]).value != gwet_ac1(extra, [1, 2]).value
    assert gwet_ac1(extra, [1, 2]).n_dropped == 1


def test_annotators_argument_restricts_raters() -> None:
    ratings = {i: {"a": i % 2, "b": i % 2, "noise": (i * 7) % 3} for i in range(12)}
    assert krippendorff_alpha(ratings, annotators=["a", "b"]).value == pytest.approx(1.0)
    all_raters = krippendorff_alpha(ratings).value
    assert all_raters is not None and all_raters < 1.0
    assert percent_agreement(ratings, annotators=["a", "b"]).value == 1.0


# ------------------------------------------------------------------ Fleiss refusal, negatives


def test_fleiss_refuses_unequal_raters() -> None:
    ratings = {0: {"a": 1, "b": 1, "c": 2}, 1: {"a": 1, "b": 2}, 2: {"a": 2, "b": 2, "c": 2}}
    stat = fleiss_kappa(ratings)
    assert stat.value is None
    assert "use Krippendorff's alpha" in (stat.reason or "")
    counts = fleiss_kappa_counts([[2, 1], [1, 1], [0, 3]])
    assert counts.value is None and "Krippendorff" in (counts.reason or "")
    assert krippendorff_alpha(ratings).value is not None


def test_fleiss_counts_rejects_malformed_tables() -> None:
    with pytest.raises(ValueError):
        fleiss_kappa_counts([[1, 2], [3]])
    with pytest.raises(ValueError):
        fleiss_kappa_counts([[1, -1], [0, 2]])


def test_total_disagreement_is_negative_not_clamped() -> None:
    a, b = ["x", "y"], ["y", "x"]
    assert cohen_kappa(a, b).value == pytest.approx(-1.0)
    ratings = ratings_from_columns({"A": a, "B": b})
    assert krippendorff_alpha(ratings).value == pytest.approx(-0.5)
    assert fleiss_kappa(ratings).value == pytest.approx(-1.0)


def test_cohen_rejects_misaligned_sequences() -> None:
    with pytest.raises(ValueError, match="differ in length"):
        cohen_kappa([1, 2], [1])


def test_cohen_skips_missing_positions() -> None:
    stat = cohen_kappa([1, 2, None, 1, 2], [1, 2, 1, None, 1])
    assert (stat.n_items, stat.n_dropped) == (3, 2)
    assert stat.value == cohen_kappa([1, 2, 2], [1, 2, 1]).value


# ------------------------------------------------------------------ sets and distances


def test_set_distances_edge_values() -> None:
    e: frozenset[str] = frozenset()
    one, two = frozenset({"L"}), frozenset({"L", "E"})
    assert masi_distance(e, e) == 0.0 and jaccard_distance(e, e) == 0.0
    assert masi_distance(e, one) == 1.0 and jaccard_distance(e, one) == 1.0
    assert masi_distance(one, one) == 0.0
    assert masi_distance(two, frozenset({"E", "L"})) == 0.0  # sets are unordered
    # Subset: J = 1/2, M = exactly 2/3 (nltk < 3.10.4 used 0.67).
    assert masi_distance(one, two) == pytest.approx(1 - 1 / 3, abs=1e-15)
    assert masi_distance(two, frozenset({"L", "A"})) == pytest.approx(1 - (1 / 3) * (1 / 3))
    assert masi_distance(one, frozenset({"A"})) == 1.0


def test_set_distances_refuse_anything_but_sets() -> None:
    for distance in (masi_distance, jaccard_distance):
        with pytest.raises(TypeError, match="two sets of labels, not str and frozenset"):
            distance("LE", frozenset({"L"}))
        with pytest.raises(TypeError, match="not frozenset and int"):
            distance(frozenset({"L"}), 3)


def test_alpha_with_distance_single_value_is_undefined() -> None:
    ratings = {i: {"a": frozenset({"L"}), "b": frozenset({"L"})} for i in range(3)}
    stat = krippendorff_alpha(ratings, distance=masi_distance)
    assert stat.value is None and stat.reason == "undefined: all ratings in one category"


def test_alpha_with_zero_distance_is_undefined() -> None:
    ratings = {0: {"a": 1, "b": 2}, 1: {"a": 2, "b": 1}}
    stat = krippendorff_alpha(ratings, distance=lambda x, y: 0.0)
    assert stat.value is None and stat.reason == "undefined: expected disagreement is 0"


def test_alpha_with_nominal_distance_equals_fast_path() -> None:
    rng = random.Random(3)
    ratings = {i: {a: rng.choice("abc") for a in "xyz" if rng.random() < 0.8} for i in range(60)}
    slow = krippendorff_alpha(ratings, distance=lambda x, y: float(x != y))
    fast = krippendorff_alpha(ratings)
    assert slow.value == pytest.approx(fast.value, abs=1e-12)
    assert (slow.n_items, slow.n_dropped) == (fast.n_items, fast.n_dropped)


def test_per_category_counts_set_membership() -> None:
    ratings = {
        0: {"a": frozenset({"L", "E"}), "b": frozenset({"L"})},
        1: {"a": frozenset({"A"}), "b": frozenset({"A", "E"})},
        2: {"a": frozenset({"L"}), "b": frozenset({"A"})},
    }
    result = dict(per_category_kappa(ratings, categories=["L", "E", "A", "S"]))
    assert list(result) == ["L", "E", "A", "S"]
    assert result["S"].value is None and "never chosen" in (result["S"].reason or "")
    # L: present/absent pairs (1,1) (0,0) (1,0) → binary Fleiss with m = 2.
    assert result["L"].value == pytest.approx(fleiss_kappa_counts([[2, 0], [0, 2], [1, 1]]).value)


# ------------------------------------------------------------------ AC1 arguments


def test_ac1_rejects_unknown_values_and_tiny_q() -> None:
    ratings = {0: {"a": "x", "b": "y"}, 1: {"a": "x", "b": "x"}}
    assert "not in categories" in (gwet_ac1(ratings, ["x", "z"]).reason or "")
    assert gwet_ac1(ratings, ["x", "y"]).value is not None
    assert "≥2 categories" in (gwet_ac1({0: {"a": 1, "b": 1}}, [1]).reason or "")


# ------------------------------------------------------------------ helpers


def test_confusion_matrix_rows_are_first_annotator() -> None:
    ratings = ratings_from_columns({"A": ["x", "x", "y", None], "B": ["x", "y", "y", "y"]})
    labels, matrix = confusion_matrix(ratings, "A", "B")
    assert labels == ["x", "y"]
    assert matrix == [[1, 1], [0, 1]]
    assert confusion_matrix(ratings, "B", "A")[1] == [[1, 0], [1, 1]]


def test_confusion_matrix_roundtrips_a_table() -> None:
    table = [[46, 6, 0], [0, 32, 0], [0, 6, 10]]
    labels, matrix = confusion_matrix(ratings_from_table(table), "A", "B")
    assert labels == [0, 1, 2] and matrix == table


def test_sort_labels_handles_mixed_types_and_sets() -> None:
    labels = sort_labels([frozenset({"b"}), "z", 3, frozenset({"a", "b"}), 1, "a"])
    assert labels == [1, 3, "a", "z", frozenset({"b"}), frozenset({"a", "b"})]


def test_builders() -> None:
    assert ratings_from_observer_rows([[1, None], [2, 3]], ["p", "q"]) == {
        0: {"p": 1, "q": 2},
        1: {"q": 3},
    }
    assert ratings_from_item_rows([[1, 2, None]]) == {0: {"r0": 1, "r1": 2}}
    cats, table = counts_table({0: {"a": "x", "b": "y"}, 1: {"a": "y"}, 2: {}})
    assert cats == ["x", "y"] and table == [[1, 1], [0, 1]]


def test_pairwise_kappa_reports_n_per_pair() -> None:
    ratings = {
        0: {"a": 1, "b": 1},
        1: {"a": 2, "b": 2},
        2: {"a": 1, "c": 1},
        3: {"a": 2, "c": 1},
        4: {"a": 2, "c": 2},
    }
    pairs = pairwise_kappa(ratings, ["a", "b", "c"])
    assert list(pairs) == [("a", "b"), ("a", "c"), ("b", "c")]
    assert [s.n_items for s in pairs.values()] == [2, 3, 0]
    assert [s.n_dropped for s in pairs.values()] == [3, 2, 5]
    light = light_kappa(ratings, ["a", "b", "c"])
    assert light.value is None and "pair 'b', 'c'" in (light.reason or "")


def test_stat_is_frozen() -> None:
    stat = Stat(0.5)
    with pytest.raises(dataclasses.FrozenInstanceError):
        stat.value = 1.0  # type: ignore[misc]
    assert stat.defined and not Stat(None, "undefined: x").defined


# ------------------------------------------------------------------ bootstrap


def _noisy(n: int, seed: int = 1) -> dict[int, dict[str, str]]:
    rng = random.Random(seed)
    out: dict[int, dict[str, str]] = {}
    for i in range(n):
        truth = rng.choice("abcd")
        out[i] = {a: truth if rng.random() < 0.7 else rng.choice("abcd") for a in "xyz"}
    return out


def test_bootstrap_is_deterministic_and_brackets_the_estimate() -> None:
    ratings = _noisy(80)
    ci = bootstrap_ci(krippendorff_alpha, ratings, n_boot=300, seed=7)
    assert ci == bootstrap_ci(krippendorff_alpha, ratings, n_boot=300, seed=7)
    assert ci != bootstrap_ci(krippendorff_alpha, ratings, n_boot=300, seed=8)
    assert ci is not None
    point = krippendorff_alpha(ratings).value
    assert point is not None and ci[0] < point < ci[1]
    narrow = bootstrap_ci(krippendorff_alpha, ratings, n_boot=300, seed=7, level=0.5)
    assert narrow is not None and ci[0] < narrow[0] < narrow[1] < ci[1]


def test_bootstrap_none_when_too_few_defined() -> None:
    constant = {i: {"a": "x", "b": "x"} for i in range(20)}
    assert bootstrap_ci(krippendorff_alpha, constant, n_boot=50) is None
    assert bootstrap_ci(krippendorff_alpha, {}, n_boot=50) is None
    # A statistic defined only when one particular item is drawn at least twice: that happens
    # in about 26% of resamples of 30 items, fewer than the half required.
    ratings = _noisy(30)
    special = ratings[0]

    def picky(r: Ratings) -> Stat:
        hits = sum(1 for row in r.values() if row is special)
        return percent_agreement(r) if hits >= 2 else Stat(None, "undefined: test")

    assert bootstrap_ci(picky, ratings, n_boot=400) is None
    assert bootstrap_ci(percent_agreement, ratings, n_boot=400) is not None


def test_bootstrap_rejects_bad_level() -> None:
    with pytest.raises(ValueError):
        bootstrap_ci(krippendorff_alpha, _noisy(5), level=1.0)


def test_bootstrap_reduces_resamples_for_large_n() -> None:
    assert effective_resamples(2_000, 1000) == 1000
    assert effective_resamples(100_000, 1000) == 100
    assert effective_resamples(100_000, 50) == 50
    assert effective_resamples(0, 1000) == 0
    calls: list[int] = []

    def counting(r: Ratings) -> Stat:
        calls.append(len(r))
        return percent_agreement(r)

    bootstrap_ci(counting, _noisy(30), n_boot=1000, max_work=3_000)
    assert len(calls) == 100 and set(calls) == {30}


def test_with_bootstrap_ci_fills_ci() -> None:
    stat = with_bootstrap_ci(percent_agreement, _noisy(40), n_boot=100)
    assert stat.ci is not None and stat.value is not None
    assert stat.ci[0] <= stat.value <= stat.ci[1]
    undefined = with_bootstrap_ci(percent_agreement, {}, n_boot=10)
    assert undefined.value is None and undefined.ci is None


# ------------------------------------------------------------------ runtime guarantees


def test_import_is_stdlib_only_and_never_loads_textual() -> None:
    code = (
        "import sys, annotator.stats; "
        "bad = [m for m in ('textual', 'numpy', 'sklearn', 'krippendorff', 'nltk', 'statsmodels')"
        " if m in sys.modules]; print(bad)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_statistics_on_100k_items() -> None:
    # The answers at scale; the clock (a quadratic algorithm would take hours) is
    # benchmarks/guards.py's.
    rng = random.Random(0)
    ratings = {
        i: {a: rng.choice(TAXONOMY[:6]) for a in ("x", "y", "z") if rng.random() < 0.9}
        for i in range(100_000)
    }
    assert percent_agreement(ratings).value is not None
    assert all(s.value is not None for s in pairwise_kappa(ratings, ["x", "y", "z"]).values())
    assert krippendorff_alpha(ratings).n_items > 90_000
    assert gwet_ac1(ratings, TAXONOMY).value is not None
