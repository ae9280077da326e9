"""The README starts with the two set-up commands, and CI runs the second one."""

from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _setup_commands() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split("```bash\n", 1)[1].split("```", 1)[0]
    return [line for line in block.splitlines() if line.strip()]


def test_readme_starts_with_demo_and_test_commands() -> None:
    demo, tests = _setup_commands()
    assert demo.endswith("annotator demo")
    assert "pytest" in tests and "[test]" in tests


def test_ci_runs_the_readme_test_command() -> None:
    ci = (REPO / ".ci" / "run").read_text(encoding="utf-8")
    _, tests = _setup_commands()
    assert tests in ci


def test_import_table_lists_every_format_with_an_example() -> None:
    from annotator.importers import IMPORTERS

    text = (REPO / "README.md").read_text(encoding="utf-8")
    table = text.split("### Importing", 1)[1].split("\n\n", 2)[1]
    rows = {line.split("`")[1]: line for line in table.splitlines()[2:]}
    assert set(rows) == {*IMPORTERS, "metadata"}  # metadata attaches columns, not samples
    for name, row in rows.items():
        assert f"`annotator import {name} " in row, name
