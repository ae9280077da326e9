"""Scrollbars that keep what they drew, for views whose content changes on every ``n``.

Contract: a widget that mixes in :class:`KeptScrollbars` gets scrollbars
(:class:`KeptScrollBar`) and a corner between them (:class:`KeptCorner`) that
draw exactly as Textual's, with Textual's code, and keep their last
:data:`KEPT_DRAWINGS` drawings by what they show (the frame they are drawn in,
:mod:`.framed_rows`, and the bar's colours and thumb: none, or its virtual size,
window and position). A drawing asked for again is handed out as kept.
:meth:`KeptScrollBar.prerender` draws the bar a view is about to show (the next
sample's line count and scroll) without showing it.

Why (issue 24): every sample shown sets the code and error views' line counts,
so each of their scrollbars is refreshed and redrawn, a line at a time through
Textual's styles pipeline: at 200x60 the five scrollbars of the split view and
their corners were about a third of the frame that shows the next sample. Most
samples are shorter than the view, so their bars are the same blank bar sample
after sample; the others get their thumb drawn while the previous sample is read.
"""

from __future__ import annotations

from collections.abc import Hashable
from math import ceil
from typing import Any

from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarCorner, ScrollBarRender
from textual.strip import Strip
from textual.visual import Visual, visualize
from textual.widget import Widget

from .framed_rows import Frames

KEPT_DRAWINGS = 8
"""Drawings a scrollbar keeps (blank, and the thumbs of the last samples)."""


class _KeptDrawings(Widget):
    """A widget drawn from one renderable whose drawings are kept by what they show."""

    _styles_changed = 0
    """Changes of the widget's own styles (part of what a drawing shows)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[Hashable, list[Strip]] = {}
        self._frames = Frames(self)

    def notify_style_update(self) -> None:
        self._styles_changed += 1
        super().notify_style_update()

    def _shows(self, renderable: object) -> Hashable | None:
        """All that ``renderable`` draws depends on (None: not known, not kept)."""
        raise NotImplementedError

    def render_lines(self, crop: Region) -> list[Strip]:
        rows = self._drawing(self.render())
        if rows is None:
            return super().render_lines(crop)
        rows = rows[crop.y : crop.bottom]
        x1, x2 = crop.column_span
        if (x1, x2) != (0, self.region.width):
            rows = [row.crop(x1, x2) for row in rows]
        return rows

    def _drawing(self, renderable: Any) -> list[Strip] | None:
        """Every row of ``renderable`` drawn in this widget, kept (None: draw as Textual does)."""
        shows = self._shows(renderable)
        if shows is None:
            return None
        frame = self._frames.frame(self._styles_changed)
        if frame is None:
            return None
        # The content's base style (ancestors' colours) besides what the frame sees.
        key = (frame.key, shows, self.visual_style.rich_style)
        rows = self._kept.get(key)
        if rows is None:
            # As Widget._render_content and render_line draw the content lines.
            width, height = self.size
            visual = visualize(self, renderable, markup=self._render_markup)
            lines = Visual.to_strips(self, visual, width, height, self.visual_style)
            blank = Strip.blank(width, self.visual_style.rich_style)

            def content(y: int) -> Strip:
                return lines[y] if y < len(lines) else blank

            rows = [frame.draw(y, content) for y in range(self.region.height)]
            while len(self._kept) >= KEPT_DRAWINGS:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = rows
        return rows


class KeptScrollBar(_KeptDrawings, ScrollBar):
    """Textual's scrollbar, keeping its last drawings by what they show."""

    def _shows(self, renderable: object) -> Hashable | None:
        if not isinstance(renderable, ScrollBarRender):
            return None
        length = self.size.height if self.vertical else self.size.width
        virtual, window = renderable.virtual_size, renderable.window_size
        # As ScrollBarRender.render_bar decides: a thumb, or the bar alone.
        thumb = (
            (virtual, window, renderable.position)
            if window and length and virtual and length != virtual
            else None
        )
        return (renderable.vertical, renderable.thickness, renderable.style, thumb)

    def prerender(self, virtual_size: int, window_size: int, position: float) -> None:
        """Draw the bar as it will be with these values (what the view's
        ``_scroll_update`` and scroll give it), without showing it."""
        if not self.is_mounted or not self.size:
            return
        shown = self.render()
        if not isinstance(shown, ScrollBarRender):
            return
        window = window_size if window_size < virtual_size else 0  # as ScrollBar._render_bar
        self._drawing(
            self.renderer(
                virtual_size=ceil(virtual_size),
                window_size=ceil(window),
                position=self.validate_position(position),
                thickness=self.thickness,
                vertical=self.vertical,
                style=shown.style,
            )
        )


class KeptCorner(_KeptDrawings, ScrollBarCorner):
    """Textual's scrollbar corner, keeping its drawing."""

    def _shows(self, renderable: object) -> Hashable | None:
        style = getattr(renderable, "_rich_style", None)  # a Blank of the corner colour
        return None if style is None else (type(renderable), style)


class KeptScrollbars(Widget):
    """A widget whose scrollbars are :class:`KeptScrollBar` and corner :class:`KeptCorner`
    (created as Textual creates its own).

    List it after the Textual class a widget extends (``class V(ScrollView, KeptScrollbars)``):
    Textual takes a widget's default CSS from the chain of first bases only."""

    @property
    def vertical_scrollbar(self) -> ScrollBar:
        if self._vertical_scrollbar is None:
            self._start_kept_bar(vertical=True)
        assert self._vertical_scrollbar is not None
        return self._vertical_scrollbar

    @property
    def horizontal_scrollbar(self) -> ScrollBar:
        if self._horizontal_scrollbar is None:
            self._start_kept_bar(vertical=False)
        assert self._horizontal_scrollbar is not None
        return self._horizontal_scrollbar

    @property
    def scrollbar_corner(self) -> ScrollBarCorner:
        if self._scrollbar_corner is None:
            self._scrollbar_corner = KeptCorner()
            self.app._start_widget(self, self._scrollbar_corner)
        return self._scrollbar_corner

    def _start_kept_bar(self, *, vertical: bool) -> None:
        """A hidden bar, set as this widget's before it is started as its child (as
        Textual does with its own: starting it may ask for the bar again)."""
        if vertical:
            bar = KeptScrollBar(
                vertical=True, name="vertical", thickness=self.scrollbar_size_vertical
            )
            self._vertical_scrollbar = bar
        else:
            bar = KeptScrollBar(
                vertical=False, name="horizontal", thickness=self.scrollbar_size_horizontal
            )
            self._horizontal_scrollbar = bar
        bar.display = False
        self.app._start_widget(self, bar)

    def prerender_scrollbars(self, virtual_width: int, virtual_height: int, y: float) -> None:
        """Draw the bars shown as they will be for content of this virtual size
        scrolled to ``y`` (and the left edge), as Textual's ``_scroll_update`` sets them."""
        width, height = self.container_size
        if self.show_vertical_scrollbar and isinstance(self._vertical_scrollbar, KeptScrollBar):
            self._vertical_scrollbar.prerender(
                virtual_height, height - self.scrollbar_size_horizontal, y
            )
        if self.show_horizontal_scrollbar and isinstance(self._horizontal_scrollbar, KeptScrollBar):
            self._horizontal_scrollbar.prerender(
                virtual_width, width - self.scrollbar_size_vertical, 0
            )
