"""Sample rows: insert-or-update by content hash, and reads.

Contract: functions take an open ``sqlite_utils.Database``; writers expect to
run inside :func:`~annotator.store.connection.write_transaction`. The work
queue is :mod:`annotator.store.queue`.
"""

from __future__ import annotations

import json
from typing import Any, Literal

from sqlite_utils import Database

from ..models import Sample, SampleIn
from .connection import now
from .metadata import reapply_attached

Outcome = Literal["new", "updated", "unchanged"]


def upsert_sample(db: Database, sample: SampleIn, digest: str | None = None) -> Outcome:
    """Insert a sample, update it if its content changed; labels are kept either way."""
    digest = digest or sample.content_hash()
    conn = db.conn
    row = conn.execute(
        "SELECT content_hash, metadata FROM samples WHERE id = ?", (sample.id,)
    ).fetchone()
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
    # Metadata attached by `import metadata` survives the new content.
    reapply_attached(db, sample.id, row[1])
    return "updated"


def insert_new_samples(conn: Any, samples: list[tuple[SampleIn, str]]) -> None:
    """Insert ``(sample, content hash)`` pairs whose ids are not here yet, in two
    ``executemany`` (the merge's batches; :func:`upsert_sample` writes one)."""
    stamp = now()
    conn.executemany(
        "INSERT INTO samples (id, passed, model, stage, data_type, task_type, source,"
        " content_hash, metadata, created_at, updated_at)"
        " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        [
            (
                sample.id,
                _passed(sample.passed),
                sample.model,
                sample.stage,
                sample.data_type,
                sample.task_type,
                sample.source,
                digest,
                json.dumps(sample.metadata, ensure_ascii=False, sort_keys=True, default=str),
                stamp,
                stamp,
            )  # fmt: skip
            for sample, digest in samples
        ],
    )
    conn.executemany(
        "INSERT INTO sample_texts (sample_id, prompt, generated_code, reference_code,"
        " test_output) VALUES (?, ?, ?, ?, ?)",
        [(s.id, s.prompt, s.generated_code, s.reference_code, s.test_output) for s, _ in samples],
    )


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
