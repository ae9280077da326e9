"""Review writes and quitting under another process's write lock (issue 13.7):
the review screen stays responsive, announces the wait and writes the final
label on the sample it was given for; a first ``q`` never drops a pending label."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

from annotator.models import FINAL
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.writer import LabelWriter

from .conftest import settle
from .test_key_order import _writer, many  # noqa: F401 - the fixture
from .test_review import REVIEWER, label_all


def _notices(app: AnnotatorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def _until(check: object, seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not check():  # type: ignore[operator]
        assert time.monotonic() < deadline, what
        await asyncio.sleep(0.05)


async def test_review_under_a_held_lock_stays_responsive_and_adopts_later(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LabelWriter, "give_up", 1.0)
    monkeypatch.setattr(LabelWriter, "retry", 0.3)
    store = Store.open(tmp_path / "review.db")
    label_all(store)
    app = AnnotatorApp(store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.current == "s02" and screen.raters == ["ann", "bob", "cat"]
        proc = _writer(store.path, 2.5, 2.5)  # one lock held for 2.5 s
        try:
            started = time.monotonic()
            await pilot.press("1")  # adopt ann's label for s02, then move on
            assert time.monotonic() - started < 0.5  # the UI did not wait for the lock
            assert screen.writes_pending == 1
            assert screen.current == "s01"  # moved on at once
            await _until(
                lambda: any(
                    "waiting for the database (another writer)" in n for n in _notices(app)
                ),
                1.0,
                str(_notices(app)),
            )
            await pilot.press("n")  # still responsive
            assert screen.current == "s03"
            assert store.label("s02", FINAL) is None  # pending, not written yet
        finally:
            proc.wait(30)
        await _until(lambda: screen.writes_pending == 0, 30, "the adopt never landed")
        await settle(pilot)
    final = store.label("s02", FINAL)
    assert final is not None and (final.category, final.subcategory) == (3, "Not DL-related")
    assert final.written_by == REVIEWER and final.source == "review"
    assert store.label("s01", FINAL) is None and store.label("s03", FINAL) is None
    store.close()


async def test_first_q_with_pending_writes_warns_and_keeps_them(
    many: Store,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(LabelWriter, "give_up", 1.0)
    monkeypatch.setattr(LabelWriter, "retry", 0.3)
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        proc = _writer(many.path, 1.5, 1.5)
        try:
            await pilot.press("2")
            screen = app.screen
            assert isinstance(screen, LabelScreen) and screen.writes_pending == 1
            await pilot.press("q")
            await pilot.pause()
            assert app.is_running
            said = "1 label still waiting for the database; q again to quit and drop them"
            assert said in _notices(app), _notices(app)
        finally:
            proc.wait(30)
        await _until(lambda: screen.writes_pending == 0, 30, "the label never landed")
        label = many.label("s01", "me")
        assert label is not None and label.category == 2
        await pilot.press("q")  # nothing pending: quits at once
        await pilot.pause()
        assert not app.is_running


async def test_second_q_quits_with_writes_pending(
    many: Store,  # noqa: F811
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(LabelWriter, "give_up", 1.0)
    monkeypatch.setattr(LabelWriter, "retry", 0.3)
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        proc = _writer(many.path, 1.0, 1.0)
        try:
            await pilot.press("2", "q")
            await pilot.pause()
            assert app.is_running
            await pilot.press("q")
            await pilot.pause()
            assert not app.is_running
        finally:
            proc.wait(30)
