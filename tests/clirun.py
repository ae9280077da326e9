"""The real CLI against one database, for tests: run a command, require success, or
require the one clear line of bad input (exit 1, no traceback)."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner, Result

from annotator.cli import cli


def run(db: Path, *args: str) -> Result:
    """``annotator --db DB ARGS...`` in process."""
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def ok(db: Path, *args: str) -> str:
    """The output of a command that must succeed."""
    result = run(db, *args)
    assert result.exit_code == 0, result.output
    return result.output


def one_line_error(result: Result, *words: str) -> None:
    """``result`` is bad input's one line (exit 1, no traceback) naming every word."""
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for word in words:
        assert word in result.output, result.output
