"""A rater who opens review sees the other raters' labels: from then on their own
changes on that sample are negotiated (``annotator.rounds``); a reviewer who did not
rate the sample records nothing. ``m`` changes the reviewer's own label there, with
a reason."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input, Static

from annotator.models import LabelValue
from annotator.rounds import conflicts, draw_round
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.note import NoteScreen
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.screens.review import ReviewScreen

from .conftest import fill, settle

ONE = LabelValue(kind="bug", category=1)
TWO = LabelValue(kind="bug", category=2)


def study(path: Path) -> Store:
    store = Store.open(path)
    fill(store)
    for who in ("alice", "bob", "carol"):
        store.register_annotator(who)
    draw_round(store, 2, query="id:s01,s02", annotators=["alice", "bob"])
    for sid in ("s01", "s02"):
        store.set_label(sid, "alice", ONE)
        store.set_label(sid, "bob", TWO)
    return store


async def test_a_rater_reviewing_has_seen_the_disagreement(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "alice", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
        shown = store.shown_at("s01", "alice")
        assert shown is not None
        assert store.shown_at("s01", "bob") is None
        store.set_label("s01", "alice", TWO)
        (first, _) = conflicts(store, 1)
        assert first.sample_id == "s01"
        assert [(c.annotator, c.category) for c in first.changes] == [("alice", 2)]
    finally:
        store.close()


async def test_a_reviewer_who_did_not_rate_records_nothing(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "carol", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
        assert all(store.shown_at(s, w) is None for s in ("s01", "s02") for w in ("alice", "bob"))
    finally:
        store.close()


async def test_m_changes_the_reviewers_own_label_with_a_reason(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "alice", review=True)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, ReviewScreen) and screen.current == "s01"
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, PickerScreen)
            await pilot.press("2")  # category 2, then its subcategory picker
            await settle(pilot)
            if isinstance(app.screen, PickerScreen):
                await pilot.press("1")
                await settle(pilot)
            assert isinstance(app.screen, NoteScreen)
            assert store.label("s01", "alice").category == 1  # type: ignore[union-attr]
            app.screen.query_one(Input).value = "bob is right [b]here[/b]"
            await pilot.press("enter")
            await settle(pilot)
            assert "negotiated ✓" in str(screen.query_one("#review-final", Static).render())
        label = store.label("s01", "alice")
        assert label is not None and label.category == 2 and label.source == "negotiate"
        (first, *_) = conflicts(store, 1)
        assert [(c.annotator, c.category, c.reason) for c in first.changes] == [
            ("alice", 2, "bob is right [b]here[/b]")
        ]
        assert store.label("s01", "bob").category == 2  # type: ignore[union-attr]
    finally:
        store.close()


async def test_m_without_a_label_of_ones_own_writes_nothing(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "carol", review=True)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("m")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert any("no label of your own" in n.message for n in app._notifications)
        assert store.negotiated_changes() == []
    finally:
        store.close()
