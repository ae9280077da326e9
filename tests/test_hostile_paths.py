"""Issue 23 items 2, 3 and 6: one safe-path helper for every reader and writer.

Real files, symlinks and FIFOs under tmp_path, through the real CLI: a symlink out
of ``--code`` / ``--tasks`` is refused as ``import dlbench`` refuses it; a labels
sheet with a broken quote or given as a FIFO is refused (not mis-read, not hung
on); a writer never writes through a link planted under its temporary name, and
refuses a target that is a link.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store

SECRET = "SECRET-OUTSIDE-THE-FOLDER"


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def dump(db: Path) -> str:
    import sqlite3

    conn = sqlite3.connect(db)
    try:
        return "\n".join(conn.iterdump())
    finally:
        conn.close()


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "keep.db"
    with Store.open(path) as store:
        store.upsert_sample(SampleIn(id="keep", generated_code="x = 1", passed=False))
        store.set_label("keep", "final", LabelValue(kind="bug", category=3))
    return path


def _outside(tmp_path: Path, name: str, text: str) -> Path:
    (tmp_path / "outside").mkdir(exist_ok=True)
    path = tmp_path / "outside" / name
    path.write_text(text)
    return path


def _results(tmp_path: Path) -> Path:
    results = tmp_path / "run" / "results.jsonl"
    results.parent.mkdir(exist_ok=True)
    results.write_text('{"task_id": "DLBench/1", "status": "fail"}\n')
    return results


@pytest.mark.parametrize("option", ["--code", "--tasks"])
def test_harness_folders_refuse_symlinks_leaving_them(
    tmp_path: Path, db: Path, option: str
) -> None:
    results = _results(tmp_path)
    folder = tmp_path / "run" / option.strip("-")
    folder.mkdir()
    if option == "--code":
        (folder / "DLBench_1.py").symlink_to(_outside(tmp_path, "secret.py", SECRET))
    else:
        body = json.dumps({"result": f"```python\n{SECRET}\n```"})
        (folder / "DLBench_1.json").symlink_to(_outside(tmp_path, "secret.json", body))
    before = dump(db)
    result = run(db, "import", "dlbench-harness", str(results), option, str(folder))
    assert result.exit_code == 1, result.output
    assert "leaving the imported folder" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert dump(db) == before and SECRET not in dump(db)


def test_harness_folders_accept_links_inside_them(tmp_path: Path, db: Path) -> None:
    results = _results(tmp_path)
    code = tmp_path / "run" / "code"
    code.mkdir()
    (code / "real.txt").write_text("def f():\n    return 1\n")
    (code / "DLBench_1.py").symlink_to(code / "real.txt")
    result = run(db, "import", "dlbench-harness", str(results), "--code", str(code))
    assert result.exit_code == 0, result.output


def _plant(folder: Path, names: list[str], victim: Path) -> None:
    for name in names:
        (folder / name).symlink_to(victim)


def test_figures_never_write_through_a_planted_temporary_link(tmp_path: Path, db: Path) -> None:
    pytest.importorskip("matplotlib")
    victim = _outside(tmp_path, "victim.txt", SECRET)
    out = tmp_path / "figs"
    out.mkdir()
    names = ["categories", "pass_at_1_by_stage", "category_model_heatmap", "confusion"]
    # Figures are named <figure>_<width>.svg; the old writer's temporary was <name>.svg.tmp.
    _plant(out, [f"{n}_{w}.svg.tmp" for n in names for w in ("column", "page")], victim)
    result = run(db, "figures", "--out", str(out), "--format", "svg")
    assert result.exit_code == 0, result.output
    assert victim.read_text() == SECRET
    for width in ("column", "page"):
        written = out / f"categories_{width}.svg"
        assert written.is_file() and not written.is_symlink()
    # Only the figures and the planted links: no temporary file left behind.
    assert all(p.suffix == ".svg" for p in out.iterdir() if not p.is_symlink())


@pytest.mark.parametrize(
    "args",
    [
        ["export", "counts", "--format", "csv", "--out"],
        ["export", "labels", "--format", "sheet", "--out"],
    ],
)
def test_a_writer_refuses_a_target_that_is_a_link(
    tmp_path: Path, db: Path, args: list[str]
) -> None:
    victim = _outside(tmp_path, "victim.txt", SECRET)
    target = tmp_path / "out.csv"
    target.symlink_to(victim)
    result = run(db, *args, str(target))
    assert result.exit_code == 1, result.output
    assert "is a symlink: refusing to write through it" in result.output
    assert victim.read_text() == SECRET
    assert [p.name for p in tmp_path.iterdir() if p.name.endswith(".tmp")] == []


def test_figures_refuse_a_figure_that_is_a_link(tmp_path: Path, db: Path) -> None:
    pytest.importorskip("matplotlib")
    victim = _outside(tmp_path, "victim.txt", SECRET)
    out = tmp_path / "figs"
    out.mkdir()
    (out / "categories_page.svg").symlink_to(victim)
    result = run(db, "figures", "--out", str(out), "--format", "svg")
    assert result.exit_code == 1 and "is a symlink" in result.output
    assert victim.read_text() == SECRET
    # Refused before anything was written: only the planted link is in the folder.
    assert [p.name for p in out.iterdir()] == ["categories_page.svg"]


def _sheet(tmp_path: Path, body: str) -> Path:
    sheet = tmp_path / "labels.csv"
    sheet.write_text("sample,final_cat1,final_note1\n" + body, encoding="utf-8")
    return sheet


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('keep,3,"oops\nkeep,4,x\n', "(row 2 (line 2)): bad CSV: unterminated quote"),
        ('keep,3,"a""\nkeep,4,"b\n', "(row 2 (line 2)): bad CSV: ',' expected after '\"'"),
    ],
)
def test_import_labels_refuses_a_broken_quote_as_import_dlbench_does(
    tmp_path: Path, db: Path, body: str, message: str
) -> None:
    sheet = _sheet(tmp_path, body)
    before = dump(db)
    result = run(db, "import", "labels", str(sheet))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert dump(db) == before
    # The DL-Bench folder's labels.csv goes through the same reader, with the same words.
    folder = tmp_path / "d"
    for sub in ("Generated", "Result"):
        (folder / sub).mkdir(parents=True)
    (folder / "Generated" / "keep.py").write_text("x = 1\n")
    (folder / "Result" / "keep.txt").write_text("Pass or Failed: 0\n")
    (folder / "labels.csv").write_text(sheet.read_text())
    other = run(tmp_path / "other.db", "import", "dlbench", str(folder))
    assert other.exit_code == 1 and message in other.output


def test_import_labels_refuses_a_fifo_without_waiting(tmp_path: Path, db: Path) -> None:
    fifo = tmp_path / "labels.csv"
    os.mkfifo(fifo)
    done: list[Result] = []
    worker = threading.Thread(target=lambda: done.append(run(db, "import", "labels", str(fifo))))
    worker.daemon = True
    worker.start()
    worker.join(10)
    if not done:  # unblock the reader that hangs, so the test process can end
        with open(fifo, "w"):
            pass
        worker.join(5)
        pytest.fail("import labels waited on a FIFO")
    assert done[0].exit_code == 1 and "a FIFO: refusing to read it" in done[0].output


def test_a_sheet_cell_over_the_cap_fails_early(tmp_path: Path, db: Path) -> None:
    from annotator.sheet.reader import FIELD_CHARS

    sheet = _sheet(tmp_path, "keep,3," + "x" * (FIELD_CHARS + 10) + "\n")
    result = run(db, "import", "labels", str(sheet))
    assert result.exit_code == 1
    assert f"a cell of more than {FIELD_CHARS:,} characters" in result.output


def test_a_raw_csv_round_trip_keeps_a_tab_prefixed_annotator(tmp_path: Path, db: Path) -> None:
    with Store.open(db) as store:
        store.set_label("keep", "\tbob", LabelValue(kind="bug", category=2))
    sheet = tmp_path / "s.csv"
    assert (
        run(db, "export", "labels", "--format", "sheet", "--raw-csv", "--out", str(sheet)).exit_code
        == 0
    )
    result = run(db, "import", "labels", str(sheet))
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        assert set(store.annotators()) == {"final", "\tbob"}


@pytest.mark.parametrize(
    "args",
    [
        ["import", "jsonl", "FIFO"],
        ["import", "dlbench-harness", "FIFO"],
        ["import", "junit", "FIFO", "--code", "code"],
        ["--taxonomy", "FIFO", "taxonomy"],
    ],
)
def test_every_reader_refuses_a_fifo_without_waiting(tmp_path: Path, args: list[str]) -> None:
    import subprocess
    import sys

    fifo = tmp_path / "input.fifo"
    os.mkfifo(fifo)
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "t.py").write_text("x = 1\n")
    argv = [str(fifo) if a == "FIFO" else a for a in args]
    cmd = [sys.executable, "-m", "annotator", "--db", str(tmp_path / "x.db"), *argv]
    proc = subprocess.Popen(cmd, cwd=tmp_path, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out, _ = proc.communicate(timeout=30)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.communicate()
        pytest.fail(f"{args[0]} {args[1]} waited on a FIFO")
    assert proc.returncode == 1, out
    assert b"a FIFO: refusing to read it" in out
