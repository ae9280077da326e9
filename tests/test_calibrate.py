"""Confidence calibration: the fallback speaks without labels, labels speak when there are many."""

from __future__ import annotations

import random

import pytest

from annotator.models import Suggestion
from annotator.suggest.calibrate import (
    Calibrator,
    Record,
    cross_fitted,
    fold_of,
    records_for,
    reliability,
)


def test_without_labels_confidence_is_the_fallback() -> None:
    calibrator = Calibrator.fit([], decisive_hit_rate=0.9)
    assert calibrator.confidence(False, 0.3, True) == pytest.approx(0.3, abs=1e-3)
    assert calibrator.confidence(True, 0.6, True) == pytest.approx(0.9, abs=1e-3)


def test_many_labels_override_the_fallback() -> None:
    # Suggestions scored 0.3 that were right 70% of the time.
    rng = random.Random(1)
    records = [Record(f"s{i}", False, 0.3, True, rng.random() < 0.7) for i in range(2000)]
    calibrator = Calibrator.fit(records)
    assert calibrator.confidence(False, 0.3, True) == pytest.approx(0.7, abs=0.03)


def test_confidence_rises_with_the_score() -> None:
    rng = random.Random(2)
    records = []
    for i in range(1500):
        score = rng.random()
        records.append(Record(f"s{i}", False, score, False, rng.random() < score))
    calibrator = Calibrator.fit(records)
    values = [calibrator.confidence(False, s, False) for s in (0.1, 0.3, 0.5, 0.7, 0.9)]
    assert values == sorted(values)
    assert values[0] == pytest.approx(0.1, abs=0.06) and values[-1] == pytest.approx(0.9, abs=0.06)


def test_apply_and_records_mark_the_first_suggestion() -> None:
    found = [Suggestion(category=1, score=0.6), Suggestion(category=6, score=0.4)]
    records = records_for("x", found, {6})
    assert [(r.top, r.hit) for r in records] == [(True, False), (False, True)]
    applied = Calibrator.fit([]).apply(found)
    assert all(s.confidence is not None for s in applied)


def test_cross_fitting_leaves_each_fold_out() -> None:
    # Fold 0's suggestions were all wrong, the others' all right: the map for
    # fold 0 (fitted without it) is confident, the others less so.
    ids = [f"s{i}" for i in range(300)]
    records = [Record(sid, False, 0.5, True, fold_of(sid) != 0) for sid in ids]
    maps = cross_fitted(records, 0.8)
    assert sorted(maps) == [0, 1, 2, 3, 4]
    assert maps[0].confidence(False, 0.5, True) > 0.9
    assert maps[1].confidence(False, 0.5, True) < maps[0].confidence(False, 0.5, True)


def test_reliability_table_and_expected_calibration_error() -> None:
    # Bin 0.2-0.4: confidences 0.3, 0.3 with one hit (rate 0.5, gap 0.2);
    # bin 0.8-1.0: 0.9 x3, all hits (gap 0.1). ECE = (2*0.2 + 3*0.1) / 5 = 0.14.
    table = reliability([(0.3, True), (0.3, False), (0.9, True), (0.9, True), (0.9, True)])
    assert table.ece == pytest.approx(0.14)
    assert [row["n"] for row in table.rows] == [0, 2, 0, 0, 3]
    assert table.rows[1]["accuracy"] == 0.5 and table.rows[4]["confidence"] == 0.9
    assert reliability([]).ece is None
