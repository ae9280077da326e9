"""Nothing is lost silently on import: late result headers, unknown outcomes, conflicts."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from test_import_dlbench import RESULT, _folder

from annotator.cli import cli
from annotator.importers import import_path
from annotator.store import Store


def test_pass_line_after_26000_characters_is_read(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", ["s0,p,6,,,,,,,"])
    cases = "Error Cases:\n" + "".join(f"case {i}: tensor([{i}, {i}])\n" for i in range(2000))
    assert len(cases) > 26_000
    late = RESULT.replace("Error Cases:\n", cases).format(id="s1", passed=1)
    assert late.index("Pass or Failed") > 26_000
    (folder / "Result" / "s1.txt").write_text(late)
    summary = import_path(store, "dlbench", folder)
    assert store.sample("s1").passed is True  # type: ignore[union-attr]
    assert summary.unknown_outcome == []


def test_every_unknown_outcome_is_named(store: Store, tmp_path: Path) -> None:
    folder = _folder(tmp_path / "d", ["s0,p,6,,,,,,,"], n=4)
    (folder / "Result" / "s1.txt").write_text("output file:\ns1.json\nno header at all\n")
    (folder / "Result" / "s3.txt").unlink()
    summary = import_path(store, "dlbench", folder)
    assert [u.split(":")[0] for u in summary.unknown_outcome] == ["s1", "s3"]
    assert "Pass or Failed" in summary.unknown_outcome[0]
    assert store.sample("s1").passed is None  # type: ignore[union-attr]
    db = tmp_path / "cli.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench", str(folder)])
    assert result.exit_code == 0, result.output
    assert "Outcome unknown" in result.output and "  - s1: " in result.output
    assert "  - s3: " in result.output
    out = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench", str(folder), "--json"])
    assert len(json.loads(out.output)["unknown_outcome"]) == 2


def test_conflict_names_the_cells_that_differ(store: Store, tmp_path: Path) -> None:
    rows = [
        "s0,p,6,shape wrong,,,,,,",
        "s1,p,3,,,,,,,",
        "s0,p,6,tensor shape mismatch,,,,,,",
        "s2,p,4,,,,1,a,,",
        "s2,p,4,,,,5,a,7,",
    ]
    summary = import_path(store, "dlbench", _folder(tmp_path / "d", rows))
    assert summary.conflicts == [
        "s0 / final: rows 2 and 4 differ in note1 ('shape wrong' vs 'tensor shape mismatch');"
        " kept row 4",
        "s2 / a: rows 5 and 6 differ in cat1 ('1' vs '5'), cat2 (blank vs '7'); kept row 6",
    ]
