"""The codebook where the choice is made: picker and palette definitions, the codebook screen."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rawsql import tamper
from textual.command import CommandPalette
from textual.pilot import Pilot
from textual.widgets import OptionList, Static

from annotator.models import LabelValue, Suggestion
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.codebook import CodebookScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.picker import PickerScreen

from .conftest import HOSTILE, fill, settle

ME = "alice"


def _text(screen: Any, selector: str) -> str:
    return str(screen.query_one(selector, Static).render())


def _bug(category: int, note: str = "", sub: str | None = None) -> LabelValue:
    return LabelValue(kind="bug", category=category, subcategory=sub, note=note)


async def test_subcategory_picker_shows_the_definition_of_the_highlighted_entry(
    tui_store: Store,
) -> None:
    cat = tui_store.taxonomy.category(5)
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("5")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert _text(app.screen, "#picker-detail") == cat.subcategories[0].definition
        await pilot.press("down")
        await settle(pilot)
        assert _text(app.screen, "#picker-detail") == cat.subcategories[1].definition
        await pilot.press("escape")
        await settle(pilot)
        # `v` opens the picker again for the saved category.
        await pilot.press("v")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("3")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.subcategory == cat.subcategories[2].name


async def test_palette_entries_carry_their_definition(tui_store: Store) -> None:
    app = AnnotatorApp(tui_store, ME)
    sub = tui_store.taxonomy.category(5).subcategory("Shape and dimension edges")
    assert sub is not None
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("ctrl+p")
        await settle(pilot)
        await pilot.press(*"shape dimension edges")
        await pilot.pause(0.5)
        await settle(pilot)
        palette = app.screen
        assert isinstance(palette, CommandPalette)
        options = palette.query_one("CommandList", OptionList)
        highlighted = options.get_option_at_index(options.highlighted or 0)
        assert sub.definition in str(highlighted.prompt)


async def test_codebook_opens_on_the_label_category_with_own_examples_only(
    tui_store: Store,
) -> None:
    # Alice labeled s02 and s03 with 6; Bob labeled s04 with 6: blind means Bob's is unseen.
    tui_store.set_label("s02", ME, _bug(6, "passes a list", "Type mismatch problem"))
    tui_store.set_label("s03", ME, LabelValue(kind="bug", category=1, category2=6, note2="n2"))
    tui_store.set_label("s04", "bob", _bug(6, "BOB-SECRET"))
    tui_store.set_label("s05", "final", _bug(6, "FINAL-SECRET"))
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("6")  # s01 gets category 6, then the picker
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, CodebookScreen)
        cat = tui_store.taxonomy.category(6)
        assert cat.name in _text(screen, "#codebook-title")
        body = _text(screen, "#codebook-text")
        assert cat.definition in body
        assert all(rule.when in body for rule in cat.decision)
        assert all(sub.definition in body for sub in cat.subcategories)
        assert [e.sample_id for e in screen.examples] == ["s03", "s02"]  # not s01 itself
        assert "your labels" in _text(screen, "#codebook-examples-title")
        shown = "".join(
            str(screen.query_one(OptionList).get_option_at_index(i).prompt) for i in range(2)
        )
        assert "BOB-SECRET" not in shown and "FINAL-SECRET" not in shown and "n2" in shown
        await pilot.press("right")
        await settle(pilot)
        assert screen.category.id == 7 and screen.examples == []
        await pilot.press("left")
        await settle(pilot)
        # Enter opens the highlighted example on the labeling screen.
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)
        assert app.screen.current == "s03"


async def test_codebook_follows_the_top_suggestion_and_closes(
    tui_store: Store, no_suggestions: list[Suggestion]
) -> None:
    no_suggestions.append(Suggestion(category=10, score=1.0))
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, CodebookScreen)
        assert app.screen.category.id == 10
        await pilot.press("b")
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)


def test_examples_core_never_reads_other_annotators_when_blind(tmp_path: Path) -> None:
    with Store.open(tmp_path / "e.db") as store:
        fill(store)
        store.set_label("s01", "bob", _bug(3))
        store.set_label("s02", "final", _bug(3))
        store.set_label("s03", "llm:x", _bug(3))
        store.set_label("s04", ME, _bug(3))
        assert [e.sample_id for e in store.codebook_examples(3, ME, blind=True)] == ["s04"]
        assert [e.sample_id for e in store.codebook_examples(3, ME, blind=False)] == ["s02"]
        for i in range(5, 9):
            store.set_label(f"s0{i}", ME, _bug(3))
        assert len(store.codebook_examples(3, ME, blind=True)) == 5


@pytest.fixture
def codebook_app(tmp_path: Path) -> Any:
    store = Store.open(tmp_path / "snap.db")
    fill(store)
    store.set_label("s02", "snap", _bug(6, HOSTILE, "Tensor shape mismatch"))
    store.set_label("s03", "snap", _bug(6, "passes a list where a tensor is needed"))
    tamper(store).execute("UPDATE labels SET updated_at = '2026-01-01T00:00:00.000000Z'")
    tamper(store).commit()
    yield AnnotatorApp(store, "snap")
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_codebook_screen_snapshot(
    snap_compare: Callable[..., bool], codebook_app: AnnotatorApp, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("6")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        await pilot.press("b")
        await settle(pilot)

    assert snap_compare(codebook_app, terminal_size=size, run_before=run_before)


async def test_choosing_a_category_confirms_a_migrated_label(tui_store: Store) -> None:
    from annotator.migrate import TO_CONFIRM

    tui_store.set_label("s01", ME, LabelValue(kind="bug", category=5, flag=TO_CONFIRM))
    app = AnnotatorApp(tui_store, ME)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert app.screen.current == "s01"  # type: ignore[attr-defined]
        await pilot.press("5")
        await settle(pilot)
        label = tui_store.label("s01", ME)
        assert label is not None and label.flag is None and label.category == 5


async def test_review_codebook_shows_final_labels_and_opens_them(tmp_path: Path) -> None:
    from annotator.tui.screens.review import ReviewScreen

    with Store.open(tmp_path / "r.db") as store:
        fill(store)
        store.set_label("s01", "ann", _bug(3, "ANN-NOTE"))
        store.set_label("s01", "bob", _bug(4))
        store.set_label("s02", "final", _bug(3, "final on s02"))
        store.set_label("s03", "ann", _bug(3, "ann on s03"))
        app = AnnotatorApp(store, "rev", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen) and app.screen.current == "s01"
            await pilot.press("b")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, CodebookScreen)
            assert screen.category.id == 3  # the first rater's category (no final label)
            assert [e.sample_id for e in screen.examples] == ["s02"]  # final labels only
            assert "final labels" in _text(screen, "#codebook-examples-title")
            await pilot.press("enter")
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            assert app.screen.current == "s02"


async def test_open_coding_screen_assigns_a_cluster_from_review(tmp_path: Path) -> None:
    from annotator.tui.screens.notes import NotesScreen
    from annotator.tui.screens.review import ReviewScreen

    with Store.open(tmp_path / "o.db") as store:
        fill(store)
        store.set_label("s01", "ann", _bug(6, "wrong tensor shape"))
        store.set_label("s02", "bob", _bug(6, "tensor shape wrong " + HOSTILE))
        store.set_label("s03", "ann", _bug(6, "passes a list"))
        store.set_label("s03", "bob", _bug(4))
        app = AnnotatorApp(store, "rev", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, ReviewScreen)
            await pilot.press("o")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, NotesScreen)
            assert [c.sample_ids for c in screen.clusters] == [["s01", "s02"], ["s03"]]
            await pilot.press("enter")
            await settle(pilot)
            picker = app.screen
            assert isinstance(picker, PickerScreen)
            sub = store.taxonomy.category(6).subcategories[0]
            assert _text(picker, "#picker-detail") == sub.definition
            await pilot.press("escape")  # cancelled: nothing written
            await settle(pilot)
            first = store.label("s01", "ann")
            assert first is not None and first.subcategory is None
            await pilot.press("enter")
            await settle(pilot)
            await pilot.press("1")
            await settle(pilot)
            assert app.screen is screen
            for sid, who in (("s01", "ann"), ("s02", "bob")):
                label = store.label(sid, who)
                assert label is not None and label.subcategory == sub.name
            assert [c.sample_ids for c in screen.clusters] == [["s03"]]
