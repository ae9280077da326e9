"""The merge's set-based path for new samples: copied by SQL, hashed by an SQL function.

Contract: :func:`copy_new_samples` runs inside the merge's write transaction, on
the other file attached read-only and immutable (:func:`~.merge_plain.attach`),
after :func:`~.merge_plain.same_samples` and before the row-by-row path of
:mod:`.merge`. Among the other file's samples still left (``rest``: rowids), it
copies every *plain new* one with one ``INSERT ... SELECT`` into ``samples``, one
into ``sample_texts`` and one into the search index's waiting list, and returns the rowids of
the others, which the row-by-row path then reads, validates and merges (or
refuses, with the same error) exactly as before.

A sample is plain new when:

- its id is text, not empty, without NUL, and not an id of ours (an id of ours
  with other content is a conflict the row-by-row path reports);
- it passes :func:`_plain_sample`, an SQL predicate *sufficient* for every check
  of :meth:`~.merge_rows.OtherDatabase._sample` and the model
  :class:`~annotator.models.SampleIn` (texts are text and within
  :data:`~.merge_rows.MAX_SAMPLE_TEXT` together, ``passed`` is NULL or the
  integer 0 or 1, the small fields NULL or text, the metadata text within
  :data:`~.merge_rows.MAX_METADATA`);
- :func:`sample_digest_sql`, registered on our connection as
  :data:`DIGEST_FUNCTION`, returns its content hash: it does only for metadata
  that is a JSON object already spelled as our writes store it (sorted keys, no
  ASCII escapes: ``json.dumps(json.loads(m), sort_keys=True,
  ensure_ascii=False) == m``), so the metadata is copied unchanged, and its
  digest is :meth:`SampleIn.hashed`'s (the same function,
  :func:`~annotator.models.sample_digest`, computes both).

Their file holds no repeated id or text row (checked by
:func:`~.merge_plain.same_samples`'s guard, which the caller ran: a file with
one leaves every sample to the row-by-row path). Why: validating and hashing
200,000 samples in Python, then inserting them from Python, was about half of a
merge into a new database at the caps (``benchmarks/merge_bench.py``).
"""

from __future__ import annotations

import json
import sqlite3

from ..models import sample_digest
from .caught_up import CaughtUpTrigger
from .connection import now
from .merge_rows import MAX_METADATA, MAX_SAMPLE_TEXT, MAX_SAMPLE_VALUE, OtherDatabase, _q

DIGEST_FUNCTION = "annotator_merge_sample_digest"
"""The SQL name of :func:`sample_digest_sql` on our connection during a merge."""

_TEXTS = ("prompt", "generated_code", "reference_code", "test_output")
_SMALL = ("model", "stage", "data_type", "task_type")
_INDEX_TRIGGER = "sample_fts_insert"
"""m012's trigger that lists each new ``sample_texts`` row as waiting for the search
index (see :func:`_text_index`)."""


def sample_digest_sql(
    prompt: object,
    generated_code: object,
    reference_code: object,
    test_output: object,
    passed: object,
    model: object,
    stage: object,
    data_type: object,
    task_type: object,
    metadata: object,
) -> str | None:
    """The content hash :meth:`SampleIn.hashed` gives a sample of these stored
    values, or None (the row is then left to the row-by-row path) unless every
    value has the type our writes store and ``metadata`` is a JSON object in our
    spelling. Deterministic: the same values, the same answer."""
    texts = (prompt, generated_code, reference_code, test_output)
    small = (model, stage, data_type, task_type)
    if not all(type(t) is str for t in texts) or type(metadata) is not str:
        return None
    if not all(v is None or type(v) is str for v in small):
        return None
    if passed is not None and (type(passed) is not int or passed not in (0, 1)):
        return None
    try:
        loaded = json.loads(metadata)
        if type(loaded) is not dict or metadata != json.dumps(
            loaded, sort_keys=True, ensure_ascii=False
        ):
            return None
    except (ValueError, RecursionError, TypeError):
        return None
    return sample_digest(
        *texts,  # type: ignore[arg-type]  # checked above: str
        None if passed is None else bool(passed),
        *small,  # type: ignore[arg-type]  # checked above: str or None
        metadata,
    )


def register_digest(conn: sqlite3.Connection) -> None:
    """:func:`sample_digest_sql` as :data:`DIGEST_FUNCTION` on ``conn`` (deterministic)."""
    conn.create_function(DIGEST_FUNCTION, 10, sample_digest_sql, deterministic=True)


def _plain_sample() -> str:
    """SQL over their sample ``s`` with its texts ``t``: sufficient for the row-by-row
    checks but the metadata's spelling, which the digest function checks."""
    checks = [
        "typeof(s.id) = 'text' AND s.id <> '' AND instr(s.id, char(0)) = 0",
        *(f"typeof(t.{c}) = 'text'" for c in _TEXTS),
        f"{' + '.join(f'length(t.{c})' for c in _TEXTS)} <= {MAX_SAMPLE_TEXT}",
        "s.passed IS NULL OR (typeof(s.passed) = 'integer' AND s.passed IN (0, 1))",
        *(f"s.{c} IS NULL OR typeof(s.{c}) = 'text'" for c in (*_SMALL, "source")),
        f"typeof(s.metadata) = 'text' AND length(s.metadata) <= {MAX_METADATA}",
        "NOT EXISTS (SELECT 1 FROM main.samples o WHERE o.id = s.id)",
    ]
    return " AND ".join(f"({c})" for c in checks)


def copy_new_samples(
    conn: sqlite3.Connection, other: OtherDatabase, alias: str, rest: list[int] | None
) -> tuple[int, list[int]]:
    """Copy the plain new samples among ``rest`` (rowids of ``alias``'s samples; None:
    all of them) into ours. Returns (how many were copied, the rowids left to the
    row-by-row path). The caller checked that their file holds no repeated id."""
    a = _q(alias)
    register_digest(conn)
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SAMPLE_VALUE)
    conn.execute("CREATE TEMP TABLE merge_new (rid INTEGER PRIMARY KEY, digest TEXT)")
    try:
        only = "" if rest is None else "s.rowid IN (SELECT value FROM json_each(:rest)) AND "
        digest = f"{DIGEST_FUNCTION}({', '.join(f't.{c}' for c in _TEXTS)}, s.passed,"
        digest += f" {', '.join(f's.{c}' for c in _SMALL)}, s.metadata)"
        conn.execute(
            f"INSERT INTO temp.merge_new SELECT s.rowid, {digest}"
            f" FROM {a}.samples s JOIN {a}.sample_texts t ON t.sample_id = s.id COLLATE BINARY"
            f" WHERE {only}{_plain_sample()}",
            {"rest": json.dumps(rest)},
        )
        conn.execute("DELETE FROM temp.merge_new WHERE digest IS NULL")
        copied = _write(conn, a)
        left = conn.execute(
            f"SELECT s.rowid FROM {a}.samples s WHERE {only}"
            " s.rowid NOT IN (SELECT rid FROM temp.merge_new) ORDER BY s.rowid",
            {"rest": json.dumps(rest)},
        ).fetchall()
    except sqlite3.DataError:
        other.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SAMPLE_VALUE)
        raise other._oversized(("samples", "sample_texts")) from None
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.merge_new")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
    return copied, [r for (r,) in left]


def _write(conn: sqlite3.Connection, a: str) -> int:
    """The samples of ``temp.merge_new`` into ours, as the row-by-row path writes
    them (:func:`~.samples.insert_new_samples`), in their file's order."""
    stamp = now()
    copied = conn.execute(
        "INSERT INTO main.samples (id, passed, model, stage, data_type, task_type, source,"
        " content_hash, metadata, created_at, updated_at)"
        f" SELECT s.id, s.passed, {', '.join(f's.{c}' for c in _SMALL)}, s.source, n.digest,"
        f" s.metadata, :stamp, :stamp FROM temp.merge_new n JOIN {a}.samples s ON s.rowid = n.rid"
        " ORDER BY n.rid",
        {"stamp": stamp},
    ).rowcount
    with _text_index(conn):
        conn.execute(
            f"INSERT INTO main.sample_texts (sample_id, {', '.join(_TEXTS)})"
            f" SELECT s.id, {', '.join(f't.{c}' for c in _TEXTS)} FROM temp.merge_new n"
            f" JOIN {a}.samples s ON s.rowid = n.rid"
            f" JOIN {a}.sample_texts t ON t.sample_id = s.id COLLATE BINARY ORDER BY n.rid"
        )
    return int(copied)


def _text_index(conn: sqlite3.Connection) -> CaughtUpTrigger:
    """The ``sample_texts`` rows inserted in the block listed as waiting for the search
    index (m012's ``sample_fts_pending``: :mod:`.search_index` indexes them later, and
    every search first) by one ``INSERT ... SELECT`` at its end instead of m012's
    trigger once per row, as :class:`~.samples.SampleBatch` does."""
    return CaughtUpTrigger(
        conn,
        _INDEX_TRIGGER,
        "sample_texts",
        "INSERT INTO main.sample_fts_pending (rowid)"
        " SELECT rowid FROM main.sample_texts WHERE rowid > ?",
        requires="sample_fts_pending",
    )
