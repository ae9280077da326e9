"""Label rows: write, read, history and restore.

Contract: a label is one row per (sample, annotator). Every insert, update
and delete is copied into ``label_history`` by triggers, so any earlier state
can be restored with :func:`restore_label` (which is itself recorded). Writers
expect to run inside a write transaction.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator
from functools import cache
from typing import TYPE_CHECKING, Any

from .. import models
from ..errors import UserError
from ..models import (
    FINAL,
    KINDS,
    MAX_REVISION,
    annotator_key,
    annotator_name_problem,
    label_too_large,
)
from ..taxonomy import Taxonomy
from .connection import now

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import HistoryEntry, Label, LabelValue


@cache
def value_columns() -> tuple[str, ...]:
    """The columns of a label's value: :class:`LabelValue`'s fields (read when a label is
    first written, so that reading labels does not load the validated models)."""
    return tuple(models.LabelValue.model_fields)


def validate_label(value: LabelValue, taxonomy: Taxonomy) -> None:
    """Refuse categories and subcategories that the taxonomy does not have, and notes
    over :data:`~annotator.models.MAX_LABEL_TEXT`."""
    if (too_large := label_too_large(value)) is not None:
        raise UserError(too_large, field="note")
    pairs = ((value.category, value.subcategory), (value.category2, value.subcategory2))
    for index, (category, sub) in enumerate(pairs, start=1):
        field = "category" if index == 1 else "category2"
        if category is None:
            if sub is not None:
                raise UserError("a subcategory needs a category", field=field)
            continue
        if not taxonomy.has(category):
            raise UserError(f"unknown category {category}", field=field)
        if sub is not None and taxonomy.category(category).subcategory(sub) is None:
            raise UserError(f"category {category} has no subcategory '{sub}'", field=field)
    names_category = KINDS[value.kind].names_category
    if names_category and value.category is None:
        raise UserError(f"a {value.kind} label needs a category", field="category")
    if not names_category and (value.category is not None or value.category2 is not None):
        # A pass (or skip, or note-only) label naming a category would count
        # in some tables and not in others.
        raise UserError(f"a '{value.kind}' label carries no category", field="category")


def ensure_annotator(conn: sqlite3.Connection, name: str) -> None:
    """Record ``name`` as an annotator (once).

    A new name that reads as one already here (:func:`~annotator.models.annotator_key`:
    case, Unicode compatibility forms, invisible characters), or as ``final``
    without being it, is refused: it would impersonate that annotator.
    """
    if conn.execute("SELECT 1 FROM annotators WHERE name = ?", (name,)).fetchone():
        return
    clash = similar_annotator(conn, name)
    if clash is not None or (name != FINAL and annotator_key(name) == FINAL):
        raise UserError(
            f"annotator name {name!r} reads as another annotator's name in this database",
            field="annotator",
        )
    conn.execute("INSERT INTO annotators (name, created_at) VALUES (?, ?)", (name, now()))


def check_new_annotator(conn: sqlite3.Connection, name: str) -> None:
    """Refuse ``name`` for a new annotator (one not yet in the database) unless it
    follows :func:`~annotator.models.annotator_name_problem` and reads as no
    annotator here. The error names no other annotator (labeling is blind)."""
    if conn.execute("SELECT 1 FROM annotators WHERE name = ?", (name,)).fetchone():
        return  # an existing name, whatever an older version let it be
    problem = annotator_name_problem(name)
    if problem is not None:
        raise UserError(f"{problem}: {name!r}", field="annotator")
    if similar_annotator(conn, name) is not None:
        raise UserError(
            f"annotator name {name!r} reads as another annotator's name in this database"
            " (names must differ by more than case, width or invisible characters)",
            field="annotator",
        )


def similar_annotator(conn: sqlite3.Connection, name: str) -> str | None:
    """An annotator here, other than ``name``, that reads as it (None: none)."""
    key = annotator_key(name)
    for (other,) in conn.execute("SELECT name FROM annotators WHERE name != ?", (name,)):
        if annotator_key(other) == key:
            return str(other)
    return None


def _row(value: LabelValue) -> list[Any]:
    data = value.model_dump()
    data["raw"] = json.dumps(data["raw"], ensure_ascii=False) if data["raw"] is not None else None
    for key in ("subcategory_inferred", "subcategory2_inferred"):
        data[key] = int(data[key])
    if data["suggestions_shown"] is not None:
        data["suggestions_shown"] = int(data["suggestions_shown"])
    return [data[c] for c in value_columns()]


def put_label(
    db: Database,
    sample_id: str,
    annotator: str,
    value: LabelValue,
    *,
    taxonomy_version: str,
    source: str,
    written_by: str | None = None,
) -> None:
    """Insert or replace the label; the revision counts up on every change."""
    ensure_annotator(db.conn, annotator)
    stamp = now()
    columns = ", ".join(value_columns())
    marks = ", ".join("?" for _ in value_columns())
    updates = ", ".join(f"{c} = excluded.{c}" for c in value_columns())
    db.conn.execute(
        f"INSERT INTO labels (sample_id, annotator, {columns}, taxonomy_version, source,"
        f" written_by, revision, created_at, updated_at)"
        f" VALUES (?, ?, {marks}, ?, ?, ?, 1, ?, ?)"
        f" ON CONFLICT (sample_id, annotator) DO UPDATE SET {updates},"
        " taxonomy_version = excluded.taxonomy_version, source = excluded.source,"
        " written_by = excluded.written_by,"
        # Saturates instead of overflowing SQLite's integers (2^63-1 + 1 is a float).
        f" revision = MIN(labels.revision + 1, {MAX_REVISION}),"
        " updated_at = excluded.updated_at",
        [sample_id, annotator, *_row(value), taxonomy_version, source, written_by, stamp, stamp],
    )


def _to_label(data: dict[str, Any]) -> dict[str, Any]:
    if isinstance(data.get("revision"), int) and data["revision"] > MAX_REVISION:
        # Only a merge made before revisions were bounded can have stored one.
        data["revision"] = MAX_REVISION
    if data.get("raw"):
        data["raw"] = json.loads(data["raw"])
    for key in ("subcategory_inferred", "subcategory2_inferred"):
        data[key] = bool(data.get(key))
    if data.get("suggestions_shown") is not None:
        data["suggestions_shown"] = bool(data["suggestions_shown"])
    return data


def get_label(db: Database, sample_id: str, annotator: str) -> Label | None:
    cur = db.conn.execute(
        "SELECT * FROM labels WHERE sample_id = ? AND annotator = ?", (sample_id, annotator)
    )
    row = cur.fetchone()
    if row is None:
        return None
    names = [d[0] for d in cur.description]
    return models.Label.model_validate(_to_label(dict(zip(names, row, strict=True))))


def iter_labels(
    db: Database, annotator: str | None = None, sample_id: str | None = None
) -> Iterator[Label]:
    clauses, params = [], []
    if annotator is not None:
        clauses.append("annotator = ?")
        params.append(annotator)
    if sample_id is not None:
        clauses.append("sample_id = ?")
        params.append(sample_id)
    where = " AND ".join(clauses) or "1"
    cur = db.conn.execute(
        f"SELECT l.* FROM labels l JOIN samples s ON s.id = l.sample_id WHERE {where}"
        " ORDER BY s.rowid, l.annotator",
        params,
    )
    names = [d[0] for d in cur.description]
    for row in cur:
        yield models.Label.model_validate(_to_label(dict(zip(names, row, strict=True))))


def history(db: Database, sample_id: str, annotator: str) -> list[HistoryEntry]:
    cur = db.conn.execute(
        "SELECT * FROM label_history WHERE sample_id = ? AND annotator = ? ORDER BY changed_at, id",
        (sample_id, annotator),
    )
    names = [d[0] for d in cur.description]
    return [
        models.HistoryEntry.model_validate(_to_label(dict(zip(names, row, strict=True))))
        for row in cur.fetchall()
    ]


def last_history_id(db: Database, sample_id: str, annotator: str) -> int | None:
    row = db.conn.execute(
        "SELECT id FROM label_history WHERE sample_id = ? AND annotator = ?"
        " ORDER BY changed_at DESC, id DESC LIMIT 1",
        (sample_id, annotator),
    ).fetchone()
    return row[0] if row else None


def delete_label(db: Database, sample_id: str, annotator: str) -> None:
    db.conn.execute(
        "DELETE FROM labels WHERE sample_id = ? AND annotator = ?", (sample_id, annotator)
    )


def restore_label(db: Database, sample_id: str, annotator: str, history_id: int | None) -> None:
    """Bring the label back to its state at ``history_id`` (None: no label)."""
    if history_id is None:
        delete_label(db, sample_id, annotator)
        return
    entry = next((h for h in history(db, sample_id, annotator) if h.id == history_id), None)
    if entry is None:
        raise UserError(f"no history entry {history_id} for {sample_id} / {annotator}")
    if entry.op == "delete":
        delete_label(db, sample_id, annotator)
        return
    put_label(
        db,
        sample_id,
        annotator,
        entry.value(),
        taxonomy_version=entry.taxonomy_version,
        source=entry.source,
        written_by=entry.written_by,
    )
