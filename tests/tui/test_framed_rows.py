"""Kept rows are the rows Textual draws (issue 24).

The code and error views (:class:`LinesView`), their scrollbars and corners hand
out rows drawn before (or prerendered while the previous sample was read)
instead of sending every line through Textual's styles pipeline on every frame.
A row handed out must be the row Textual's own ``Widget.render_lines`` draws
for the same state: every drawing of those widgets during a walk through the
labeling screen (``n``, ``p``, the view keys, scrolling both ways, focus, a
resize; samples long and wide enough for scrollbar thumbs, and short ones) is
compared, as the bytes a terminal receives, with Textual's drawing of the same
region at that moment.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from rich.text import Text
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.strip import Strip
from textual.widget import Widget

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.compositor import SpanCompositor
from annotator.tui.screens.label import LabelScreen
from annotator.tui.widgets import scrollbars
from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.scrollbars import KeptCorner, KeptScrollBar

from .conftest import make_sample, settle

CONSOLE = Console(width=220, height=70, color_system="truecolor", force_terminal=True)


def _bytes(strips: list[Strip]) -> list[str]:
    return [strip.render(CONSOLE) for strip in strips]


def _textuals(widget: Widget, crop: Region) -> list[Strip]:
    """What Textual's own rendering draws for ``widget`` now, nothing reused."""
    widget._styles_cache.clear()
    widget._dirty_regions.add(widget.size.region)  # content drawn anew (a bar's render)
    return Widget.render_lines(widget, crop)


def _compare_every_drawing(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, bool]]:
    """Make every drawing of the kept widgets also check itself against Textual's."""
    compared: list[tuple[str, bool]] = []
    for cls in (LinesView, scrollbars._KeptDrawings):
        ours = cls.render_lines

        def checked(self: Any, crop: Region, _ours: Any = ours) -> list[Strip]:
            strips: list[Strip] = _ours(self, crop)
            expected = _textuals(self, crop)
            compared.append(
                (f"{type(self).__name__}#{self.id}", _bytes(strips) == _bytes(expected))
            )
            return strips

        monkeypatch.setattr(cls, "render_lines", checked)
    return compared


def _fill_long_and_short(path: Path) -> None:
    """Samples short (no thumb), long (a vertical thumb) and wide (a horizontal one)."""
    with Store.open(path) as store:
        for index in range(1, 9):
            sample = make_sample(index)
            if index % 3 == 1:
                body = "".join(f"    y{i} = x + {i}\n" for i in range(20 * index))
                code = f"def f{index}(x):\n{body}    return y1\n"
                sample = sample.model_copy(update={"generated_code": code, "reference_code": code})
            elif index % 3 == 2:
                wide = "    z = " + " + ".join(f"x{i}" for i in range(40 * index)) + "\n"
                code = sample.generated_code + wide
                sample = sample.model_copy(update={"generated_code": code})
            store.upsert_sample(sample)


@pytest.mark.parametrize("size", [(120, 40), (200, 60)])
async def test_kept_rows_are_textuals_rows_over_a_walk(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    path = tmp_path / "walk.db"
    _fill_long_and_short(path)
    compared = _compare_every_drawing(monkeypatch)
    with Store.open(path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            keys = ["n", "n", "r", "n", "d", "g", "p", "n", "tab", "down", "down"]
            keys += ["pagedown", "right", "right", "end", "left", "home", "n", "n", "p", "n"]
            for key in keys:
                await pilot.press(key)
                await settle(pilot)
            await pilot.resize_terminal(size[0] - 10, size[1] - 4)
            await settle(pilot)
            for key in ["n", "p", "n"]:
                await pilot.press(key)
                await settle(pilot)
    drawn = {name for name, _same in compared}
    assert any(name.startswith("LinesView") for name in drawn)
    assert {"KeptScrollBar#None", "KeptCorner#None"} <= drawn
    wrong = [name for name, same in compared if not same]
    assert not wrong, f"{len(wrong)} of {len(compared)} drawings differ: {sorted(set(wrong))}"


class _Host(App[None]):
    CSS = """
    LinesView { border: round $accent; padding: 1 2; height: 12; overflow: scroll scroll; }
    LinesView.outlined { outline: heavy red; padding: 0; border: none; }
    LinesView.recoloured { border: round red; }
    """

    def compose(self) -> ComposeResult:
        yield LinesView(id="lines")


async def test_kept_rows_follow_border_padding_outline_marks_and_focus(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    compared = _compare_every_drawing(monkeypatch)
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.border_title = "Title"
        first = [Text(f"first {i} " + "x" * (i * 3), style="bold") for i in range(40)]
        view.set_lines(first, scroll_to=10)
        await pilot.pause()
        view.set_marks({9: [(0, 5)], 10: [(2, 8)]})
        await pilot.pause()
        view.focus()  # tinted
        await pilot.pause()
        for x in (4, 0, 4):  # the same lines scrolled sideways and back
            view.scroll_to(x, 30, animate=False, immediate=True)
            await pilot.pause()
        view.add_class("recoloured")  # only the border's colour changes
        await pilot.pause()
        view.remove_class("recoloured")
        await pilot.pause()
        view.add_class("outlined")
        await pilot.pause()
        view.styles.background = "darkblue"  # inline: not a stylesheet update
        await pilot.pause()
        view.set_lines(["short", "[b]not markup[/b]"])
        await pilot.pause()
    assert len(compared) >= 7
    assert all(same for _name, same in compared), compared


async def test_a_prerendered_sample_is_shown_from_its_kept_rows(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines([Text(f"first {i}") for i in range(40)])
        await pilot.pause()
        second = [Text(f"second {i} " + "y" * i) for i in range(60)]
        view.prerender(second, scroll_to=20, marks={18: [(0, 6)]})
        assert view.text().startswith("first 0")  # nothing shown
        drawn: list[int] = []
        from annotator.tui.widgets import framed_rows

        original = framed_rows.Frame.draw

        def counted(self: framed_rows.Frame, y: int, content: Any) -> Strip:
            drawn.append(y)
            return original(self, y, content)

        monkeypatch.setattr(framed_rows.Frame, "draw", counted)
        view.set_lines(second, scroll_to=20)
        view.set_marks({18: [(0, 6)]})
        await pilot.pause()
        assert view.render_lines(view.size.region)  # all rows asked for
        content_rows = [y for y in drawn if 1 < y < 9]  # inside border and padding
        assert content_rows == []  # every line of content was drawn ahead
        bar = view.vertical_scrollbar
        assert isinstance(bar, KeptScrollBar)
        kept = len(bar._kept)
        bar.render_lines(bar.size.region)
        assert len(bar._kept) == kept  # the thumb was drawn ahead too
        assert _bytes(bar.render_lines(bar.size.region)) == _bytes(_textuals(bar, bar.size.region))


async def test_scrollbars_and_corner_of_a_view_are_kept_ones() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines([Text("w" * 200) for _ in range(50)])
        await pilot.pause()
        assert isinstance(view.vertical_scrollbar, KeptScrollBar)
        assert isinstance(view.horizontal_scrollbar, KeptScrollBar)
        assert isinstance(view.scrollbar_corner, KeptCorner)


async def test_the_next_samples_rows_are_cut_ahead_where_the_frame_cuts_them(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A prerendered row is cut ahead at its screen line's cuts (SpanCompositor.divide_ahead):
    the frame of ``n`` finds every piece of the code views' rows made."""
    missed: list[int] = []
    in_update: list[bool] = []
    updates: list[bool] = []
    original, update = Strip.divide, SpanCompositor.render_partial_update

    def divide(self: Strip, cuts: Any) -> Any:
        cuts = list(cuts)
        if in_update and tuple(c for c in cuts if c <= self.cell_length) not in self._divide_cache:
            missed.append(id(self))
        return original(self, cuts)

    def partial_update(self: SpanCompositor) -> Any:
        in_update.append(True)
        updates.append(True)
        try:
            return update(self)
        finally:
            in_update.clear()

    with Store.open(db_path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(200, 60)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            await pilot.press("n")
            await settle(pilot)  # the next sample is prefetched and prerendered
            monkeypatch.setattr(Strip, "divide", divide)
            monkeypatch.setattr(SpanCompositor, "render_partial_update", partial_update)
            await pilot.press("n")
            await pilot.pause()
            views = list(app.screen.query(LinesView))
            rows = {
                id(row)
                for view in views
                for rendered in view._rendered.values()
                for row in rendered.framed.values()
            }
    assert rows and updates
    assert [strip for strip in missed if strip in rows] == []
