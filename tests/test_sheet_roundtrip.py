"""``export labels --format sheet`` and ``import labels FILE.csv``: the researchers' wide
layout, out and back in without changing anything; unknown ids and bad cells refused whole;
labels edited in the UI kept."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_export_fixture import NOTE, build

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _state(db: Path, tax: Path | None = None) -> tuple[list[dict[str, object]], int]:
    taxonomy = load_taxonomy(tax) if tax else None
    with Store.open(db, taxonomy) as store:
        labels = [label.model_dump(exclude={"raw"}) for label in store.labels()]
        history = sum(
            len(store.history(str(lab["sample_id"]), str(lab["annotator"]))) for lab in labels
        )
    return sorted(labels, key=lambda d: (str(d["sample_id"]), str(d["annotator"]))), history


def _extra_labels(db: Path, tax: Path) -> None:
    """Labels the fixture lacks: a bug with a flag, formula-like and multi-line notes."""
    with Store.open(db, load_taxonomy(tax)) as store:
        store.upsert_sample(SampleIn(id="=s8", model="m1"))
        store.set_label(
            "=s8",
            "carol",
            LabelValue(
                kind="bug", category=3, note='=HYPERLINK("x")\nline two, "quoted"', flag="?"
            ),
        )
        store.set_label("s7", "carol", LabelValue(kind="skip", note="  later  "))
        store.set_label("s1", "carol", LabelValue(kind="pass", flag="problem"))


def test_export_then_import_changes_nothing(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    _extra_labels(db, tax)
    opts = ["--db", str(db), "--taxonomy", str(tax)]
    sheet = tmp_path / "sheet.csv"
    _run(*opts, "export", "labels", "--format", "sheet", "--out", str(sheet))
    before = _state(db, tax)
    out = _run(*opts, "import", "labels", str(sheet))
    assert "Labels written: none;" in out
    assert _state(db, tax) == before  # same labels, same revisions, no history added

    rows = list(csv.DictReader(io.StringIO(sheet.read_text(encoding="utf-8"))))
    header = list(rows[0])
    assert header[:8] == [
        "sample",
        "final_cat1",
        "final_note1",
        "final_cat2",
        "final_note2",
        "final_sub1",
        "final_sub2",
        "final_flag",
    ]
    by_id = {r["sample"]: r for r in rows}
    assert by_id["s2"]["bob_cat1"] == "pass"
    assert by_id["s4"]["bob_cat1"] == "look again"  # a flag-only label: the flag as written
    assert by_id["s7"]["carol_cat1"] == "skip"
    assert by_id["s1"]["carol_cat1"] == "pass" and by_id["s1"]["carol_flag"] == "problem"
    assert by_id["s2"]["final_sub1"] == "Not DL-related (inferred)"
    assert by_id["s2"]["final_note1"] == NOTE
    assert by_id["s1"]["final_cat2"] == "2"
    assert "'=s8" in by_id and by_id["'=s8"]["carol_note1"].startswith("'=HYPERLINK")


def test_sheet_onto_a_fresh_copy_restores_the_labels(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    _extra_labels(db, tax)
    sheet = tmp_path / "sheet.csv"
    _run(
        "--db",
        str(db),
        "--taxonomy",
        str(tax),
        "export",
        "labels",
        "--format",
        "sheet",
        "--out",
        str(sheet),
    )
    fresh = tmp_path / "fresh.db"
    with Store.open(db, load_taxonomy(tax)) as src, Store.open(fresh, load_taxonomy(tax)) as dst:
        for sid in src.sample_ids():
            sample = src.require_sample(sid)
            dst.upsert_sample(sample.as_input())
    _run("--db", str(fresh), "--taxonomy", str(tax), "import", "labels", str(sheet))
    decision: tuple[str, ...] = (
        "kind",
        "category",
        "subcategory",
        "subcategory_inferred",
        "category2",
        "subcategory2",
    )
    decision += ("subcategory2_inferred", "note", "note2", "flag")

    def decisions(path: Path) -> list[tuple[object, ...]]:
        labels, _ = _state(path, tax)
        return [tuple(lab[k] for k in ("sample_id", "annotator", *decision)) for lab in labels]

    assert decisions(fresh) == decisions(db)


def test_unknown_sample_ids_are_named_and_nothing_changes(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "sample,zed_cat1,zed_note1,zed_cat2,zed_note2\ns1,1,,,\nghost,2,,,\nphantom,3,,,\n",
        encoding="utf-8",
    )
    before = _state(db, tax)
    out = _run("--db", str(db), "--taxonomy", str(tax), "import", "labels", str(sheet), code=1)
    assert "2 sample id(s) not in the database: 'ghost', 'phantom'" in out
    assert "row 3" in out and out.count("\n") == 1
    assert _state(db, tax) == before


def test_bad_category_fails_whole_import_with_row_and_field(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "sample,zed_cat1,zed_note1,zed_cat2,zed_note2\ns1,1,,,\ns2,99,,,\n", encoding="utf-8"
    )
    before = _state(db, tax)
    out = _run("--db", str(db), "--taxonomy", str(tax), "import", "labels", str(sheet), code=1)
    assert "row 3" in out and "zed_cat1" in out
    assert _state(db, tax) == before


def test_label_edited_in_the_ui_is_kept_and_reported(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_text(
        "sample,alice_cat1,alice_note1,alice_cat2,alice_note2\ns1,3,,,\ns7,2,,,\n", encoding="utf-8"
    )
    out = _run("--db", str(db), "--taxonomy", str(tax), "import", "labels", str(sheet))
    # s1/alice was written by the app (source 'test', not an import): kept; s7/alice is new.
    assert "Kept (edited after import) (1):" in out and "s1 / alice" in out
    with Store.open(db, load_taxonomy(tax)) as store:
        assert store.label("s1", "alice").category == 1  # type: ignore[union-attr]
        assert store.label("s7", "alice").category == 2  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "empty file"),
        (b"id,a_cat1\nx,1\n", "no 'sample' column"),
        (b"sample,foo\ns1,1\n", "no label columns"),
        (b"sample,a_cat1\ns1,1,extra\n", "more cells than header columns"),
        (b"sample,a_cat1\n\xff,1\n", "not UTF-8"),
    ],
)
def test_hostile_sheets(tmp_path: Path, content: bytes, message: str) -> None:
    tax, db = build(tmp_path)
    sheet = tmp_path / "s.csv"
    sheet.write_bytes(content)
    out = _run("--db", str(db), "--taxonomy", str(tax), "import", "labels", str(sheet), code=1)
    assert message in out and out.count("\n") == 1


def test_real_sheet_and_its_export_change_nothing(dlbench_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "dl.db"
    _run("--db", str(db), "import", "dlbench", str(dlbench_dir))
    before = _state(db)
    assert "Labels written: none;" in _run(
        "--db", str(db), "import", "labels", str(dlbench_dir / "labels.csv")
    )
    sheet = tmp_path / "sheet.csv"
    _run("--db", str(db), "export", "labels", "--format", "sheet", "--out", str(sheet))
    assert "Labels written: none;" in _run("--db", str(db), "import", "labels", str(sheet))
    assert _state(db) == before
