"""Every key acts on the sample it was pressed on, in order, whatever the load
(issue 13.1), and write failures and locks keep the UI running (13.7)."""

from __future__ import annotations

import asyncio
import sqlite3
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from rawsql import tamper
from textual import events

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen
from annotator.tui.writer import LabelWriter

from .conftest import make_sample, settle

N = 30


@pytest.fixture
def many(tmp_path: Path) -> Iterator[Store]:
    path = tmp_path / "many.db"
    with Store.open(path) as store:
        for i in range(1, N + 3):
            store.upsert_sample(make_sample(i))
    store = Store.open(path)
    yield store
    store.close()


def _post(app: AnnotatorApp, keys: list[str]) -> None:
    """Queue key events as a fast typist (or a key repeat) delivers them: all at once."""
    for key in keys:
        app.post_message(events.Key(key, key))


async def _drain(app: AnnotatorApp, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        await asyncio.sleep(0.05)
        screen = next(s for s in app.screen_stack if isinstance(s, LabelScreen))
        if screen.writes_pending == 0 and not app._message_queue.qsize():
            await asyncio.sleep(0.1)
            if screen.writes_pending == 0:
                return
    raise AssertionError("writes still pending")


def _labels(store: Store) -> dict[str, tuple[int | None, int]]:
    return {label.sample_id: (label.category, label.revision) for label in store.labels("me")}


async def test_keys_at_any_rate_land_on_their_own_samples(many: Store) -> None:
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _post(app, ["2", "n"] * N)
        await _drain(app)
        await settle(pilot)
    labels = _labels(many)
    expected = {f"s{i:02d}": (2, 1) for i in range(1, N + 1)}
    assert labels == expected


WRITER = """
import sqlite3, sys, time
conn = sqlite3.connect(sys.argv[1], timeout=30, isolation_level=None)
end = time.monotonic() + float(sys.argv[2])
hold = float(sys.argv[3])
first = True
while time.monotonic() < end:
    conn.execute("BEGIN IMMEDIATE")
    if first:  # the lock is held from here
        print("ready", flush=True)
        first = False
    conn.execute("INSERT OR REPLACE INTO annotators (name, created_at) VALUES ('importer', 'x')")
    time.sleep(hold)
    conn.execute("COMMIT")
    time.sleep(0.01)
"""


def _writer(db: Path, seconds: float, hold: float) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(db), str(seconds), str(hold)],
        stdout=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline().strip() == "ready"
    return proc


async def test_keys_land_right_while_another_process_writes(many: Store) -> None:
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        proc = _writer(many.path, 6.0, 0.15)
        try:
            for _ in range(N):  # "2 n" typed as one quick gesture, about 8 keys a second
                _post(app, ["2", "n"])
                await asyncio.sleep(0.12)
            await _drain(app)
        finally:
            proc.wait(30)
        await settle(pilot)
    assert _labels(many) == {f"s{i:02d}": (2, 1) for i in range(1, N + 1)}


def _notices(app: AnnotatorApp) -> list[str]:
    return [n.message for n in app._notifications]


async def test_a_held_lock_is_announced_and_the_ui_stays_responsive(
    many: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(LabelWriter, "give_up", 1.0)
    monkeypatch.setattr(LabelWriter, "retry", 0.3)
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        proc = _writer(many.path, 2.5, 2.5)  # one lock held for 2.5 s
        try:
            started = time.monotonic()
            await pilot.press("2")
            screen = app.screen
            assert isinstance(screen, LabelScreen)
            assert time.monotonic() - started < 0.5  # the UI did not wait for the lock
            assert screen.writes_pending == 1
            while not any("waiting for the database (another writer)" in n for n in _notices(app)):
                await asyncio.sleep(0.05)
                assert time.monotonic() - started < 1.0, _notices(app)
            await pilot.press("n")  # still responsive
            assert screen.queue.current_id == "s02"
            while not any("kept pending" in n for n in _notices(app)):
                await asyncio.sleep(0.05)
                assert time.monotonic() - started < 2.4
            assert many.label("s01", "me") is None  # pending, not lost
        finally:
            proc.wait(30)
        await _drain(app)
        await settle(pilot)
    assert _labels(many) == {"s01": (2, 1)}


@pytest.mark.parametrize("case", ["read-only", "disk full"])
async def test_a_failed_write_is_reported_and_the_ui_goes_on(
    many: Store, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        if case == "read-only":
            tamper(many).execute("PRAGMA query_only = ON")
        else:
            # SQLite's own error for a full disk (a real one is not made in a test).
            def full(*args: object, **kwargs: object) -> None:
                raise sqlite3.OperationalError("database or disk is full")

            monkeypatch.setattr(Store, "set_label", full)
        await pilot.press("2")
        await settle(pilot)
        assert app.is_running
        said = "read-only" if case == "read-only" else "disk is full"
        assert any(said in n for n in _notices(app)), _notices(app)
        await pilot.press("n")
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)
        assert app.screen.queue.current_id == "s02"
    assert many.label("s01", "me") is None


async def test_a_pending_first_digit_stays_with_its_sample(many: Store) -> None:
    # '1' waits for a possible second digit (10-14); 'n' moves on: 1 is for s01.
    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        _post(app, ["1", "n"])
        await _drain(app)
        await settle(pilot)
    assert _labels(many) == {"s01": (1, 1)}


async def test_a_key_under_lag_acts_on_the_sample_on_screen(
    many: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23.5: reads lag (a writer holding the disk, an import), the next
    sample takes 0.6 s to load, and a label key comes 0.25 s after ``n``. The
    label lands on the sample whose header was on screen when the key was
    pressed, and no other sample's code stood under that header."""
    from annotator.tui.sample_data import SampleSource, SampleView, load_view

    def slow(store: SampleSource, sample_id: str) -> SampleView | None:
        time.sleep(0.6)
        return load_view(store, sample_id)

    app = AnnotatorApp(many, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen) and screen.current == "s01"
        monkeypatch.setattr("annotator.tui.screens.label_reads.load_view", slow)
        for sid in [s for s in screen.viewer.cache if s != "s01"]:
            del screen.viewer.cache[sid]  # nothing prefetched: every read lags

        def on_screen() -> tuple[str, str]:
            meta = str(screen.query_one("#meta").render())
            code = screen.viewer.query_one("#generated").text()  # type: ignore[attr-defined]
            return meta, code

        await pilot.press("n")
        await asyncio.sleep(0.25)
        meta, code = on_screen()
        await pilot.press("3")
        at_press = screen.target()
        await _drain(app)
        await settle(pilot)
        painted = on_screen()
    assert at_press is not None and at_press in meta  # the key's sample is the one named
    assert "func1" not in code  # s01's code is not left under another sample's header
    assert _labels(many) == {at_press: (3, 1)}
    assert at_press in painted[0] and f"func{int(at_press[1:])}" in painted[1]
