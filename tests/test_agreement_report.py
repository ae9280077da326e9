"""The agreement report over a real database (annotator.agreement).

Small fixture databases whose agreement can be counted by hand, checked against the hand value
and against scikit-learn (test oracle); pass handling; the set level with MASI; undefined
statistics; blind-suggestion groups; the weighted fast path against annotator.stats on random
data; a timing bound; and the real DL-Bench labels.
"""

from __future__ import annotations

import json
import math
import random
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from annotator import stats
from annotator.agreement import agreement_report, expand, load_ratings, weighted as w
from annotator.agreement.weighted import Pattern, Patterns
from annotator.errors import UserError
from annotator.importers import import_path
from annotator.models import LabelValue, SampleIn
from annotator.store import Store

P = "pass"


def _label(value: object, shown: bool | None = None) -> LabelValue:
    """Shorthand: 3 -> bug in category 3, (3, "sub") / (3, None, 5) / "pass" / "skip" / "none"."""
    if value in ("pass", "skip"):
        return LabelValue(kind=value, suggestions_shown=shown)
    if value == "none":
        return LabelValue(kind="none", flag="unclear", suggestions_shown=shown)
    if isinstance(value, tuple):
        cat, sub, *rest = value
        cat2 = rest[0] if rest else None
        return LabelValue(category=cat, subcategory=sub, category2=cat2, suggestions_shown=shown)
    return LabelValue(category=value, suggestions_shown=shown)  # type: ignore[arg-type]


def fill(
    store: Store,
    columns: Mapping[str, Sequence[object]],
    shown: dict[str, bool | None] | None = None,
) -> None:
    """One sample per position; ``None`` in a column means no label from that annotator."""
    n = max(len(c) for c in columns.values())
    for i in range(n):
        store.upsert_sample(SampleIn(id=f"s{i:02d}", generated_code="x = 1"))
    for who, values in columns.items():
        for i, value in enumerate(values):
            if value is not None:
                flag = (shown or {}).get(who)
                store.set_label(f"s{i:02d}", who, _label(value, flag))


ANN1 = [1, 1, 1, 2, 2, 2, 3, 3, P, P]
ANN2 = [1, 1, 2, 2, 2, 3, 3, 3, P, 1]


def test_two_annotators_kappa_by_hand_and_sklearn(store: Store) -> None:
    fill(store, {"ann1": ANN1, "ann2": ANN2})
    report = agreement_report(store)
    [pair] = report["pairs"]
    assert (pair["a"], pair["b"], pair["n"]) == ("ann1", "ann2", 10)
    assert pair["percent"] == pytest.approx(0.7)
    # p_o = 7/10, p_e = (3·3 + 3·3 + 2·3 + 2·1)/100 = 0.26, κ = 0.44/0.74 = 22/37.
    assert pair["cohen_kappa"] == pytest.approx(22 / 37, abs=1e-12)
    metrics = pytest.importorskip("sklearn.metrics")
    expected = metrics.cohen_kappa_score([str(v) for v in ANN1], [str(v) for v in ANN2])
    assert pair["cohen_kappa"] == pytest.approx(expected, abs=1e-12)
    assert report["light_kappa"] == pytest.approx(22 / 37, abs=1e-12)
    assert report["n_items"] == 10 and report["n_dropped"] == 0
    assert report["confusion"]["ann1|ann2"]["labels"] == [1, 2, 3, P]
    assert report["confusion"]["ann1|ann2"]["matrix"] == [
        [2, 1, 0, 0],
        [0, 2, 1, 0],
        [0, 0, 2, 0],
        [1, 0, 0, 1],
    ]


def test_without_pass_drops_items_where_anyone_said_pass(store: Store) -> None:
    fill(store, {"ann1": ANN1, "ann2": ANN2})
    report = agreement_report(store)
    without = report["without_pass"]
    assert without["n_pass_items"] == 2 and without["n_items"] == 8
    # 8 items: p_o = 6/8, p_e = (3·2 + 3·3 + 2·3)/64 = 21/64, κ = 27/43.
    assert without["pairs"][0]["cohen_kappa"] == pytest.approx(27 / 43, abs=1e-12)
    assert P not in [e["category"] for e in without["per_category"]]
    assert P in [e["category"] for e in report["per_category"]]
    only = agreement_report(store, no_pass=True)
    assert only["pass_included"] is False
    assert only["pairs"] == without["pairs"] and only["n_items"] == 8
    assert only["krippendorff_alpha"] == without["krippendorff_alpha"]


def test_skip_and_flag_only_labels_are_missing(store: Store) -> None:
    fill(store, {"ann1": [*ANN1, "skip", "none", 4], "ann2": [*ANN2, 5, 5, None]})
    report = agreement_report(store)
    assert report["pairs"][0]["n"] == 10
    assert report["pairs"][0]["cohen_kappa"] == pytest.approx(22 / 37, abs=1e-12)
    # Items 10, 11, 12 each carry one rating: left out of alpha and counted.
    assert report["n_rated"] == 13 and report["n_dropped"] == 3


def test_subcategory_level_values(store: Store) -> None:
    fill(store, {"a": [(1, None), P, 2], "b": [(1, None), P, (2, None)]})
    loaded = load_ratings(store, ["a", "b"], "subcategory")
    rows = sorted(tuple(v for _, v in p) for p in loaded.patterns)
    assert rows == [("1/?", "1/?"), ("2/?", "2/?"), (P, P)]


def test_set_level_masi_and_jaccard(store: Store) -> None:
    a = [(1, None, 6), 3, (4, None, 5), P, 7, (8, None, 1)]
    b = [1, 3, (5, None, 4), P, 2, 8]
    fill(store, {"a": a, "b": b})
    report = agreement_report(store, level="set")
    pairs: list[tuple[set[int | str], set[int | str]]] = [
        ({1, 6}, {1}),
        ({3}, {3}),
        ({4, 5}, {4, 5}),
        ({P}, {P}),
        ({7}, {2}),
        ({8, 1}, {8}),
    ]
    sets = {i: {"a": frozenset(x), "b": frozenset(y)} for i, (x, y) in enumerate(pairs)}
    masi = stats.krippendorff_alpha(sets, stats.masi_distance).value
    jaccard = stats.krippendorff_alpha(sets, stats.jaccard_distance).value
    assert report["alpha_masi"] == pytest.approx(masi, abs=1e-12)
    assert report["alpha_jaccard"] == pytest.approx(jaccard, abs=1e-12)
    # Partial overlaps count partly: MASI alpha lies above the exact-set nominal alpha.
    assert report["alpha_masi"] > report["krippendorff_alpha"]
    assert report["gwet_ac1"] is None and "gwet_ac1" in report["undefined"]
    assert report["confusion"]["a|b"]["labels"][0] == [1]
    nltk = pytest.importorskip("nltk.metrics.agreement")
    dist = pytest.importorskip("nltk.metrics.distance")
    triples = [(c, i, v) for i, row in sets.items() for c, v in row.items()]
    task = nltk.AnnotationTask(triples, distance=dist.masi_distance)
    assert report["alpha_masi"] == pytest.approx(task.alpha(), abs=1e-9)


def test_one_annotator_is_undefined_not_a_crash(store: Store) -> None:
    fill(store, {"solo": [1, 2, 3]})
    report = agreement_report(store)
    assert report["pairs"] == [] and report["n_items"] == 0
    for key in ("krippendorff_alpha", "fleiss_kappa", "light_kappa", "percent", "gwet_ac1"):
        assert report[key] is None
        assert report["undefined"][key].startswith("undefined:")
    json.dumps(report, allow_nan=False)


def test_everyone_same_category_is_null_with_reason(store: Store) -> None:
    fill(store, {"a": [4, 4, 4], "b": [4, 4, 4]})
    report = agreement_report(store)
    pair = report["pairs"][0]
    assert pair["cohen_kappa"] is None and pair["percent"] == 1.0
    assert "one category" in report["undefined"]["cohen_kappa:a|b"]
    assert report["krippendorff_alpha"] is None and report["fleiss_kappa"] is None
    assert "one category" in report["undefined"]["krippendorff_alpha"]
    # AC1 with q = all 14 categories (+ pass) is defined: chance agreement is small.
    assert report["gwet_ac1"] == pytest.approx(1.0)
    json.dumps(report, allow_nan=False)


def test_unequal_raters_fleiss_refused_and_pair_without_common_items(store: Store) -> None:
    fill(store, {"final": [1, 2, 3, 1], "k": [1, 2, None, None], "q": [None, None, 3, 2]})
    assert agreement_report(store)["annotators"] == ["k", "q"]  # the raters, by default
    report = agreement_report(store, ["final", "k", "q"])
    assert report["annotators"] == ["final", "k", "q"]
    by_pair = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert by_pair[("k", "q")]["n"] == 0 and by_pair[("k", "q")]["cohen_kappa"] is None
    assert "no item rated by both" in report["undefined"]["cohen_kappa:k|q"]
    assert "k" in report["undefined"]["light_kappa"]
    fill(store, {"k": [1, 2, 3]})  # item s02 now has three ratings, the others two
    report = agreement_report(store, ["final", "k", "q"])
    assert report["fleiss_kappa"] is None
    assert "alpha" in report["undefined"]["fleiss_kappa"]
    assert report["krippendorff_alpha"] is not None


def test_annotator_subset_and_unknown_names(store: Store) -> None:
    fill(store, {"final": [1, 2, 3], "k": [1, 2, 2], "q": [1, 1, 3]})
    report = agreement_report(store, ["q", "final"])
    assert report["annotators"] == ["q", "final"]
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [("q", "final")]
    with pytest.raises(UserError, match="'nobody'"):
        agreement_report(store, ["k", "nobody"])


def test_by_suggestions_groups_items_by_the_raters_flag(store: Store) -> None:
    for i in range(6):
        store.upsert_sample(SampleIn(id=f"s{i}"))
    # s0-s1: both raters saw suggestions; s2-s3: neither; s4: mixed; s5: no flag.
    flags: dict[int, tuple[bool | None, bool | None]] = {
        0: (True, True),
        1: (True, None),
        2: (False, False),
        3: (False, False),
    }
    flags |= {4: (True, False), 5: (None, None)}
    values = {0: (1, 1), 1: (2, 2), 2: (1, 2), 3: (3, 3), 4: (1, 1), 5: (2, 2)}
    for i, (fa, fb) in flags.items():
        va, vb = values[i]
        store.set_label(f"s{i}", "a", _label(va, fa))
        store.set_label(f"s{i}", "b", _label(vb, fb))
        store.set_label(f"s{i}", "final", _label(va, False))  # final's flag is ignored
    report = agreement_report(store)
    groups = report["by_suggestions"]
    assert groups["n_mixed"] == 1 and groups["n_unknown"] == 1
    assert groups["shown"]["n_items"] == 2 and groups["hidden"]["n_items"] == 2
    shown_pair = groups["shown"]["pairs"][0]
    assert (shown_pair["a"], shown_pair["b"], shown_pair["percent"]) == ("a", "b", 1.0)
    assert groups["hidden"]["pairs"][0]["percent"] == 0.5


def test_no_by_suggestions_when_the_flag_never_varies(store: Store) -> None:
    fill(store, {"a": [1, 2], "b": [1, 3]}, shown={"a": True, "b": True})
    assert "by_suggestions" not in agreement_report(store)


def test_bootstrap_is_deterministic_and_brackets_the_estimate(store: Store) -> None:
    rng = random.Random(3)
    a = [rng.randint(1, 4) for _ in range(60)]
    b = [x if rng.random() < 0.7 else rng.randint(1, 4) for x in a]
    fill(store, {"a": a, "b": b})
    first = agreement_report(store, n_boot=200)
    again = agreement_report(store, n_boot=200)
    assert first == again
    lo, hi = first["pairs"][0]["ci"]
    assert lo < first["pairs"][0]["cohen_kappa"] < hi
    lo, hi = first["ci"]["krippendorff_alpha"]
    assert lo < first["krippendorff_alpha"] < hi
    assert agreement_report(store)["pairs"][0]["ci"] is None
    # The fast path folds resamples into pattern counts; the interval is still exactly what
    # annotator.stats.bootstrap_ci gives with the stats function on the same items.
    ratings = expand(load_ratings(store, ["a", "b"], "category").patterns)
    expected = stats.bootstrap_ci(stats.krippendorff_alpha, ratings, n_boot=200, seed=0)
    assert expected is not None
    assert first["ci"]["krippendorff_alpha"] == pytest.approx(list(expected), abs=1e-12)


# ---------------------------------------------------------------- weighted == annotator.stats

VALUES = st.one_of(st.sampled_from([1, 2, 3, P]), st.none())
SETS = st.one_of(st.sampled_from([frozenset({1}), frozenset({1, 2}), frozenset({2, 3})]), st.none())


Row = tuple[Hashable | None, ...]


def _patterns(rows: list[Row]) -> Patterns:
    counts: Patterns = Counter()
    for row in rows:
        pattern: Pattern = tuple((n, v) for n, v in zip("abc", row, strict=False) if v is not None)
        if pattern:
            counts[pattern] += 1
    return counts


def _same(fast: stats.Stat, slow: stats.Stat) -> None:
    assert (fast.reason, fast.n_items, fast.n_dropped) == (
        slow.reason,
        slow.n_items,
        slow.n_dropped,
    )
    if slow.value is None:
        assert fast.value is None
    else:
        assert fast.value is not None and math.isclose(fast.value, slow.value, abs_tol=1e-12)


@settings(max_examples=150, deadline=None)
@given(st.lists(st.tuples(VALUES, VALUES, VALUES), max_size=25), st.booleans())
def test_weighted_equals_stats_on_random_ratings(rows: list[Row], two_only: bool) -> None:
    if two_only:  # equal numbers of raters, so the Fleiss/one-vs-rest kappa branch runs too
        rows = [(x, y, None) for x, y, _ in rows if x is not None and y is not None]
    patterns = _patterns(rows)
    ratings = expand(patterns)
    _same(w.percent(patterns), stats.percent_agreement(ratings))
    _same(w.fleiss(patterns), stats.fleiss_kappa(ratings))
    _same(w.alpha(patterns), stats.krippendorff_alpha(ratings))
    _same(w.gwet_ac1(patterns, [1, 2, 3, 4, P]), stats.gwet_ac1(ratings, [1, 2, 3, 4, P]))
    for a, b in (("a", "b"), ("a", "c"), ("b", "c")):
        conf, dropped = w.pair_counts(patterns, a, b)
        _same(w.cohen(conf, dropped), stats.cohen_kappa_pair(ratings, a, b))
        assert w.confusion(conf) == stats.confusion_matrix(ratings, a, b)
    fast = w.per_category(patterns)
    slow = stats.per_category_kappa(ratings)
    assert [k for k, _, _ in fast] == [k for k, _ in slow]
    for (_, f, _), (_, s) in zip(fast, slow, strict=True):
        _same(f, s)
        assert f.method == s.method


@settings(max_examples=80, deadline=None)
@given(st.lists(st.tuples(SETS, SETS, SETS), max_size=20))
def test_weighted_set_alpha_equals_stats(rows: list[Row]) -> None:
    patterns = _patterns(rows)
    ratings = expand(patterns)
    for dist in (stats.masi_distance, stats.jaccard_distance):
        _same(w.alpha(patterns, dist), stats.krippendorff_alpha(ratings, dist))
    fast = w.per_category(patterns)
    slow = stats.per_category_kappa(ratings)
    assert [(k, f.value) for k, f, _ in fast] == [(k, s.value) for k, s in slow]


# ---------------------------------------------------------------- scale


def big_store(path: Path, n: int = 20_000) -> Store:
    """``n`` failing samples labeled by final, a and b (70% agreeing with one
    base label); benchmarks/guards.py times the agreement report over it."""
    rng = random.Random(11)
    store = Store.open(path)
    cats = [c.id for c in store.taxonomy.categories]
    choices = [LabelValue(kind="pass"), *(LabelValue(category=c) for c in cats)]
    with store.transaction():
        with store.sample_batch() as batch:
            for i in range(n):
                batch.add(SampleIn(id=f"s{i:05d}", passed=False))
        for i in range(n):
            base = rng.choice(choices)
            for who in ("final", "a", "b"):
                value = base if rng.random() < 0.7 else rng.choice(choices)
                store.import_label(f"s{i:05d}", who, value, source="test")
    return store


def test_20k_samples_three_annotators(tmp_path: Path) -> None:
    # The answer at scale; its time is benchmarks/guards.py's.
    store = big_store(tmp_path / "big.db")
    report = agreement_report(store, ["final", "a", "b"])
    store.close()
    assert report["n_items"] == 20_000 and len(report["pairs"]) == 3
    assert 0.3 < report["krippendorff_alpha"] < 0.8


# ---------------------------------------------------------------- real data


def test_dlbench_final_vs_raters_equals_sklearn(dlbench_dir: Path, store: Store) -> None:
    metrics = pytest.importorskip("sklearn.metrics")
    import_path(store, "dlbench", dlbench_dir)
    report = agreement_report(store, ["final", "rater_k", "rater_q"])
    assert report["annotators"] == ["final", "rater_k", "rater_q"]
    # The oracle's pairs come from the Label objects, not from the report's SQL.
    by_who: dict[str, dict[str, str]] = {}
    for label in store.labels():
        if label.kind == "pass":
            by_who.setdefault(label.annotator, {})[label.sample_id] = P
        elif label.kind == "bug":
            by_who.setdefault(label.annotator, {})[label.sample_id] = str(label.category)
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    for rater in ("rater_k", "rater_q"):
        common = sorted(set(by_who["final"]) & set(by_who[rater]))
        x = [by_who["final"][s] for s in common]
        y = [by_who[rater][s] for s in common]
        pair = pairs[("final", rater)]
        assert pair["n"] == len(common) > 50
        assert pair["cohen_kappa"] == pytest.approx(metrics.cohen_kappa_score(x, y), abs=1e-12)
    assert pairs[("rater_k", "rater_q")]["n"] == 0
    assert "no item rated by both" in report["undefined"]["cohen_kappa:rater_k|rater_q"]
    assert report["light_kappa"] is None
    assert report["krippendorff_alpha"] is not None and report["fleiss_kappa"] is not None
