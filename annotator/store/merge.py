"""Merging databases of annotators who label on their own machines.

Contract: :func:`merge_into` (``Store.merge_databases``; ``Store.merge_database``
for one file) copies other annotator databases into this one in a single
transaction. The other
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
  own operation (insert/update/delete) and time; our history triggers are off
  for the merge's writes of labels that come with their history there (and on
  for those that come without), so the history reads as it happened. Merging
  the same file twice adds nothing;
- the study's method tables (gold, training answers, the retest plan, retest
  answers and their history, rounds, discussions, negotiation reasons) are
  merged after the labels by :mod:`.merge_study`, under the same rules.

Speed: each file is attached to our connection read-only and immutable
before the transaction begins (:mod:`.merge_plain`); its samples equal to ours
field by field, its new samples (:mod:`.merge_samples`: hashed by an SQL
function), its plain label keys (every row passes one SQL predicate
sufficient for the row-by-row checks, and we have nothing for the key) and the
plain new rows of its study tables (:mod:`.merge_study_plain`) are merged by a
few ``INSERT ... SELECT``. Every other row streams through the
row-by-row path below, validated in Python, in batches (one query reads ours
for a batch's keys, one ``executemany`` per kind of write), with a larger page
cache and a rollback journal when no other connection has the file open. At
the caps of :mod:`.merge_rows` a legitimate file merges in about 10-11 s of CPU
into a database with the same samples, 13-15 s into a new one:
``benchmarks/merge_bench.py``.
"""

from __future__ import annotations

import json
import os
import sqlite3
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

from ..errors import UserError
from ..models import HistoryEntry, Label, SampleIn, annotator_key, canonical_timestamp
from ..taxonomy import Taxonomy
from .connection import bulk_mode, write_transaction
from .labels import ensure_annotator
from .merge_plain import attach, copy_plain_labels, detach, same_samples
from .merge_rows import Key, check_file, instant, open_other, readable_source
from .merge_samples import copy_new_samples
from .merge_study import merge_study_tables
from .merge_values import DECISION_AT, LABEL_COLUMNS, UPDATED_AT, raw_text, stored_values
from .samples import insert_new_samples
from .taxonomy_binding import ensure_bound

if TYPE_CHECKING:
    from sqlite_utils import Database

FINAL = "final"


@dataclass
class MergeSummary:
    source: str
    samples_new: int = 0
    samples_same: int = 0
    labels_new: int = 0
    labels_updated: int = 0
    labels_same: int = 0
    labels_deleted: int = 0
    history_copied: int = 0
    conflicts: list[str] = field(default_factory=list)
    study: dict[str, dict[str, int]] = field(default_factory=dict)
    """Per study table (:mod:`.merge_study`): rows added, updated, the same, conflicts."""

    def as_dict(self) -> dict[str, Any]:
        return dict(self.__dict__)


def merge_into(
    db: Database,
    db_path: Path,
    taxonomy: Taxonomy,
    others: Sequence[str | Path],
    take_final: bool = False,
) -> list[MergeSummary]:
    """Merge every file of ``others`` into the store's ``db`` (at ``db_path``, labels under
    ``taxonomy``) in one transaction: a bad row
    in any of them changes nothing (the rows are validated as they stream in).

    Rows are read and written in batches (:data:`BATCH_ROWS` rows, at most
    :data:`BATCH_BYTES` of text): one query finds ours for a whole batch and one
    ``executemany`` writes it, instead of several statements per label."""
    paths = [Path(p) for p in others]
    for path in paths:
        check_file(path)
        if _same_file(path, Path(db_path)):
            raise UserError("cannot merge a database into itself", file=path)
    conn = db.conn
    with ExitStack() as stack:
        files = []
        for index, path in enumerate(paths):
            source = stack.enter_context(readable_source(path))
            # Attached before the transaction (SQLite attaches outside one only),
            # detached after it; a copy (a pending -wal there) is read row by row.
            alias: str | None = f"merge_other_{index}"
            if source[1] and not conn.in_transaction and attach(conn, source[0], str(alias)):
                stack.callback(detach, conn, str(alias))
            else:
                alias = None
            files.append(_Other(path, source, alias))
        cache = conn.execute("PRAGMA cache_size").fetchone()[0]
        # A page cache the size of the merge's working set: with the default 2 MiB the
        # transaction spills pages to the -wal again and again (600,000 labels: 84 s).
        conn.execute(f"PRAGMA cache_size = -{MERGE_CACHE_KIB}")
        try:
            # A rollback journal instead of WAL while no other connection has the
            # file open (as a large import does): the merge's new pages are then
            # written once, not to the log and again at the checkpoint.
            with bulk_mode(db), write_transaction(db):
                return _merge_all(db, taxonomy, files, take_final)
        finally:
            conn.execute(f"PRAGMA cache_size = {int(cache)}")


@dataclass
class _Other:
    """One file to merge: its path, what :func:`readable_source` gave for it, and the
    name it is attached under (None: read row by row only)."""

    path: Path
    source: tuple[Path, bool]
    alias: str | None


MERGE_CACHE_KIB = 64 << 10
"""SQLite's page cache during a merge (KiB): within the 300 MB a merge may use."""


def _merge_all(
    db: Database, taxonomy: Taxonomy, others: list[_Other], take_final: bool
) -> list[MergeSummary]:
    """The merge of ``others``, inside the caller's write transaction."""
    conn = db.conn
    ensure_bound(db, taxonomy)
    summaries = []
    versions = _known_versions(conn, taxonomy)
    names = {annotator_key(n): n for (n,) in conn.execute("SELECT name FROM annotators")}
    ensured: set[str] = set()
    for each in others:
        summary = MergeSummary(source=str(each.path))
        with open_other(each.path, taxonomy, versions, names, each.source) as other:
            other.sample_exists = _SampleLookup(conn).exists
            left = None
            if each.alias is not None and (found := same_samples(conn, other, each.alias)):
                summary.samples_same += found[0]
                copied, left = copy_new_samples(conn, other, each.alias, found[1])
                summary.samples_new += copied
            for samples in _batches(other.samples(left), _sample_size):
                _merge_samples(conn, samples, summary)
            with _HistoryTriggers.off(conn) as triggers:
                rest = None
                if each.alias is not None:
                    counts = {"labels_new": 0, "labels_same": 0, "history_copied": 0}
                    rest = copy_plain_labels(conn, other, each.alias, counts, ensured, triggers)
                    summary.labels_new += counts["labels_new"]
                    summary.labels_same += counts["labels_same"]
                    summary.history_copied += counts["history_copied"]
                for groups in _batches(other.label_groups(rest), _group_size):
                    _merge_labels(conn, groups, summary, take_final, ensured, triggers)
            # After the label history: reasons and retest answers point at its entries.
            study = merge_study_tables(conn, other, each.alias)
            summary.study = study["counts"]
            summary.conflicts.extend(study["conflicts"])
        summaries.append(summary)
    return summaries


BATCH_ROWS = 2_000
"""Rows (samples, or labels and history entries) merged per batch."""
BATCH_BYTES = 8 << 20
"""Characters of text held per batch: a sample at the 16 MiB cap is a batch of its
own, as are 8 labels with 1 MiB notes (peak memory stays that of one such row)."""

T = TypeVar("T")


def _batches(rows: Iterator[T], size: Callable[[T], tuple[int, int]]) -> Iterator[list[T]]:
    """``rows`` in lists of at most :data:`BATCH_ROWS` rows and :data:`BATCH_BYTES`
    characters (``size``: rows and characters of one item; one item always fits)."""
    batch: list[T] = []
    count = chars = 0
    for row in rows:
        n, c = size(row)
        if batch and (count + n > BATCH_ROWS or chars + c > BATCH_BYTES):
            yield batch
            batch, count, chars = [], 0, 0
        batch.append(row)
        count += n
        chars += c
    if batch:
        yield batch


def _sample_size(sample: SampleIn) -> tuple[int, int]:
    """One row, and the characters of every field a hostile file may fill (texts up
    to 16 MiB together, any other value up to 16 MiB, metadata up to 1 MiB)."""
    texts = (sample.prompt, sample.generated_code, sample.reference_code, sample.test_output)
    small = (sample.model, sample.stage, sample.data_type, sample.task_type, sample.source)
    chars = sum(len(t) for t in texts) + len(sample.id) + sum(len(v or "") for v in small)
    return 1, chars + len(json.dumps(sample.metadata, ensure_ascii=False, default=str))


def _label_chars(label: Label) -> int:
    """Characters of the text fields a hostile file may fill (up to 1 MiB each)."""
    f = label.__dict__  # spelled out: this runs for every row (a loop cost 10%)
    chars = len(f["note"]) + len(f["note2"]) + len(f["source"]) + len(f["taxonomy_version"])
    chars += len(f["subcategory"] or "") + len(f["subcategory2"] or "") + len(f["flag"] or "")
    chars += len(f["written_by"] or "") + len(f["sample_id"])
    return chars + (0 if label.raw is None else len(raw_text(label.raw) or ""))


def _group_size(group: tuple[Key, Label | None, list[HistoryEntry]]) -> tuple[int, int]:
    _, label, entries = group
    chars = sum(_label_chars(e) for e in entries)
    return 1 + len(entries), chars + (0 if label is None else _label_chars(label))


class _HistoryTriggers:
    """Our ``labels_history_*`` triggers, dropped for the merge's label writes and
    created again, from their own SQL, before the transaction ends (DDL is part of
    the transaction: a failed merge rolls back to the triggers as they were, and
    no other connection ever sees them missing)."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.triggers = [
            (str(name), str(sql))
            for name, sql in conn.execute(
                "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger'"
                " AND tbl_name = 'labels' AND name LIKE 'labels\\_history\\_%' ESCAPE '\\'"
                " ORDER BY name"
            )
        ]
        self.active = True

    @classmethod
    @contextmanager
    def off(cls, conn: sqlite3.Connection) -> Iterator[_HistoryTriggers]:
        triggers = cls(conn)
        triggers._drop()
        # No finally: on an error the transaction rolls back, triggers included.
        yield triggers
        triggers._create()

    @contextmanager
    def on(self) -> Iterator[None]:
        """The triggers present for the writes of this block."""
        self._create()
        yield
        self._drop()

    def _drop(self) -> None:
        for name, _ in self.triggers:
            self.conn.execute("DROP TRIGGER main." + '"' + name.replace('"', '""') + '"')
        self.active = False

    def _create(self) -> None:
        if not self.active:
            for _, sql in self.triggers:
                self.conn.execute(sql)
            self.active = True


class _SampleLookup:
    """Whether a sample is here, for keys asked in ascending (BINARY) order: one
    query reads the next :data:`BATCH_ROWS` ids instead of one query per key."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self.ids: set[str] = set()
        self.low = self.high = ""
        self.complete = False  # the window reaches the last id

    def exists(self, sample_id: str) -> bool:
        if not (self.low <= sample_id and (self.complete or sample_id <= self.high)):
            rows = self.conn.execute(
                "SELECT id FROM samples WHERE id >= ? ORDER BY id LIMIT ?",
                (sample_id, BATCH_ROWS),
            ).fetchall()
            self.ids = {r[0] for r in rows}
            self.low = sample_id
            self.high = rows[-1][0] if rows else sample_id
            self.complete = len(rows) < BATCH_ROWS
        return sample_id in self.ids


def _same_file(path: Path, here: Path) -> bool:
    try:
        return here.exists() and os.path.samefile(path, here)
    except OSError:
        return False


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


def _merge_samples(conn: sqlite3.Connection, samples: list[SampleIn], s: MergeSummary) -> None:
    ids = [sample.id for sample in samples]
    marks = ", ".join("?" for _ in ids)
    mine = dict(conn.execute(f"SELECT id, content_hash FROM samples WHERE id IN ({marks})", ids))
    new = []
    for sample in samples:
        digest, meta = sample.hashed()  # the metadata dumped once: hashed and stored
        if sample.id not in mine:
            new.append((sample, digest, meta))
            s.samples_new += 1
        elif mine[sample.id] == digest:
            s.samples_same += 1
        else:
            s.conflicts.append(f"sample {sample.id}: different content; kept this database's")
    insert_new_samples(conn, new)


@dataclass
class _Writes:
    """What one batch of label groups writes, in the order it is written."""

    labels: list[list[Any]] = field(default_factory=list)
    """Labels whose source history is copied: written with our history triggers off."""
    deletes: list[tuple[str, str]] = field(default_factory=list)
    history: list[list[Any]] = field(default_factory=list)
    traced: list[list[Any]] = field(default_factory=list)
    """Labels without history there (older files): our triggers record their write."""


def _merge_labels(
    conn: sqlite3.Connection,
    groups: list[tuple[Key, Label | None, list[HistoryEntry]]],
    s: MergeSummary,
    take_final: bool,
    ensured: set[str],
    triggers: _HistoryTriggers,
) -> None:
    """Merge one batch of label groups (distinct keys in ascending order): ours read
    in two range queries, then every write of the batch in one ``executemany`` each."""
    for who in {key[1] for key, _, _ in groups} - ensured:
        ensure_annotator(conn, who)
        ensured.add(who)
    keys = {key for key, _, _ in groups}
    low, high = groups[0][0][0], groups[-1][0][0]
    mine = _our_labels(conn, low, high, keys)
    existing = _our_history(conn, low, high, keys)
    writes = _Writes()
    for key, label, entries in groups:
        changed = False
        if label is not None:
            changed = _take_label(key, label, mine.get(key), s, take_final, writes)
        elif entries and entries[-1].op == "delete" and key in mine:
            changed = _take_delete(key, entries[-1], mine[key], s, take_final, writes)
        if changed and not entries:  # a delete always has its entry
            writes.traced.append(writes.labels.pop())
        _copy_history(key, entries, existing.get(key, set()), s, writes)
    # The source's entries (copied here) record the states the merge writes, with
    # their own op and time: our triggers are off for those writes (not written
    # and then deleted again, which was half the merge's time), on for the rest.
    conn.executemany(_UPSERT_LABEL, writes.labels)
    conn.executemany("DELETE FROM labels WHERE sample_id = ? AND annotator = ?", writes.deletes)
    conn.executemany(_INSERT_HISTORY, writes.history)
    if writes.traced:
        with triggers.on():
            conn.executemany(_UPSERT_LABEL, writes.traced)


def _our_labels(
    conn: sqlite3.Connection, low: str, high: str, keys: set[Key]
) -> dict[Key, list[Any]]:
    """Our labels of ``keys`` (sample ids from ``low`` to ``high``), values in
    :data:`LABEL_COLUMNS` order."""
    cursor = conn.execute(
        f"SELECT sample_id, annotator, {', '.join(LABEL_COLUMNS)} FROM labels WHERE {_KEYS_IN}",
        (low, high, json.dumps(sorted(keys))),
    )
    return {(row[0], row[1]): list(row[2:]) for row in cursor}


_KEYS_IN = (
    "sample_id BETWEEN ? AND ? AND (sample_id, annotator) IN"
    " (SELECT value ->> 0, value ->> 1 FROM json_each(?))"
)
"""A batch's keys: by their range when they are dense (a whole file merged row by
row), by the keys themselves when they are sparse (those the set-based path left:
a range of them would read every label merged in between)."""


def _our_history(
    conn: sqlite3.Connection, low: str, high: str, keys: set[Key]
) -> dict[Key, set[tuple[Any, ...]]]:
    """The history entries we have of ``keys``, as (op, changed_at in our
    spelling, revision)."""
    found: dict[Key, set[tuple[Any, ...]]] = {}
    for sid, who, op, changed_at, revision in conn.execute(
        f"SELECT sample_id, annotator, op, changed_at, revision FROM label_history WHERE {_KEYS_IN}",
        (low, high, json.dumps(sorted(keys))),
    ):
        found.setdefault((sid, who), set()).add((op, _spelled(changed_at), revision))
    return found


def _take_label(
    key: Key,
    label: Label,
    mine: list[Any] | None,
    s: MergeSummary,
    take_final: bool,
    writes: _Writes,
) -> bool:
    sid, who = key
    values = stored_values(label)
    if mine is not None:
        if all(mine[i] == values[i] for i in DECISION_AT):
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
        newer = instant(values[UPDATED_AT]) > instant(mine[UPDATED_AT])
        winner = "theirs" if newer else "ours"
        s.conflicts.append(
            f"label {sid} / {who}: differs; kept the newest ({winner}), the other is in history"
        )
        if not newer:
            return False
    writes.labels.append([sid, who, *values])
    if mine is None:
        s.labels_new += 1
    else:
        s.labels_updated += 1
    return True


def _take_delete(
    key: Key,
    deleted: HistoryEntry,
    mine: list[Any],
    s: MergeSummary,
    take_final: bool,
    writes: _Writes,
) -> bool:
    sid, who = key
    if instant(mine[UPDATED_AT]) > instant(deleted.changed_at):
        return False  # changed here after they deleted it: ours stands
    if who == FINAL and not take_final:
        s.conflicts.append(
            f"label {sid} / final: deleted there; kept this database's (--take-final deletes it)"
        )
        return False
    writes.deletes.append(key)
    s.labels_deleted += 1
    return True


def _copy_history(
    key: Key,
    entries: list[HistoryEntry],
    existing: set[tuple[Any, ...]],
    s: MergeSummary,
    writes: _Writes,
) -> None:
    for entry in entries:
        mark = (entry.op, entry.changed_at, entry.revision)
        if mark in existing:
            continue
        writes.history.append([*key, entry.op, entry.changed_at, *stored_values(entry)])
        existing.add(mark)
        s.history_copied += 1


_UPSERT_LABEL = (
    f"INSERT INTO labels (sample_id, annotator, {', '.join(LABEL_COLUMNS)})"
    f" VALUES ({', '.join('?' for _ in range(len(LABEL_COLUMNS) + 2))})"
    f" ON CONFLICT (sample_id, annotator) DO UPDATE SET"
    f" {', '.join(f'{k} = excluded.{k}' for k in LABEL_COLUMNS)}"
)
_HISTORY_COLUMNS = ("sample_id", "annotator", "op", "changed_at", *LABEL_COLUMNS)
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
