"""Sample rows: insert-or-update by content hash, reads, and the work queue.

Contract: functions take an open ``sqlite_utils.Database``; writers expect to
run inside :func:`~annotator.store.connection.write_transaction`. Listing
queries touch only the compact ``samples`` and ``labels`` tables, never the
heavy ``sample_texts``, so they stay fast at 100k samples.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any, Literal

from sqlite_utils import Database

from ..models import Sample, SampleIn
from . import search as _search
from .connection import now

Outcome = Literal["new", "updated", "unchanged"]

SMALL_COLUMNS = ("passed", "model", "stage", "data_type", "task_type", "source")
TEXT_COLUMNS = ("prompt", "generated_code", "reference_code", "test_output")


def upsert_sample(db: Database, sample: SampleIn, digest: str | None = None) -> Outcome:
    """Insert a sample, update it if its content changed; labels are kept either way."""
    digest = digest or sample.content_hash()
    conn = db.conn
    row = conn.execute("SELECT content_hash FROM samples WHERE id = ?", (sample.id,)).fetchone()
    if row is not None and row[0] == digest:
        return "unchanged"
    stamp = now()
    small = [_passed(sample.passed), sample.model, sample.stage, sample.data_type]
    small += [sample.task_type, sample.source]
    meta = json.dumps(sample.metadata, ensure_ascii=False, sort_keys=True, default=str)
    texts = [sample.prompt, sample.generated_code, sample.reference_code, sample.test_output]
    if row is None:
        conn.execute(
            "INSERT INTO samples (id, passed, model, stage, data_type, task_type, source,"
            " content_hash, metadata, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [sample.id, *small, digest, meta, stamp, stamp],
        )
        conn.execute(
            "INSERT INTO sample_texts (sample_id, prompt, generated_code, reference_code,"
            " test_output) VALUES (?, ?, ?, ?, ?)",
            [sample.id, *texts],
        )
        return "new"
    conn.execute(
        "UPDATE samples SET passed = ?, model = ?, stage = ?, data_type = ?, task_type = ?,"
        " source = ?, content_hash = ?, metadata = ?, updated_at = ? WHERE id = ?",
        [*small, digest, meta, stamp, sample.id],
    )
    # An UPDATE, not INSERT OR REPLACE: a replace deletes the row without
    # firing the delete trigger, and the search index would keep stale words.
    conn.execute(
        "UPDATE sample_texts SET prompt = ?, generated_code = ?, reference_code = ?,"
        " test_output = ? WHERE sample_id = ?",
        [*texts, sample.id],
    )
    return "updated"


def _passed(value: bool | None) -> int | None:
    return None if value is None else int(value)


def get_sample(db: Database, sample_id: str) -> Sample | None:
    cur = db.conn.execute("SELECT * FROM samples_full WHERE id = ?", (sample_id,))
    row = cur.fetchone()
    if row is None:
        return None
    data = dict(zip([d[0] for d in cur.description], row, strict=True))
    return _to_sample(data)


def _to_sample(data: dict[str, Any]) -> Sample:
    data["metadata"] = json.loads(data.get("metadata") or "{}")
    passed = data.get("passed")
    data["passed"] = None if passed is None else bool(passed)
    return Sample.model_validate(data)


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


def _where(filt: SampleFilter, annotator: str | None) -> tuple[str, list[Any]]:
    clauses: list[str] = []
    params: list[Any] = []
    for column in ("model", "stage", "data_type", "task_type"):
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
        clause, args = _search.text_clause(filt.text, annotator)
        clauses.append(clause)
        params += args
    if filt.ids is not None:
        clauses.append("s.id IN (SELECT value FROM json_each(?))")
        params.append(json.dumps(list(filt.ids)))
    if filt.category is not None:
        who = "AND c.annotator = ?" if filt.category_annotator else ""
        clauses.append(
            "EXISTS (SELECT 1 FROM labels c WHERE c.sample_id = s.id AND c.kind = 'bug'"
            f" AND (c.category = ? OR c.category2 = ?) {who})"
        )
        params += [filt.category, filt.category]
        if filt.category_annotator:
            params.append(filt.category_annotator)
    if filt.status is not None and annotator is not None:
        status_sql = {
            "unlabeled": "l.sample_id IS NULL",
            "labeled": "l.kind IN ('bug', 'pass', 'none')",
            "flagged": "l.flag IS NOT NULL",
            "skipped": "l.kind = 'skip'",
            "disagreement": DISAGREEMENT_SQL,
        }[filt.status]
        clauses.append(status_sql)
    return (" AND ".join(clauses) or "1"), params


# Two annotators other than 'final' (and other than machine annotators, which
# count only where named) chose different categories for a sample.
DISAGREEMENT_SQL = (
    "(SELECT COUNT(DISTINCT CASE WHEN d.kind = 'bug' THEN d.category ELSE d.kind END)"
    " FROM labels d WHERE d.sample_id = s.id AND d.annotator != 'final'"
    " AND d.annotator NOT IN (SELECT name FROM machine_annotators)"
    " AND d.kind IN ('bug', 'pass')) > 1"
)

# A label flagged 'to confirm' (a taxonomy migration split its category) is back
# among the unlabeled failing samples.
QUEUE_ORDER = (
    "CASE WHEN s.passed IS NOT 1 AND (l.sample_id IS NULL OR l.flag = 'to confirm') THEN 0"
    " WHEN l.sample_id IS NULL THEN 1 ELSE 2 END, s.rowid"
)


def queue(
    db: Database,
    annotator: str,
    filt: SampleFilter | None = None,
    *,
    offset: int = 0,
    limit: int | None = None,
) -> list[dict[str, Any]]:
    """A page of the annotator's queue: unlabeled failing samples first, then
    unlabeled passing ones, then those already labeled; each in import order."""
    where, params = _where(filt or SampleFilter(), annotator)
    sql = (
        "SELECT s.id, s.passed, s.model, s.stage, s.data_type, s.task_type,"
        " l.kind, l.category, l.subcategory, l.category2, l.flag"
        " FROM samples s LEFT JOIN labels l ON l.sample_id = s.id AND l.annotator = ?"
        f" WHERE {where} ORDER BY {QUEUE_ORDER}"
    )
    args: list[Any] = [annotator, *params]
    if limit is not None:
        sql += " LIMIT ? OFFSET ?"
        args += [limit, offset]
    cur = db.conn.execute(sql, args)
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def queue_count(db: Database, annotator: str, filt: SampleFilter | None = None) -> int:
    where, params = _where(filt or SampleFilter(), annotator)
    sql = (
        "SELECT COUNT(*) FROM samples s LEFT JOIN labels l"
        f" ON l.sample_id = s.id AND l.annotator = ? WHERE {where}"
    )
    return int(db.conn.execute(sql, [annotator, *params]).fetchone()[0])


def distinct_values(db: Database, column: str) -> list[str]:
    """Values in use for a filterable column (model, stage, data_type, task_type)."""
    if column not in ("model", "stage", "data_type", "task_type"):
        raise ValueError(column)
    rows = db.conn.execute(
        f"SELECT DISTINCT {column} FROM samples WHERE {column} IS NOT NULL ORDER BY 1"
    )
    return [r[0] for r in rows]
