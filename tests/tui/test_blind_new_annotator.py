"""Blind labeling as a new annotator names no other annotator (issue 23, item 12).

``S`` (statistics) for an annotator with no label yet used to show an error
listing every annotator in the database ("no annotator 'newbie' (annotators:
rater_k, rater_q, ...)"). It shows an empty table of one's own instead.
"""

from __future__ import annotations

from pathlib import Path

from annotator.models import LabelValue
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.count_bars import CountBars

from .conftest import fill, settle

OTHERS = ("rater_kappa", "rater_quux")


async def test_stats_as_a_new_annotator_names_nobody_else(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "shared.db")
    fill(store)
    for name in OTHERS:
        store.set_label("s02", name, LabelValue(category=1))
    app = AnnotatorApp(store, "newbie")
    async with app.run_test(size=(140, 40)) as pilot:
        await settle(pilot)
        await pilot.press("S")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, StatsScreen)
        shown = app.export_screenshot() + " ".join(str(n.message) for n in app._notifications)
        for name in OTHERS:
            assert name not in shown
        assert "newbie" in shown
        table = screen.query_one(CountBars).table
        assert table is not None and table.total == 0
    store.close()
