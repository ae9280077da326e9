"""The README starts with the two set-up commands, and CI runs the second one; both install
the tested versions (constraints.txt)."""

from __future__ import annotations

import re
import tomllib
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


def _pins() -> dict[str, str]:
    """constraints.txt: {normalized name: version}."""
    pins: dict[str, str] = {}
    for line in (REPO / "constraints.txt").read_text(encoding="utf-8").splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            name, sep, version = line.partition("==")
            assert sep and version, f"not an exact pin: {line!r}"
            pins[_normal(name)] = version
    return pins


def _normal(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def test_setup_commands_install_the_tested_versions() -> None:
    # Both set-up commands (and so CI) install with the constraints of the tested environment.
    for command in _setup_commands():
        assert "pip install -q -c constraints.txt " in command


def test_constraints_pin_every_dependency_and_not_the_project() -> None:
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    wanted = [*project["dependencies"], *project["optional-dependencies"]["test"]]
    pins = _pins()
    names = {_normal(re.split(r"[<>=!~\[; ]", spec, maxsplit=1)[0]) for spec in wanted}
    assert names <= set(pins), sorted(names - set(pins))
    assert _normal(project["name"]) not in pins
    assert {"textual", "rich"} <= set(pins)  # the UI's speed is measured with these
