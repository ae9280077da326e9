"""'pass' is a label like any other, progress can reach 100%, and two-digit
categories are typed as people read numbers (``1`` ``0`` is 10, never 11)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.store import Store
from annotator.taxonomy import load_taxonomy
from annotator.tui.app import AnnotatorApp
from annotator.tui.commands import CategoryProvider
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.widgets.label_panel import LabelPanel

from .conftest import settle, text_of

ME = "alice"
ROOT = Path(__file__).resolve().parents[2]


def screen_of(app: AnnotatorApp) -> LabelScreen:
    assert isinstance(app.screen, LabelScreen)
    return app.screen


async def test_o_records_pass_and_undo_removes_it(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("o")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.kind == "pass" and label.category is None
        assert "not a failure" in str(screen_of(app).query_one("#label-summary").render())
        assert "1/8 labeled" in text_of(screen_of(app).sub_title)
        await pilot.press("u")
        await settle(pilot)
        assert tui_store.label("s01", ME) is None
        assert "0/8 labeled" in text_of(screen_of(app).sub_title)


async def test_pass_over_a_category_and_back(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2", "o")
        await settle(pilot)
        assert tui_store.label("s01", ME).kind == "pass"  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and (label.kind, label.category) == ("bug", 2)


async def test_palette_entry_records_pass(tui_store: Store) -> None:
    from annotator.tui.commands import PASS_TEXT

    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        provider = CategoryProvider(app.screen)
        hits = [hit async for hit in provider.search("pass not a failure")]
        assert hits and hits[0].text == PASS_TEXT
        hits[0].command()
        await settle(pilot)
    label = tui_store.label("s01", ME)
    assert label is not None and label.kind == "pass"


async def test_progress_reaches_100_percent(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        for _ in range(8):  # the eight failing samples, each 'pass' or category 2
            await pilot.press("o", "n")
            await settle(pilot)
        assert "8/8 labeled (100.0%)" in text_of(screen_of(app).sub_title)


async def test_one_then_zero_is_ten_and_the_pending_digit_shows(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await pilot.pause()
        panel = screen_of(app).query_one(LabelPanel)
        assert "1_" in str(panel.border_title)
        assert tui_store.label("s01", ME) is None  # waits for a second digit
        await pilot.press("0")
        await settle(pilot)
        assert "1_" not in str(panel.border_title)
        label = tui_store.label("s01", ME)
        assert label is not None and label.category == 10


async def test_a_lone_one_is_category_one_after_the_wait(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1")
        await pilot.pause(1.3)  # PENDING_SECONDS and a bit
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)  # category 1 has subcategories
        label = tui_store.label("s01", ME)
        assert label is not None and label.category == 1


async def test_zero_alone_is_no_category(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("0")
        await settle(pilot)
        assert tui_store.label("s01", ME) is None


@pytest.mark.parametrize(
    ("keys", "expected"),
    [((2,), [2]), ((1, 0), [10]), ((1, 4), [14]), ((1, 1), [11]), ((0,), [0]), ((1, 7), [17])],
)
def test_digit_entry(keys: tuple[int, ...], expected: list[int]) -> None:
    from annotator.tui.digits import DigitEntry

    entry = DigitEntry.of(range(1, 15))
    got = [n for n in (entry.press(k) for k in keys) if n is not None]
    assert got == expected and entry.pending is None


def test_digit_entry_flush() -> None:
    from annotator.tui.digits import DigitEntry

    entry = DigitEntry.of(range(1, 15))
    assert entry.press(1) is None and entry.pending == 1
    assert entry.flush() == 1 and entry.pending is None
    assert entry.flush() is None


async def test_scheme_is_named_identically_in_readme_help_and_panel(tui_store: Store) -> None:
    from annotator.tui.digits import scheme

    words = scheme(c.id for c in load_taxonomy().categories)
    assert words == "1-9; 10-14 = 1 then 0-4 within 1 s"
    assert f"`{words}`" in (ROOT / "README.md").read_text(encoding="utf-8")
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert words in str(screen_of(app).query_one("#label-summary").render())
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        assert any(words in text for _, text in app.screen.rows)
        assert ("o", "pass: ok, not a failure (recorded like a category; u undoes)") in (
            app.screen.rows
        )
