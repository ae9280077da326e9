"""The TUI's house style, enforced: screens are one class each, every module states its contract.

The labeling screen was once a chain of mixins that reached into each other's
attributes through TYPE_CHECKING stubs; these tests keep it composed of plain
collaborators, and every TUI module with a docstring that states its contract.
Module length (about 400 lines) is a guideline judged in review, not a test: a
hard cap once split the label screen into helper objects only to fit it.
"""

from __future__ import annotations

import ast
from pathlib import Path

from textual.screen import Screen

from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.review import ReviewScreen

TUI = Path(__file__).resolve().parents[2] / "annotator" / "tui"


def test_task_screens_subclass_screen_only() -> None:
    for screen in (LabelScreen, ReviewScreen):
        assert screen.__bases__ == (Screen,), screen.__mro__


def test_no_class_under_the_tui_stubs_another_class_for_type_checking() -> None:
    # A class body with `if TYPE_CHECKING:` declares what it expects some
    # other class to provide: a mixin. Module-level lazy imports are fine.
    offenders = []
    for path in sorted(TUI.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ClassDef):
                for stmt in node.body:
                    if isinstance(stmt, ast.If) and "TYPE_CHECKING" in ast.unparse(stmt.test):
                        offenders.append(f"{path.relative_to(TUI)}:{node.name}")
    assert offenders == []


def test_every_tui_module_states_its_contract() -> None:
    undocumented = []
    for path in sorted(TUI.rglob("*.py")):
        text = path.read_text(encoding="utf-8")
        if text.strip() and ast.get_docstring(ast.parse(text)) is None:
            undocumented.append(str(path.relative_to(TUI)))
    assert undocumented == []
