"""The queue after a search: names keep their endings, an empty result says so
(issue 22, item 9); the help lists every key once."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import Input

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.filter import FilterScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.sample_list import SampleList

from .conftest import make_sample, settle

STEMS = ["classeswarp_forward", "classifierwarmup_step", "convolutionwindow_pass"]


def fill_many(store: Store) -> list[str]:
    """60 samples: more than a screen of rows, so the queue has a scrollbar."""
    ids = []
    for i in range(60):
        sid = f"{STEMS[i % 3]}_{i:02d}"
        sample = make_sample(i + 1, "RuntimeError", "bad")
        if i == 7:
            code = sample.generated_code + "# needle_only_here\n"
            sample = sample.model_copy(update={"generated_code": code})
        store.upsert_sample(sample.model_copy(update={"id": sid}))
        ids.append(sid)
    return ids


async def search(app: AnnotatorApp, pilot: object, text: str) -> SampleList:
    from textual.pilot import Pilot

    assert isinstance(pilot, Pilot)
    await pilot.press("slash")
    await settle(pilot)
    assert isinstance(app.screen, FilterScreen)
    app.screen.query_one("#f-text", Input).value = text
    await pilot.press("enter")
    await settle(pilot)
    return app.screen.query_one(SampleList)


def rendered_rows(queue: SampleList) -> list[str]:
    """The queue's rows as drawn on screen (cut to the list's width)."""
    height = queue.scrollable_content_region.height
    return [queue.render_line(y).text for y in range(height)]


async def test_names_keep_their_endings_after_clearing_a_search(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.db") as store:
        ids = fill_many(store)
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(80, 24)) as pilot:
            await settle(pilot)
            queue = await search(app, pilot, "needle_only_here")
            assert queue.option_count == 1
            queue = await search(app, pilot, "")
            assert queue.option_count == len(ids)
            for row in rendered_rows(queue):
                name = row.strip().split(" ")[-1]
                # Cut in the middle at most, never at the end as well.
                assert not name.endswith("…"), rendered_rows(queue)


async def test_search_without_match_empties_the_screen(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.db") as store:
        fill_many(store)
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LabelScreen)
            assert screen.queue.border_title == "Queue (60)"
            queue = await search(app, pilot, "nothing_matches_this")
            assert queue.option_count == 0
            assert queue.border_title == "Queue (0)"
            assert screen.target() is None
            view = screen.viewer.query_one("#generated", LinesView)
            code = "".join(view.render_line(y).text for y in range(view.size.height))
            assert "def " not in code and "import torch" not in code
            await pilot.press("4")  # a category key with no sample: nothing written
            await settle(pilot)
            assert list(store.labels(annotator="me")) == []


async def test_help_lists_each_key_once(tmp_path: Path) -> None:
    with Store.open(tmp_path / "q.db") as store:
        fill_many(store)
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("question_mark")
            await settle(pilot)
            assert isinstance(app.screen, HelpScreen)
            keys = [part for key, _ in app.screen.rows for part in key.split(" / ")]
            assert keys.count("ctrl+p") == 1, app.screen.rows
            assert len(keys) == len(set(keys)), [k for k in keys if keys.count(k) > 1]
