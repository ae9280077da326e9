"""A failed worker is never silent: one handler says so on screen and the app
goes on (issue 22, item 7) - the review screen, the agreement screen, the
code marks and the labeling screen alike."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Static

from annotator.models import LabelValue
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.sample_data import SampleView
from annotator.tui.screens.agreement import AgreementScreen
from annotator.tui.screens.review import ReviewScreen

from .conftest import fill, settle


def boom(*args: Any, **kwargs: Any) -> Any:
    raise RuntimeError("disk on fire")


def messages(app: AnnotatorApp) -> list[str]:
    return [n.message for n in app._notifications]


@pytest.fixture
def two_raters(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "w.db")
    fill(store)
    store.set_label("s01", "ann", LabelValue(category=1, subcategory=None))
    store.set_label("s01", "bob", LabelValue(category=2, subcategory=None))
    return store


async def test_review_load_failure_is_shown(
    two_raters: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.tui.screens.review.review_items", boom)
    app = AnnotatorApp(two_raters, "rev", review=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert any("loading the disagreements failed" in m for m in messages(app))
        assert any("disk on fire" in m for m in messages(app))
        meta = str(screen.viewer.query_one("#meta", Static).render())
        assert "loading disagreements" not in meta and "disk on fire" in meta
        await pilot.press("G")  # the app goes on
        await settle(pilot)
        assert isinstance(app.screen, AgreementScreen)
    two_raters.close()


async def test_agreement_pair_failure_is_shown(
    two_raters: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("annotator.tui.screens.agreement.pair_disagreements", boom)
    app = AnnotatorApp(two_raters, "rev", review=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        screen.load_pair("ann", "bob")
        await settle(pilot)
        assert any("disk on fire" in m for m in messages(app)), messages(app)
        assert isinstance(app.screen, AgreementScreen)
    two_raters.close()


async def test_marks_failure_is_shown(two_raters: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(SampleView, "marks", property(boom))
    app = AnnotatorApp(two_raters, "ann")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        assert any("marking the code failed" in m for m in messages(app)), messages(app)
        await pilot.press("4")  # labeling goes on
        await settle(pilot)
    label = two_raters.label("s02", "ann")
    assert label is not None and label.category == 4
    two_raters.close()


def test_every_node_with_workers_reports_their_errors() -> None:
    """Each class that starts workers takes the one handler of annotator.tui.workers."""
    import ast
    import importlib

    import annotator.tui as tui
    from annotator.tui import workers

    root = Path(tui.__file__).parent
    starting = []
    for path in root.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if not isinstance(node, ast.ClassDef):
                continue
            source = ast.unparse(node)
            if "@work(" in source or "Reads(" in source or "run_worker(" in source:
                starting.append((path, node.name))
    assert len(starting) >= 5
    for path, name in starting:
        if name in {"Reads", "LabelReads"}:
            continue  # run workers on their owner screen
        module = ".".join(path.relative_to(root.parent.parent).with_suffix("").parts)
        cls = getattr(importlib.import_module(module), name)
        assert cls.on_worker_state_changed is workers.on_worker_state_changed, name
