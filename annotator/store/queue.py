"""The work queue: an annotator's samples in labeling order, filtered.

Contract: :class:`QueueQueries` (part of :class:`~annotator.store.Store`)
pages through the samples with the annotator's own label status as
:class:`~annotator.store.rows.QueueRow`. Listing queries touch only the
compact ``samples`` and ``labels`` tables, never the heavy ``sample_texts``,
so they stay fast at 100k samples.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from ..models import FINAL
from .retest import answered_among
from .rows import QueueRow
from .rules import bug, decided, labeled, skipped
from .search import ready_for, text_clause

if TYPE_CHECKING:
    from sqlite_utils import Database


@dataclass(frozen=True)
class SampleFilter:
    """Filters of the sample list; None means 'any'."""

    model: str | None = None
    stage: str | None = None
    data_type: str | None = None
    task_type: str | None = None
    passed: bool | None = None
    category: int | None = None
    """Samples that ``category_annotator`` (or anyone, when None) put in this category."""
    category_annotator: str | None = None
    status: str | None = None
    """unlabeled, labeled, flagged, skipped or disagreement (for ``annotator``)."""
    ids: tuple[str, ...] | None = None
    """Restrict to these ids (a failure cluster, a search result)."""
    text: str | None = None
    """Search: a substring of the sample id, or words in its code, test
    output, prompt or the annotator's own notes (see :mod:`.search`)."""
    harness_status: str | None = None
    """The benchmark harness's status of the attempt (``metadata.status``: fail, timeout, ...)."""
    extra: dict[str, Any] = field(default_factory=dict)


# Two annotators other than 'final' (and other than machine annotators, which
# count only where named) chose different categories for a sample.
DISAGREEMENT_SQL = (
    f"(SELECT COUNT(DISTINCT CASE WHEN {bug('d.kind')} THEN d.category ELSE d.kind END)"
    f" FROM labels d WHERE d.sample_id = s.id AND d.annotator != '{FINAL}'"
    " AND d.annotator NOT IN (SELECT name FROM machine_annotators)"
    f" AND {decided('d.kind')}) > 1"
)

# A label flagged 'to confirm' (a taxonomy migration split its category) is back
# among the unlabeled failing samples.
_TO_DO = "s.passed IS NOT 1 AND (l.sample_id IS NULL OR l.flag = 'to confirm')"
QUEUE_ORDER = f"CASE WHEN {_TO_DO} THEN 0 WHEN l.sample_id IS NULL THEN 1 ELSE 2 END, s.rowid"

# For an annotator a round assigns samples to (migration m008): ``ra`` is their own
# row of round_assignments, and their samples to do that a round assigns come first,
# oldest round first. An assigned sample still to do keeps its round open, so these
# are the annotator's open rounds. Only the annotator's own assignment and own label
# decide the order (blind). One sort key, as the join costs a lookup per sample; an
# annotator without assignments keeps QUEUE_ORDER and no join (100k samples: about
# 22 ms of CPU per page without the join, 38 ms with it).
ROUND_QUEUE_JOIN = " LEFT JOIN round_assignments ra ON ra.sample_id = s.id AND ra.annotator = ?"
ROUND_QUEUE_ORDER = (
    f"CASE WHEN {_TO_DO} THEN IFNULL(ra.round_id, 1e15)"
    " WHEN l.sample_id IS NULL THEN 2e15 ELSE 3e15 END, s.rowid"
)

FILTER_COLUMNS = ("model", "stage", "data_type", "task_type")


_LABEL_COLUMN = re.compile(r"(?<![\w.])l\.(\w+)")


def _joined(
    annotator: str, hidden: frozenset[str] | None, answered: set[str]
) -> tuple[str, list[Any]]:
    """``samples s`` joined to the annotator's labels ``l``.

    With ``hidden`` (a blind sitting's due re-shows, :mod:`.retest`): those samples'
    labels are left out of the join (``l0``), and the second answers of those
    ``answered`` joined instead (``r``); :func:`_masked` then reads each ``l.x`` as
    ``COALESCE(l0.x, r.x)`` (at most one of the two rows exists for a sample), so that a
    re-show reads as unlabeled everywhere in the query (order, status filter, row) until
    it is answered. Both joins stay index lookups, the second only once a re-show was
    answered. Without ``hidden``: the plain join (the query is unchanged when no re-show
    is due).
    """
    if not hidden:
        return "samples s LEFT JOIN labels l ON l.sample_id = s.id AND l.annotator = ?", [annotator]
    sql = (
        "samples s LEFT JOIN labels l0 ON l0.sample_id = s.id AND l0.annotator = ?"
        # By integer rowid: a third cheaper per row than by id text at 100k samples.
        " AND s.rowid NOT IN (SELECT rowid FROM samples WHERE id IN"
        " (SELECT value FROM json_each(?)))"
    )
    args: list[Any] = [annotator, json.dumps(sorted(hidden))]
    if answered:
        sql += (
            " LEFT JOIN retest_answers r ON r.sample_id = s.id AND r.annotator = ?"
            " AND r.sample_id IN (SELECT value FROM json_each(?))"
        )
        args += [annotator, json.dumps(sorted(answered))]
    return sql, args


def _masked(sql: str, hidden: frozenset[str] | None, answered: set[str]) -> str:
    """``sql`` (over ``l``) over the join of :func:`_joined` with ``hidden``."""
    if not hidden:
        return sql
    return _LABEL_COLUMN.sub(r"COALESCE(l0.\1, r.\1)" if answered else r"l0.\1", sql)


def _where(
    filt: SampleFilter, annotator: str | None, hidden: frozenset[str] | None = None
) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in FILTER_COLUMNS:
        value = getattr(filt, column)
        if value is not None:
            clauses.append(f"s.{column} = ?")
            params.append(value)
    if filt.passed is not None:
        clauses.append("s.passed = ?")
        params.append(int(filt.passed))
    if filt.harness_status is not None:
        clauses.append(
            "CASE WHEN json_valid(s.metadata) THEN json_extract(s.metadata, '$.status') END = ?"
        )
        params.append(filt.harness_status)
    if filt.text:
        clause, args = text_clause(filt.text, annotator, hidden)
        clauses.append(clause)
        params += args
    if filt.ids is not None:
        clauses.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(filt.ids)))
    if filt.category is not None:
        who = "AND c.annotator = ?" if filt.category_annotator else ""
        clauses.append(
            f"EXISTS (SELECT 1 FROM labels c WHERE c.sample_id = s.id AND {bug('c.kind')}"
            f" AND (c.category = ? OR c.category2 = ?) {who})"
        )
        params += [filt.category, filt.category]
        if filt.category_annotator:
            params.append(filt.category_annotator)
        if hidden and filt.category_annotator == annotator:
            # A re-show's category is its second answer's (once given), never its first's.
            ids = json.dumps(sorted(hidden))
            clauses[-1] = (
                f"({clauses[-1][:-1]} AND c.sample_id NOT IN (SELECT value FROM json_each(?)))"
                f" OR EXISTS (SELECT 1 FROM retest_answers c WHERE c.sample_id = s.id"
                f" AND {bug('c.kind')} AND (c.category = ? OR c.category2 = ?)"
                " AND c.annotator = ? AND c.sample_id IN (SELECT value FROM json_each(?))))"
            )
            params += [ids, filt.category, filt.category, annotator, ids]
    if filt.status is not None and annotator is not None:
        status_sql = {
            "unlabeled": "l.sample_id IS NULL",
            "labeled": labeled("l.kind"),
            "flagged": "l.flag IS NOT NULL",
            "skipped": skipped("l.kind"),
            "disagreement": DISAGREEMENT_SQL,
        }[filt.status]
        clauses.append(status_sql)
    return (" AND ".join(clauses) or "1"), params


class QueueQueries:
    """The queue part of the store."""

    _db: Database

    def queue(
        self,
        annotator: str,
        filt: SampleFilter | None = None,
        *,
        offset: int = 0,
        limit: int | None = None,
        hidden: frozenset[str] | None = None,
    ) -> list[QueueRow]:
        """A page of the annotator's queue: unlabeled failing samples first (those of
        the annotator's open rounds before the rest), then unlabeled passing ones, then
        those already labeled; each in import order. ``hidden``: samples whose label
        reads as absent (a blind sitting's re-shows; see :func:`_joined`)."""
        answered = answered_among(self._db, annotator, hidden) if hidden else set()
        joined, join_args = _joined(annotator, hidden, answered)
        where, params = _where(filt or SampleFilter(), annotator, hidden)
        ready_for(self._db, filt.text if filt else None)
        order = QUEUE_ORDER
        args: list[Any] = [*join_args]
        if self._db.conn.execute(
            "SELECT 1 FROM round_assignments WHERE annotator = ? LIMIT 1", (annotator,)
        ).fetchone():
            joined, order = joined + ROUND_QUEUE_JOIN, ROUND_QUEUE_ORDER
            args.append(annotator)
        columns = _masked(
            "s.id, s.passed, s.model, s.stage, s.data_type, s.task_type,"
            " l.kind, l.category, l.subcategory, l.category2, l.flag",
            hidden,
            answered,
        )
        sql = (
            f"SELECT {columns} FROM {joined} WHERE {_masked(where, hidden, answered)}"
            f" ORDER BY {_masked(order, hidden, answered)}"
        )
        args += params
        if limit is not None:
            sql += " LIMIT ? OFFSET ?"
            args += [limit, offset]
        return [
            QueueRow(sid, None if passed is None else bool(passed), *rest)
            for sid, passed, *rest in self._db.conn.execute(sql, args)
        ]

    def queue_count(
        self,
        annotator: str,
        filt: SampleFilter | None = None,
        *,
        hidden: frozenset[str] | None = None,
    ) -> int:
        answered = answered_among(self._db, annotator, hidden) if hidden else set()
        joined, join_args = _joined(annotator, hidden, answered)
        where, params = _where(filt or SampleFilter(), annotator, hidden)
        ready_for(self._db, filt.text if filt else None)
        sql = f"SELECT COUNT(*) FROM {joined} WHERE {_masked(where, hidden, answered)}"
        return int(self._db.conn.execute(sql, [*join_args, *params]).fetchone()[0])

    def distinct_values(self, column: str) -> list[str]:
        """Values in use for a filterable column (model, stage, data_type, task_type)."""
        if column not in FILTER_COLUMNS:
            raise ValueError(column)
        rows = self._db.conn.execute(
            f"SELECT DISTINCT {column} FROM samples WHERE {column} IS NOT NULL ORDER BY 1"
        )
        return [r[0] for r in rows]
