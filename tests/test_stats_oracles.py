"""Randomised comparisons against reference implementations (tolerance 1e-9).

Oracles are test-only dependencies: scikit-learn (Cohen κ), statsmodels (Fleiss κ), krippendorff
(α, also with a callable set distance) and nltk >= 3.10.4 (α with MASI/Jaccard, Light's κ, π,
observed agreement). Where an oracle returns NaN, raises, or returns nltk's degenerate 1.0, our
statistic must be undefined instead.
"""

from __future__ import annotations

import math
import warnings
from collections import Counter
from collections.abc import Callable, Hashable, Mapping
from itertools import combinations
from typing import TYPE_CHECKING, ParamSpec, Protocol, TypeVar

import pytest
from hypothesis import HealthCheck, assume, given, settings, strategies as st

from annotator.stats import (
    Distance,
    Stat,
    cohen_kappa,
    cohen_kappa_pair,
    counts_table,
    fleiss_kappa,
    fleiss_kappa_counts,
    jaccard_distance,
    krippendorff_alpha,
    light_kappa,
    masi_distance,
    per_category_kappa,
    percent_agreement,
    scott_pi,
)

if TYPE_CHECKING:  # numpy and krippendorff ship types; sklearn, statsmodels and nltk do not
    import krippendorff
    import numpy as np
    import numpy.typing as npt
else:
    np = pytest.importorskip("numpy")
    krippendorff = pytest.importorskip("krippendorff")
sklearn_metrics = pytest.importorskip("sklearn.metrics")
sm_inter_rater = pytest.importorskip("statsmodels.stats.inter_rater")
nltk_agreement = pytest.importorskip("nltk.metrics.agreement")
nltk_distance = pytest.importorskip("nltk.metrics.distance")

TOL = 1e-9
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])

labels = st.sampled_from(["a", "b", "c", "d"])
label_sets = st.frozensets(st.sampled_from("LEAST"), min_size=1, max_size=3)

V = TypeVar("V", bound=Hashable)
G = TypeVar("G", bound="np.generic")
R = TypeVar("R", bound="np.inexact")
T = TypeVar("T")
P = ParamSpec("P")
LabelSet = frozenset[str]
SetDistance = Callable[[LabelSet, LabelSet], float]
Pair = tuple[list[str], list[str]]
Complete = tuple[dict[int, dict[str, str]], list[str]]
Sparse = tuple[dict[int, dict[str, str | None]], list[str]]
SparseSets = tuple[dict[int, dict[str, LabelSet | None]], list[str]]


@st.composite
def two_raters(draw: st.DrawFn, min_size: int = 1) -> Pair:
    n = draw(st.integers(min_size, 40))
    a = draw(st.lists(labels, min_size=n, max_size=n))
    b = draw(st.lists(labels, min_size=n, max_size=n))
    return a, b


@st.composite
def complete_ratings(
    draw: st.DrawFn, values: st.SearchStrategy[str] = labels, min_raters: int = 2
) -> Complete:
    """Every annotator rates every item (what Fleiss, sklearn and nltk κ assume)."""
    m = draw(st.integers(min_raters, 5))
    n = draw(st.integers(1, 25))
    names = [f"r{j}" for j in range(m)]
    return {i: {name: draw(values) for name in names} for i in range(n)}, names


@st.composite
def sparse_ratings(
    draw: st.DrawFn, values: st.SearchStrategy[V]
) -> tuple[dict[int, dict[str, V | None]], list[str]]:
    """Missing ratings allowed (absent key or None), including single-rated items."""
    m = draw(st.integers(2, 5))
    n = draw(st.integers(1, 25))
    names = [f"r{j}" for j in range(m)]
    out: dict[int, dict[str, V | None]] = {}
    for i in range(n):
        row: dict[str, V | None] = {}
        for name in names:
            kind = draw(st.integers(0, 3))
            if kind == 0:
                continue  # absent
            row[name] = None if kind == 1 else draw(values)
        out[i] = row
    return out, names


def _quiet(fn: Callable[P, T], *args: P.args, **kwargs: P.kwargs) -> T:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return fn(*args, **kwargs)


def assert_matches(ours: Stat, reference: float | None) -> None:
    """``reference`` of None/NaN means undefined: ours must be None, not NaN or 1.0."""
    if reference is None or (isinstance(reference, float) and math.isnan(reference)):
        assert ours.value is None, ours
        assert ours.reason and ours.reason.startswith("undefined")
    else:
        assert ours.value is not None, ours
        assert ours.value == pytest.approx(float(reference), abs=TOL)


# ------------------------------------------------------------------ Cohen / Scott / Light


@SETTINGS
@given(two_raters())
def test_cohen_matches_sklearn(pair: Pair) -> None:
    a, b = pair
    reference = _quiet(sklearn_metrics.cohen_kappa_score, a, b)
    assert_matches(cohen_kappa(a, b), reference)


@SETTINGS
@given(sparse_ratings(labels))
def test_cohen_pair_matches_sklearn_on_corated_items(data: Sparse) -> None:
    ratings, names = data
    a, b = names[0], names[1]
    both = [(r[a], r[b]) for r in ratings.values() if r.get(a) is not None and r.get(b) is not None]
    stat = cohen_kappa_pair(ratings, a, b)
    assert stat.n_items == len(both)
    if not both:
        assert stat.value is None
        return
    xs, ys = zip(*both, strict=True)
    assert_matches(stat, _quiet(sklearn_metrics.cohen_kappa_score, list(xs), list(ys)))


class _AnnotationTask(Protocol):
    """The part of nltk's (untyped) ``AnnotationTask`` these tests call."""

    def kappa(self) -> float: ...
    def pi(self) -> float: ...
    def avg_Ao(self) -> float: ...
    def alpha(self) -> float: ...


def _nltk_task(
    ratings: Mapping[int, Mapping[str, Hashable | None]], distance: SetDistance | None = None
) -> _AnnotationTask:
    triples = [
        (coder, item, value)
        for item, row in ratings.items()
        for coder, value in row.items()
        if value is not None
    ]
    kwargs = {"distance": distance} if distance is not None else {}
    task: _AnnotationTask = nltk_agreement.AnnotationTask(data=triples, **kwargs)
    return task


@SETTINGS
@given(complete_ratings())
def test_light_matches_sklearn_mean_and_nltk(data: Complete) -> None:
    ratings, names = data
    ours = light_kappa(ratings, names)
    pair_values: list[float] = []
    for a, b in combinations(names, 2):
        xs = [ratings[i][a] for i in ratings]
        ys = [ratings[i][b] for i in ratings]
        pair_values.append(_quiet(sklearn_metrics.cohen_kappa_score, xs, ys))
    if any(math.isnan(v) for v in pair_values):
        assert ours.value is None
        return
    assert_matches(ours, sum(pair_values) / len(pair_values))
    assert_matches(ours, _nltk_task(ratings).kappa())


@SETTINGS
@given(two_raters())
def test_scott_pi_matches_nltk(pair: Pair) -> None:
    a, b = pair
    ratings = {i: {"A": x, "B": y} for i, (x, y) in enumerate(zip(a, b, strict=True))}
    ours = scott_pi(a, b)
    if len(set(a) | set(b)) == 1:
        assert ours.value is None  # nltk returns a degenerate 1.0 here
        return
    assert_matches(ours, _nltk_task(ratings).pi())


@SETTINGS
@given(complete_ratings())
def test_percent_agreement_matches_nltk_avg_ao(data: Complete) -> None:
    ratings, _ = data
    assert_matches(percent_agreement(ratings), _nltk_task(ratings).avg_Ao())


# ------------------------------------------------------------------ Fleiss


@SETTINGS
@given(complete_ratings())
def test_fleiss_matches_statsmodels(data: Complete) -> None:
    ratings, _ = data
    cats, table = counts_table(ratings)
    reference = _quiet(sm_inter_rater.fleiss_kappa, np.array(table), method="fleiss")
    assert_matches(fleiss_kappa(ratings), reference)
    assert_matches(fleiss_kappa_counts(table), reference)


@SETTINGS
@given(complete_ratings())
def test_per_category_matches_binarised_statsmodels(data: Complete) -> None:
    ratings, names = data
    m = len(names)
    for k, stat in per_category_kappa(ratings):
        table = [[sum(v == k for v in row.values()), 0] for row in ratings.values()]
        for row in table:
            row[1] = m - row[0]
        reference = _quiet(sm_inter_rater.fleiss_kappa, np.array(table), method="fleiss")
        assert stat.method == "kappa"
        assert_matches(stat, reference)


# ------------------------------------------------------------------ Krippendorff α


def _kripp_reference(
    ratings: Mapping[int, Mapping[str, str | bool | None]],
    names: list[str],
    level: krippendorff.LevelOfMeasurement = "nominal",
) -> float | None:
    codes = {
        v: i
        for i, v in enumerate(
            sorted({v for r in ratings.values() for v in r.values() if v is not None})
        )
    }
    data = [
        [codes[value] if (value := ratings[i].get(n)) is not None else np.nan for i in ratings]
        for n in names
    ]
    try:
        alpha: float = _quiet(
            krippendorff.alpha,
            reliability_data=np.array(data, dtype=float),
            level_of_measurement=level,
        )
    except ValueError:
        return None  # krippendorff refuses one-value domains and unpairable data
    return alpha


@SETTINGS
@given(sparse_ratings(labels))
def test_alpha_nominal_matches_krippendorff(data: Sparse) -> None:
    ratings, names = data
    assert_matches(krippendorff_alpha(ratings), _kripp_reference(ratings, names))


@SETTINGS
@given(sparse_ratings(labels))
def test_alpha_nominal_matches_nltk(data: Sparse) -> None:
    ratings, _ = data
    ours = krippendorff_alpha(ratings)
    pairable = [r for r in ratings.values() if sum(v is not None for v in r.values()) >= 2]
    values = {v for r in pairable for v in r.values() if v is not None}
    if len(values) < 2:
        assert ours.value is None  # nltk would say 1 (or raise on no data)
        return
    assert_matches(ours, _nltk_task(ratings).alpha())


def _set_alpha_references(
    ratings: Mapping[int, Mapping[str, LabelSet | None]], names: list[str], distance: SetDistance
) -> float | None:
    """krippendorff with a callable lookup distance over integer-coded sets."""
    values = sorted({v for r in ratings.values() for v in r.values() if v is not None}, key=sorted)
    codes = {v: i for i, v in enumerate(values)}
    counts = np.zeros((len(ratings), len(values)), dtype=int)
    for row_i, row in enumerate(ratings.values()):
        for v in row.values():
            if v is not None:
                counts[row_i, codes[v]] += 1
    lookup = np.array([[distance(x, y) for y in values] for x in values])

    def metric(
        v1: npt.NDArray[G],
        v2: npt.NDArray[G],
        i1: npt.NDArray[np.int_],
        i2: npt.NDArray[np.int_],
        n_v: npt.NDArray[R],
        # The default of krippendorff's own DistanceMetric protocol: a scalar type, not a dtype.
        dtype: np.dtype[R] = krippendorff.DEFAULT_DTYPE,  # type: ignore[assignment]
    ) -> npt.NDArray[R]:
        return lookup[i1, i2].astype(dtype)

    try:
        alpha: float = _quiet(krippendorff.alpha, value_counts=counts, level_of_measurement=metric)
    except ValueError:
        return None
    return alpha


@pytest.mark.parametrize(
    ("ours_distance", "nltk_name"),
    [(masi_distance, "masi_distance"), (jaccard_distance, "jaccard_distance")],
)
@SETTINGS
@given(data=sparse_ratings(values=label_sets))
def test_alpha_sets_match_nltk_and_krippendorff(
    data: SparseSets, ours_distance: Distance, nltk_name: str
) -> None:
    ratings, names = data
    ours = krippendorff_alpha(ratings, distance=ours_distance)
    pairable = [r for r in ratings.values() if sum(v is not None for v in r.values()) >= 2]
    distinct = {v for r in pairable for v in r.values() if v is not None}
    if len(distinct) < 2:
        assert ours.value is None
        return
    assert_matches(ours, _set_alpha_references(ratings, names, ours_distance))
    assert_matches(ours, _nltk_task(ratings, getattr(nltk_distance, nltk_name)).alpha())


@SETTINGS
@given(label_sets, label_sets)
def test_set_distances_match_nltk(a: LabelSet, b: LabelSet) -> None:
    assert masi_distance(a, b) == pytest.approx(nltk_distance.masi_distance(a, b), abs=TOL)
    assert jaccard_distance(a, b) == pytest.approx(nltk_distance.jaccard_distance(a, b), abs=TOL)


@SETTINGS
@given(sparse_ratings(labels))
def test_per_category_alpha_fallback_matches_krippendorff(data: Sparse) -> None:
    ratings, names = data
    sizes = {sum(v is not None for v in r.values()) for r in ratings.values()} - {0, 1}
    assume(len(sizes) > 1)
    for k, stat in per_category_kappa(ratings):
        assert stat.method == "alpha-presence"
        binary = {
            i: {n: (v == k) for n, v in row.items() if v is not None} for i, row in ratings.items()
        }
        assert_matches(stat, _kripp_reference(binary, names))


# ------------------------------------------------------------------ Gwet AC1 (no oracle installed)


def _ac1_reference(
    ratings: Mapping[int, Mapping[str, str | None]], categories: list[str]
) -> float | None:
    """Direct transcription of Gwet's AC1 (irrCAC ``gwet``), kept deliberately naive."""
    rows = [[v for v in r.values() if v is not None] for r in ratings.values()]
    rows = [r for r in rows if r]
    multi = [r for r in rows if len(r) >= 2]
    if not multi:
        return None
    p_a = 0.0
    for r in multi:
        c = Counter(r)
        p_a += sum(c[k] * (c[k] - 1) for k in categories) / (len(r) * (len(r) - 1))
    p_a /= len(multi)
    pis = [sum(Counter(r)[k] / len(r) for r in rows) / len(rows) for k in categories]
    p_e = sum(p * (1 - p) for p in pis) / (len(categories) - 1)
    return (p_a - p_e) / (1 - p_e)


@SETTINGS
@given(sparse_ratings(labels), st.integers(4, 14))
def test_ac1_matches_naive_formula(data: Sparse, q: int) -> None:
    from annotator.stats import gwet_ac1

    ratings, _ = data
    categories = ["a", "b", "c", "d"] + [f"x{i}" for i in range(q - 4)]
    assert_matches(gwet_ac1(ratings, categories), _ac1_reference(ratings, categories))
