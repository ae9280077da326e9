"""Search over samples and one annotator's own notes; focus time per label.

Contract: :func:`fts_query` turns what a person typed into an FTS5 query
that is always valid (every word quoted, a prefix match on each, operators
and markup taken literally) and bounded: only the first 200 characters and
12 words of a search are used, so a pasted 40 KB text or 5000 ``NEAR(`` cost
what a short search costs. :func:`text_clause` is the queue filter for a
search: the sample id contains the text, or its code, test output or prompt
(``sample_fts``), or *the annotator's own* note (``note_fts``, never anyone
else's: blind labeling) has every word. :class:`SearchStore` adds the named
reads and writes to :class:`~annotator.store.Store`: the match to show per
sample and focus time. A search indexes the texts still waiting for the index
first (:func:`~annotator.store.search_index.ensure_indexed`): callers of
:func:`text_clause` call :func:`ready_for` with their filter text.
"""

from __future__ import annotations

import json
import re
import sqlite3
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from .connection import now, write_transaction
from .rules import labeled
from .search_index import ensure_indexed

if TYPE_CHECKING:
    from sqlite_utils import Database

_WORD = re.compile(r"\w+", re.UNICODE)
SNIPPET_TOKENS = 10
CONTEXT = 12
"""Characters kept before the first matched word."""
_START, _END = "\x02", "\x03"

COLUMNS = ("prompt", "code", "reference", "output")
"""Labels of the ``sample_fts`` columns, in their order."""


MAX_SEARCH_CHARS = 200
"""Characters of a search used (the rest is ignored: a pasted 40 KB text costs no more)."""
MAX_SEARCH_WORDS = 12
"""Words of a search used in the full-text query (each one more FTS5 term)."""


def search_text(text: str) -> str:
    """The part of a typed search that is used (:data:`MAX_SEARCH_CHARS`)."""
    return text[:MAX_SEARCH_CHARS]


def fts_query(text: str) -> str | None:
    """``text`` as an FTS5 query: its first words, each a quoted prefix (None: no word)."""
    words = _WORD.findall(search_text(text))[:MAX_SEARCH_WORDS]
    if not words:
        return None
    return " ".join(f'"{word}"*' for word in words)


def ready_for(db: Database, text: str | None) -> None:
    """Before a query with :func:`text_clause` for ``text``: index the waiting texts
    when ``text`` searches the index (nothing to do for no text or no word)."""
    if text and fts_query(text) is not None:
        ensure_indexed(db)


def text_clause(
    text: str, annotator: str | None, hidden: frozenset[str] | None = None
) -> tuple[str, list[Any]]:
    """A WHERE clause over ``samples s`` for a search for ``text``; ``hidden``: samples
    whose notes are not searched (a blind sitting's re-shows: their note is the first
    answer's)."""
    clause = "instr(lower(s.id), lower(?)) > 0"
    params: list[Any] = [search_text(text)]
    query = fts_query(text)
    if query is None:
        return clause, params
    clause += (
        " OR s.id IN (SELECT t.sample_id FROM sample_texts t WHERE t.rowid IN"
        " (SELECT rowid FROM sample_fts WHERE sample_fts MATCH ?))"
    )
    params.append(query)
    if annotator is not None:
        clause += (
            " OR s.id IN (SELECT n.sample_id FROM labels n WHERE n.annotator = ? AND n.rowid IN"
            " (SELECT rowid FROM note_fts WHERE note_fts MATCH ?)"
        )
        params += [annotator, query]
        if hidden:
            clause += " AND n.sample_id NOT IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(sorted(hidden)))
        clause += ")"
    return f"({clause})", params


@dataclass(frozen=True)
class TimeSummary:
    """Median focus seconds per annotator and per category (of the first category)."""

    per_annotator: dict[str, tuple[int, float]]
    """annotator -> (labels timed, median seconds)."""
    per_category: dict[int, tuple[int, float]]
    """category -> (labels timed, median seconds)."""


class SearchStore:
    """Store methods for search and focus time."""

    _db: Database

    def search_index_ok(self) -> bool:
        """Whether the full-text index is sound (SQLite's FTS5 ``integrity-check``; newer
        SQLite versions also compare the index with the sample texts), once the texts
        waiting for it are indexed. The tests ask after imports and merges."""
        ensure_indexed(self._db)
        try:
            self._db.conn.execute(
                "INSERT INTO sample_fts (sample_fts, rank) VALUES ('integrity-check', 1)"
            )
        except sqlite3.DatabaseError:
            return False
        return True

    def search_matches(
        self,
        annotator: str,
        sample_ids: Iterable[str],
        text: str,
        *,
        hidden: frozenset[str] = frozenset(),
    ) -> dict[str, str]:
        """For each of ``sample_ids`` that matches ``text``: where and what,
        e.g. ``code: …y.reshape(7, -1)…`` (the annotator's own note only, and not on
        the ``hidden`` samples)."""
        ids = json.dumps(list(sample_ids))
        query = fts_query(text)
        if query is None:
            return {}
        ensure_indexed(self._db)
        out: dict[str, str] = {}
        conn = self._db.conn
        snippets = ", ".join(
            f"snippet(sample_fts, {i}, '{_START}', '{_END}', '…', {SNIPPET_TOKENS})"
            for i in range(len(COLUMNS))
        )
        rows = conn.execute(
            f"SELECT t.sample_id, {snippets} FROM sample_fts JOIN sample_texts t"
            " ON t.rowid = sample_fts.rowid"
            " WHERE sample_fts MATCH ? AND t.sample_id IN (SELECT value FROM json_each(?))",
            (query, ids),
        )
        for sample_id, *found in rows:
            out[sample_id] = _best(zip(COLUMNS, found, strict=True))
        notes = conn.execute(
            f"SELECT l.sample_id, snippet(note_fts, 0, '{_START}', '{_END}', '…', 10),"
            f" snippet(note_fts, 1, '{_START}', '{_END}', '…', 10)"
            " FROM note_fts JOIN labels l ON l.rowid = note_fts.rowid"
            " WHERE note_fts MATCH ? AND l.annotator = ?"
            " AND l.sample_id IN (SELECT value FROM json_each(?))",
            (query, annotator, ids),
        )
        for sample_id, note, note2 in notes:
            if sample_id in hidden:
                continue
            out.setdefault(sample_id, _best([("note", note), ("note", note2)]))
        return out

    def add_focus_time(self, annotator: str, seconds: Mapping[str, float]) -> None:
        """Add focus seconds to each sample's total for ``annotator`` (committed)."""
        rows = [(sid, annotator, s, now()) for sid, s in seconds.items() if s > 0]
        if not rows:
            return
        with write_transaction(self._db):
            self._db.conn.executemany(
                "INSERT INTO label_time (sample_id, annotator, seconds, updated_at)"
                " SELECT ?, ?, ?, ? WHERE EXISTS (SELECT 1 FROM samples WHERE id = ?1)"
                " ON CONFLICT (sample_id, annotator) DO UPDATE"
                " SET seconds = seconds + excluded.seconds, updated_at = excluded.updated_at",
                rows,
            )

    def focus_time(self, sample_id: str, annotator: str) -> float:
        row = self._db.conn.execute(
            "SELECT seconds FROM label_time WHERE sample_id = ? AND annotator = ?",
            (sample_id, annotator),
        ).fetchone()
        return float(row[0]) if row else 0.0

    def time_summary(self) -> TimeSummary:
        """Medians of focus time over labeled samples (skips left out)."""
        rows = self._db.conn.execute(
            "SELECT l.annotator, l.category, t.seconds FROM labels l JOIN label_time t"
            " ON t.sample_id = l.sample_id AND t.annotator = l.annotator"
            f" WHERE {labeled('l.kind')} AND t.seconds > 0"
        ).fetchall()
        by_annotator: dict[str, list[float]] = {}
        by_category: dict[int, list[float]] = {}
        for annotator, category, seconds in rows:
            by_annotator.setdefault(annotator, []).append(seconds)
            if category is not None:
                by_category.setdefault(int(category), []).append(seconds)
        from statistics import median  # (with fractions, decimal) here only, not at every start

        return TimeSummary(
            {k: (len(v), median(v)) for k, v in sorted(by_annotator.items())},
            {k: (len(v), median(v)) for k, v in sorted(by_category.items())},
        )


def _best(found: Iterable[tuple[str, str | None]]) -> str:
    """The first snippet with a highlighted word, markers removed."""
    for column, snippet in found:
        if snippet and _START in snippet:
            before, _, rest = snippet.partition(_START)
            # The match near the start: the list column is narrow.
            gap = " " if before[-1:].isspace() else ""
            before = " ".join(before.split()) + gap
            if len(before) > CONTEXT:
                before = "…" + before[-CONTEXT:]
            text = " ".join((before + rest).replace(_START, "").replace(_END, "").split())
            return f"{column}: {text}"
    return ""
