"""Merging databases of annotators who label on their own machines.

Contract: :func:`merge_database` copies another annotator database into this
one in a single transaction:

- samples match by id; a sample whose id is new but whose content hash is
  already here is the same sample under another id and is mapped onto it;
  the same id with different content is a conflict (ours is kept, reported);
- labels match by (sample, annotator); a label we do not have is copied
  with its times, revision and source; when both sides have different labels
  the newest (``updated_at``) wins and the other stays in the label history;
- every history entry of the other database that we lack is copied, so an
  edit made on either machine can still be restored.

Merging the same file twice changes nothing. The other file is opened
read-only and never modified.
"""

from __future__ import annotations

import sqlite3
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from .connection import write_transaction
from .labels import ensure_annotator

# A history entry is identified by when it happened and the revision it made.
# The op is compared only as delete / not delete: a label copied here by a
# merge is recorded by our trigger as an 'insert' even where the other side
# recorded the same state as an 'update'.
_HISTORY_KEY = ("sample_id", "annotator", "op = 'delete'", "changed_at", "revision")


@dataclass
class MergeSummary:
    source: str
    samples_new: int = 0
    samples_same: int = 0
    samples_mapped: int = 0
    labels_new: int = 0
    labels_updated: int = 0
    labels_same: int = 0
    history_copied: int = 0
    conflicts: list[str] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def _open_other(path: Path) -> sqlite3.Connection:
    if not path.is_file():
        raise UserError("no such database file", file=path)
    try:
        conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    except sqlite3.DatabaseError as exc:
        raise UserError(f"not an annotator database: {exc}", file=path) from None
    missing = {"samples", "sample_texts", "labels", "label_history"} - tables
    if missing:
        raise UserError(f"not an annotator database (no {', '.join(sorted(missing))})", file=path)
    conn.row_factory = sqlite3.Row
    return conn


def merge_database(store: Any, other_path: str | Path) -> MergeSummary:
    """Merge ``other_path`` into ``store`` (an :class:`annotator.store.Store`)."""
    path = Path(other_path)
    if path.resolve() == Path(store.path).resolve():
        raise UserError("cannot merge a database into itself", file=path)
    other = _open_other(path)
    summary = MergeSummary(source=str(path))
    try:
        with write_transaction(store._db):
            mapping = _merge_samples(store._db.conn, other, summary)
            _merge_labels(store._db.conn, other, mapping, summary)
    finally:
        other.close()
    return summary


def _merge_samples(
    conn: sqlite3.Connection, other: sqlite3.Connection, s: MergeSummary
) -> dict[str, str]:
    mapping: dict[str, str] = {}
    columns = [r[1] for r in conn.execute("PRAGMA table_info(samples)")]
    text_columns = [r[1] for r in conn.execute("PRAGMA table_info(sample_texts)")]
    for row in other.execute("SELECT * FROM samples ORDER BY rowid"):
        sid, digest = row["id"], row["content_hash"]
        mine = conn.execute("SELECT content_hash FROM samples WHERE id = ?", (sid,)).fetchone()
        if mine is not None:
            mapping[sid] = sid
            if mine[0] == digest:
                s.samples_same += 1
            else:
                s.conflicts.append(f"sample {sid}: different content; kept this database's")
            continue
        same = conn.execute(
            "SELECT id FROM samples WHERE content_hash = ? LIMIT 1", (digest,)
        ).fetchone()
        if same is not None:
            mapping[sid] = same[0]
            s.samples_mapped += 1
            continue
        keys = [c for c in columns if c in row.keys()]
        conn.execute(
            f"INSERT INTO samples ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})",
            [row[k] for k in keys],
        )
        text = other.execute("SELECT * FROM sample_texts WHERE sample_id = ?", (sid,)).fetchone()
        if text is not None:
            tkeys = [c for c in text_columns if c in text.keys()]
            conn.execute(
                f"INSERT INTO sample_texts ({', '.join(tkeys)}) VALUES ({', '.join('?' for _ in tkeys)})",
                [text[k] for k in tkeys],
            )
        mapping[sid] = sid
        s.samples_new += 1
    return mapping


_DECISION = (
    "kind", "category", "subcategory", "category2", "subcategory2", "note", "note2", "flag",
)  # fmt: skip


def _merge_labels(
    conn: sqlite3.Connection, other: sqlite3.Connection, mapping: dict[str, str], s: MergeSummary
) -> None:
    label_columns = [r[1] for r in conn.execute("PRAGMA table_info(labels)")]
    history_columns = [
        r[1] for r in conn.execute("PRAGMA table_info(label_history)") if r[1] != "id"
    ]
    for row in other.execute("SELECT * FROM labels ORDER BY sample_id, annotator"):
        sid = mapping.get(row["sample_id"])
        if sid is None:
            continue
        who = row["annotator"]
        ensure_annotator(conn, who)
        mine = conn.execute(
            "SELECT * FROM labels WHERE sample_id = ? AND annotator = ?", (sid, who)
        ).fetchone()
        mine_d = dict(zip(label_columns, mine, strict=True)) if mine is not None else None
        take = mine_d is None
        if mine_d is not None:
            if all(mine_d[k] == row[k] for k in _DECISION):
                s.labels_same += 1
            else:
                take = row["updated_at"] > mine_d["updated_at"]
                winner = "theirs" if take else "ours"
                s.conflicts.append(
                    f"label {sid} / {who}: differs; kept the newest ({winner}), the other is in history"
                )
        # History first, so the winning label's own entry (written by the
        # trigger below) is the newest one.
        _copy_history(
            conn, other, row["sample_id"], sid, who, history_columns, s, skip=row if take else None
        )
        if take:
            values = {k: row[k] for k in label_columns if k in row.keys()}
            values["sample_id"] = sid
            keys = list(values)
            updates = ", ".join(
                f"{k} = excluded.{k}" for k in keys if k not in ("sample_id", "annotator")
            )
            conn.execute(
                f"INSERT INTO labels ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})"
                f" ON CONFLICT (sample_id, annotator) DO UPDATE SET {updates}",
                [values[k] for k in keys],
            )
            if mine_d is None:
                s.labels_new += 1
            else:
                s.labels_updated += 1


def _copy_history(
    conn: sqlite3.Connection,
    other: sqlite3.Connection,
    their_id: str,
    sid: str,
    who: str,
    columns: list[str],
    s: MergeSummary,
    skip: sqlite3.Row | None,
) -> None:
    existing = {
        tuple(r)
        for r in conn.execute(
            f"SELECT {', '.join(_HISTORY_KEY)} FROM label_history WHERE sample_id = ? AND annotator = ?",
            (sid, who),
        )
    }
    for entry in other.execute(
        "SELECT * FROM label_history WHERE sample_id = ? AND annotator = ? ORDER BY id",
        (their_id, who),
    ):
        key = (sid, who, int(entry["op"] == "delete"), entry["changed_at"], entry["revision"])
        if key in existing:
            continue
        if (
            skip is not None
            and entry["op"] != "delete"
            and entry["changed_at"] == skip["updated_at"]
            and entry["revision"] == skip["revision"]
        ):
            continue  # the trigger writes this one when the label itself is copied
        values = {c: entry[c] for c in columns if c in entry.keys()}
        values["sample_id"] = sid
        keys = list(values)
        conn.execute(
            f"INSERT INTO label_history ({', '.join(keys)}) VALUES ({', '.join('?' for _ in keys)})",
            [values[k] for k in keys],
        )
        existing.add(key)
        s.history_copied += 1
