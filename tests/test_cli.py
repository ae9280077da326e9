"""The real CLI: help on every command, status JSON, one-line errors and exit codes."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import click
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Store


def _walk(group: click.Group, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    out = []
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        assert command is not None, name
        out.append((*prefix, name))
        if isinstance(command, click.Group):
            out += _walk(command, (*prefix, name))
    return out


def test_lazy_command_table_matches_the_modules() -> None:
    import importlib

    from annotator.cli import CLI_MODULES, LAZY_COMMANDS

    defined = {}
    for module_name in CLI_MODULES:
        module = importlib.import_module(f"annotator.cli.{module_name}")
        for command in module.COMMANDS:
            defined[command.name] = module_name
    assert defined == LAZY_COMMANDS


def test_every_command_has_help() -> None:
    runner = CliRunner()
    commands = _walk(cli)
    assert {"import", "status", "taxonomy"} <= {c[0] for c in commands}
    for path in commands:
        result = runner.invoke(cli, [*path, "--help"])
        assert result.exit_code == 0, path
        command: click.Command = cli
        for part in path:
            found = command.get_command(click.Context(command), part)  # type: ignore[attr-defined]
            assert found is not None
            command = found
        assert command.help and command.help.strip(), f"{path} has no help text"


def test_import_then_status_json(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    rows = [{"id": f"x{i}", "generated_code": "pass", "passed": i == 0} for i in range(3)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "x.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "import", "jsonl", str(data)])
    assert result.exit_code == 0, result.output
    assert "3 new" in result.output
    result = runner.invoke(cli, ["--db", str(db), "status", "--json"])
    assert json.loads(result.output) == {
        "samples": 3,
        "tasks": 3,
        "passing": 1,
        "failing": 2,
        "outcome_unknown": 0,
        "to_label": 2,
        "annotators": {},
    }


def test_env_var_selects_the_database(tmp_path: Path) -> None:
    db = tmp_path / "env.db"
    # Read commands never create a database: the error names the file the variable chose.
    result = CliRunner().invoke(cli, ["status", "--json"], env={"ANNOTATOR_DB": str(db)})
    assert result.exit_code == 1 and f"no database at {db}" in result.output
    Store.open(db).close()
    result = CliRunner().invoke(cli, ["status", "--json"], env={"ANNOTATOR_DB": str(db)})
    assert result.exit_code == 0, result.output


def test_user_error_is_one_line_exit_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "a"}\n{"id": \n')
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "annotator",
            "--db",
            str(tmp_path / "x.db"),
            "import",
            "jsonl",
            str(bad),
        ],
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 1
    assert proc.stderr.strip().splitlines() == [
        f"Error: {bad}:2: invalid JSON: Expecting value at character 9"
    ]
    assert "Traceback" not in proc.stderr


def test_not_a_database_is_a_clean_error(tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"this is not sqlite" * 100)
    result = CliRunner().invoke(cli, ["--db", str(junk), "status"])
    assert result.exit_code == 1
    assert "not an annotator database" in result.output


def test_usage_error_exits_2() -> None:
    result = CliRunner().invoke(cli, ["import", "xml", "f"])
    assert result.exit_code == 2


def test_bad_taxonomy_option_names_the_file(tmp_path: Path) -> None:
    tax = tmp_path / "t.yaml"
    tax.write_text("name: x\nversion: '1'\ncategories: []\n")
    result = CliRunner().invoke(cli, ["--taxonomy", str(tax), "taxonomy"])
    assert result.exit_code == 1
    assert "t.yaml" in result.output and "categories" in result.output


def test_taxonomy_tree_lists_categories_and_the_alias() -> None:
    result = CliRunner().invoke(cli, ["taxonomy"])
    assert result.exit_code == 0
    assert "14. Prompt missing information" in result.output
    assert "alias 15 (Wrong import) -> 8." in result.output
