"""Open coding: `annotator notes` clusters notes of labels without a subcategory, and
`annotator notes assign` gives a cluster a subcategory (with history)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.opencoding import cluster_notes
from annotator.store import Store

SHAPE = "Tensor shape mismatch"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "n.db"
    with Store.open(path) as store:
        for i in range(1, 9):
            store.upsert_sample(SampleIn(id=f"s{i}", passed=False))
        notes = {
            ("s1", "ann"): (6, "wrong tensor shape passed to matmul"),
            ("s2", "ann"): (6, "Wrong tensor shape passed"),
            ("s3", "bob"): (6, "tensor shape wrong"),
            ("s4", "bob"): (6, "passes a list instead of a tensor"),
            ("s5", "ann"): (1, "wrong tensor shape"),  # another category: another cluster
            ("s6", "ann"): (6, ""),  # no note: nothing to cluster
        }
        for (sid, who), (cat, note) in notes.items():
            store.set_label(sid, who, LabelValue(kind="bug", category=cat, note=note))
        # Has a subcategory already: left out. Second-category notes count.
        store.set_label(
            "s7", "ann", LabelValue(kind="bug", category=6, subcategory=SHAPE, note="shape wrong")
        )
        store.set_label(
            "s8",
            "bob",
            LabelValue(kind="bug", category=1, subcategory="Not DL-related", category2=6,
                       note2="wrong tensor shape"),
        )  # fmt: skip
        store.register_machine("llm:m", "m", "http://127.0.0.1:1/v1")
        store.set_label(
            "s8", "llm:m", LabelValue(kind="bug", category=6, note="tensor shape wrong")
        )
    return path


def cli_run(db: Path, *args: str, answer: str | None = None) -> Any:
    return CliRunner().invoke(cli, ["--db", str(db), "notes", *args], input=answer)


def test_clusters_group_similar_notes_per_category(db: Path) -> None:
    result = cli_run(db, "--json")
    assert result.exit_code == 0, result.output
    clusters = {c["cluster"]: c for c in json.loads(result.stdout)}
    assert clusters["6.1"]["labels"] == 4
    assert clusters["6.1"]["sample_ids"] == ["s1", "s2", "s3", "s8"]
    assert clusters["6.2"]["sample_ids"] == ["s4"]
    assert clusters["1.1"]["sample_ids"] == ["s5"]
    assert set(clusters) == {"1.1", "6.1", "6.2"}  # s6, s7 and the machine label left out
    text = cli_run(db)
    assert "6.1  4 labels" in text.output and "samples: s1, s2, s3, s8" in text.output


def test_a_lower_threshold_merges_more_and_an_annotator_filter_narrows(db: Path) -> None:
    with Store.open(db) as store:
        items = store.unspecified_notes()
        assert len(cluster_notes(items, threshold=40)) < len(cluster_notes(items, threshold=70))
        assert {i.annotator for i in store.unspecified_notes("bob")} == {"bob"}


def test_assign_writes_the_cluster_with_history_after_confirmation(db: Path) -> None:
    refused = cli_run(db, "assign", "6.1", SHAPE, answer="n\n")
    assert refused.exit_code == 0 and "Nothing written." in refused.output
    result = cli_run(db, "assign", "6.1", SHAPE, answer="y\n")
    assert result.exit_code == 0, result.output
    assert "Wrote 4 labels: 6 / Tensor shape mismatch" in result.output
    with Store.open(db) as store:
        for sid, who in (("s1", "ann"), ("s2", "ann"), ("s3", "bob")):
            label = store.label(sid, who)
            assert label is not None and label.subcategory == SHAPE
        s8 = store.label("s8", "bob")
        assert s8 is not None and (s8.subcategory, s8.subcategory2) == ("Not DL-related", SHAPE)
        s4 = store.label("s4", "bob")
        assert s4 is not None and s4.subcategory is None
        # History restores the earlier state.
        history = store.history("s1", "ann")
        assert [h.subcategory for h in history] == [None, SHAPE]
        store.restore_label("s1", "ann", history[0].id)
        restored = store.label("s1", "ann")
        assert restored is not None and restored.subcategory is None
    # The cluster is gone from the list (except the restored label).
    after = json.loads(cli_run(db, "--json").stdout)
    assert [c["sample_ids"] for c in after if c["category"] == 6] == [["s4"], ["s1"]]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["assign", "6.9", SHAPE, "--yes"], "no cluster '6.9' (clusters: 1.1, 6.1, 6.2)"),
        (["assign", "6.1", "Shape and dimension edges", "--yes"], "category 6 has no subcategory"),
    ],
)
def test_bad_assignments_change_nothing(db: Path, args: list[str], message: str) -> None:
    conn = sqlite3.connect(db)
    before = list(conn.iterdump())
    result = cli_run(db, *args)
    assert result.exit_code == 1 and message in result.output
    assert list(conn.iterdump()) == before
    conn.close()
