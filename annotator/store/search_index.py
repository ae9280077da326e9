"""The search index's waiting list: new sample texts are indexed later, in batches.

Contract: since migration m012 a new ``sample_texts`` row is not written to the
full-text index ``sample_fts`` by its insert trigger but listed in
``sample_fts_pending`` (indexing 25 MB of text row by row was most of a 10k-sample
import). A row is either indexed or pending, never both (the triggers keep it so
through updates and deletes). :func:`index_batch` indexes up to ``size`` pending
rows in one write transaction of its own, so other writers (a label being saved)
wait at most one batch; :func:`index_pending` indexes them all, batch after batch.
:func:`ensure_indexed` is what every search calls before it matches (the queue's
text filter, the labeling screen's matches, ``round new --from`` with words): a
search right after an import finds exactly what it found when imports indexed at
once. :class:`SearchIndexStore` offers the same on the :class:`~annotator.store.Store`
(the labeling app indexes in a background worker at start).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .connection import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

BATCH = 2000
"""Rows indexed per write transaction (about 0.1 s of FTS5 work at 2.5 KB a row)."""

_COLUMNS = "prompt, generated_code, reference_code, test_output"


def pending_count(db: Database) -> int:
    """Sample text rows not yet in the search index."""
    return int(db.conn.execute("SELECT COUNT(*) FROM sample_fts_pending").fetchone()[0])


def index_batch(db: Database, size: int = BATCH) -> int:
    """Index the first ``size`` pending rows (one write transaction); how many were
    pending (a rowid whose text row is gone - not possible through the triggers -
    is dropped from the list and indexes nothing)."""
    with write_transaction(db):
        conn = db.conn
        # The batch is the pending rowids up to a bound, read inside the write lock:
        # a row another process indexed meanwhile is no longer listed.
        row = conn.execute(
            "SELECT rowid FROM sample_fts_pending ORDER BY rowid LIMIT 1 OFFSET ?",
            (size - 1,),
        ).fetchone()
        bound = row[0] if row is not None else None
        upto = "" if bound is None else " WHERE rowid <= ?"
        args = () if bound is None else (bound,)
        conn.execute(
            f"INSERT INTO sample_fts (rowid, {_COLUMNS}) SELECT t.rowid, {_COLUMNS}"
            f" FROM sample_texts t WHERE t.rowid IN (SELECT rowid FROM sample_fts_pending{upto})",
            args,
        )
        done = conn.execute(f"DELETE FROM sample_fts_pending{upto}", args).rowcount
    return int(done)


def index_pending(db: Database, size: int = BATCH) -> int:
    """Index every pending row, ``size`` per transaction; how many."""
    total = 0
    while done := index_batch(db, size):
        total += done
    return total


def any_pending(db: Database) -> bool:
    """Whether a sample text waits for the search index (one indexed lookup)."""
    return db.conn.execute("SELECT 1 FROM sample_fts_pending LIMIT 1").fetchone() is not None


def ensure_indexed(db: Database) -> None:
    """Index what is pending, if anything."""
    if any_pending(db):
        index_pending(db)


class SearchIndexStore:
    """Store methods over the search index's waiting list."""

    _db: Database

    def search_pending(self) -> int:
        """Sample texts waiting for the search index (:func:`pending_count`)."""
        return pending_count(self._db)

    def search_waiting(self) -> bool:
        """Whether a sample text waits for the search index (:func:`any_pending`)."""
        return any_pending(self._db)

    def index_search_batch(self, size: int = BATCH) -> int:
        """Index up to ``size`` waiting texts in one transaction; how many (0: none left)."""
        return index_batch(self._db, size)

    def index_search(self) -> int:
        """Index every waiting text, batch after batch; how many."""
        return index_pending(self._db)
