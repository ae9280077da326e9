"""The sample's failure, the code view and the label sheet: each one package, no circle, one definition.

``lint-imports`` (run by tests/test_contracts.py) keeps the layers; these tests keep
what it does not see:

- no import circle among the modules of ``failures/``, ``codeview/``, ``sheet/``,
  ``suggest/``, ``agreement/``, ``store/`` and ``tui/``,
  imports inside functions and for type checking included (a circle hidden in a
  function is still one: ``testoutput`` <-> ``junitoutput`` once was);
- no module of those packages imports another module's private name (``_EXC`` once
  was imported by three parsers);
- what the sheet, the CSV writers and the output parsers share is defined once.
"""

from __future__ import annotations

import ast
from pathlib import Path

import grimp
import pytest

import annotator
from annotator.importers import IMPORTERS
from annotator.importers.protocol import FunctionImporter
from annotator.sheet import reader as sheet_reader

PACKAGE = Path(annotator.__file__).resolve().parent
NEW_PACKAGES = ("failures", "codeview", "sheet")
CIRCLE_FREE = (*NEW_PACKAGES, "suggest", "agreement", "store", "tui")


@pytest.fixture(scope="module")
def graph() -> grimp.ImportGraph:
    return grimp.build_graph("annotator", cache_dir=None, exclude_type_checking_imports=False)


def _circle(graph: grimp.ImportGraph, package: str) -> list[str]:
    """One circle among the modules of ``package`` (empty when there is none)."""
    modules = {m for m in graph.modules if m.startswith(f"annotator.{package}.")}
    state: dict[str, int] = {}  # 1 on the current path, 2 done
    path: list[str] = []

    def visit(module: str) -> list[str]:
        state[module] = 1
        path.append(module)
        for imported in sorted(graph.find_modules_directly_imported_by(module) & modules):
            if state.get(imported) == 1:
                return [*path[path.index(imported) :], imported]
            if imported not in state and (found := visit(imported)):
                return found
        path.pop()
        state[module] = 2
        return []

    for module in sorted(modules):
        if module not in state and (found := visit(module)):
            return found
    return []


@pytest.mark.parametrize("package", CIRCLE_FREE)
def test_no_import_circle_inside_the_package(graph: grimp.ImportGraph, package: str) -> None:
    assert _circle(graph, package) == []


def test_the_circle_finder_finds_a_circle() -> None:
    # The package has none left, so the finder is shown one of its own: the TUI's old
    # keymap -> label screen -> keymap.
    made = grimp.ImportGraph()
    for importer, imported in [
        ("annotator.tui.keymap", "annotator.tui.screens.label"),
        ("annotator.tui.screens.label", "annotator.tui.screens.label_keys"),
        ("annotator.tui.screens.label_keys", "annotator.tui.keymap"),
        ("annotator.tui.app", "annotator.tui.keymap"),
    ]:
        made.add_import(importer=importer, imported=imported)
    circle = _circle(made, "tui")
    assert circle[0] == circle[-1] and len(circle) == 4


@pytest.mark.parametrize("package", NEW_PACKAGES)
def test_no_private_name_crosses_a_module(package: str) -> None:
    offenders = []
    for path in sorted((PACKAGE / package).rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom):
                for alias in node.names:
                    if alias.name.startswith("_") and not alias.name.startswith("__"):
                        offenders.append(f"{path.name}: {node.module}.{alias.name}")
    assert offenders == []


def _definitions(name: str) -> list[str]:
    """The modules of the package that assign or define ``name`` at their top level."""
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.FunctionDef) and node.name == name:
                found.append(str(path.relative_to(PACKAGE)))
            targets = node.targets if isinstance(node, ast.Assign) else []
            if any(isinstance(t, ast.Name) and t.id == name for t in targets):
                found.append(str(path.relative_to(PACKAGE)))
    return found


@pytest.mark.parametrize(
    ("name", "home"),
    [
        ("FORMULA_STARTS", "sheet/cells.py"),
        ("unguard", "sheet/cells.py"),
        ("INFERRED_SUFFIX", "sheet/layout.py"),
        ("EXCEPTION_LINE", "failures/outputfacts.py"),
        ("mask_message", "failures/masking.py"),
        ("primary_signature", "failures/outputmodels.py"),
        ("install", "startup.py"),
    ],
)
def test_shared_names_are_defined_once(name: str, home: str) -> None:
    assert _definitions(name) == [home]


def test_import_labels_is_the_sheet_readers() -> None:
    # The registry lists the sheet's reader as the `labels` format, needing the known ids.
    importer = IMPORTERS["labels"]
    assert isinstance(importer, FunctionImporter)
    assert importer.needs_sample_ids
    assert importer.reader is sheet_reader.read_labels
