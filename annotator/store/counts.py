"""Occurrence counts of bug labels: one annotator aggregated in SQL, or vote rows.

Contract: :class:`CountQueries` (part of :class:`~annotator.store.Store`)
reads only the ``labels`` table (and, for a blind sitting's re-shows, their second
answers in ``retest_answers``). The per-label pick rule here - a label's two
mentions merged when they name the same category, the first mention's
subcategory winning unless it has none - is the SQL form of
:func:`annotator.export.majority.label_picks` (a test checks both agree).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import TYPE_CHECKING, NamedTuple

from .rows import CategoryOccurrence
from .rules import bug, decided

if TYPE_CHECKING:
    from sqlite_utils import Database

_PICKS = f"""
    SELECT sample_id, category AS cat,
        CASE WHEN subcategory IS NULL AND category2 = category
            THEN subcategory2 ELSE subcategory END AS sub,
        CASE WHEN subcategory IS NULL AND category2 = category
            THEN subcategory2_inferred ELSE subcategory_inferred END AS inf
    FROM {{src}} WHERE {bug()} AND category IS NOT NULL
    UNION ALL
    SELECT sample_id, category2, subcategory2, subcategory2_inferred
    FROM {{src}} WHERE {bug()} AND category2 IS NOT NULL AND category2 IS NOT category
"""


_LABEL_COLUMNS = (
    "sample_id, kind, category, subcategory, subcategory_inferred,"
    " category2, subcategory2, subcategory2_inferred"
)


def _own_labels(reshows: frozenset[str]) -> str:
    """The labels of ``:who`` as a table; with ``reshows`` (``:reshows``, a JSON list),
    those samples by their second answer (``retest_answers``; none until given) instead
    of their first: what a blind sitting counts, so that answering a re-show moves its
    counts as answering any sample does."""
    if not reshows:
        return f"(SELECT {_LABEL_COLUMNS} FROM labels WHERE annotator = :who)"
    return (
        f"(SELECT {_LABEL_COLUMNS} FROM labels WHERE annotator = :who"
        " AND sample_id NOT IN (SELECT value FROM json_each(:reshows))"
        f" UNION ALL SELECT {_LABEL_COLUMNS} FROM retest_answers WHERE annotator = :who"
        " AND sample_id IN (SELECT value FROM json_each(:reshows)))"
    )


class VoteRow(NamedTuple):
    """The light columns of one decided label, as a majority vote reads them."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    subcategory_inferred: int
    category2: int | None
    subcategory2: str | None
    subcategory2_inferred: int


_VOTE_COLUMNS = ", ".join(VoteRow._fields)


class CountQueries:
    """The counting part of the store."""

    _db: Database

    def category_occurrences(
        self, annotator: str, reshows: frozenset[str] = frozenset()
    ) -> list[CategoryOccurrence]:
        """Per (category, subcategory): the annotator's bug labels naming it, and how many
        of those subcategories were inferred; ``reshows``: samples counted by their second
        answer (a blind sitting's re-shows: see :func:`_own_labels`)."""
        sql = (
            "SELECT cat, sub, COUNT(*), COALESCE(SUM(inf AND sub IS NOT NULL), 0)"
            f" FROM ({_PICKS.format(src=_own_labels(reshows))}) GROUP BY cat, sub"
        )
        params = {"who": annotator, "reshows": json.dumps(sorted(reshows))}
        return [CategoryOccurrence(*r) for r in self._db.conn.execute(sql, params)]

    def bug_sample_count(self, annotator: str, reshows: frozenset[str] = frozenset()) -> int:
        """Samples the annotator gave a bug label naming at least one category (``reshows``:
        as :meth:`category_occurrences`)."""
        row = self._db.conn.execute(
            f"SELECT COUNT(*) FROM {_own_labels(reshows)} WHERE {bug()}"
            " AND (category IS NOT NULL OR category2 IS NOT NULL)",
            {"who": annotator, "reshows": json.dumps(sorted(reshows))},
        ).fetchone()
        return int(row[0])

    def vote_rows(self, besides: str, *, undecided_by: str | None = None) -> Iterator[VoteRow]:
        """Decided labels of every human annotator except ``besides``, ordered by sample id;
        with ``undecided_by``, only of samples that annotator has not decided."""
        extra = ""
        params = [besides]
        if undecided_by is not None:
            extra = (
                " AND sample_id NOT IN"
                f" (SELECT sample_id FROM labels WHERE annotator = ? AND {decided()})"
            )
            params.append(undecided_by)
        cur = self._db.conn.execute(
            f"SELECT {_VOTE_COLUMNS} FROM labels WHERE annotator != ? AND {decided()}{extra}"
            # A machine annotator (llm:NAME) never votes: counts are the humans'.
            " AND annotator NOT IN (SELECT name FROM machine_annotators)"
            " ORDER BY sample_id",
            params,
        )
        return map(VoteRow._make, cur)
