"""Pilot tests of the review screen and the agreement matrix, asserting on the database."""

from __future__ import annotations

import io
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rich.console import Console
from textual.coordinate import Coordinate
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Static

from annotator.cli import cli
from annotator.models import FINAL, LabelValue
from annotator.review import disagreements, pair_disagreements
from annotator.stats import cohen_kappa_pair
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.agreement import AgreementScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.note import NoteScreen
from annotator.tui.screens.picker import PickerScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.screens.review_data import review_items
from annotator.tui.screens.stats import StatsScreen
from annotator.tui.widgets.lines_view import LinesView

from .conftest import HOSTILE, fill, settle

REVIEWER = "rev"
SHAPE = (5, "Shape and dimension edges")
TENSOR = (5, "Tensor type and value edges")
MISSING = (7, "Missing or undefined DL modules")
TYPE = (6, "Type mismatch problem")
OPINIONS: dict[str, dict[str, tuple[int, str | None] | str]] = {
    "ann": {
        "s01": SHAPE,
        "s02": (3, "Not DL-related"),
        "s03": SHAPE,
        "s04": (1, "Shape and dimension mismatch"),
        "s05": (1, None),
        "s06": TYPE,
        "s07": MISSING,
        "s08": TYPE,
    },
    "bob": {
        "s01": MISSING,
        "s02": TYPE,
        "s03": TENSOR,
        "s04": (1, "Shape and dimension mismatch"),
        "s05": (2, "Not DL-related"),
        "s06": TYPE,
        "s07": MISSING,
        "s08": TYPE,
    },
    "cat": {"s01": SHAPE, "s02": "pass", "s04": (1, "Shape and dimension mismatch")},
}
EXPECTED_ORDER = ["s02", "s01", "s03", "s05"]
"""s02: three different answers; s01: two; s03: subcategories only; s05: has a final label."""


def value(opinion: tuple[int, str | None] | str, note: str = "") -> LabelValue:
    if opinion == "pass":
        return LabelValue(kind="pass", note=note)
    assert isinstance(opinion, tuple)
    return LabelValue(category=opinion[0], subcategory=opinion[1], note=note)


def label_all(store: Store) -> None:
    """Three raters who disagree in known ways, and one earlier final label (s05)."""
    fill(store)
    for annotator, opinions in OPINIONS.items():
        for sid, opinion in opinions.items():
            note = HOSTILE if (annotator, sid) == ("cat", "s02") else f"{annotator} on {sid}"
            store.set_label(sid, annotator, value(opinion, note))
    store.set_label(
        "s05", FINAL, LabelValue(category=1, subcategory=None), source="review", written_by="old"
    )


@pytest.fixture
def review_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "review.db")
    label_all(store)
    yield store
    store.close()


@pytest.fixture(autouse=True)
def fixed_review_clock(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("annotator.tui.clock.clock", lambda: "12:00:00")


def review_screen(app: AnnotatorApp) -> ReviewScreen:
    screen = app.screen
    assert isinstance(screen, ReviewScreen)
    return screen


def shown(screen: ReviewScreen, widget_id: str) -> str:
    return str(screen.query_one(widget_id, Static).render())


def labels_text(screen: ReviewScreen) -> str:
    """The labels table as plain text (rendered at the widget's width)."""
    static = screen.query_one("#review-labels", Static)
    console = Console(width=static.size.width or 100, color_system=None, file=io.StringIO())
    with console.capture() as capture:
        console.print(static.content)
    return capture.get()


async def test_review_lists_disagreements_in_order(review_store: Store) -> None:
    assert [d.sample_id for d in disagreements(review_store)] == EXPECTED_ORDER
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(app)
        assert [item.sample_id for item in screen.items] == EXPECTED_ORDER
        prompts = screen.query_one(OptionList)
        assert [str(prompts.get_option_at_index(i).prompt) for i in range(4)][0].startswith("● s02")
        assert str(prompts.get_option_at_index(3).prompt).startswith("✓ s05")
        assert screen.current == "s02"
        assert screen.raters == ["ann", "bob", "cat"]
        table = labels_text(screen)
        for name, text in (("ann", "3. Redundant"), ("bob", "6. Incorrect input"), ("cat", "pass")):
            assert name in table and text in table
        assert "[bold red]x[/bold red]" in table  # markup shown as text
        assert "\\x1b[31m" in table  # the escape made visible, not interpreted
        assert "Final:" in shown(screen, "#review-final") and "open" in shown(
            screen, "#review-final"
        )
        assert "3 open of 4" in str(screen.sub_title)
        assert "s02" in shown(screen, "#meta")
        assert "TypeError: bad operand" in screen.query_one("#error", LinesView).text()


async def test_adopt_second_annotator_writes_final_and_moves_on(review_store: Store) -> None:
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("2")  # bob, the second annotator shown
        await settle(pilot)
        final = review_store.label("s02", FINAL)
        assert final is not None
        assert (final.kind, final.category, final.subcategory) == ("bug", *TYPE)
        assert final.written_by == REVIEWER and final.source == "review"
        assert final.raw == {"adopted_from": "bob"}
        screen = review_screen(app)
        assert screen.current == "s01"
        assert str(screen.query_one(OptionList).get_option_at_index(0).prompt).startswith("✓")
        assert "2 open of 4" in str(screen.sub_title)
        await pilot.press("p")
        await settle(pilot)
        final_line = shown(screen, "#review-final")
        assert "adopted from bob by rev" in final_line and "saved ✓ 12:00:00" in final_line
        await pilot.press("9")  # only three annotators: nothing happens
        await settle(pilot)
        assert review_store.label("s02", FINAL) == final


async def test_undo_restores_previous_final_state(review_store: Store) -> None:
    before = review_store.label("s05", FINAL)
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(app)
        await pilot.press("1")  # s02 <- ann (s02 had no final label)
        await settle(pilot)
        screen.jump_to("s05")
        await settle(pilot)
        await pilot.press("2")  # s05 <- bob, replacing the earlier final label
        await settle(pilot)
        assert review_store.label("s05", FINAL).category == 2  # type: ignore[union-attr]
        await pilot.press("u")
        await settle(pilot)
        restored = review_store.label("s05", FINAL)
        assert restored is not None and before is not None
        assert restored.value() == before.value() and restored.written_by == "old"
        assert screen.current == "s05"
        assert "undone" in shown(screen, "#review-final")
        await pilot.press("u")
        await settle(pilot)
        assert review_store.label("s02", FINAL) is None
        assert screen.current == "s02"
        await pilot.press("u")  # nothing left: no change
        await settle(pilot)
        assert review_store.label("s02", FINAL) is None


async def test_write_own_final_label_with_pickers(review_store: Store) -> None:
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("e")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("5")  # Fails to handle edge cases
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        await pilot.press("2")  # Shape and dimension edges
        await settle(pilot)
        assert isinstance(app.screen, NoteScreen)
        assert review_store.label("s02", FINAL) is None  # nothing before the note
        app.screen.query_one(Input).value = "both [b]wrong[/b]"
        await pilot.press("enter")
        await settle(pilot)
        final = review_store.label("s02", FINAL)
        assert final is not None
        assert (final.category, final.subcategory, final.note) == (*SHAPE, "both [b]wrong[/b]")
        assert final.written_by == REVIEWER and final.raw is None
        screen = review_screen(app)
        assert screen.current == "s02"  # stays to show what was written
        final_line = shown(screen, "#review-final")
        assert "written by rev" in final_line and "both [b]wrong[/b]" in final_line
        assert "saved ✓" in final_line
        # Escape at the note cancels the whole write.
        await pilot.press("n", "e", "3")
        await settle(pilot)
        await pilot.press("escape")
        await settle(pilot)
        assert review_store.label("s01", FINAL) is None
        # 'pass' is the last choice of the category picker.
        await pilot.press("e")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen) and picker.choices[-1][1] == 0
        picker.query_one(OptionList).highlighted = len(picker.choices) - 1
        await pilot.press("enter")
        await settle(pilot)
        await pilot.press("enter")
        await settle(pilot)
        assert review_store.label("s01", FINAL).kind == "pass"  # type: ignore[union-attr]


def ratings(store: Store, names: list[str]) -> dict[str, dict[str, object]]:
    out: dict[str, dict[str, object]] = {}
    for label in store.labels():
        if label.annotator in names and label.kind in ("bug", "pass"):
            answer = "pass" if label.kind == "pass" else label.category
            out.setdefault(label.sample_id, {})[label.annotator] = answer
    return out


async def open_matrix(pilot: Pilot[None]) -> AgreementScreen:
    await pilot.press("G")
    await settle(pilot)
    screen = pilot.app.screen
    assert isinstance(screen, AgreementScreen)
    return screen


async def test_agreement_matrix_kappa_and_jump(review_store: Store) -> None:
    expected = cohen_kappa_pair(ratings(review_store, ["ann", "bob"]), "ann", "bob")
    assert expected.value is not None
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = await open_matrix(pilot)
        assert screen.names == ["ann", "bob", "cat", FINAL]
        pair = next(p for p in screen.report["pairs"] if (p["a"], p["b"]) == ("ann", "bob"))  # type: ignore[index]
        assert pair["cohen_kappa"] == pytest.approx(expected.value)
        table = screen.query_one(DataTable)
        cell = str(table.get_cell_at(Coordinate(0, 2)))  # row ann, column bob
        assert f"{expected.value:+.2f}" in cell and "n=8" in cell
        assert "n=8" in str(table.get_cell_at(Coordinate(1, 1)))  # symmetric
        table.move_cursor(row=0, column=2)
        await pilot.press("enter")
        await settle(pilot)
        picker = app.screen
        assert isinstance(picker, PickerScreen)
        assert [v for _, v in picker.choices] == pair_disagreements(review_store, "ann", "bob")
        assert [v for _, v in picker.choices] == ["s01", "s02", "s05"]
        await pilot.press("3")
        await settle(pilot)
        review = review_screen(app)
        assert review.current == "s05"
        assert "s05" in shown(review, "#meta")


async def test_jump_to_unlisted_sample_adds_it(review_store: Store) -> None:
    app = AnnotatorApp(review_store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(app)
        screen.jump_to("s04")  # everyone agrees there
        await settle(pilot)
        assert screen.current == "s04" and screen.items[-1].sample_id == "s04"
        await pilot.press("1")
        await settle(pilot)
        assert review_store.label("s04", FINAL).category == 1  # type: ignore[union-attr]


async def test_label_screen_is_blind_to_the_agreement_matrix_but_has_stats(
    review_store: Store,
) -> None:
    app = AnnotatorApp(review_store, "ann")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        # Labeling is blind: no matrix of other annotators' answers here.
        assert isinstance(app.screen, LabelScreen)
        await pilot.press("S")
        await settle(pilot)
        assert isinstance(app.screen, StatsScreen)
        await pilot.press("escape")
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)


async def test_final_compared_when_raters_never_overlap(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "split.db")
    fill(store)
    store.set_label("s01", "k", value(SHAPE))
    store.set_label("s02", "q", value(MISSING))
    store.set_label("s01", FINAL, value(TENSOR), source="import:x")
    store.set_label("s02", FINAL, value(MISSING), source="import:x")
    assert [d.sample_id for d in disagreements(store)] == ["s01"]
    items, with_final = review_items(store)
    assert with_final and [i.sample_id for i in items] == ["s01"]
    assert review_items(store, with_final=False) == ([], False)
    app = AnnotatorApp(store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(app)
        assert "1 open of 1" in str(screen.sub_title)
        assert "1 with an imported final" in str(screen.sub_title)
        await pilot.press("1")
        await settle(pilot)
        assert review_store_final(store, "s01") == SHAPE
        assert "0 open of 1" in str(screen.sub_title)
    store.close()


def imported_finals(tmp_path: Path) -> Store:
    """Two raters who overlap, and final labels imported from a sheet."""
    store = Store.open(tmp_path / "imported.db")
    fill(store)
    for sid, k, q, final in (
        ("s01", SHAPE, SHAPE, TENSOR),  # the raters agree with each other, not with the final
        ("s02", MISSING, TYPE, MISSING),  # the raters disagree; a final exists
        ("s03", TYPE, TYPE, TYPE),  # everyone agrees: nothing to review
        ("s04", SHAPE, TYPE, None),  # the raters disagree, no final
        ("s05", TYPE, TYPE, MISSING),  # the raters agree on another category than the final
    ):
        store.set_label(sid, "k", value(k, f"k on {sid}"))
        store.set_label(sid, "q", value(q))
        if final is not None:
            store.set_label(sid, FINAL, value(final, "the sheet's note"), source="import:sheet")
    return store


async def test_review_sees_every_disagreement_with_imported_finals(tmp_path: Path) -> None:
    """Issue 22: with imported finals review showed "0 open of 8"."""
    store = imported_finals(tmp_path)
    found = disagreements(store)
    assert sorted(d.sample_id for d in found) == ["s01", "s02", "s04", "s05"]
    assert all(not d.resolved for d in found)
    assert {d.sample_id for d in found if d.imported_final} == {"s01", "s02", "s05"}
    app = AnnotatorApp(store, REVIEWER, review=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = review_screen(app)
        assert "4 open of 4" in str(screen.sub_title)
        screen.jump_to("s01")
        await settle(pilot)
        final_line = shown(screen, "#review-final")
        assert "imported (import:sheet), not adjudicated" in final_line
        prompt = str(screen.option_list.get_option_at_index(screen.index_of("s01") or 0).prompt)
        assert prompt.startswith("◐") and prompt.rstrip().endswith("5 subcat.")
        prompt = str(screen.option_list.get_option_at_index(screen.index_of("s05") or 0).prompt)
        assert prompt.rstrip().endswith("6≠f7")  # both raters against the imported final
        # The dialog says where its prefilled note comes from.
        await pilot.press("e", "5")
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        note = app.screen
        assert isinstance(note, NoteScreen)
        assert note.query_one(Input).value == "the sheet's note"
        title = str(note.query_one("#note-title", Static).render())
        assert "prefilled" in title and "imported (import:sheet)" in title
        await pilot.press("enter")
        await settle(pilot)
        assert review_store_final(store, "s01") == SHAPE
        assert "3 open of 4" in str(screen.sub_title)
        assert "written by rev" in shown(screen, "#review-final")
    store.close()


def review_store_final(store: Store, sid: str) -> tuple[int | None, str | None]:
    final = store.label(sid, FINAL)
    assert final is not None
    return final.category, final.subcategory


def test_review_command_wiring(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[tuple[str, dict[str, Any]]] = []
    monkeypatch.setattr(
        "annotator.cli.labeling.run_ui",
        lambda store, name, *args, **kw: calls.append((name, kw)),
    )
    db = str(tmp_path / "cli.db")
    Store.open(db).close()  # review reads an existing database (it creates none)
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", db, "review", "--annotator", "  eve "])
    assert result.exit_code == 0, result.output
    assert calls == [("eve", {"review": True, "with_final": None, "keys": None})]
    result = runner.invoke(cli, ["--db", db, "review", "--annotator", "x", "--with-final"])
    assert calls[-1] == ("x", {"review": True, "with_final": True, "keys": None})
    result = runner.invoke(cli, ["--db", db, "review", "--annotator", " "])
    assert result.exit_code == 1 and "Error: --annotator must not be empty" in result.output
    result = runner.invoke(cli, ["review", "--help"])
    assert "1-9 adopt" in result.output and "G agreement" in result.output


@pytest.fixture
def snapshot_review(tmp_path: Path) -> Iterator[AnnotatorApp]:
    store = Store.open(tmp_path / "snap.db")
    label_all(store)
    yield AnnotatorApp(store, REVIEWER, review=True)
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_review_snapshot(
    snap_compare: Callable[..., bool], snapshot_review: AnnotatorApp, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(snapshot_review, terminal_size=size, run_before=run_before)
