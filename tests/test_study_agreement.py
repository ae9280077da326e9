"""A simulated study: two annotators, three rounds, initial and negotiated labels.

Round 1 is checked by hand (percent agreement and Cohen's kappa worked out below);
every round and the whole study are checked against scikit-learn's
``cohen_kappa_score`` as an oracle. The labels are written through the store, the
rounds, the discussion and the negotiated changes through the real CLI.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.rounds import conflicts, initial_labels, round_samples, rounds
from annotator.store import Store

P = "pass"
Row = list[int | str]
# Initial labels per round (10 samples each), and the negotiated changes after discussion.
ALICE: list[Row] = [
    [1, 1, 2, 2, 3, 3, 4, 4, P, P],
    [5, 5, 5, 1, 1, 2, 6, 6, 3, P],
    [2, 2, 2, 2, 4, 4, 1, 1, 1, 7],
]
BOB: list[Row] = [
    [1, 2, 2, 3, 3, 4, 4, 1, P, 1],
    [5, 5, 1, 1, 1, 2, 6, 3, 3, 3],
    [2, 2, 2, 2, 4, 1, 1, 1, 7, 7],
]
# (round, index, annotator, new value, reason)
NEGOTIATED: list[tuple[int, int, str, int | str, str | None]] = [
    (0, 1, "bob", 1, "the first error is the shape"),
    (0, 3, "bob", 2, None),
    (0, 5, "bob", 3, "agreed after discussion"),
    (1, 2, "alice", 1, None),
    (1, 9, "bob", P, "the test was wrong"),
    (2, 5, "alice", 1, None),
]


def _value(v: object) -> LabelValue:
    return LabelValue(kind="pass") if v == P else LabelValue(kind="bug", category=v)  # type: ignore[arg-type]


def sid(r: int, i: int) -> str:
    return f"r{r}s{i}"


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def study(tmp_path: Path) -> Path:
    db = tmp_path / "study.db"
    with Store.open(db) as store:
        for r in range(3):
            for i in range(10):
                store.upsert_sample(SampleIn(id=sid(r, i), passed=False))
    for r in range(3):
        ids = ",".join(sid(r, i) for i in range(10))
        run(db, "round", "new", "--size", "10", "--from", f"id:{ids}",
            "--annotators", "alice,bob", "--new-annotators")  # fmt: skip
        with Store.open(db) as store:
            for who, table in (("alice", ALICE), ("bob", BOB)):
                for i, v in enumerate(table[r]):
                    if (r, i) == (2, 0):
                        # A skip first, then a decision: the decision is the initial label.
                        store.set_label(sid(r, i), who, LabelValue(kind="skip"))
                    store.set_label(sid(r, i), who, _value(v))
        run(db, "round", "discuss", str(r + 1))
        for rr, i, who, v, reason in NEGOTIATED:
            if rr != r:
                continue
            args = ["--pass"] if v == P else ["--category", str(v)]
            if reason:
                args += ["--reason", reason]
            run(db, "negotiate", sid(r, i), "--as", who, *args)
    return db


def negotiated() -> tuple[list[Row], list[Row]]:
    alice = [list(row) for row in ALICE]
    bob = [list(row) for row in BOB]
    for r, i, who, v, _ in NEGOTIATED:
        (alice if who == "alice" else bob)[r][i] = v
    return alice, bob


def percent(a: Sequence[object], b: Sequence[object]) -> float:
    return sum(x == y for x, y in zip(a, b, strict=True)) / len(a)


def kappa(a: Sequence[object], b: Sequence[object]) -> float:
    sklearn = pytest.importorskip("sklearn.metrics")
    return float(sklearn.cohen_kappa_score([str(x) for x in a], [str(x) for x in b]))


def cohen(block: dict[str, Any]) -> float:
    (pair,) = block["pairs"]
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    return float(pair["cohen_kappa"])


def test_round_one_by_hand(study: Path) -> None:
    report = json.loads(run(study, "agreement", "--round", "1", "--json", "--bootstrap", "0"))
    # Initial: agree on items 0, 2, 4, 6, 8 -> 5/10. Marginals alice 2,2,2,2,2 (1,2,3,4,pass),
    # bob 3,2,2,2,1: pe = (6+4+4+4+2)/100 = 0.2, kappa = (0.5-0.2)/0.8 = 0.375.
    assert report["initial"]["percent"] == pytest.approx(0.5)
    assert cohen(report["initial"]) == pytest.approx(0.375)
    # Negotiated: bob moved items 1, 3, 5 to alice's answer -> 8/10. Bob's marginals
    # 4,2,2,1,1: pe = (8+4+4+2+2)/100 = 0.2, kappa = (0.8-0.2)/0.8 = 0.75.
    assert report["percent"] == pytest.approx(0.8)
    assert cohen(report) == pytest.approx(0.75)
    assert report["round"] == 1
    assert [entry["round"] for entry in report["rounds"]] == [1]


def test_every_round_and_overall_against_the_oracle(study: Path) -> None:
    alice, bob = negotiated()
    report = json.loads(run(study, "agreement", "--json", "--bootstrap", "50"))
    assert [e["round"] for e in report["rounds"]] == [1, 2, 3]
    for r, entry in enumerate(report["rounds"]):
        assert entry["size"] == 10
        assert entry["initial"]["percent"] == pytest.approx(percent(ALICE[r], BOB[r]))
        assert cohen(entry["initial"]) == pytest.approx(kappa(ALICE[r], BOB[r]))
        assert entry["negotiated"]["percent"] == pytest.approx(percent(alice[r], bob[r]))
        assert cohen(entry["negotiated"]) == pytest.approx(kappa(alice[r], bob[r]))
    flat = [[v for row in rows for v in row] for rows in (ALICE, BOB, alice, bob)]
    assert report["initial"]["percent"] == pytest.approx(percent(flat[0], flat[1]))
    assert cohen(report["initial"]) == pytest.approx(kappa(flat[0], flat[1]))
    assert report["percent"] == pytest.approx(percent(flat[2], flat[3]))
    assert cohen(report) == pytest.approx(kappa(flat[2], flat[3]))
    # Same intervals as the main block: a bootstrap interval around each kappa.
    lo, hi = report["initial"]["pairs"][0]["ci"]
    assert lo <= cohen(report["initial"]) <= hi
    text = run(study, "agreement", "--bootstrap", "0")
    assert "Initial and negotiated agreement" in text
    assert "Per round" in text and "3. round 3" in text


def test_library_functions(study: Path) -> None:
    with Store.open(study) as store:
        listed = rounds(store)
        assert [r.round.name for r in listed] == ["round 1", "round 2", "round 3"]
        assert all(r.closed for r in listed)
        assert round_samples(store, 2) == [sid(1, i) for i in range(10)]
        first = {(x.sample_id, x.annotator): x for x in initial_labels(store)}
        # Negotiated changes never touch the initial label.
        assert first[(sid(0, 1), "bob")].category == 2
        assert first[(sid(1, 9), "bob")].category == 3
        assert first[(sid(2, 0), "alice")].category == 2  # the skip before it is no decision
        assert {x.annotator for x in initial_labels(store, "bob", [sid(0, 0)])} == {"bob"}
        found = conflicts(store, 1)
        assert [c.sample_id for c in found] == [sid(0, i) for i in (1, 3, 5, 7, 9)]
        assert found[0].initial == {"alice": "1", "bob": "2"}
        assert found[0].current == {"alice": "1", "bob": "1"}
        assert [c.reason for c in found[0].changes] == ["the first error is the shape"]
