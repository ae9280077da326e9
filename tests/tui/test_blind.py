"""Blind means blind: nothing from other annotators' labels reaches the labeling UI.

Each test here is one leak that ``annotator label`` had: the ``disagreement``
status of the ``/`` filter, the statistics screen's source switch (final,
majority, other raters), a refused key listed by ``?``. The last test runs
one labeling session on two databases that differ only in other annotators'
labels and asserts that everything the annotator sees is identical.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Select

from annotator.export.counts import count_table
from annotator.models import LabelValue
from annotator.store import SampleFilter, Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.filter import FilterScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.count_bars import CountBars

from .conftest import fill, settle, text_of

ME = "alice"
SHAPE = LabelValue(kind="bug", category=1, subcategory="Shape and dimension mismatch")
MISSING = LabelValue(kind="bug", category=6, subcategory="Type mismatch problem")


def others_label(store: Store) -> None:
    """rater_k and rater_q disagree on s02 and s03, final decides; alice is not involved."""
    for sid in ("s02", "s03", "s04"):
        store.set_label(sid, "rater_k", SHAPE)
        store.set_label(sid, "rater_q", MISSING if sid != "s04" else SHAPE)
        store.set_label(sid, "final", SHAPE, source="import:x")


@pytest.fixture
def shared_store(tmp_path: Path) -> Any:
    store = Store.open(tmp_path / "shared.db")
    fill(store)
    store.set_label("s01", ME, SHAPE)
    others_label(store)
    yield store
    store.close()


def status_options(screen: FilterScreen) -> list[str]:
    select = screen.query_one("#f-status", Select)
    return [str(value) for _, value in select._options if isinstance(value, str)]


async def test_filter_offers_no_disagreement_status(shared_store: Store) -> None:
    app = AnnotatorApp(shared_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        options = status_options(app.screen)
        assert "unlabeled" in options and "labeled" in options
        assert "disagreement" not in options


def test_blind_view_refuses_filters_over_other_labels(shared_store: Store) -> None:
    from annotator.blind import BlindnessError, BlindView

    view = BlindView(shared_store, ME)
    with pytest.raises(BlindnessError, match="blind"):
        view.queue(SampleFilter(status="disagreement"))
    with pytest.raises(BlindnessError):
        view.queue_count(SampleFilter(status="disagreement"))
    # A category filter means 'my labels in this category', never anyone's.
    assert [r.id for r in view.queue(SampleFilter(category=1))] == ["s01"]
    assert view.queue_count(SampleFilter(category=1, category_annotator="rater_k")) == 1
    assert view.queue(SampleFilter(category=4)) == []


async def test_stats_from_label_shows_only_own_counts(shared_store: Store) -> None:
    app = AnnotatorApp(shared_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        assert screen.sources == [ME]
        mine = count_table(shared_store, ME)
        assert screen.query_one(CountBars).table == mine
        for _ in range(4):  # the switch goes nowhere: no final, majority, rater_k ...
            await pilot.press("s")
            await settle(pilot)
            assert screen.source == ME
            assert screen.query_one(CountBars).table == mine
        title = text_of(screen.title)
        assert "final" not in title and "majority" not in title


async def test_help_lists_no_refused_key(shared_store: Store) -> None:
    app = AnnotatorApp(shared_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = [key for key, _ in app.screen.rows]
        text = " ".join(description for _, description in app.screen.rows)
        assert "G" not in keys
        assert "agreement" not in text.lower()
        await pilot.press("escape")
        await pilot.press("G")  # not a key of labeling at all
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)


def test_label_screen_holds_no_store(shared_store: Store) -> None:
    from annotator.blind import BlindView

    app = AnnotatorApp(shared_store, ME)
    assert isinstance(app.session.view, BlindView)
    assert not hasattr(app.session, "store")
    assert not hasattr(app.session.view, "store")


async def seen_by_alice(store: Store) -> dict[str, Any]:
    """Everything alice's UI shows over one short session (``o``: pass)."""
    app = AnnotatorApp(store, ME)
    seen: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        seen["title"] = text_of(screen.sub_title).split(" · ")[:2]
        seen["queue"] = [screen.queue.get_option_at_index(i).id for i in range(9)]
        await pilot.press("2", "n", "o")
        await settle(pilot)
        seen["after"] = text_of(screen.sub_title).split(" · ")[:2]
        seen["rows"] = [str(screen.queue.get_option_at_index(i).prompt) for i in range(9)]
        await pilot.press("slash")
        await settle(pilot)
        assert isinstance(app.screen, FilterScreen)
        seen["statuses"] = status_options(app.screen)
        await pilot.press("escape")
        await pilot.press("S")
        await settle(pilot)
        stats = app.screen
        assert isinstance(stats, StatsScreen)
        seen["stats"] = stats.query_one(CountBars).render().plain
    return seen


async def test_what_alice_sees_does_not_depend_on_other_labels(tmp_path: Path) -> None:
    views = []
    for name, others in (("alone.db", False), ("shared.db", True)):
        with Store.open(tmp_path / name) as store:
            fill(store)
            store.set_label("s01", ME, SHAPE)
            if others:
                others_label(store)
            views.append(await seen_by_alice(store))
    alone, shared = views
    assert alone == shared
