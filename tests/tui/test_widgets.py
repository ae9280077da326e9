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


async def test_lines_view_scrolls_to_the_last_line_when_its_head_wraps() -> None:
    """The error view wraps its summary (``wrap_head``): the scroll range counts
    the wrapped rows, so the traceback's last line is reachable."""
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        head = "E   RuntimeError: " + "shape mismatch " * 40
        body = [f"frame {i}" for i in range(40)]
        view.set_lines([head, *body], wrap_head=1)
        await pilot.pause()
        view.focus()
        await pilot.press("end")
        await pilot.wait_for_scheduled_animations()
        await pilot.pause()
        height = view.scrollable_content_region.height
        assert view.render_line(height - 1).text.startswith("frame 39")
        view.prerender([head, *body], wrap_head=1)  # drawing ahead keeps the same range
        assert view.render_line(height - 1).text.startswith("frame 39")


def _segments(view: LinesView, row: int) -> list[tuple[str, Any]]:
    return [(segment.text, segment.style) for segment in view.render_line(row)]


async def test_lines_view_draws_a_sequence_shown_again_as_the_first_time() -> None:
    """Strips are kept per sequence (issue 24): back and forth draws the same
    segments, a mark never stays with the kept strips, a prerender shows nothing."""
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        first = [Text(f"first {i}", style="bold") for i in range(30)]
        second = [Text(f"second {i}") for i in range(30)]
        view.set_lines(first)
        await pilot.pause()
        before = [_segments(view, row) for row in range(5)]
        view.set_marks({1: [(0, 5)]})
        assert _segments(view, 1) != before[1]  # marked
        view.prerender(second, scroll_to=10)
        assert view.text().startswith("first 0")  # a prerender shows nothing
        assert _segments(view, 0) == before[0]
        view.set_lines(second, scroll_to=10)
        await pilot.pause()
        assert view.render_line(0).text.startswith("second 7")
        view.set_lines(first)
        await pilot.pause()
        assert [_segments(view, row) for row in range(5)] == before  # the mark is gone
        view.set_lines(list(first))  # equal content in a new list: drawn anew, the same
        await pilot.pause()
        assert [_segments(view, row) for row in range(5)] == before


async def test_lines_view_keeps_at_most_max_strips_in_all() -> None:
    from annotator.tui.widgets import lines_view

    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        sequences = [[Text(f"{n}: {i}") for i in range(3000)] for n in range(3)]
        for lines in sequences:
            view.set_lines(lines)
            await pilot.pause()
            for top in range(0, 3000, 18):  # scrolled through to the end
                view.scroll_to(0, top, animate=False, immediate=True)
                for row in range(18):
                    view.render_line(row)
            kept = sum(len(r.strips) for r in view._rendered.values())
            assert kept <= lines_view.MAX_STRIPS
        view.set_lines(sequences[0])
        await pilot.pause()
        assert view.render_line(0).text.startswith("0: 0")


async def test_lines_view_redraws_kept_lines_in_a_new_style() -> None:
    app = _Host()
    async with app.run_test(size=(60, 20)) as pilot:
        view = app.query_one(LinesView)
        view.set_lines([Text(f"line {i}") for i in range(5)])
        await pilot.pause()
        plain = view.rich_style.bgcolor
        assert {s.style.bgcolor for s in view.render_line(0) if s.style} == {plain}
        view.focus()  # the focused view is tinted: the kept strips are stale
        await pilot.pause()
        tinted = view.rich_style.bgcolor
        assert tinted != plain
        assert {s.style.bgcolor for s in view.render_line(0) if s.style} == {tinted}


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
