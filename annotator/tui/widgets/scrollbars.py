"""Scrollbars that keep what they drew, for views whose content changes on every ``n``.

Contract: a widget that mixes in :class:`KeptScrollbars` gets scrollbars
(:class:`KeptScrollBar`) that draw exactly as Textual's, and keep the lines of
the last :data:`KEPT_DRAWINGS` drawings by what they show (size, the rows
asked for, colours, and the thumb: none, or its virtual size, window and
position). A drawing asked for again is returned as kept instead of being
drawn anew.

Why (issue 24): every sample shown sets the code and error views' line counts,
so each of their scrollbars is refreshed and redrawn, a line at a time through
Textual's styles pipeline: at 200x60 the five scrollbars of the split view were
about 40 % of the frame that shows the next sample. Most samples are shorter
than the view, so their bars are the same blank bar sample after sample; the
refresh is Textual's (the bar's reactives changed), the drawing is the same.
"""

from __future__ import annotations

from collections.abc import Hashable
from typing import Any

from textual.geometry import Region
from textual.scrollbar import ScrollBar, ScrollBarRender
from textual.strip import Strip
from textual.widget import Widget

KEPT_DRAWINGS = 8
"""Drawings a scrollbar keeps (blank, and the thumbs of the last samples)."""


class KeptScrollBar(ScrollBar):
    """Textual's scrollbar, keeping the lines of its last drawings by what they show."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._kept: dict[Hashable, list[Strip]] = {}

    def _drawing(self, crop: Region) -> Hashable | None:
        """What the lines in ``crop`` show (None: not known, draw them)."""
        renderable = self.render()
        if not isinstance(renderable, ScrollBarRender):
            return None
        width, height = self.size
        length = height if self.vertical else width
        virtual, window = renderable.virtual_size, renderable.window_size
        # As ScrollBarRender.render_bar decides: a thumb, or the bar alone.
        thumb = (
            (virtual, window, renderable.position)
            if window and length and virtual and length != virtual
            else None
        )
        app = self.app
        return (
            self.size,
            crop,
            self.vertical,
            renderable.thickness,
            renderable.style,
            thumb,
            self.background_colors,
            self.opacity,
            tuple(id(line_filter) for line_filter in self.get_line_filters()),
            id(app.ansi_theme),
            app.native_ansi_color,
        )

    def render_lines(self, crop: Region) -> list[Strip]:
        key = self._drawing(crop)
        if key is None:
            return super().render_lines(crop)
        strips = self._kept.get(key)
        if strips is None:
            strips = super().render_lines(crop)
            while len(self._kept) >= KEPT_DRAWINGS:
                del self._kept[next(iter(self._kept))]
            self._kept[key] = strips
        return list(strips)


class KeptScrollbars(Widget):
    """A widget whose scrollbars are :class:`KeptScrollBar` (created as Textual creates its own).

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
