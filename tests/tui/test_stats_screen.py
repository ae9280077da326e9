"""Pilot tests of the statistics screen: totals equal ``count_table``, the
source switches, and new labels (from this app or another connection) show up."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotator.export.counts import CountTable, count_table
from annotator.models import FINAL, LabelValue
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.count_bars import CountBars, cells, split

from .conftest import settle
from .test_review import REVIEWER, label_all


@pytest.fixture
def stats_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "stats.db")
    label_all(store)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def fast_poll(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("annotator.tui.screens.stats.POLL_SECONDS", 0.05)


async def open_stats(pilot: Pilot[None]) -> StatsScreen:
    await settle(pilot)
    await pilot.press("S")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, StatsScreen)
    return screen


def bars_text(screen: StatsScreen) -> str:
    return screen.query_one(CountBars).render().plain


def assert_shows(screen: StatsScreen, expected: CountTable) -> None:
    assert screen.bars.table == expected
    lines = bars_text(screen).splitlines()
    for category in expected.categories:
        line = next(line for line in lines if line.startswith(f"{category.id:>2} "))
        assert f" {category.total} " in line
        dl, other, unspecified = split(category)
        if category.total:
            assert f"{dl} DL · {other} other" in line
        if unspecified:
            assert f"{unspecified} ?" in line
    assert f"Total {expected.total} occurrences in {expected.n_samples} samples" in lines[-1]


async def test_totals_and_source_switch(stats_store: Store) -> None:
    app = AnnotatorApp(stats_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        assert screen.title == "Statistics · source: auto"
        auto = count_table(stats_store, "auto")
        assert auto.total > 0
        assert_shows(screen, auto)
        assert screen.sources == ["auto", "final", "majority", "ann", "bob", "cat"]
        seen = []
        for source in screen.sources[1:]:
            await pilot.press("s")
            await settle(pilot)
            assert screen.title == f"Statistics · source: {source}"
            table = count_table(stats_store, source)
            assert_shows(screen, table)
            seen.append(table.total)
        assert len(set(seen)) > 1  # the sources really differ
        await pilot.press("s")  # back to the first
        await settle(pilot)
        assert screen.source == "auto"


async def test_updates_when_another_connection_saves(stats_store: Store) -> None:
    app = AnnotatorApp(stats_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        for _ in range(3):  # to 'ann'
            await pilot.press("s")
        await settle(pilot)
        assert screen.source == "ann"
        before = screen.bars.table
        assert before is not None and before.categories[12].total == 0
        other = stats_store.reopen()  # another annotator's process, say
        try:
            other.set_label("s09", "ann", LabelValue(category=13, subcategory="Not DL-related"))
        finally:
            other.close()
        for _ in range(20):
            await pilot.pause(0.05)
            await app.workers.wait_for_complete()
            if screen.bars.table != before:
                break
        after = count_table(stats_store, "ann")
        assert after.categories[12].total == 1
        assert_shows(screen, after)


async def test_recounts_after_a_final_label_in_review(stats_store: Store) -> None:
    app = AnnotatorApp(stats_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stats(pilot)
        await pilot.press("s")  # final
        await settle(pilot)
        assert screen.bars.table is not None and screen.bars.table.total == 1  # s05 only
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("2")  # s02: bob's 6/Type mismatch becomes final
        await settle(pilot)
        assert stats_store.label("s02", FINAL) is not None
        screen = await open_stats(pilot)
        assert screen.source == "auto"
        await pilot.press("s")
        await settle(pilot)
        final = count_table(stats_store, "final")
        assert final.total == 2
        assert_shows(screen, final)


def test_bar_cells_are_proportional_and_never_hide_a_count() -> None:
    assert cells((10, 5, 0), 10, 20) == [20, 10, 0]
    assert cells((1, 0, 0), 100, 20) == [1, 0, 0]
    assert cells((0, 0, 0), 0, 20) == [0, 0, 0]


def test_stats_snapshot(snap_compare: Callable[..., bool], tmp_path: Path) -> None:
    store = Store.open(tmp_path / "snap.db")
    label_all(store)
    app = AnnotatorApp(store, REVIEWER, review=True)

    async def run_before(pilot: Pilot[None]) -> None:
        await open_stats(pilot)

    try:
        assert snap_compare(app, terminal_size=(120, 40), run_before=run_before)
    finally:
        store.close()
