"""DL-Bench folder import: on the real data in ../shared and on a small folder of our own."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from rawsql import peek

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.models import LabelValue
from annotator.store import Store

RESULT = """output file:
{id}.json
function:
f
Error Cases:

Pass or Failed: {passed}

All Test Cases On Generated code:
E   RuntimeError: boom
"""


def _folder(root: Path, rows: list[str], n: int = 3) -> Path:
    for sub in ("Original", "Generated", "Result"):
        (root / sub).mkdir(parents=True, exist_ok=True)
    for i in range(n):
        sid = f"s{i}"
        (root / "Original" / f"{sid}.py").write_text(f"def f():\n    return {i}\n")
        (root / "Generated" / f"{sid}.py").write_text(f"def f():\n    return {i + 1}\n")
        (root / "Result" / f"{sid}.txt").write_text(RESULT.format(id=sid, passed=int(i == 2)))
    header = "sample,prompt,final_cat1,final_note1,final_cat2,final_note2,a_cat1,a_note1,a_cat2,a_note2\n"
    (root / "labels.csv").write_text(header + "".join(r + "\n" for r in rows))
    return root


def test_messy_values_map_to_labels(store: Store, tmp_path: Path) -> None:
    rows = [
        's0,"Write f",6.0,Incorrect Tensor dimention,15,,pass,,,',
        "s1,p1,?,unsure,,,problem,,,",
        "s2,p2,passed,,,,10,miscalculation,Some text instead of a code,",
    ]
    summary = import_path(store, "dlbench", _folder(tmp_path / "d", rows))
    final0 = store.label("s0", "final")
    assert final0 is not None
    assert (final0.kind, final0.category, final0.subcategory) == ("bug", 6, "Tensor shape mismatch")
    assert final0.subcategory_inferred is True
    assert (final0.category2, final0.subcategory2) == (8, "Wrong DL module import")
    assert final0.subcategory2_inferred is False
    a0 = store.label("s0", "a")
    assert a0 is not None and a0.kind == "pass"
    final1 = store.label("s1", "final")
    assert final1 is not None and (final1.kind, final1.flag, final1.note) == ("none", "?", "unsure")
    a1 = store.label("s1", "a")
    assert a1 is not None and a1.flag == "problem" and a1.raw == {"cat1": "problem"}
    a2 = store.label("s2", "a")
    assert a2 is not None and a2.category == 10 and a2.note2 == "Some text instead of a code"
    assert any("'a_cat2'" in w and "row 4" in w for w in summary.warnings)
    sample = store.sample("s0")
    assert sample is not None and sample.prompt == "Write f" and sample.passed is False
    assert store.sample("s2").passed is True  # type: ignore[union-attr]


def test_unknown_numeric_code_fails_with_row_and_field(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", ["s0,p,6,,,,,,,", "s1,p,99,,,,,,,"])
    with pytest.raises(
        UserError, match=r"labels\.csv: row 3 field 'final_cat1'.*'99' is not a category"
    ):
        import_path(store, "dlbench", folder)
    assert store.status().samples == 0


def test_duplicate_rows_merge_and_conflicts_are_reported(store: Store, tmp_path: Path) -> None:
    rows = ["s0,p,6,,,,1,,,", "s1,p,3,,,,,,,", "s0,p,7,,,,1,,,"]
    summary = import_path(store, "dlbench", _folder(tmp_path / "d", rows))
    assert summary.duplicates == ["s0: rows 2, 4"]
    assert len(summary.conflicts) == 1 and "s0 / final" in summary.conflicts[0]
    assert store.label("s0", "final").category == 7  # type: ignore[union-attr]
    assert len(store.history("s0", "a")) == 1


def test_reimport_keeps_labels_edited_in_the_ui(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", ["s0,p,6,,,,,,,"])
    import_path(store, "dlbench", folder)
    store.set_label("s0", "final", LabelValue(category=9))
    summary = import_path(store, "dlbench", folder)
    assert store.label("s0", "final").category == 9  # type: ignore[union-attr]
    assert summary.labels_kept and not summary.labels


def test_changed_content_updates_the_sample_and_keeps_labels(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", ["s0,p,6,,,,,,,"])
    import_path(store, "dlbench", folder)
    (folder / "Generated" / "s0.py").write_text("def f():\n    return 42\n")
    summary = import_path(store, "dlbench", folder)
    assert summary.samples == {"updated": 1, "unchanged": 2}
    assert "42" in store.sample("s0").generated_code  # type: ignore[union-attr]
    assert store.label("s0", "final").category == 6  # type: ignore[union-attr]


def test_non_utf8_code_file_is_named(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", [])
    (folder / "Generated" / "s1.py").write_bytes(b"x = '\xff'\n")
    with pytest.raises(UserError, match=r"Generated/s1\.py: not UTF-8"):
        import_path(store, "dlbench", folder)
    assert store.status().samples == 0


def test_real_dlbench_import(store: Store, dlbench_dir: Path, tmp_path: Path) -> None:
    summary = import_path(store, "dlbench", dlbench_dir)
    status = store.status()
    assert status.samples == 240
    assert set(status.annotators) == {"final", "rater_k", "rater_q"}
    assert status.annotators["final"].labeled == 240
    # This half of the sheet has three samples on two rows each, all three conflicting.
    assert len(summary.duplicates) == 3 and len(summary.conflicts) == 3
    codes = {r[0] for r in peek(store, "SELECT DISTINCT category FROM labels")}
    assert 15 not in codes and 8 in codes  # old code 15 went through the alias
    flags = {r[0] for r in peek(store, "SELECT DISTINCT flag FROM labels WHERE flag IS NOT NULL")}
    assert flags == {"problem", "?"}
    passes = peek(store, "SELECT COUNT(*) FROM labels WHERE annotator = 'final' AND kind = 'pass'")[
        0
    ][0]
    assert passes == 67  # 'pass' and 'passed', after merging duplicate rows
    before = peek(store, "SELECT COUNT(*) FROM label_history")[0][0]
    again = import_path(store, "dlbench", dlbench_dir)
    assert again.samples == {"unchanged": 240}
    assert not again.labels
    after = peek(store, "SELECT COUNT(*) FROM label_history")[0][0]
    assert after == before


def test_real_dlbench_copy_with_one_bad_code_changes_nothing(
    store: Store, dlbench_dir: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    shutil.copytree(dlbench_dir, copy)
    victim = sorted((copy / "Generated").iterdir())[-1]
    victim.write_bytes(b"\xfe\xfe")
    with pytest.raises(UserError, match=victim.name):
        import_path(store, "dlbench", copy)
    assert store.status().as_dict() == {
        "samples": 0,
        "tasks": 0,
        "passing": 0,
        "failing": 0,
        "outcome_unknown": 0,
        "to_label": 0,
        "annotators": {},
    }
