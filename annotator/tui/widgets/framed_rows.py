"""A widget's rows as Textual's styles pipeline draws them, for views that keep them.

Contract: :class:`Frame` holds what Textual's ``StylesCache.render_widget`` reads
from a widget to draw it (sizes, colours, border titles, line filters, opacity,
the ANSI theme) at one moment, :attr:`Frame.key` those inputs as one hashable
value, and :meth:`Frame.draw` draws one row with Textual's own code
(``StylesCache.render_line`` with the widget's line filters applied after it, as
``StylesCache.render`` does). A row drawn from the same key and the same content
line is the same row; a view may therefore keep its drawn rows by
(:attr:`Frame.key`, what its content line shows) and hand them out again instead
of sending every line through the pipeline on every frame, which Textual's own
cache cannot do: it keeps lines by their position in the widget and forgets them
all at every refresh. :meth:`Frame.content_row` tells a row of content (the
same for any line of content drawn into it) from a row of border, padding or the
blank below the content, which is drawn by position.

What the key does not see, the view must: a change of its own styles (Textual
calls ``notify_style_update``; inline styles refresh the whole widget) is to be
counted in the ``generation`` given to :func:`frame_of`. :class:`Frames` keeps a
widget's last frame (and its Rich style) while nothing it is made of changed:
the widget's size and titles, the line filters, and the styles of the widget and
of every ancestor (Textual counts each change of a node's rules in its styles'
``_cache_key``), so a frame costs a few microseconds instead of walking the
ancestors' colours twice (about 140 microseconds a widget on the shared machine).

Why (issue 24): at 200x60 the labeling screen's ``n`` drew about 75 rows of code
and error through this pipeline (80 microseconds a row on the shared machine)
though every one of them had been drawn before, or could be, while the previous
sample was being read.

Tied to Textual 8.2 (``constraints.txt``), like :mod:`annotator.tui.compositor`;
``tests/tui/test_framed_rows.py`` compares the rows with Textual's own rendering.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

from rich.style import Style
from textual._styles_cache import StylesCache
from textual.color import Color
from textual.filter import LineFilter
from textual.strip import Strip
from textual.widget import Widget


@dataclass(frozen=True)
class Frame:
    """What drawing one of a widget's rows depends on besides its content line."""

    key: Hashable
    arguments: tuple[Any, ...]
    """``StylesCache.render_line``'s arguments after ``y``, the content line's callback last but one
    (filled in per row), in its order."""
    filters: Sequence[LineFilter]
    background: Color
    top: int
    """Rows above the content (border and padding)."""
    height: int
    last_content: int
    """The content rows are ``top <= y < last_content``."""
    outlined: bool
    """An outline is drawn over the first and last rows."""

    def content_row(self, y: int) -> bool:
        """Whether row ``y`` shows a line of content (as opposed to border,
        padding, or blank beneath the content): drawn the same in any such row
        but the widget's first and last (:meth:`edge`)."""
        return self.top <= y < self.last_content

    def edge(self, y: int) -> bool:
        """Row ``y`` is drawn over by an outline (the widget's first or last row)."""
        return self.outlined and (y == 0 or y == self.height - 1)

    def draw(self, y: int, content_line: Callable[[int], Strip]) -> Strip:
        """Row ``y`` as Textual draws it, ``content_line(y - top)`` giving the
        content of a content row (what the widget's ``render_line`` gives)."""
        styles, size, content_size, padding, base, background, titles, rest = self.arguments
        strip = StylesCache().render_line(
            styles, y, size, content_size, padding, base, background, content_line, *titles, *rest
        )
        for line_filter in self.filters:
            strip = strip.apply_filter(line_filter, self.background)
        return strip


class Frames:
    """The frame of one widget and its Rich style, made anew only when their inputs change."""

    def __init__(self, widget: Widget) -> None:
        self.widget = widget
        self._inputs: Hashable = None
        self._rich_style: Style | None = None
        self._frame: Frame | None = None

    def _check(self, generation: int) -> None:
        widget = self.widget
        app = widget.app
        inputs = (
            generation,
            tuple([node.styles._cache_key for node in widget.ancestors_with_self]),
            widget.region.size,
            widget.content_region.size,
            widget._border_title,
            widget._border_subtitle,
            tuple([id(line_filter) for line_filter in widget.get_line_filters()]),
            id(app.ansi_theme),
            app.native_ansi_color,
            widget.auto_links and widget.hover_style._link_id,
        )
        if inputs != self._inputs:
            self._inputs, self._rich_style, self._frame = inputs, None, None

    def rich_style(self, generation: int) -> Style:
        """The widget's ``rich_style``."""
        self._check(generation)
        if self._rich_style is None:
            self._rich_style = self.widget.rich_style
        return self._rich_style

    def frame(self, generation: int) -> Frame | None:
        """:func:`frame_of` the widget."""
        self._check(generation)
        if self._frame is None:
            self._frame = frame_of(self.widget, generation)
        return self._frame


def frame_of(widget: Widget, generation: int) -> Frame | None:
    """The frame ``widget`` is drawn in now (None: one Textual draws differently,
    with links styled under the mouse: not to be kept). ``generation`` counts the
    changes of the widget's own styles. The key does not cover what the content
    lines are drawn in: a widget keeps its rows by both."""
    if widget.auto_links and widget.hover_style._link_id:
        return None
    styles = widget.styles
    app = widget.app
    size = widget.region.size
    content_size = widget.content_region.size
    base_background, background = widget.background_colors
    filters = widget.get_line_filters()
    border_title = widget._border_title
    border_subtitle = widget._border_subtitle
    titles = (
        None
        if border_title is None
        else (border_title, *widget._get_title_style_information(base_background)),
        None
        if border_subtitle is None
        else (border_subtitle, *widget._get_subtitle_style_information(base_background)),
    )
    rest = (widget.opacity, app.ansi_theme, app.native_ansi_color)
    gutter = styles.gutter
    height = size.height
    # As StylesCache.render_line decides: border rows, then padding rows, then
    # content while there is content height, then blank.
    last = gutter.top + content_size.height
    if styles.padding.bottom:
        last = min(last, height - gutter.bottom)
    if styles.border.bottom[0]:
        last = min(last, height - 1)
    key = (
        generation,
        size,
        content_size,
        base_background,
        background,
        border_title,
        border_subtitle,
        tuple(id(line_filter) for line_filter in filters),
        rest[0],
        id(rest[1]),
        rest[2],
    )
    arguments = (
        styles,
        size,
        content_size,
        styles.padding,
        base_background,
        background,
        titles,
        rest,
    )
    outline_top, _, outline_bottom, _ = (edge for edge, _color in styles.outline)
    outlined = bool(outline_top or outline_bottom)
    return Frame(key, arguments, filters, background, gutter.top, height, last, outlined)
