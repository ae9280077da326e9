"""``export labels`` and ``export inferred`` through the real CLI."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_export_fixture import NOTE, build, export

from annotator.cli import cli
from annotator.export.labels_out import INFERRED_FIELDS, LABEL_FIELDS
from annotator.store import Store

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path)


def test_labels_jsonl_has_every_label_and_field(study: tuple[Path, Path]) -> None:
    rows = [json.loads(line) for line in export(study, "labels").splitlines()]
    assert len(rows) == 16
    assert all(tuple(r) == LABEL_FIELDS for r in rows)
    s2 = next(r for r in rows if r["sample_id"] == "s2" and r["annotator"] == "final")
    assert s2["note"] == NOTE and s2["subcategory_inferred"] is True
    assert s2["category_name"] == "Deviates from prompt" and s2["taxonomy_version"] == "0.1"
    assert s2["source"] == "test" and s2["revision"] == 1 and s2["created_at"]
    s4 = next(r for r in rows if r["sample_id"] == "s4" and r["annotator"] == "bob")
    assert s4["kind"] == "none" and s4["flag"] == "look again" and s4["category"] is None
    # Import order, then annotator.
    assert [r["sample_id"] for r in rows][:3] == ["s1", "s1", "s1"]
    assert [r["annotator"] for r in rows][:3] == ["alice", "bob", "final"]


def test_labels_csv_round_trips_notes(study: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "labels.csv"
    assert export(study, "labels", "--format", "csv", "--out", str(out)) == ""
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert len(rows) == 16 and tuple(rows[0]) == LABEL_FIELDS
    s6 = next(r for r in rows if r["sample_id"] == "s6")
    assert s6["category2"] == "2" and s6["subcategory2_inferred"] == "true"
    assert s6["subcategory"] == "" and s6["note2"] == "nd"
    s2 = next(r for r in rows if r["sample_id"] == "s2" and r["annotator"] == "final")
    assert s2["note"] == NOTE


def test_inferred_lists_both_slots(study: tuple[Path, Path]) -> None:
    rows = [
        json.loads(line) for line in export(study, "inferred", "--format", "jsonl").splitlines()
    ]
    assert [(r["sample_id"], r["annotator"], r["slot"]) for r in rows] == [
        ("s2", "final", 1),
        ("s3", "bob", 1),
        ("s6", "final", 2),
    ]
    assert rows[0]["note"] == NOTE and rows[2]["subcategory"] == "Not DL-related"
    assert rows[2]["note"] == "nd" and tuple(rows[0]) == INFERRED_FIELDS
    only_bob = export(study, "inferred", "--format", "jsonl", "--annotator", "bob")
    assert [json.loads(x)["sample_id"] for x in only_bob.splitlines()] == ["s3"]


def test_inferred_csv_matches_golden(study: tuple[Path, Path], tmp_path: Path) -> None:
    # --out keeps the bytes exactly (stdout makes control characters visible).
    export(study, "inferred", "--format", "csv", "--out", str(tmp_path / "inferred.csv"))
    text = (tmp_path / "inferred.csv").read_bytes().decode("utf-8").replace("\r\n", "\n")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == 3 and rows[0]["note"] == NOTE
    golden = GOLDEN / "inferred.csv"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == golden.read_bytes()


def test_inferred_table_shows_notes_literally(study: tuple[Path, Path]) -> None:
    tax, db = study
    result = CliRunner(env={"COLUMNS": "300"}).invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "export", "inferred"]
    )
    assert result.exit_code == 0, result.output
    text = result.stdout
    assert "[bold]markup[/bold]" in text
    assert "\x1b" not in text
    assert "s6" in text and "(2nd)" in text
    assert "3 inferred subcategories." in text


def test_inferred_table_says_when_there_are_none(tmp_path: Path) -> None:
    Store.open(tmp_path / "e.db").close()  # an empty database (read commands create none)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "e.db"), "export", "inferred"])
    assert result.exit_code == 0 and "No inferred subcategories." in result.output
