"""A read-only, virtual view of many lines of Rich ``Text`` (or plain str).

Contract: :class:`LinesView` renders only the visible lines (Textual's line
API), so a several-MB test output or a 100k-line file scrolls as fast as a
short one. Plain ``str`` lines are escaped with
:func:`annotator.tui.render.visible` when first drawn, never parsed as markup.
:meth:`LinesView.set_marks` marks stretches of lines (the expression a fact
points at) in the ``lines-view--mark`` component style, applied to a copy of
the line when it is drawn: the lines given are never changed.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..render import MAX_LINE_CELLS, plain_line


class LinesView(ScrollView, can_focus=True):
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
        self._cache: dict[int, Strip] = {}
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
        self._lines = self._wrap(lines) if wrap_head else lines
        self._cache.clear()
        width = 0
        for line in lines:
            width = max(width, cell_len(line) if isinstance(line, str) else line.cell_len)
        self._set_virtual_size(Size(min(width, MAX_LINE_CELLS), len(lines)))
        # Keep a few lines of context above the marked line. Scrolled now, so
        # that the lines and their position reach the same frame; if the offset
        # was clamped (the view not laid out yet), again after the next layout.
        target = max(0, scroll_to - 3) if scroll_to is not None else 0
        self.scroll_to(0, target, animate=False, immediate=True)
        if round(self.scroll_offset.y) != target:
            self.call_after_refresh(self.scroll_to, 0, target, animate=False, immediate=True)
        self.refresh()

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

    def _wrap(self, lines: Sequence[Text | str]) -> list[Text | str]:
        width = max(20, self.size.width - 1 or 80)
        out: list[Text | str] = []
        for line in lines[: self._wrap_head]:
            text = plain_line(line) if isinstance(line, str) else line
            if text.cell_len <= width:
                out.append(text)
                continue
            wrapped = text.copy()
            wrapped.no_wrap = False
            out.extend(wrapped.wrap(self.app.console, width))
        out.extend(lines[self._wrap_head :])
        return out

    def on_resize(self) -> None:
        if self._wrap_head and self.size.width != self._wrapped_at:
            self._wrapped_at = self.size.width
            self._lines = self._wrap(self._given)
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
        strip = self._cache.get(index)
        if strip is None:
            text = self._marked(index)
            segments = list(text.render(self.app.console))
            segments = [s for s in segments if s.text != "\n"]
            strip = Strip(Segment.apply_style(segments, style), text.cell_len)
            if len(self._cache) > 2000:
                self._cache.clear()
            self._cache[index] = strip
        return strip.crop_extend(scroll_x, scroll_x + width, style)
