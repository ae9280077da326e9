"""Exports are safe to open (issue 13.4): CSV cells cannot become spreadsheet
formulas (unless --raw-csv), and Markdown shows bidi controls visibly."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.sheet.cells import guard
from annotator.store import Store

FORMULAS = ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1)", "\tx", "\rx"]
TAXONOMY = {
    "name": "T",
    "version": "1",
    "categories": [
        {
            "id": 1,
            "name": "=cmd|' /C calc'!A0",
            "subcategories": [{"name": "@SUM(1)", "dl_specific": True}],
        },
        {
            "id": 2,
            "name": "Plain \u202eevil\u202c",
            "subcategories": [{"name": "x", "dl_specific": False}],
        },
    ],
}


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    tax = tmp_path / "t.yaml"
    tax.write_text(json.dumps(TAXONOMY), encoding="utf-8")
    db = tmp_path / "s.db"
    from annotator.taxonomy import load_taxonomy

    with Store.open(db, load_taxonomy(tax)) as store:
        for i, text in enumerate(FORMULAS):
            sid = f"{text}-{i}"
            store.upsert_sample(SampleIn(id=sid, generated_code=f"x = {i}"))
            store.set_label(sid, "final", LabelValue(category=1, subcategory="@SUM(1)", note=text))
    return tax, db


def _csv(study: tuple[Path, Path], tmp_path: Path, *args: str) -> list[list[str]]:
    tax, db = study
    out = tmp_path / "out.csv"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "export", *args, "--out", str(out)]
    )
    assert result.exit_code == 0, result.output
    return list(csv.reader(io.StringIO(out.read_text(encoding="utf-8"), newline="")))


def test_label_csv_cells_cannot_be_formulas(study: tuple[Path, Path], tmp_path: Path) -> None:
    rows = _csv(study, tmp_path, "labels", "--format", "csv")
    cells = [c for row in rows[1:] for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert '\'=HYPERLINK("http://evil","x")' in cells and "'@SUM(1)" in cells
    raw = _csv(study, tmp_path, "labels", "--format", "csv", "--raw-csv")
    assert '=HYPERLINK("http://evil","x")' in [c for row in raw for c in row]


def test_count_and_inferred_csv_are_guarded(study: tuple[Path, Path], tmp_path: Path) -> None:
    rows = _csv(study, tmp_path, "counts", "--format", "csv", "--source", "final")
    names = {row[1] for row in rows[1:]} | {row[2] for row in rows[1:]}
    assert "'=cmd|' /C calc'!A0" in names and "'@SUM(1)" in names
    numbers = [row[4] for row in rows[1:]]
    assert "6" in numbers  # counts stay numbers
    rows = _csv(study, tmp_path, "inferred", "--format", "csv")
    assert all(c[:1] not in ("=", "+", "-", "@") for row in rows[1:] for c in row)


def test_guard_leaves_numbers_and_plain_text() -> None:
    assert guard(-3) == -3 and guard(1.5) == 1.5 and guard("plain") == "plain"
    assert guard("-3") == "'-3" and guard("") == ""


def test_markdown_shows_bidi_controls(study: tuple[Path, Path]) -> None:
    tax, db = study
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "export", "counts", "--source", "final"]
    )
    assert result.exit_code == 0, result.output
    assert "\u202e" not in result.output and "u202e" in result.output
