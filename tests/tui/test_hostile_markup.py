"""Rich markup in sample ids and annotator names never crashes or restyles a screen,
and no control character from data reaches what the UI draws."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable
from textual.widgets._toast import Toast

from annotator.models import FINAL, LabelValue, SampleIn
from annotator.store import Store
from annotator.textsafe import TERMINAL_UNSAFE
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.agreement import AgreementScreen
from annotator.tui.screens.output import OutputScreen
from annotator.tui.screens.picker import PickerScreen

from .conftest import make_sample, settle

BAD_IDS = ["x[/] [bold", "[link=http://evil.example]y", "[reverse]z"]
ESCAPES = "\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07\x9b2J"


def _store(path: Path, ids: list[str]) -> Store:
    store = Store.open(path)
    for i, sid in enumerate(ids, start=1):
        store.upsert_sample(make_sample(i).model_copy(update={"id": sid}))
    return store


def _notices(app: AnnotatorApp) -> list[str]:
    """What the notification toasts show (rendered as the toast renders them)."""
    return [str(toast.render()) for toast in app.screen.query(Toast)]


def _drawn(app: AnnotatorApp) -> str:
    """Everything the screen draws (an SVG of the terminal cells)."""
    return app.export_screenshot()


async def test_full_output_of_a_markup_id_opens(tmp_path: Path) -> None:
    for i, sid in enumerate(BAD_IDS):
        store = _store(tmp_path / f"{i}.db", [sid])
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("t")
            await settle(pilot)
            assert isinstance(app.screen, OutputScreen)
            title = app.screen.query_one("#output")._border_title
            assert title is not None and sid in title.plain
        store.close()


async def test_review_adopt_on_a_markup_id_keeps_it_literal(tmp_path: Path) -> None:
    store = _store(tmp_path / "r.db", BAD_IDS)
    for sid in BAD_IDS:
        store.set_label(sid, "ann", LabelValue(category=1))
        store.set_label(sid, "bob", LabelValue(category=2))
    app = AnnotatorApp(store, "rev", review=True)
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await settle(pilot)
        notices: list[str] = []
        for _ in BAD_IDS:
            await pilot.press("1")
            await settle(pilot)
            notices += _notices(app)  # rendered after every adoption
        assert app.is_running
        for sid in BAD_IDS:
            label = store.label(sid, FINAL)
            assert label is not None and label.category == 1
            assert any(f"{sid}: final" in n for n in notices), notices
    store.close()


async def test_agreement_drill_down_with_markup_names(tmp_path: Path) -> None:
    store = _store(tmp_path / "a.db", ["s1", "s2"])
    for name in ("[/]mallory", "bob"):
        store.set_label("s1", name, LabelValue(category=1))
    store.set_label("s2", "[/]mallory", LabelValue(category=1))
    store.set_label("s2", "bob", LabelValue(category=2))
    store.set_label("s1", "[/]eve", LabelValue(category=1))
    store.set_label("s2", "[/]eve", LabelValue(category=2))
    app = AnnotatorApp(store, "rev", review=True)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await settle(pilot)
        await pilot.press("G")
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, AgreementScreen)
        names = screen.names
        table = screen.query_one(DataTable)
        # bob and [/]eve never differ: a notification naming [/]eve literally.
        table.move_cursor(row=names.index("[/]eve"), column=names.index("bob") + 1)
        await pilot.press("enter")
        await settle(pilot)
        assert any("[/]eve" in n for n in _notices(app))
        table.move_cursor(row=names.index("[/]mallory"), column=names.index("bob") + 1)
        await pilot.press("enter")
        await settle(pilot)
        assert isinstance(app.screen, PickerScreen)
        assert "[/]mallory" in app.screen.title_text
    store.close()


async def test_no_control_character_reaches_the_label_screen(tmp_path: Path) -> None:
    sid = f"id{ESCAPES}"
    store = Store.open(tmp_path / "e.db")
    store.upsert_sample(
        SampleIn(
            id=sid,
            prompt=ESCAPES,
            generated_code=f"x = '{ESCAPES}'\n",
            reference_code="x = 1\n",
            test_output=f"E   ValueError: {ESCAPES}\n",
            passed=False,
            model=ESCAPES,
        )
    )
    name = f"me{ESCAPES}"
    store.set_label(sid, name, LabelValue(category=1, note=ESCAPES, flag=ESCAPES))
    app = AnnotatorApp(store, name)
    async with app.run_test(size=(160, 40), notifications=True) as pilot:
        await settle(pilot)
        drawn = _drawn(app)
        assert not TERMINAL_UNSAFE.search(drawn)
        assert "PWNED" in drawn  # the data is there, made visible
        await pilot.press("t")
        await settle(pilot)
        assert not TERMINAL_UNSAFE.search(_drawn(app))
    store.close()
