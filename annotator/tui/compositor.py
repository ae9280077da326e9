"""A compositor whose partial updates draw only what the update writes.

Contract: :class:`SpanCompositor` is Textual's ``Compositor`` with one method
changed, :meth:`SpanCompositor.render_partial_update`, which returns the same
update (the same strips in the same chops of the same lines) and renders less to
get it. Full updates, layout and everything else are Textual's.

Why (issue 24): Textual's partial update renders every widget that meets the
bounding box of the dirty regions, whole, and cuts every rendered line at every
cut, then writes only the dirty spans. For the labeling screen's ``n`` at 200x60
that box is nearly the screen: the queue rendered 44 rows for its 2 changed
ones, the ~15 containers under the code views rendered though their children
cover them, and cutting the lines (``Strip.divide``) cost as much as the code
views. Here a chop (a line's piece between two cuts) is drawn only if a dirty
span meets it (the only chops the update writes) and no widget in front already
drew it; a widget is rendered only for the rows where it still has such a chop,
and not at all if it has none. Painting goes front to back and the first strip of
a chop wins, as in Textual, so skipping a widget changes no chop the update writes.

:meth:`SpanCompositor.divide_ahead` cuts a widget's rows drawn ahead of time (a
code view's next sample) where a partial update will cut them, so that the
update finds the pieces made (``Strip.divide`` keeps its last results).

Tied to the Textual version pinned in ``constraints.txt`` (8.2.x): it uses the
compositor's ``cuts``, ``visible_widgets``, ``_dirty_regions`` and
``_regions_to_spans`` and its ``ChopsUpdate``; ``tests/tui/test_compositor.py``
checks the updates against Textual's own, frame by frame, over a walk. With any
other Textual, :func:`labeling_compositor` gives Textual's own compositor: slower
frames, never wrong ones.
"""

from __future__ import annotations

import os
from bisect import bisect_left, bisect_right
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import cast

import textual
from textual._compositor import ChopsUpdate, Compositor, LayoutUpdate, ReflowResult
from textual.geometry import Region, Size
from textual.strip import Strip
from textual.widget import Widget

TESTED_TEXTUAL = "8.2."
"""The Textual versions whose compositor internals :class:`SpanCompositor` was checked on."""


def labeling_compositor() -> Compositor:
    """:class:`SpanCompositor` under the Textual it was checked on, else Textual's own."""
    if textual_version().startswith(TESTED_TEXTUAL):
        return SpanCompositor()
    return Compositor()


def textual_version() -> str:
    """The installed Textual's version, read from the name of its distribution folder
    beside the package; ``importlib.metadata`` when there is not exactly one. Reading
    it through ``importlib.metadata`` loads that module with ``email`` and ``zipfile``:
    12-18 ms of CPU before the labeling screen's first frame."""
    found = version_beside(Path(textual.__file__).resolve().parent.parent, "textual")
    if found is not None:
        return found
    from importlib.metadata import version

    return version("textual")


def version_beside(site: Path, name: str) -> str | None:
    """The version in the name of the one ``NAME-VERSION.dist-info`` folder in
    ``site``, or None when there is none or more than one (an install that left one
    behind: which one is current is for ``importlib.metadata`` to say)."""
    prefix, suffix = f"{name}-", ".dist-info"
    try:
        with os.scandir(site) as entries:
            found = [
                e.name for e in entries if e.name.startswith(prefix) and e.name.endswith(suffix)
            ]
    except OSError:
        return None
    if len(found) != 1:
        return None
    return found[0][len(prefix) : -len(suffix)]


class SpanCompositor(Compositor):
    """Textual's compositor, its partial updates rendering only the chops they write."""

    def divide_ahead(self, widget: Widget, rows: Mapping[int, Strip]) -> None:
        """Cut ``rows`` ({row of ``widget``: the whole row as it will render it})
        at the cuts of the screen's lines they will be drawn on, as
        :meth:`render_partial_update` will (a widget partly outside its clip is
        cut there: nothing to do ahead)."""
        geometry = self.visible_widgets.get(widget)
        if geometry is None:
            return
        region, clip = geometry
        if region.intersection(clip) != region:
            return
        cuts, (first_cut, last_cut) = self.cuts, region.column_span
        for y, strip in rows.items():
            if not 0 <= y < region.height or strip.cell_length != region.width:
                continue
            final_cuts = _cuts_within(cuts[region.y + y], first_cut, last_cut)
            if len(final_cuts) > 2:
                strip.divide([cut - first_cut for cut in final_cuts[1:]])

    def reflow(self, parent: Widget, size: Size) -> ReflowResult:
        """Textual's reflow, without a second arrangement of the whole screen inside
        it. The map the reflow makes replaces the full map; but while it arranges,
        a view's scrollbars, given their new sizes, refresh and ask for their region,
        which made Textual arrange every widget once more (the full map was marked
        stale by the widgets just mounted): half of the first frame's layout. Asked
        during the arrangement, a region is now the last layout's (none for a widget
        not laid out yet); each widget's size is then set from the new map, and a
        widget whose size changed is marked dirty whole, as before."""
        self._full_map_invalidated = False
        return super().reflow(parent, size)

    def render_full_update(self, simplify: bool = False) -> LayoutUpdate:
        """Textual's full update (the same strips in every chop), drawing each chop
        once: by the widget in front, as a partial update of the whole screen does.
        Textual's draws every widget whole, the screen and the ~15 containers behind
        the queue, the views and the panels included, before it keeps the front
        one's chops (the labeling screen's first frame, and every resize).
        ``simplify`` (a screenshot's export) is Textual's own."""
        screen_region = self.size.region
        if simplify or not screen_region:
            return super().render_full_update(simplify=simplify)
        self._dirty_regions.clear()
        spans = list(self._regions_to_spans([screen_region]))
        chops = self._render_span_chops(screen_region, spans)
        if any(None in line.values() for line in chops):  # a chop nothing covers: as Textual
            return super().render_full_update()
        filled = cast("list[dict[int, Strip]]", chops)
        return LayoutUpdate([line.values() for line in filled], screen_region)

    def render_partial_update(self) -> ChopsUpdate | None:
        screen_region = self.size.region
        update_regions = self._dirty_regions.copy()
        self._dirty_regions.clear()
        if not update_regions:
            return None
        crop = Region.from_union(update_regions).intersection(screen_region)
        spans = list(self._regions_to_spans(update_regions))
        chops = self._render_span_chops(crop, spans)
        chop_ends = [cut_set[1:] for cut_set in self.cuts]
        return ChopsUpdate(chops, spans, chop_ends)

    def _render_span_chops(
        self, crop: Region, spans: list[tuple[int, int, int]]
    ) -> list[dict[int, Strip | None]]:
        cuts = self.cuts
        chops: list[dict[int, Strip | None]] = [dict.fromkeys(cut_set[:-1]) for cut_set in cuts]
        # The chops the update writes and no widget has drawn yet, by line:
        # ChopsUpdate writes chop [x, end) for a span (y, x1, x2) unless x > x2
        # or end <= x1. A line leaves when all its chops are drawn, and the
        # widgets behind it (the containers under the views) skip it at once.
        wanted: dict[int, set[int]] = {}
        for y, x1, x2 in spans:
            cut_set = cuts[y]
            first = max(0, bisect_right(cut_set, x1) - 1)  # the first chop ending after x1
            last = min(bisect_right(cut_set, x2), len(cut_set) - 1)  # past the last starting by x2
            if first < last:
                wanted.setdefault(y, set()).update(cut_set[first:last])

        crop_overlaps = crop.overlaps
        for widget, (region, clip) in self.visible_widgets.items():
            if not wanted:
                break
            if not crop_overlaps(clip):
                continue
            render_region = region.intersection(clip)
            if not render_region.width or not render_region.height:
                continue
            first_cut, last_cut = render_region.column_span
            # The rows where this widget still has a chop to draw, with its cuts there.
            rows: dict[int, list[int]] = {}
            for y in render_region.line_range:
                line_wanted = wanted.get(y)
                if not line_wanted:
                    continue
                final_cuts = _cuts_within(cuts[y], first_cut, last_cut)
                if not line_wanted.isdisjoint(final_cuts[:-1]):
                    rows[y] = final_cuts
            if not rows:
                continue
            top, bottom = min(rows), max(rows) + 1
            strips = widget.render_lines(
                Region(
                    render_region.x - region.x, top - region.y, render_region.width, bottom - top
                )
            )
            render_x = render_region.x
            for y, strip in zip(range(top, bottom), strips, strict=False):
                row_cuts = rows.get(y)
                if row_cuts is None:
                    continue
                chops_line = chops[y]
                if len(row_cuts) == 2 and strip.cell_length == row_cuts[1] - row_cuts[0]:
                    cut_strips: Sequence[Strip] = (strip,)  # one chop: the strip itself
                else:
                    cut_strips = strip.divide([cut - render_x for cut in row_cuts[1:]])
                line_wanted = wanted[y]
                for cut, piece in zip(row_cuts, cut_strips, strict=False):
                    if chops_line.get(cut) is None:
                        chops_line[cut] = piece
                        line_wanted.discard(cut)
                if not line_wanted:
                    del wanted[y]
        return chops


def _cuts_within(cut_set: list[int], first_cut: int, last_cut: int) -> list[int]:
    """The cuts of a screen line (sorted) from ``first_cut`` to ``last_cut``, both
    included: where a widget spanning those columns is cut on that line."""
    return cut_set[bisect_left(cut_set, first_cut) : bisect_right(cut_set, last_cut)]
