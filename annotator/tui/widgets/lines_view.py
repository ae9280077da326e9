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
sample views are immutable); a new list is new content. Whole rows are kept the
same way (:mod:`.framed_rows`): a line drawn into the view's frame (background,
border, filters) is kept by its index, its marks and the horizontal scroll,
with the frame it was drawn in, so a frame that shows lines drawn before (a
prerendered sample, a scroll back) takes them as they are. A prerender draws the
sample's first rows into the frame (with the marks it will have), its scrollbars'
thumbs, and has the labeling screen's compositor cut the rows where the frame
will (:meth:`~annotator.tui.compositor.SpanCompositor.divide_ahead`).
"""

from __future__ import annotations

from collections.abc import Hashable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Self

from rich.cells import cell_len
from rich.segment import Segment
from rich.style import Style
from rich.text import Text
from textual.geometry import Region, Size
from textual.scroll_view import ScrollView
from textual.strip import Strip

from ..compositor import SpanCompositor
from ..render import MAX_LINE_CELLS, plain_line
from .framed_rows import Frame, Frames
from .scrollbars import KeptScrollbars

KEPT_LINE_SETS = 8
"""Sequences of lines whose rendered strips a view keeps (the shown sample, its
neighbours, a few behind)."""

MAX_STRIPS = 2000
"""Rendered lines a view keeps in all its kept sequences (as many as one view kept
before; a long file scrolled through drops the other sequences' strips first)."""


Marks = tuple[tuple[int, int], ...]
"""The marked stretches of one line (:meth:`LinesView.set_marks`)."""


MAX_EDGES = 256
"""Rows without a line (border, padding, past the last line) a view keeps, for all its scrolls."""


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
    framed_in: Hashable = None
    """The key of the frame the ``framed`` rows were drawn in."""
    framed: dict[tuple[int, Marks, int, int], Strip] = field(default_factory=dict)
    """Rows of content as the view draws them, by (line index, its marks, horizontal
    scroll, the row if it is the view's first or last, else -1)."""

    def kept(self) -> int:
        return len(self.strips) + len(self.framed)


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

    _styles_changed = 0
    """Changes of this view's own styles (part of the key of the frames it keeps rows of)."""
    _own_refresh = False
    """A refresh of the view's content (new lines, marks), not of its styles."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._frames = Frames(self)
        self._rendered: dict[int, _Rendered] = {}
        """Kept renderings by ``id`` of the lines given, oldest first."""
        self._shown = _Rendered((), 0, 0, (), 0)
        self._frame_style: Style | None = None
        self._marks: Mapping[int, Sequence[tuple[int, int]]] = {}
        self._edges: dict[tuple[bool, int, int], Strip] = {}
        """Rows that show no line: (False, row, 0) border, padding or blank beneath the
        content; (True, row or -1, horizontal scroll) a content row past the last line; ..."""
        self._edges_in: Hashable = None
        """... drawn in the frame of this key."""

    @property
    def line_count(self) -> int:
        return len(self._shown.lines)

    def text(self) -> str:
        """All lines as displayed (plain text), for tests and copying."""
        return "\n".join(self._line(i).plain for i in range(len(self._shown.lines)))

    def set_lines(
        self, lines: Sequence[Text | str], scroll_to: int | None = None, wrap_head: int = 0
    ) -> None:
        """Show ``lines``; ``scroll_to`` a 0-based line to bring into view;
        the first ``wrap_head`` lines wrap at the view's width (the error
        summary: its end, often the shapes, must stay visible)."""
        self._marks = {}
        self._shown = self._rendering(lines, wrap_head)
        # The rows shown, not the lines given: a wrapped head adds rows, and the
        # last of them must stay reachable by scrolling.
        self._set_virtual_size(Size(self._shown.width, len(self._shown.lines)))
        # Keep a few lines of context above the marked line. Scrolled now, so
        # that the lines and their position reach the same frame; if the offset
        # was clamped (the view not laid out yet), again after the next layout.
        target = max(0, scroll_to - 3) if scroll_to is not None else 0
        self.scroll_to(0, target, animate=False, immediate=True)
        if round(self.scroll_offset.y) != target:
            self.call_after_refresh(self.scroll_to, 0, target, animate=False, immediate=True)
        self._refresh_content()

    def _refresh_content(self) -> None:
        self._own_refresh = True
        try:
            self.refresh()
        finally:
            self._own_refresh = False

    def refresh(
        self, *regions: Region, repaint: bool = True, layout: bool = False, recompose: bool = False
    ) -> Self:
        # A whole refresh that is not of new content is of the styles (inline
        # styles set, Textual's own reasons): rows kept before are not to be reused.
        if not regions and not self._own_refresh:
            self._styles_changed += 1
        return super().refresh(*regions, repaint=repaint, layout=layout, recompose=recompose)

    def notify_style_update(self) -> None:
        self._styles_changed += 1
        super().notify_style_update()

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
        self,
        lines: Sequence[Text | str],
        scroll_to: int | None = None,
        wrap_head: int = 0,
        marks: Mapping[int, Sequence[tuple[int, int]]] | None = None,
    ) -> None:
        """Draw the rows :meth:`set_lines` with the same arguments (and then
        :meth:`set_marks` with ``marks``) would show first, without showing them
        (a sample about to be shown: its key then only swaps rows). The lines
        shown and their rows stay as they are."""
        if not self.is_mounted or not self.size:
            return
        rendered = self._rendering(lines, wrap_head)
        style = self._frames.rich_style(self._styles_changed)
        frame = self._frames.frame(self._styles_changed)
        count, height = len(rendered.lines), self.size.height
        top = max(0, scroll_to - 3) if scroll_to is not None else 0
        # Where set_lines will scroll to: clamped as Textual clamps it.
        scroll_y = min(top, max(0, count - self.scrollable_content_region.height))
        self.prerender_scrollbars(rendered.width, count, scroll_y)
        marks = marks or {}
        rows: dict[int, Strip] = {}
        for row in range(min(height, count - scroll_y)):
            index = scroll_y + row
            spans = tuple(marks.get(index, ()))
            if frame is None:
                if not spans:
                    self._strip(rendered, index, style)
            elif frame.content_row(y := frame.top + row):
                rows[y] = self._framed(frame, rendered, y, index, spans, 0, style)
        compositor = getattr(self.screen, "_compositor", None)
        if isinstance(compositor, SpanCompositor):
            compositor.divide_ahead(self, rows)

    @property
    def marks(self) -> Mapping[int, Sequence[tuple[int, int]]]:
        return self._marks

    def set_marks(self, marks: Mapping[int, Sequence[tuple[int, int]]]) -> None:
        """Mark stretches of the lines shown: {0-based line: [(start, end)
        character offsets into its text]}; ``{}`` clears. Until the next
        :meth:`set_lines`; the scroll position stays."""
        if not marks and not self._marks:
            return
        self._marks = marks
        self._refresh_content()

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
        shown = self._shown
        if shown.wrap_head and self.size.width != shown.wrapped_at:
            self._shown = self._rendering(shown.given, shown.wrap_head)
            self._set_virtual_size(Size(self.virtual_size.width, len(self._shown.lines)))
            self._refresh_content()

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
        line = self._shown.lines[index]
        return plain_line(line) if isinstance(line, str) else line

    def _size_updated(
        self, size: Size, virtual_size: Size, container_size: Size, layout: bool = True
    ) -> bool:
        changed = super()._size_updated(size, virtual_size, container_size, layout)
        shown = self._shown
        if shown.wrap_head and self.size.width and self.size.width != shown.wrapped_at:
            # Wrapped before the view was laid out (a sample painted before the first
            # frame): wrapped at the laid-out width as the layout sets it, before the
            # frame is drawn, so that the first frame shows the head (and the thumb) as
            # they stay; the resize event that follows finds it done.
            self._shown = self._rendering(shown.given, shown.wrap_head)
            self._set_virtual_size(Size(self.virtual_size.width, len(self._shown.lines)))
        return changed

    def render_lines(self, crop: Region) -> list[Strip]:
        # rich_style walks every ancestor's styles: only when one changed.
        style = self._frame_style = self._frames.rich_style(self._styles_changed)
        try:
            frame = self._frames.frame(self._styles_changed)
            if frame is None:
                return super().render_lines(crop)
            if self._edges_in != (frame.key, style):
                self._edges_in, self._edges = (frame.key, style), {}
            scroll_x, scroll_y = self.scroll_offset
            rendered, marks, edges = self._shown, self._marks, self._edges
            rows: list[Strip] = []
            for y in crop.line_range:
                if frame.content_row(y):
                    index = scroll_y + y - frame.top
                    spans = tuple(marks.get(index, ()))
                    rows.append(self._framed(frame, rendered, y, index, spans, scroll_x, style))
                    continue
                row = edges.get((False, y, 0))
                if row is None:
                    row = edges[False, y, 0] = frame.draw(y, self.render_line)
                rows.append(row)
        finally:
            self._frame_style = None
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.region.width):
            rows = [row.crop(x1, x2) for row in rows]
        return rows

    def _framed(
        self,
        frame: Frame,
        rendered: _Rendered,
        y: int,
        index: int,
        spans: Marks,
        scroll_x: int,
        style: Style,
    ) -> Strip:
        """Line ``index`` of ``rendered`` drawn as row ``y`` of the view, kept."""
        if index >= len(rendered.lines):  # blank, whatever the lines
            return self._past_end(frame, y, scroll_x, style)
        if rendered.framed_in != (frame.key, style):
            rendered.framed_in, rendered.framed = (frame.key, style), {}
        key = (index, spans, scroll_x, y if frame.edge(y) else -1)
        row = rendered.framed.get(key)
        if row is None:
            self._make_room(rendered)
            width = self.size.width

            def content(_y: int) -> Strip:
                line = self._content(rendered, index, spans, style)
                return line.crop_extend(scroll_x, scroll_x + width, style)

            row = rendered.framed[key] = frame.draw(y, content)
        return row

    def _past_end(self, frame: Frame, y: int, scroll_x: int, style: Style) -> Strip:
        """Content row ``y`` past the last line (as :meth:`render_line` draws it)."""
        if self._edges_in != (frame.key, style):
            self._edges_in, self._edges = (frame.key, style), {}
        key = (True, y if frame.edge(y) else -1, scroll_x)
        row = self._edges.get(key)
        if row is None:
            if len(self._edges) >= MAX_EDGES:  # scrolled sideways through a long line
                self._edges.clear()
            width = self.size.width
            blank = Strip.blank(width, style).crop_extend(scroll_x, scroll_x + width, style)
            row = self._edges[key] = frame.draw(y, lambda _y: blank)
        return row

    def render_line(self, y: int) -> Strip:
        scroll_x, scroll_y = self.scroll_offset
        index = scroll_y + y
        width = self.size.width
        style = self._frame_style or self.rich_style
        spans = tuple(self._marks.get(index, ()))
        line = self._content(self._shown, index, spans, style)
        return line.crop_extend(scroll_x, scroll_x + width, style)

    def _content(self, rendered: _Rendered, index: int, spans: Marks, style: Style) -> Strip:
        """Line ``index`` of ``rendered`` in ``style``, its stretches ``spans`` marked
        (blank past the end)."""
        if index >= len(rendered.lines):
            return Strip.blank(self.size.width, style)
        if spans:  # drawn apart, never kept with the unmarked lines
            return self._draw(self._marked(rendered.lines[index], spans), style)
        return self._strip(rendered, index, style)

    def _marked(self, line: Text | str, spans: Marks) -> Text:
        text = (plain_line(line) if isinstance(line, str) else line).copy()
        style = self.get_component_rich_style("lines-view--mark", partial=True)
        for start, end in spans:
            text.stylize(style, start, end)
        return text

    def _strip(self, rendered: _Rendered, index: int, style: Style) -> Strip:
        """Unmarked line ``index`` of ``rendered`` in ``style``, drawn once."""
        if rendered.style != style:  # another focus or theme: the strips are stale
            rendered.style = style
            rendered.strips = {}
        strip = rendered.strips.get(index)
        if strip is None:
            self._make_room(rendered)
            line = rendered.lines[index]
            text = plain_line(line) if isinstance(line, str) else line
            strip = rendered.strips[index] = self._draw(text, style)
        return strip

    def _make_room(self, rendered: _Rendered) -> None:
        """At :data:`MAX_STRIPS` kept, the other sequences' rows go first, then ``rendered``'s."""
        if sum(kept.kept() for kept in self._rendered.values()) < MAX_STRIPS:
            return
        for kept in self._rendered.values():
            if kept is not rendered:
                kept.strips, kept.framed = {}, {}
        if rendered.kept() >= MAX_STRIPS:
            rendered.strips.clear()
            rendered.framed.clear()

    def _draw(self, text: Text, style: Style) -> Strip:
        segments = [s for s in text.render(self.app.console) if s.text != "\n"]
        return Strip(Segment.apply_style(segments, style), text.cell_len)
