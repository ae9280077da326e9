"""A read-only, virtual view of many lines of Rich ``Text`` (or plain str).

Contract: :class:`LinesView` renders only the visible lines (Textual's line
API), so a several-MB test output or a 100k-line file scrolls as fast as a
short one. Plain ``str`` lines are escaped with
:func:`annotator.tui.render.visible` when first drawn, never parsed as markup.
:meth:`LinesView.set_marks` marks stretches of lines (the expression a fact
points at) in the ``lines-view--mark`` component style, applied to a copy of
the line when it is drawn: the lines given are never changed.

Speed (issue 24): a line is rendered (Rich ``Text`` to a styled strip) once per
lines object and style, not once per :meth:`set_lines`: the strips of the last
:data:`KEPT_LINE_SETS` sequences shown or prerendered stay, so that going back
and forth between samples redraws from them, and :meth:`prerender` renders the
first screen of a sample about to be shown (the screen's prefetch) before its
key is pressed. The lines given must therefore not change once shown (the
sample views are immutable); a new list is new content.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..render import MAX_LINE_CELLS, plain_line
from .scrollbars import KeptScrollbars

KEPT_LINE_SETS = 8
"""Sequences of lines whose rendered strips a view keeps (the shown sample, its
neighbours, a few behind)."""

MAX_STRIPS = 2000
"""Rendered lines a view keeps in all its kept sequences (as many as one view kept
before; a long file scrolled through drops the other sequences' strips first)."""


@dataclass
class _Rendered:
    """One sequence of lines as a view shows it: wrapped, measured, drawn."""

    given: Sequence[Text | str]
    """The sequence passed to :meth:`LinesView.set_lines` (held, so that its id stays its own)."""
    wrap_head: int
    wrapped_at: int
    lines: Sequence[Text | str]
    width: int
    style: Style | None = None
    strips: dict[int, Strip] = field(default_factory=dict)
    """Unmarked lines, rendered in ``style``."""


class LinesView(ScrollView, KeptScrollbars, can_focus=True):
    """Scrollable lines; ``mark`` is a 0-based line to scroll into view."""

    COMPONENT_CLASSES = {"lines-view--mark"}
    """The style of marked stretches (:meth:`set_marks`)."""

    DEFAULT_CSS = """
    LinesView {
        background: $surface;
        scrollbar-size-vertical: 1;
    }
    LinesView:focus {
        background-tint: $foreground 3%;
    }
    LinesView > .lines-view--mark {
        background: $warning 45%;
        text-style: bold underline;
    }
    """

    BINDINGS = [
        ("up", "scroll_up", "Up"),
        ("down", "scroll_down", "Down"),
        ("pageup", "page_up", "Page up"),
        ("pagedown", "page_down", "Page down"),
        ("left", "scroll_left", "Left"),
        ("right", "scroll_right", "Right"),
        ("home", "scroll_home", "Top"),
        ("end", "scroll_end", "Bottom"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._lines: Sequence[Text | str] = ()
        self._given: Sequence[Text | str] = ()
        self._wrap_head = 0
        self._wrapped_at = 0
        self._rendered: dict[int, _Rendered] = {}
        """Kept renderings by ``id`` of the lines given, oldest first."""
        self._shown = _Rendered((), 0, 0, (), 0)
        self._cache: dict[int, Strip] = {}
        """Marked lines of the lines shown (until the next :meth:`set_lines`), in ``_marked_style``."""
        self._marked_style: Style | None = None
        self._frame_style: Style | None = None
        self._marks: Mapping[int, Sequence[tuple[int, int]]] = {}

    @property
    def line_count(self) -> int:
        return len(self._lines)

    def text(self) -> str:
        """All lines as displayed (plain text), for tests and copying."""
        return "\n".join(self._line(i).plain for i in range(len(self._lines)))

    def set_lines(
        self, lines: Sequence[Text | str], scroll_to: int | None = None, wrap_head: int = 0
    ) -> None:
        """Show ``lines``; ``scroll_to`` a 0-based line to bring into view;
        the first ``wrap_head`` lines wrap at the view's width (the error
        summary: its end, often the shapes, must stay visible)."""
        self._given = lines
        self._marks = {}
        self._wrap_head = wrap_head
        self._wrapped_at = self.size.width
        self._shown = self._rendering(lines, wrap_head)
        self._lines = self._shown.lines
        self._cache.clear()
        self._set_virtual_size(Size(self._shown.width, len(lines)))
        # Keep a few lines of context above the marked line. Scrolled now, so
        # that the lines and their position reach the same frame; if the offset
        # was clamped (the view not laid out yet), again after the next layout.
        target = max(0, scroll_to - 3) if scroll_to is not None else 0
        self.scroll_to(0, target, animate=False, immediate=True)
        if round(self.scroll_offset.y) != target:
            self.call_after_refresh(self.scroll_to, 0, target, animate=False, immediate=True)
        self.refresh()

    def _rendering(self, lines: Sequence[Text | str], wrap_head: int) -> _Rendered:
        """The kept rendering of ``lines`` at this width, or a new one (kept, the oldest dropped)."""
        key = id(lines)
        width = self.size.width if wrap_head else 0
        found = self._rendered.pop(key, None)
        same = found is not None and found.given is lines
        if found is None or not same or (found.wrap_head, found.wrapped_at) != (wrap_head, width):
            widest = 0
            for line in lines:
                widest = max(widest, cell_len(line) if isinstance(line, str) else line.cell_len)
            shown = self._wrap(lines, wrap_head) if wrap_head else lines
            found = _Rendered(lines, wrap_head, width, shown, min(widest, MAX_LINE_CELLS))
        self._rendered[key] = found  # now the newest
        while len(self._rendered) > KEPT_LINE_SETS:
            del self._rendered[next(iter(self._rendered))]
        return found

    def prerender(
        self, lines: Sequence[Text | str], scroll_to: int | None = None, wrap_head: int = 0
    ) -> None:
        """Render the lines :meth:`set_lines` with the same arguments would show
        first, without showing them (a sample about to be shown: its key then only
        swaps strips). The lines shown and their strips stay as they are."""
        if not self.is_mounted or not self.size:
            return
        rendered = self._rendering(lines, wrap_head)
        style = self.rich_style
        count, height = len(rendered.lines), self.size.height
        top = max(0, scroll_to - 3) if scroll_to is not None else 0
        # From where a scroll past the end is clamped to, down to the last line in view.
        for index in range(max(0, min(top, count - height)), min(top + height, count)):
            self._strip(rendered, index, style)

    @property
    def marks(self) -> Mapping[int, Sequence[tuple[int, int]]]:
        return self._marks

    def set_marks(self, marks: Mapping[int, Sequence[tuple[int, int]]]) -> None:
        """Mark stretches of the lines shown: {0-based line: [(start, end)
        character offsets into its text]}; ``{}`` clears. Until the next
        :meth:`set_lines`; the scroll position stays."""
        if not marks and not self._marks:
            return
        for index in {*self._marks, *marks}:
            self._cache.pop(index, None)
        self._marks = marks
        self.refresh()

    def _wrap(self, lines: Sequence[Text | str], wrap_head: int) -> list[Text | str]:
        width = max(20, self.size.width - 1 or 80)
        out: list[Text | str] = []
        for line in lines[:wrap_head]:
            text = plain_line(line) if isinstance(line, str) else line
            if text.cell_len <= width:
                out.append(text)
                continue
            wrapped = text.copy()
            wrapped.no_wrap = False
            out.extend(wrapped.wrap(self.app.console, width))
        out.extend(lines[wrap_head:])
        return out

    def on_resize(self) -> None:
        if self._wrap_head and self.size.width != self._wrapped_at:
            self._wrapped_at = self.size.width
            self._shown = self._rendering(self._given, self._wrap_head)
            self._lines = self._shown.lines
            self._cache.clear()
            self._set_virtual_size(Size(self.virtual_size.width, len(self._lines)))
            self.refresh()

    def _set_virtual_size(self, size: Size) -> None:
        """Assigning ``virtual_size`` asks for a layout pass, which repaints
        every widget on the screen (about half of the cost of showing the
        next sample). Only this view's scrollbars depend on it, so they are
        updated directly; when one appears or disappears, its own reactive
        still asks for the layout pass."""
        update = getattr(self, "_scroll_update", None)
        if update is None or not self.is_mounted:  # another Textual: the plain way
            self.virtual_size = size
            return
        self.set_reactive(LinesView.virtual_size, size)
        update(size)

    def _line(self, index: int) -> Text:
        line = self._lines[index]
        return plain_line(line) if isinstance(line, str) else line

    def _marked(self, index: int) -> Text:
        text = self._line(index)
        spans = self._marks.get(index)
        if not spans:
            return text
        text = text.copy()
        style = self.get_component_rich_style("lines-view--mark", partial=True)
        for start, end in spans:
            text.stylize(style, start, end)
        return text

    def render_lines(self, crop: Region) -> list[Strip]:
        # rich_style walks every ancestor's styles: once per frame, not per line.
        self._frame_style = self.rich_style
        try:
            return super().render_lines(crop)
        finally:
            self._frame_style = None

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self._frame_style or self.rich_style
        if index >= len(self._lines):
            return Strip.blank(width, style)
        if index in self._marks:
            if style != self._marked_style:  # another focus or theme
                self._marked_style = style
                self._cache.clear()
            strip = self._cache.get(index)
            if strip is None:
                strip = self._cache[index] = self._draw(self._marked(index), style)
        else:
            strip = self._strip(self._shown, index, style)
        return strip.crop_extend(scroll_x, scroll_x + width, style)

    def _strip(self, rendered: _Rendered, index: int, style: Style) -> Strip:
        """Unmarked line ``index`` of ``rendered`` in ``style``, drawn once."""
        if rendered.style != style:  # another focus or theme: the strips are stale
            rendered.style = style
            rendered.strips = {}
        strip = rendered.strips.get(index)
        if strip is None:
            if sum(len(kept.strips) for kept in self._rendered.values()) >= MAX_STRIPS:
                for kept in self._rendered.values():
                    if kept is not rendered:
                        kept.strips = {}
                if len(rendered.strips) >= MAX_STRIPS:
                    rendered.strips.clear()
            line = rendered.lines[index]
            text = plain_line(line) if isinstance(line, str) else line
            strip = rendered.strips[index] = self._draw(text, style)
        return strip

    def _draw(self, text: Text, style: Style) -> Strip:
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return Strip(Segment.apply_style(segments, style), text.cell_len)
