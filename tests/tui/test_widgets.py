"""Widgets on their own, in a minimal app under Pilot."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from annotator.store import QueueRow
from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.sample_list import SampleList


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield SampleList(id="queue")
        yield LinesView(id="lines")


def _row(sid: str, **label: Any) -> QueueRow:
    return QueueRow(sid, **label)


async def test_queue_row_is_replaced_only_when_its_status_changes(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        queue = app.query_one(SampleList)
        queue.reset([_row("a"), _row("b")], 2)
        await pilot.pause()
        replaced: list[str] = []
        original = SampleList.replace_option_prompt

        def spy(self: SampleList, option_id: str, prompt: Any) -> SampleList:
            replaced.append(option_id)
            return original(self, option_id, prompt)

        monkeypatch.setattr(SampleList, "replace_option_prompt", spy)
        queue.update_row(_row("a"))  # unchanged: the list is not re-rendered
        assert replaced == []
        queue.update_row(_row("a", kind="bug", category=7))
        queue.update_row(_row("a", kind="bug", category=7))
        assert replaced == ["a"]
        prompt = queue.get_option("a").prompt
        assert isinstance(prompt, Text) and "7" in prompt.plain and "✓" in prompt.plain


async def test_lines_view_draws_lines_literally_with_its_style() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines(["[bold]x[/bold] \x1b[31mred", Text("second")])
        await pilot.pause()
        first = view.render_line(0)
        assert "[bold]x[/bold]" in first.text and "\x1b" not in first.text
        assert first.cell_length == view.size.width
        assert view.render_line(1).text.startswith("second")
        assert view.render_line(5).text.strip() == ""  # past the end: blank


async def test_lines_view_scroll_range_follows_new_lines() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines([f"line {i}" for i in range(100)])
        await pilot.pause()
        view.focus()
        await pilot.press("end")
        await pilot.pause()
        height = view.scrollable_content_region.height
        assert view.max_scroll_y == 100 - height > 0
        assert view.scroll_offset.y == view.max_scroll_y
        assert view.render_line(height - 1).text.startswith("line 99")
        view.set_lines(["only", "three", "lines"])
        await pilot.pause()
        assert view.max_scroll_y == 0 and view.scroll_offset.y == 0
        assert view.render_line(0).text.startswith("only")
