"""Read commands never create a database: only import and merge do."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli

DATA = Path(__file__).parent / "data"

READ_COMMANDS = [
    ["export", "counts"],
    ["export", "labels"],
    ["status"],
    ["report"],
    ["saturation"],
    ["agreement"],
    ["suggest"],
    ["label", "--annotator", "a"],
    ["review", "--annotator", "a"],
]


@pytest.mark.parametrize("command", READ_COMMANDS, ids=lambda c: c[0] + "-" + c[-1])
def test_read_command_on_a_missing_file_creates_nothing(
    tmp_path: Path, command: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    # Should the check fail, the UI must not start (and wait for keys) in a test.
    monkeypatch.setattr("annotator.tui.app.AnnotatorApp.run", lambda self: None)
    db = tmp_path / "sub" / "typo.db"
    result = CliRunner().invoke(cli, ["--db", str(db), *command])
    assert result.exit_code == 1, result.output
    assert f"no database at {db}: import samples first" in result.output
    assert "Traceback" not in result.output
    assert not db.exists() and not db.parent.exists()
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", READ_COMMANDS[:4], ids=lambda c: c[0] + "-" + c[-1])
def test_read_command_on_an_empty_file_leaves_it_empty(tmp_path: Path, command: list[str]) -> None:
    db = tmp_path / "empty.db"
    db.write_bytes(b"")
    result = CliRunner().invoke(cli, ["--db", str(db), *command])
    assert result.exit_code == 1, result.output
    assert "empty file, not an annotator database" in result.output
    assert db.read_bytes() == b""
    assert sorted(p.name for p in tmp_path.iterdir()) == ["empty.db"]


def test_import_creates_the_database_then_reads_work(tmp_path: Path) -> None:
    db = tmp_path / "new" / "a.db"
    source = tmp_path / "s.jsonl"
    source.write_text(
        '{"id": "x1", "generated_code": "x = 1", "test_output": "", "passed": false}\n',
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "jsonl", str(source)])
    assert result.exit_code == 0, result.output
    assert db.exists()
    status = CliRunner().invoke(cli, ["--db", str(db), "status"])
    assert status.exit_code == 0, status.output


def test_merge_creates_the_database(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    source = tmp_path / "s.jsonl"
    source.write_text(
        '{"id": "x1", "generated_code": "x = 1", "test_output": "", "passed": false}\n',
        encoding="utf-8",
    )
    runner = CliRunner()
    assert runner.invoke(cli, ["--db", str(other), "import", "jsonl", str(source)]).exit_code == 0
    team = tmp_path / "team.db"
    result = runner.invoke(cli, ["--db", str(team), "merge", str(other)])
    assert result.exit_code == 0, result.output
    assert team.exists()


def test_a_failure_after_the_import_committed_keeps_the_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Only a database that nothing was committed to is removed: an import that
    succeeded and then failed to print its summary (a closed pipe) keeps its data."""

    def closed_pipe(*args: object, **kwargs: object) -> None:
        raise BrokenPipeError

    monkeypatch.setattr("annotator.cli.data._print_summary", closed_pipe)
    db = tmp_path / "a.db"
    source = tmp_path / "s.jsonl"
    source.write_text('{"id": "x1", "generated_code": "x = 1", "passed": false}\n')
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "jsonl", str(source)])
    assert result.exit_code != 0
    monkeypatch.undo()
    status = CliRunner().invoke(cli, ["--db", str(db), "status", "--json"])
    assert status.exit_code == 0, status.output
    assert '"samples": 1' in status.output
