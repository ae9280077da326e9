"""The queue's start-up shortcuts draw what OptionList would have drawn.

:class:`SampleList` reads each row's height from its prompt instead of measuring
it (``_update_lines``), and cuts the names of a page that arrived before the list
was laid out just before its first drawing (``render_lines``) instead of drawing
them uncut and again on the resize event. Both are checked against Textual's own
``OptionList`` on the same rows: the line table, and the rows drawn.
"""

from __future__ import annotations

import pytest
from rich.text import Text
from textual.app import App, ComposeResult
from textual.strip import Strip
from textual.style import Style
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from annotator.store import QueueRow
from annotator.tui.widgets.sample_list import SampleList


class _Host(App[None]):
    CSS = "SampleList { width: 30; height: 12; }"

    def compose(self) -> ComposeResult:
        yield SampleList(id="queue")


def _rows(matches: bool) -> list[QueueRow]:
    rows = []
    for i in range(60):
        sid = f"project/module_{i:03d}/a_rather_long_sample_identifier_{i}"
        match = f"code: the words [b]{i}[/b] found" if matches and i % 3 == 0 else None
        kind = "bug" if i % 4 == 1 else None
        rows.append(QueueRow(sid, kind=kind, category=6 if kind else None, match=match))
    return rows


def _line_table(queue: SampleList) -> tuple[list[tuple[int, int]], dict[int, int], dict[int, int]]:
    cache = queue._line_cache
    return list(cache.lines), dict(cache.heights), dict(cache.index_to_line)


@pytest.mark.parametrize("matches", [False, True])
async def test_row_heights_are_optionlists_own(matches: bool) -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.query_one(SampleList)
        queue.reset(_rows(matches), 60)
        await pilot.pause()
        ours = _line_table(queue)
        assert len(ours[0]) == 60 if not matches else len(ours[0]) > 60
        queue._line_cache.clear()
        OptionList._update_lines(queue)  # Textual's: measures every prompt
        assert _line_table(queue) == ours


async def test_a_prompt_not_built_by_the_queue_is_measured() -> None:
    app = _Host()
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.query_one(SampleList)
        queue.add_options([Option(Text("a long prompt that wraps " * 4), id="x")])
        await pilot.pause()
        assert queue._line_cache.heights[0] > 1


async def test_first_drawing_shows_the_names_cut_to_the_width() -> None:
    """A page given before layout (as the screen's on_mount does) is drawn once,
    with the names already cut to the list's width, and stays as drawn."""
    rows = _rows(matches=False)
    app = _Host()
    drawn: list[list[str]] = []
    async with app.run_test(size=(80, 24)) as pilot:
        queue = app.query_one(SampleList)
        original = queue._get_option_render

        def spy(option: Option, style: Style) -> list[Strip]:
            strips = original(option, style)
            drawn.append([s.text for s in strips])
            return strips

        queue.reset(rows, 60)
        queue._get_option_render = spy  # type: ignore[method-assign]
        await pilot.pause()
        await pilot.pause()
        width = queue._name_width()
        assert queue.name_width == width > 0
        # Every row drawn was cut to the width (never the uncut name), so the
        # settled list is the first one drawn.
        assert drawn
        for lines in drawn:
            assert all(
                len(line.rstrip()) <= queue.scrollable_content_region.width for line in lines
            )
            assert "a_rather_long_sample_identifier" not in lines[0]
        shown = [queue.render_line(y).text for y in range(queue.scrollable_content_region.height)]
        fitted = SampleList()
        fitted.prefix, fitted.name_width = queue.prefix, width
        expected = [fitted._prompt(r).plain for r in rows[: len(shown)]]
        assert [line.strip() for line in shown] == [e.strip()[: len(e)] for e in expected]
