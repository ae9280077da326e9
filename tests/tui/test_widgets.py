"""Widgets on their own, in a minimal app under Pilot."""

from __future__ import annotations

from typing import Any

import pytest
from rich.text import Text
from textual.app import App, ComposeResult

from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.sample_list import SampleList


class _Host(App[None]):
    def compose(self) -> ComposeResult:
        yield SampleList(id="queue")
        yield LinesView(id="lines")


def _row(sid: str, **label: Any) -> dict[str, Any]:
    return {"id": sid, "kind": None, "category": None, "flag": None} | label


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
        # The scroll to the end is animated: under load one pause is not enough.
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        height = view.scrollable_content_region.height
        assert view.max_scroll_y == 100 - height > 0
        assert view.scroll_offset.y == view.max_scroll_y
        assert view.render_line(height - 1).text.startswith("line 99")
        view.set_lines(["only", "three", "lines"])
        await pilot.pause()
        assert view.max_scroll_y == 0 and view.scroll_offset.y == 0
        assert view.render_line(0).text.startswith("only")


class _SuggestHost(App[None]):
    def compose(self) -> ComposeResult:
        from annotator.taxonomy import load_taxonomy
        from annotator.tui.widgets.suggestion_list import SuggestionList

        yield SuggestionList(load_taxonomy(), id="suggestions")


async def test_suggestions_decisive_as_the_answer_otherwise_equal_candidates() -> None:
    from annotator.models import Suggestion
    from annotator.tui.widgets.suggestion_list import SuggestionList

    app = _SuggestHost()
    async with app.run_test(size=(100, 20)) as pilot:
        widget = app.query_one(SuggestionList)
        widget.show_suggestions(
            [
                Suggestion(category=7, score=0.7, confidence=0.83, decisive=True, evidence=["ev7"]),
                Suggestion(category=8, score=0.2, confidence=0.2),
            ]
        )
        await pilot.pause()
        text = str(widget.render())
        assert text.startswith("decisive  83% 7.") and "ev7" in text and "also: 8" in text
        ranked = [
            Suggestion(category=10, score=0.4, confidence=0.41, evidence=["ev10"]),
            Suggestion(category=1, score=0.35, confidence=0.38, evidence=["ev1"]),
            Suggestion(category=6, score=0.25, confidence=0.3),
        ]
        widget.show_suggestions(ranked)
        await pilot.pause()
        lines = str(widget.render()).splitlines()
        assert "none decisive" in lines[0] and "the likeliest, 10" in lines[0]
        # Candidates in category order with their confidence, none set apart.
        heads = [line for line in lines[1:] if not line.startswith("     ")]
        assert [h.split(".")[0] for h in heads] == [" 38% 1", " 30% 6", " 41% 10"]
        assert widget.suggestions == ranked  # `a` still accepts the likeliest
