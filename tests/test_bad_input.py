"""Bad input gets one clear line, exit code 1 and no change (issue 13.6).

Every case goes through the real CLI on a database that already holds a
sample; the output must be one ``Error:`` line naming the file, never a
traceback, and the database must be unchanged.
"""

from __future__ import annotations

import os
import sqlite3
import threading
from collections.abc import Callable
from pathlib import Path

import pytest
from badbenchinput import CASES as BENCHMARK_CASES
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import SampleIn
from annotator.store import Store

ROOT_CAN_READ_ANYTHING = os.geteuid() == 0 if hasattr(os, "geteuid") else False


def _dlbench(folder: Path, sheet: str | None = None) -> Path:
    for sub in ("Generated", "Original", "Result"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "Generated" / "a.py").write_text("x = 1\n", encoding="utf-8")
    (folder / "Original" / "a.py").write_text("x = 2\n", encoding="utf-8")
    (folder / "Result" / "a.txt").write_text("Pass or Failed: 0\n", encoding="utf-8")
    if sheet is not None:
        (folder / "labels.csv").write_text(sheet, encoding="utf-8")
    return folder


def _jsonl(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def lone_surrogate(tmp: Path) -> tuple[str, Path]:
    return "jsonl", _jsonl(tmp / "s.jsonl", '{"id": "a", "prompt": "\\ud800"}\n')


def huge_int(tmp: Path) -> tuple[str, Path]:
    return "jsonl", _jsonl(tmp / "i.jsonl", '{"id": "a", "x": ' + "9" * 5000 + "}\n")


def nul_id(tmp: Path) -> tuple[str, Path]:
    return "jsonl", _jsonl(tmp / "n.jsonl", '{"id": "a\\u0000b"}\n')


def directory_as_file(tmp: Path) -> tuple[str, Path]:
    (tmp / "dir.jsonl").mkdir()
    return "jsonl", tmp / "dir.jsonl"


def fifo_as_file(tmp: Path) -> tuple[str, Path]:
    os.mkfifo(tmp / "fifo.jsonl")
    return "jsonl", tmp / "fifo.jsonl"


def unreadable_file(tmp: Path) -> tuple[str, Path]:
    path = _jsonl(tmp / "u.jsonl", '{"id": "a"}\n')
    path.chmod(0)
    return "jsonl", path


def unreadable_result(tmp: Path) -> tuple[str, Path]:
    folder = _dlbench(tmp / "dl")
    (folder / "Result").chmod(0)
    return "dlbench", folder


def unreadable_generated(tmp: Path) -> tuple[str, Path]:
    folder = _dlbench(tmp / "dl")
    (folder / "Generated").chmod(0)
    return "dlbench", folder


def unterminated_quote(tmp: Path) -> tuple[str, Path]:
    sheet = 'sample,final_cat1\na,1\n"b,2\nc,3\n'
    return "dlbench", _dlbench(tmp / "dl", sheet)


def huge_field(tmp: Path) -> tuple[str, Path]:
    sheet = "sample,final_cat1,final_note1\na,1," + "x" * (8 * 1024 * 1024 + 10) + "\n"
    return "dlbench", _dlbench(tmp / "dl", sheet)


def symlink_out(tmp: Path) -> tuple[str, Path]:
    folder = _dlbench(tmp / "dl")
    secret = tmp / "secret.py"
    secret.write_text("TOKEN = 'do not import me'\n", encoding="utf-8")
    (folder / "Generated" / "b.py").symlink_to(secret)
    return "dlbench", folder


def symlink_loop(tmp: Path) -> tuple[str, Path]:
    folder = _dlbench(tmp / "dl")
    (folder / "Generated" / "loop.py").symlink_to(folder / "Generated" / "loop.py")
    return "dlbench", folder


CASES: dict[str, tuple[Callable[[Path], tuple[str, Path]], str]] = {
    "lone surrogate": (lone_surrogate, "surrogate"),
    "integer of 5000 digits": (huge_int, "more than 4300 digits"),
    "NUL in a sample id": (nul_id, "NUL"),
    "folder given as a file": (directory_as_file, "folder"),
    "FIFO given as a file": (fifo_as_file, "FIFO"),
    "unterminated quote": (unterminated_quote, "row 3"),
    "field over 8 MiB": (huge_field, "row 2"),
    "symlink leaving the folder": (symlink_out, "leaving the imported folder"),
    "symlink loop": (symlink_loop, "loop"),
}
if not ROOT_CAN_READ_ANYTHING:
    CASES |= {
        "unreadable file": (unreadable_file, "permission denied"),
        "unreadable Result/": (unreadable_result, "permission denied"),
        "unreadable Generated/": (unreadable_generated, "permission denied"),
    }
CASES |= BENCHMARK_CASES  # the benchmark importers (tests/badbenchinput.py)


def _state(db: Path) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return (
            conn.execute("SELECT * FROM samples ORDER BY id").fetchall()
            + conn.execute("SELECT * FROM labels ORDER BY 1, 2").fetchall()
        )
    finally:
        conn.close()


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_bad_input_is_one_clear_line(tmp_path: Path, case: str) -> None:
    make, expected = CASES[case]
    db = tmp_path / "keep.db"
    with Store.open(db) as store:
        store.upsert_sample(SampleIn(id="keep", generated_code="x = 1"))
    before = _state(db)
    fmt, path = make(tmp_path)
    outcome: list[object] = []

    def run() -> None:
        outcome.append(CliRunner().invoke(cli, ["--db", str(db), "import", fmt, str(path)]))

    worker = threading.Thread(target=run, daemon=True)
    worker.start()
    worker.join(timeout=60)
    assert not worker.is_alive(), "the import hangs"
    result = outcome[0]
    assert result.exit_code == 1, result.output  # type: ignore[attr-defined]
    assert isinstance(result.exception, SystemExit), result.exception  # type: ignore[attr-defined]
    lines = result.output.strip().splitlines()  # type: ignore[attr-defined]
    assert len(lines) == 1 and lines[0].startswith("Error:"), lines
    assert expected in lines[0]
    assert _state(db) == before
    for p in tmp_path.rglob("*"):  # let pytest clean up
        if not p.is_symlink():
            p.chmod(0o700)


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["export", "counts"],
        ["report"],
        ["saturation"],
        ["suggest"],
        ["agreement"],
        ["label"],
    ],
)
def test_read_commands_do_not_turn_an_empty_file_into_a_database(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "zero.db"
    db.touch()
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 1 and "empty file, not an annotator database" in result.output
    assert db.stat().st_size == 0 and not (tmp_path / "zero.db-wal").exists()
