"""Merging databases of annotators who label on their own machines.

Contract: :func:`merge_databases` copies other annotator databases into this
one in a single transaction (:func:`merge_database`: one file). The other
files are untrusted input: each is opened read-only and its rows stream in
validated (:mod:`.merge_rows`) inside that transaction, so a bad row in any of
them rolls the whole merge back and changes nothing, while memory holds one
sample, or one label with its history, at a time.

- samples match by id only; a new id is a new sample, even when its content
  equals a sample here (two ids are two samples of the study). The same id
  with different content is a conflict (ours is kept, reported);
- labels match by (sample, annotator); a label we do not have is copied
  with its times, revision and source; when both sides have different labels
  the newest (``updated_at``, compared as an instant) wins and the other stays
  in the label history, except that the adjudicated ``final`` label here is
  never replaced unless ``take_final`` (``--take-final``) is given (reported
  as a conflict);
- a label the other side deleted (undo: its last history entry is a delete,
  and it has no label) is deleted here too, unless ours is newer than the
  deletion;
- every history entry of the other database that we lack is copied with its
  own operation (insert/update/delete) and time; the entries our triggers
  write for the merge's own changes are replaced by the source's entries, so
  the history reads as it happened. Merging the same file twice adds nothing.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import HistoryEntry, Label, SampleIn, annotator_key, canonical_timestamp
from ..taxonomy import Taxonomy
from .connection import write_transaction
from .labels import ensure_annotator
from .merge_rows import check_file, instant, open_other
from .samples import upsert_sample
from .taxonomy_binding import ensure_bound

FINAL = "final"

_LABEL_COLUMNS = (
    "kind", "category", "subcategory", "subcategory_inferred", "category2", "subcategory2",
    "subcategory2_inferred", "note", "note2", "flag", "suggestions_shown", "taxonomy_version",
    "source", "written_by", "raw", "revision", "created_at", "updated_at",
)  # fmt: skip
_DECISION = (
    "kind", "category", "subcategory", "category2", "subcategory2", "note", "note2", "flag",
)  # fmt: skip


@dataclass
class MergeSummary:
    source: str
    samples_new: int = 0
    samples_same: int = 0
    samples_mapped: int = 0
    labels_new: int = 0
    labels_updated: int = 0
    labels_same: int = 0
    labels_deleted: int = 0
    history_copied: int = 0
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def merge_database(store: Any, other_path: str | Path, take_final: bool = False) -> MergeSummary:
    """Merge ``other_path`` into ``store`` (an :class:`annotator.store.Store`)."""
    return merge_databases(store, [other_path], take_final)[0]


def merge_databases(
    store: Any, others: Sequence[str | Path], take_final: bool = False
) -> list[MergeSummary]:
    """Merge every file of ``others`` into ``store`` in one transaction: a bad row
    in any of them changes nothing (the rows are validated as they stream in)."""
    paths = [Path(p) for p in others]
    for path in paths:
        check_file(path)
        if _same_file(path, Path(store.path)):
            raise UserError("cannot merge a database into itself", file=path)
    summaries = []
    with write_transaction(store._db):
        conn = store._db.conn
        ensure_bound(store._db, store.taxonomy)
        versions = _known_versions(conn, store.taxonomy)
        names = {annotator_key(n): n for (n,) in conn.execute("SELECT name FROM annotators")}
        for path in paths:
            summary = MergeSummary(source=str(path))
            with open_other(path, store.taxonomy, versions, names) as other:
                other.sample_exists = lambda sid: _has_sample(conn, sid)
                for sample in other.samples():
                    _merge_sample(store._db, sample, summary)
                for key, label, entries in other.label_groups():
                    _merge_label(conn, key, label, entries, summary, take_final)
            summaries.append(summary)
    return summaries


def _same_file(path: Path, here: Path) -> bool:
    try:
        return here.exists() and os.path.samefile(path, here)
    except OSError:
        return False


def _has_sample(conn: sqlite3.Connection, sample_id: str) -> bool:
    return conn.execute("SELECT 1 FROM samples WHERE id = ?", (sample_id,)).fetchone() is not None


def _known_versions(conn: sqlite3.Connection, taxonomy: Taxonomy) -> set[str]:
    """The taxonomy versions a merged label may carry: this taxonomy's, the one it
    migrated from, and every version this database's labels and history have."""
    versions = {taxonomy.version}
    if taxonomy.changes is not None:
        versions.add(taxonomy.changes.from_)
    for table in ("labels", "label_history"):
        versions |= {
            str(r[0]) for r in conn.execute(f"SELECT DISTINCT taxonomy_version FROM {table}")
        }
    return versions


def _merge_sample(db: Any, sample: SampleIn, s: MergeSummary) -> None:
    conn: sqlite3.Connection = db.conn
    mine = conn.execute("SELECT content_hash FROM samples WHERE id = ?", (sample.id,)).fetchone()
    if mine is None:
        upsert_sample(db, sample)
        s.samples_new += 1
    elif mine[0] == sample.content_hash():
        s.samples_same += 1
    else:
        s.conflicts.append(f"sample {sample.id}: different content; kept this database's")


def _row(label: Label) -> dict[str, Any]:
    values = label.model_dump(include=set(_LABEL_COLUMNS))
    values["raw"] = _raw_text(label.raw)
    for key in ("subcategory_inferred", "subcategory2_inferred", "suggestions_shown"):
        if values[key] is not None:
            values[key] = int(values[key])
    return values


def _raw_text(raw: dict[str, Any] | None) -> str | None:
    return None if raw is None else json.dumps(raw, ensure_ascii=False)


def _merge_label(
    conn: sqlite3.Connection,
    key: tuple[str, str],
    label: Label | None,
    entries: list[HistoryEntry],
    s: MergeSummary,
    take_final: bool,
) -> None:
    sid, who = key
    ensure_annotator(conn, who)
    before = conn.execute("SELECT COALESCE(MAX(id), 0) FROM label_history").fetchone()[0]
    cursor = conn.execute("SELECT * FROM labels WHERE sample_id = ? AND annotator = ?", (sid, who))
    mine = cursor.fetchone()
    columns = [d[0] for d in cursor.description]
    mine_d = dict(zip(columns, mine, strict=True)) if mine is not None else None
    changed = False
    if label is not None:
        changed = _take_label(conn, sid, who, label, mine_d, s, take_final)
    elif entries and entries[-1].op == "delete" and mine_d is not None:
        changed = _take_delete(conn, sid, who, entries[-1], mine_d, s, take_final)
    if changed and entries:
        # Our triggers recorded the merge's own write; the source's entries
        # (copied below) record the same states with their own op and time.
        conn.execute(
            "DELETE FROM label_history WHERE id > ? AND sample_id = ? AND annotator = ?",
            (before, sid, who),
        )
    _copy_history(conn, sid, who, entries, s)


def _take_label(
    conn: sqlite3.Connection,
    sid: str,
    who: str,
    label: Label,
    mine: dict[str, Any] | None,
    s: MergeSummary,
    take_final: bool,
) -> bool:
    values = _row(label)
    if mine is not None:
        if all(mine[k] == values[k] for k in _DECISION):
            s.labels_same += 1
            return False
        if who == FINAL and not take_final:
            s.conflicts.append(
                f"label {sid} / final: differs; kept this database's adjudicated label"
                " (--take-final takes theirs)"
            )
            return False
        # As instants: ISO 8601 has spellings (week dates, the basic format,
        # offsets) whose text order is not their time order.
        newer = instant(values["updated_at"]) > instant(mine["updated_at"])
        winner = "theirs" if newer else "ours"
        s.conflicts.append(
            f"label {sid} / {who}: differs; kept the newest ({winner}), the other is in history"
        )
        if not newer:
            return False
    keys = ["sample_id", "annotator", *_LABEL_COLUMNS]
    row = {"sample_id": sid, "annotator": who, **values}
    updates = ", ".join(f"{k} = excluded.{k}" for k in _LABEL_COLUMNS)
    conn.execute(
        f"INSERT INTO labels ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})"
        f" ON CONFLICT (sample_id, annotator) DO UPDATE SET {updates}",
        [row[k] for k in keys],
    )
    if mine is None:
        s.labels_new += 1
    else:
        s.labels_updated += 1
    return True


def _take_delete(
    conn: sqlite3.Connection,
    sid: str,
    who: str,
    deleted: HistoryEntry,
    mine: dict[str, Any],
    s: MergeSummary,
    take_final: bool,
) -> bool:
    if instant(mine["updated_at"]) > instant(deleted.changed_at):
        return False  # changed here after they deleted it: ours stands
    if who == FINAL and not take_final:
        s.conflicts.append(
            f"label {sid} / final: deleted there; kept this database's (--take-final deletes it)"
        )
        return False
    conn.execute("DELETE FROM labels WHERE sample_id = ? AND annotator = ?", (sid, who))
    s.labels_deleted += 1
    return True


_HISTORY_KEY = "sample_id, annotator, op, changed_at, revision"


def _copy_history(
    conn: sqlite3.Connection, sid: str, who: str, entries: list[HistoryEntry], s: MergeSummary
) -> None:
    existing = {
        (r[0], r[1], r[2], _spelled(r[3]), r[4])
        for r in conn.execute(
            f"SELECT {_HISTORY_KEY} FROM label_history WHERE sample_id = ? AND annotator = ?",
            (sid, who),
        )
    }
    rows = []
    for entry in entries:
        key = (sid, who, entry.op, entry.changed_at, entry.revision)
        if key in existing:
            continue
        values = _row(entry)
        rows.append([sid, who, entry.op, entry.changed_at, *(values[k] for k in _LABEL_COLUMNS)])
        existing.add(key)
    conn.executemany(_INSERT_HISTORY, rows)
    s.history_copied += len(rows)


_HISTORY_COLUMNS = ("sample_id", "annotator", "op", "changed_at", *_LABEL_COLUMNS)
_INSERT_HISTORY = (
    f"INSERT INTO label_history ({', '.join(_HISTORY_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in _HISTORY_COLUMNS)})"
)


def _spelled(text: object) -> object:
    """A stored time in our spelling (merges before 2026-12 kept the source's)."""
    try:
        return canonical_timestamp(text) if isinstance(text, str) else text
    except ValueError:
        return text
