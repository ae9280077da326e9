"""Text that fits: wrapping labels, keeping value labels only where they fit, measuring.

Contract (matplotlib is imported only when a figure is measured):

- :func:`wrap(text, width)` cleans ``text`` to one literal line (control and bidi
  characters removed, whitespace collapsed) and wraps it into lines of at most
  ``width`` characters, breaking after spaces, ``/``, ``&`` and ``-``
  (a word longer than ``width`` is cut into pieces); nothing is left out, so a
  name is never shortened with "…".
- :func:`text_boxes(fig)` draws ``fig`` and returns every visible, non-empty
  text element with its window extent (in pixels).
- :func:`problems(fig)` lists what makes a figure unprintable: a text element
  outside the canvas, or two text elements overlapping (by more than
  ``TOLERANCE_PX`` in both directions). The tests and :func:`keep_fitting` use it.
- :func:`keep_fitting(fig, labels, inside=None, all_or_none=False)` hides the value
  labels (``labels``) that would overlap another text, leave the canvas or leave
  the box given for them by ``inside`` (e.g. their bar or cell); with
  ``all_or_none`` one misfit hides them all (a chart shows every value or none);
  ``laid_out``: the figure's layout is current (the fitting functions leave it so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from ..textsafe import CONTROL

_PIECES = re.compile(r"[^ /&-]+[ /&-]*|[ /&-]+")
GAP_PX = 3.0
"""Pixels between two tick labels below which they read as one."""
TOLERANCE_PX = 0.5


def clean(text: object) -> str:
    """One literal line: control characters removed, whitespace collapsed."""
    return CONTROL.sub("", " ".join(str(text).split()))


def wrap(text: object, width: int) -> str:
    """``text`` on lines of at most ``width`` characters (see the module docstring)."""
    width = max(1, width)
    pieces: list[str] = []
    for piece in _PIECES.findall(clean(text)):
        while len(piece.rstrip()) > width:
            pieces.append(piece[:width])
            piece = piece[width:]
        pieces.append(piece)
    lines: list[str] = []
    line = ""
    for piece in pieces:
        if line and len((line + piece).rstrip()) > width:
            lines.append(line.rstrip())
            line = piece.lstrip()
        else:
            line += piece
    if line.strip() or not lines:
        lines.append(line.rstrip())
    return "\n".join(lines)


def text_boxes(fig: Any, render: bool = True, laid_out: bool = False) -> list[tuple[Any, Any]]:
    """(text artist, window extent) of every non-empty text the figure draws.

    ``render=True`` (the tests): the texts the renderer is asked to draw in a full
    draw. ``render=False`` (fitting, several times per figure): the layout is run
    without rasterizing anything (``draw_without_rendering``) and every visible text
    counts except the tick labels outside their axis's view limits, which exist but
    are not drawn; ``laid_out``: the layout is current, not run again)."""
    from matplotlib.text import Text

    if not render:
        if not laid_out:
            fig.draw_without_rendering()
        renderer = fig.canvas.get_renderer()
        hidden = _undrawn_ticks(fig)
        return [
            (t, t.get_window_extent(renderer))
            for t in fig.findobj(Text)
            if t.get_visible() and t.get_text().strip() and id(t) not in hidden
        ]
    renderer = fig.canvas.get_renderer()
    drawn: dict[int, Any] = {}
    original = renderer.draw_text

    def record(
        gc: Any, x: Any, y: Any, s: Any, prop: Any, angle: Any, *args: Any, **kw: Any
    ) -> Any:
        mtext = kw.get("mtext", args[1] if len(args) > 1 else None)
        if mtext is not None:
            drawn.setdefault(id(mtext), mtext)
        return original(gc, x, y, s, prop, angle, *args, **kw)

    renderer.draw_text = record
    try:
        fig.canvas.draw()
    finally:
        del renderer.draw_text
    return [
        (artist, artist.get_window_extent(renderer))
        for artist in drawn.values()
        if artist.get_text().strip()
    ]


def _undrawn_ticks(fig: Any) -> set[int]:
    hidden: set[int] = set()
    for ax in fig.axes:
        for axis in (ax.xaxis, ax.yaxis):
            lo, hi = sorted(axis.get_view_interval())
            tol = 1e-9 * max(1.0, hi - lo)
            for tick in [*axis.get_major_ticks(), *axis.get_minor_ticks()]:
                if not lo - tol <= tick.get_loc() <= hi + tol:
                    hidden.update((id(tick.label1), id(tick.label2)))
    return hidden


def _layout(fig: Any) -> None:
    fig.draw_without_rendering()


def _box(fig: Any, artist: Any) -> Any:
    return artist.get_window_extent(fig.canvas.get_renderer())


def fit_legend(fig: Any, max_cols: int, **kwargs: Any) -> Any:
    """A figure legend above the axes with as many columns (up to ``max_cols``) as fit
    the canvas's width (one draw when the first try fits)."""
    legend = None
    for ncols in range(max(1, max_cols), 0, -1):
        legend = fig.legend(loc="outside upper center", ncols=ncols, frameon=False, **kwargs)
        _layout(fig)
        if _inside(_box(fig, legend), fig.bbox) or ncols == 1:
            return legend
        legend.remove()
    return legend


def fit_title(fig: Any, ax: Any, text: str, drawn: bool = False) -> None:
    """The axes title on as few lines as fit the canvas's width: measured once on one
    line, then wrapped to the width there is (a draw per try, rarely more than two).
    ``drawn``: the figure was drawn with this title on one line since its last change
    (that draw is not repeated)."""
    if drawn and ax.title.get_text() == clean(text):
        title = ax.title
    else:
        title = ax.set_title(clean(text))
        _layout(fig)
    for _ in range(4):
        box = _box(fig, title)
        if _inside(box, fig.bbox):
            return
        centre = (box.x0 + box.x1) / 2
        room = 2 * min(centre - fig.bbox.x0, fig.bbox.x1 - centre) - 4
        longest = max(len(line) for line in title.get_text().split("\n"))
        chars = max(8, int(longest * room / max(box.width, 1)) - 1)
        title.set_text(wrap(text, chars))
        _layout(fig)


def fit_ticks(fig: Any, axis: Any, integer: bool = True) -> None:
    """Fewer ticks on ``axis`` until its labels do not touch: at column width, counts in
    the thousands ("0 400 800 1200 ...") would otherwise run together into one number.
    Starts from matplotlib's own choice and halves the number of bins (a draw per try,
    none more when the first fits)."""
    from matplotlib.ticker import MaxNLocator

    bins = 10
    while True:
        axis.set_major_locator(MaxNLocator(nbins=bins, integer=integer))
        _layout(fig)
        lo, hi = sorted(axis.get_view_interval())
        shown = [
            t.label1
            for t in axis.get_major_ticks()
            if lo <= t.get_loc() <= hi and t.label1.get_visible() and t.label1.get_text()
        ]
        boxes = [_box(fig, label) for label in shown]
        # Touching counts too: a gap under a few pixels reads as one number.
        if bins <= 2 or not any(
            min(a.x1, b.x1) - max(a.x0, b.x0) > -GAP_PX
            and min(a.y1, b.y1) - max(a.y0, b.y0) > -GAP_PX
            for a, b in zip(boxes, boxes[1:], strict=False)
        ):
            return
        bins = max(2, bins // 2)


def overlapping(fig: Any, texts: Sequence[Any]) -> bool:
    """Whether any two of ``texts`` overlap (after a layout)."""
    _layout(fig)
    boxes = [_box(fig, t) for t in texts if t.get_visible() and t.get_text().strip()]
    return any(_overlap(a, b) for i, a in enumerate(boxes) for b in boxes[i + 1 :])


def _overlap(a: Any, b: Any) -> bool:
    dx = min(a.x1, b.x1) - max(a.x0, b.x0)
    dy = min(a.y1, b.y1) - max(a.y0, b.y0)
    return bool(dx > TOLERANCE_PX and dy > TOLERANCE_PX)


def _inside(box: Any, outer: Any) -> bool:
    t = TOLERANCE_PX
    return bool(
        box.x0 >= outer.x0 - t
        and box.y0 >= outer.y0 - t
        and box.x1 <= outer.x1 + t
        and box.y1 <= outer.y1 + t
    )


def _data_outside(ax: Any) -> list[str]:
    """Lines' points and bars' ends beyond the axes' limits (a series cut off or lost)."""
    from matplotlib.patches import Rectangle

    (x0, x1), (y0, y1) = sorted(ax.get_xlim()), sorted(ax.get_ylim())
    found = []
    for line in ax.get_lines():
        xs, ys = line.get_xdata(), line.get_ydata()
        if any(not (x0 <= x <= x1) for x in xs) or any(not (y0 <= y <= y1) for y in ys):
            found.append(f"data outside the axes: line {line.get_label()!r}")
    for patch in ax.patches:
        if isinstance(patch, Rectangle) and patch.get_visible():
            bx0, by0 = patch.get_x(), patch.get_y()
            bx1, by1 = bx0 + patch.get_width(), by0 + patch.get_height()
            tolerance = 1e-9 * max(1.0, abs(y1 - y0), abs(x1 - x0))
            if min(by0, by1) < y0 - tolerance or max(by0, by1) > y1 + tolerance:
                found.append(f"data outside the axes: bar {patch.get_label()!r} at x {bx0:g}")
            elif min(bx0, bx1) < x0 - tolerance or max(bx0, bx1) > x1 + tolerance:
                found.append(f"data outside the axes: bar {patch.get_label()!r} at y {by0:g}")
    return found


def problems(fig: Any) -> list[str]:
    """Every text outside the canvas, every overlapping pair and every line or bar
    beyond its axes' limits, as sentences."""
    boxes = text_boxes(fig)
    canvas = fig.bbox
    found = [problem for ax in fig.axes for problem in _data_outside(ax)]
    for artist, box in boxes:
        if not _inside(box, canvas):
            found.append(f"outside the canvas: {artist.get_text()!r} {box.bounds}")
    for i, (a, box_a) in enumerate(boxes):
        for b, box_b in boxes[i + 1 :]:
            if _overlap(box_a, box_b):
                found.append(f"overlap: {a.get_text()!r} and {b.get_text()!r}")
    return found


def keep_fitting(
    fig: Any,
    labels: Sequence[Any],
    inside: Callable[[Any], Any] | None = None,
    all_or_none: bool = False,
    laid_out: bool = False,
) -> int:
    """Hide the value labels that do not fit (see the module docstring); returns how many stay."""
    if not labels:
        return 0
    import numpy as np

    chosen = set(map(id, labels))
    boxes = text_boxes(fig, render=False, laid_out=laid_out)
    extent = {id(artist): box for artist, box in boxes if id(artist) in chosen}
    # Every box a value label must not overlap (the other texts, then the labels kept
    # so far) as rows x0, y0, x1, y1: one vectorised test per label, as _overlap does.
    edges = np.empty((len(boxes), 4))
    count = 0
    for artist, box in boxes:
        if id(artist) not in chosen:
            edges[count] = (box.x0, box.y0, box.x1, box.y1)
            count += 1
    misfit = []
    for label in labels:
        box = extent.get(id(label))
        if box is None:
            continue
        room = inside(label) if inside is not None else None
        fits = _inside(box, fig.bbox) and (room is None or _inside(box, room))
        if fits and count:
            near = edges[:count]
            dx = np.minimum(box.x1, near[:, 2]) - np.maximum(box.x0, near[:, 0])
            dy = np.minimum(box.y1, near[:, 3]) - np.maximum(box.y0, near[:, 1])
            fits = not bool(np.any((dx > TOLERANCE_PX) & (dy > TOLERANCE_PX)))
        if fits:
            edges[count] = (box.x0, box.y0, box.x1, box.y1)
            count += 1
        else:
            misfit.append(label)
            if all_or_none:
                break  # one misfit hides them all
    hidden = list(labels) if all_or_none and misfit else misfit
    for label in hidden:
        label.set_visible(False)
    return len(labels) - len(hidden)
