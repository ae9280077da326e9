"""Pilot tests of every labeling flow, asserting on the database."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import Checkbox, Input, Select

from annotator.models import Suggestion
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.cluster_preview import ClusterPreview
from annotator.tui.screens.filter import FilterScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.output import OutputScreen
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.widgets.sample_list import SampleList

from .conftest import settle, text_of

ME = "alice"


def label_screen(app: AnnotatorApp) -> LabelScreen:
    screen = app.screen
    assert isinstance(screen, LabelScreen)
    return screen


async def test_opens_at_first_failing_sample(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = label_screen(app)
        assert screen.current == "s01"
        assert "s01" in str(screen.query_one("#meta").render())
        assert screen.queue.option_count == 9
        assert "0/8 labeled (0.0%)" in text_of(screen.sub_title)


async def test_digit_then_subcategory_picker(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")  # Fails to handle edge cases: 3 subcategories
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        # The category is saved before the subcategory is chosen.
        saved = tui_store.label("s01", ME)
        assert saved is not None and saved.category == 5 and saved.subcategory is None
        await pilot.press("2")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None
        assert (label.kind, label.category, label.subcategory) == (
            "bug",
            5,
            "Shape and dimension edges",
        )
        assert label.suggestions_shown is True
        assert "saved" in str(label_screen(app).query_one("#label-summary").render())


async def test_single_subcategory_is_automatic_and_zero_prefix(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)  # no picker
        label = tui_store.label("s01", ME)
        assert label is not None and (label.category, label.subcategory) == (2, "Not DL-related")
        await pilot.press("n", "1", "4")
        await settle(pilot)
        label = tui_store.label("s02", ME)
        assert label is not None and label.category == 14


async def test_accept_top_suggestion_moves_on(
    tui_store: Store, no_suggestions: list[Suggestion]
) -> None:
    no_suggestions.append(Suggestion(category=3, subcategory=None, score=0.9, evidence=["e1"]))
    no_suggestions.append(Suggestion(category=6, score=0.4))
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert "e1" in str(label_screen(app).query_one("#suggestions").render())
        await pilot.press("a")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.category == 3
        assert label.subcategory == "Not DL-related"
        assert label.suggestions_shown is True
        assert label_screen(app).current == "s02"


async def test_undo_goes_back_in_the_database(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("3", "f")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.flag == "flagged" and label.category == 3
        await pilot.press("u")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.flag is None and label.category == 3
        await pilot.press("u")
        await settle(pilot)
        assert tui_store.label("s01", ME) is None
        ops = [h.op for h in tui_store.history("s01", ME)]
        assert ops[0] == "insert" and ops[-1] == "delete"
        await pilot.press("u")  # nothing left: no crash, no change
        await settle(pilot)
        assert tui_store.label("s01", ME) is None


async def test_undo_after_accept_returns_to_the_sample(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        first = screen.current  # type: ignore[attr-defined]
        await pilot.press("s")  # skip moves on to the next sample
        await settle(pilot)
        assert screen.current != first  # type: ignore[attr-defined]
        await pilot.press("u")
        await settle(pilot)
        assert screen.current == first  # type: ignore[attr-defined]
        assert tui_store.label(first, ME) is None


async def test_note_then_escape_keys_work_again(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        assert isinstance(app.focused, Input)
        await pilot.press(*"odd 1 n")  # digits and n are text here
        await pilot.press("escape")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.note == "odd 1 n" and label.category is None
        assert label_screen(app).current == "s01"
        await pilot.press("n")
        await settle(pilot)
        assert label_screen(app).current == "s02"
        await pilot.press("p")
        await settle(pilot)
        assert label_screen(app).current == "s01"


async def test_flag_toggles_and_skip_moves_on(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("f")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.flag == "flagged" and label.kind == "none"
        await pilot.press("f")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.flag is None
        await pilot.press("s")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.kind == "skip"
        assert label_screen(app).current == "s02"


async def test_filter_by_status(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "j", "4")
        await settle(pilot)
        await pilot.press("slash")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        dialog.query_one("#f-status", Select).value = "labeled"
        await pilot.click("#apply")
        await settle(pilot)
        queue = label_screen(app).query_one(SampleList)
        ids = [queue.get_option_at_index(i).id for i in range(queue.option_count)]
        assert ids == ["s01", "s02"]


async def test_the_filter_dialog_gets_the_cluster_computed_for_it(tui_store: Store) -> None:
    # The cluster is computed after the dialog opens (label_bulk.ClusterAndFilter.ready).
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert label_screen(app).current == "s01"
        await pilot.press("slash")
        await settle(pilot)
        dialog = app.screen
        assert isinstance(dialog, FilterScreen)
        assert dialog.cluster_ids is not None and {"s03", "s05"} <= set(dialog.cluster_ids)
        assert not dialog.query_one("#f-cluster", Checkbox).disabled


async def test_cluster_label_with_preview_and_one_step_undo(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # representative s01
        await settle(pilot)
        await pilot.press("c")
        await settle(pilot)
        preview = app.screen
        assert isinstance(preview, ClusterPreview)
        assert preview.sample_ids == ["s03", "s05"]  # same masked ValueError
        await pilot.press("y")
        await settle(pilot)
        for sid in ("s03", "s05"):
            label = tui_store.label(sid, ME)
            assert label is not None and label.category == 2
        assert tui_store.label("s02", ME) is None
        await pilot.press("u")
        await settle(pilot)
        assert tui_store.label("s03", ME) is None and tui_store.label("s05", ME) is None
        label = tui_store.label("s01", ME)
        assert label is not None and label.category == 2


async def test_cluster_preview_cancel_writes_nothing(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "c")
        await settle(pilot)
        assert isinstance(app.screen, ClusterPreview)
        await pilot.press("escape")
        await settle(pilot)
        assert tui_store.label("s03", ME) is None


async def test_quit_and_reopen_resumes_at_next_unlabeled(db_path: Path) -> None:
    with Store.open(db_path) as store:
        app = AnnotatorApp(store, ME)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("2", "n", "3", "n")
            await settle(pilot)
            await pilot.press("q")
            await pilot.pause()
        assert app.return_code == 0
    with Store.open(db_path) as store:
        app = AnnotatorApp(store, ME)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert label_screen(app).current == "s03"


async def test_help_output_and_blind_share(tui_store: Store) -> None:
    big = "\n".join(f"line {i} [bold]x[/bold]" for i in range(200_000))
    sample = tui_store.require_sample("s01")
    tui_store.upsert_sample(sample.as_input(test_output=big))
    app = AnnotatorApp(tui_store, ME, blind_share=1.0)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = label_screen(app)
        assert "hidden" in str(screen.query_one("#suggestions").render())
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {part for key, _ in app.screen.rows for part in key.split(" / ")}
        assert {"digits", "o", "a", "n", "p", "u", "f", "s", "/", "t", "c", "q", "?"} <= keys
        await pilot.press("escape", "t")
        await settle(pilot)
        assert isinstance(app.screen, OutputScreen)
        assert len(app.screen.lines) == 200_000
        await pilot.press("escape", "1")
        await settle(pilot)
        await pilot.press("4")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.suggestions_shown is False


@pytest.mark.parametrize("share", [0.0, 0.3])
def test_blind_share_is_stable(share: float) -> None:
    from annotator.tui.sample_data import suggestions_hidden

    ids = [f"id{i}" for i in range(2000)]
    first = [suggestions_hidden(i, share) for i in ids]
    assert first == [suggestions_hidden(i, share) for i in ids]
    assert abs(sum(first) / len(ids) - share) < 0.05


async def test_failing_line_is_scrolled_into_view(tui_store: Store) -> None:
    sample = tui_store.require_sample("s01")
    code = "".join(f"x{i} = {i}\n" for i in range(60)) + "def reshape_it(x):\n    return x\n"
    output = 'Traceback (most recent call last):\n  File "g.py", line 62, in reshape_it\nE: bad\n'
    tui_store.upsert_sample(sample.as_input(generated_code=code, test_output=output))
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        view = label_screen(app).query_one("#generated")
        assert view.scroll_offset.y > 40
        drawn = "".join(s.text for y in range(view.size.height) for s in view.render_line(y))
        assert "▶62" in drawn


async def test_command_palette_fuzzy_category(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"shape dimension edges")
        await pilot.pause(0.5)
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None
        assert (label.category, label.subcategory) == (5, "Shape and dimension edges")


async def test_queue_loads_pages_lazily(tmp_path: Path) -> None:
    from .conftest import make_sample

    with Store.open(tmp_path / "big.db") as store:
        with store.transaction():
            for i in range(450):
                store.upsert_sample(make_sample(100 + i))
        app = AnnotatorApp(store, ME)
        async with app.run_test(size=(100, 30)) as pilot:
            await settle(pilot)
            queue = label_screen(app).queue
            assert queue.option_count == 200  # one page, not the whole table
            assert queue.total == 450
            await pilot.press("2")  # labeled rows move to the end of the queue
            await settle(pilot)
            queue.highlighted = 190
            await settle(pilot)
            assert queue.option_count == 400
            queue.highlighted = 390
            await settle(pilot)
            ids = [queue.get_option_at_index(i).id for i in range(queue.option_count)]
            assert queue.option_count == 450 and len(set(ids)) == 450


async def test_empty_database_says_how_to_import(tmp_path: Path) -> None:
    from textual.widgets import Static

    store = Store.open(tmp_path / "empty.db")
    app = AnnotatorApp(store, ME)
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        await pilot.press("n", "a", "u", "1")  # nothing to act on: no crash, no label
        await settle(pilot)
        meta = str(app.screen.query_one("#meta", Static).render())
        assert "annotator import" in meta
    assert list(store.labels()) == []
    store.close()


async def test_tabs_show_the_current_sample_when_opened(tui_store: Store) -> None:
    from textual.widgets import TabbedContent

    from annotator.tui.widgets.lines_view import LinesView

    tui_store.upsert_sample(
        tui_store.require_sample("s02").as_input(prompt="[bold]Write[/bold] \x1b[31m it")
    )
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = label_screen(app)
        screen.query_one(TabbedContent).active = "tab-prompt"
        await settle(pilot)
        prompt = screen.query_one("#prompt", LinesView).text()
        assert prompt.startswith("Write reshape_it")  # s01's prompt
        await pilot.press("n")  # the open tab follows the queue
        await settle(pilot)
        prompt = screen.query_one("#prompt", LinesView).text()
        assert "[bold]Write[/bold]" in prompt and "\\x1b[31m" in prompt
        assert "\x1b" not in prompt
        screen.query_one(TabbedContent).active = "tab-reference"
        await settle(pilot)
        assert "view(2, -1)" in screen.query_one("#reference", LinesView).text()
