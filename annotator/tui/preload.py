"""The first page of the queue and its first sample, read before the UI draws.

Contract: :func:`first_page` reads one page of an annotator's queue (through their blind view), its
total and the display-ready view of the first row (``None`` for an empty
queue). ``annotator label`` calls it before the app starts, so that the first frame
already shows a sample. Nothing here imports Textual.

Why not a worker: a worker started with the app has to win the GIL back from
the busy UI thread on every SQLite step, which cost 300-400 ms before the
first sample was shown. Before the app runs nothing else is on screen, and
the read takes a few milliseconds (the queue query grows to ~0.2 s at 100k
samples, which a worker would take too).
"""

from __future__ import annotations

from dataclasses import dataclass

from ..blind import BlindView
from ..store import QueueRow, SampleFilter
from .sample_data import SampleView, load_view

PAGE_SIZE = 200
"""Rows per queue page."""


@dataclass(frozen=True)
class FirstPage:
    rows: list[QueueRow]
    total: int
    view: SampleView | None


def first_page(view: BlindView, filt: SampleFilter | None = None) -> FirstPage:
    """The first queue page, its total and the first sample ready to paint."""
    rows = with_matches(view, filt, view.queue(filt, offset=0, limit=PAGE_SIZE))
    total = view.queue_count(filt)
    first = load_view(view, rows[0].id) if rows else None
    return FirstPage(rows, total, first)


def with_matches(
    view: BlindView, filt: SampleFilter | None, rows: list[QueueRow]
) -> list[QueueRow]:
    """Queue rows of a search, each with its ``match`` (where the words are:
    code, output, prompt or the annotator's own note)."""
    if filt is None or not filt.text:
        return rows
    matches = view.search_matches([r.id for r in rows], filt.text)
    return [r._replace(match=matches[r.id]) if r.id in matches else r for r in rows]
