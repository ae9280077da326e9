"""Sample rows: insert-or-update by content hash, and reads.

Contract: functions take an open ``sqlite_utils.Database``; writers expect to
run inside :func:`~annotator.store.connection.write_transaction`. The work
queue is :mod:`annotator.store.queue`.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any, Literal

from ..models import Sample, stored_sample
from .connection import now
from .metadata import reapply_attached

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import SampleIn

Outcome = Literal["new", "updated", "unchanged"]


_INSERT_SAMPLE = (
    "INSERT INTO samples (id, passed, model, stage, data_type, task_type, source,"
    " content_hash, metadata, created_at, updated_at)"
    " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
)
_INSERT_TEXTS = (
    "INSERT INTO sample_texts (sample_id, prompt, generated_code, reference_code,"
    " test_output) VALUES (?, ?, ?, ?, ?)"
)
_PENDING_TRIGGER = "sample_fts_insert"
"""The trigger of migration m012 that lists each new ``sample_texts`` row as waiting
for the search index."""


def _small(sample: SampleIn) -> list[Any]:
    return [
        _passed(sample.passed),
        sample.model,
        sample.stage,
        sample.data_type,
        sample.task_type,
        sample.source,
    ]


def _texts(sample: SampleIn) -> list[str]:
    return [sample.prompt, sample.generated_code, sample.reference_code, sample.test_output]


def upsert_sample(db: Database, sample: SampleIn, hashed: tuple[str, str] | None = None) -> Outcome:
    """Insert a sample, update it if its content changed; labels are kept either way.
    ``hashed``: :meth:`SampleIn.hashed`, when the caller has it."""
    digest, meta = hashed or sample.hashed()
    conn = db.conn
    row = conn.execute(
        "SELECT content_hash, metadata FROM samples WHERE id = ?", (sample.id,)
    ).fetchone()
    if row is not None and row[0] == digest:
        return "unchanged"
    stamp = now()
    small = _small(sample)
    texts = _texts(sample)
    if row is None:
        conn.execute(_INSERT_SAMPLE, [sample.id, *small, digest, meta, stamp, stamp])
        conn.execute(_INSERT_TEXTS, [sample.id, *texts])
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
    # Metadata attached by `import metadata` survives the new content.
    reapply_attached(db, sample.id, row[1])
    return "updated"


class SampleBatch:
    """One import's samples, written in batches (inside the caller's transaction).

    A new sample is queued and written with the others of its batch: one
    ``executemany`` per table, and the batch's text rows listed as waiting for
    the search index (:mod:`annotator.store.search_index`) by one
    ``INSERT ... SELECT``: m012's per-row trigger, which lists them one by one
    (a fifth of the store's write), is dropped for the batch's life and put back,
    exactly as it was, by :meth:`close` - all inside the transaction, so a failed
    import rolls the drop back too. Which ids are stored is read once, at the
    start (the transaction holds the write lock: nobody else adds one meanwhile),
    not once per sample. A sample already stored (or queued: the queue is
    written first) takes :func:`upsert_sample`'s path: unchanged, or updated
    through the triggers with its labels and attached metadata kept.
    """

    SIZE = 500

    def __init__(self, db: Database) -> None:
        self._db = db
        self._conn = db.conn
        self._stamp = now()
        self._samples: list[list[Any]] = []
        self._texts: list[list[Any]] = []
        self._queued: set[str] = set()
        self._stored: set[str] | None = None
        """Ids in the database (read on the first :meth:`add`)."""
        row = self._conn.execute(
            "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = ?",
            (_PENDING_TRIGGER,),
        ).fetchone()
        self._trigger: str | None = row[0] if row else None
        if self._trigger is not None:
            self._conn.execute(f"DROP TRIGGER {_PENDING_TRIGGER}")

    def add(self, sample: SampleIn) -> Outcome:
        hashed = sample.hashed()
        if self._stored is None:
            self._stored = {r[0] for r in self._conn.execute("SELECT id FROM samples")}
        if sample.id in self._queued:
            self.flush()  # a second record of one id: as upsert_sample would see it
        elif sample.id not in self._stored:
            digest, meta = hashed
            stamp = self._stamp
            self._samples.append([sample.id, *_small(sample), digest, meta, stamp, stamp])
            self._texts.append([sample.id, *_texts(sample)])
            self._queued.add(sample.id)
            if len(self._samples) >= self.SIZE:
                self.flush()
            return "new"
        return upsert_sample(self._db, sample, hashed)

    def flush(self) -> None:
        """Write the queued samples; their texts wait for the search index."""
        if not self._samples:
            return
        conn = self._conn
        last = conn.execute("SELECT COALESCE(MAX(rowid), 0) FROM sample_texts").fetchone()[0]
        conn.executemany(_INSERT_SAMPLE, self._samples)
        conn.executemany(_INSERT_TEXTS, self._texts)
        if self._trigger is not None:
            # SQLite gives each new row a rowid above the largest one (below 2**63 - 1).
            # Listed at every flush, not once at close (as merge's CaughtUpTrigger does):
            # a repeated id updates its row through m012's update trigger, which must
            # see the row as waiting or it removes words that were never indexed.
            conn.execute(
                "INSERT INTO sample_fts_pending (rowid)"
                " SELECT rowid FROM sample_texts WHERE rowid > ?",
                (last,),
            )
        if self._stored is not None:
            self._stored |= self._queued
        self._samples, self._texts = [], []
        self._queued.clear()

    def close(self) -> None:
        """Write what is queued and put the trigger back."""
        self.flush()
        if self._trigger is not None:
            self._conn.execute(self._trigger)
            self._trigger = None


@contextmanager
def sample_batch(db: Database) -> Iterator[SampleBatch]:
    """A :class:`SampleBatch`, closed when the block returns (when it raises, the
    caller's transaction rolls back, trigger drop included)."""
    batch = SampleBatch(db)
    yield batch
    batch.close()


def insert_new_samples(conn: Any, samples: list[tuple[SampleIn, str, str]]) -> None:
    """Insert ``(sample, content hash, metadata JSON)`` (:meth:`SampleIn.hashed`) for
    ids that are not here yet, in two ``executemany`` (the merge's batches;
    :func:`upsert_sample` writes one); their texts wait for the search index as
    an import's do."""
    if not samples:
        return
    stamp = now()
    conn.executemany(
        _INSERT_SAMPLE,
        [
            [sample.id, *_small(sample), digest, meta, stamp, stamp]
            for sample, digest, meta in samples
        ],
    )
    conn.executemany(_INSERT_TEXTS, [[s.id, *_texts(s)] for s, _, _ in samples])


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
    return stored_sample(data)
