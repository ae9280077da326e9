"""Metadata attached to samples already imported (``annotator import metadata``).

Contract: :class:`MetadataWrites` (part of :class:`~annotator.store.Store`)
attaches fields to samples. The fields ``model``, ``stage``, ``data_type`` and
``task_type`` (:data:`COLUMNS`) go into the sample's columns, every other
field into its ``metadata`` JSON under the field's name (so ``task_id``
groups attempts into tasks, as an importer's would). Every attached field is
also recorded under ``metadata.attached``; when a later re-import changes a
sample's content, :func:`reapply_attached` puts the attached fields back, so
attached metadata survives re-imports (and wins over an importer's value).
All writes of one call are one transaction (all or nothing).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from .connection import write_transaction

if TYPE_CHECKING:
    from sqlite_utils import Database

COLUMNS = ("model", "stage", "data_type", "task_type")
ATTACHED = "attached"


def _meta(text: str | None) -> dict[str, Any]:
    try:
        data = json.loads(text or "{}")
    except ValueError:
        return {}
    return data if isinstance(data, dict) else {}


def _apply(db: Database, sample_id: str, meta: dict[str, Any], fields: Mapping[str, Any]) -> None:
    columns = {k: None if v is None else str(v) for k, v in fields.items() if k in COLUMNS}
    for key, value in fields.items():
        if key not in COLUMNS:
            meta[key] = value
    attached = dict(meta.get(ATTACHED) or {})
    attached.update(fields)
    meta[ATTACHED] = attached
    sets = "".join(f"{c} = ?, " for c in columns)
    db.conn.execute(
        f"UPDATE samples SET {sets}metadata = ? WHERE id = ?",
        [
            *columns.values(),
            json.dumps(meta, ensure_ascii=False, sort_keys=True, default=str),
            sample_id,
        ],
    )


def reapply_attached(db: Database, sample_id: str, old_metadata: str | None) -> None:
    """After ``sample_id`` was rewritten by a re-import, put back what was attached to it."""
    attached = _meta(old_metadata).get(ATTACHED)
    if not attached:
        return
    row = db.conn.execute("SELECT metadata FROM samples WHERE id = ?", (sample_id,)).fetchone()
    _apply(db, sample_id, _meta(row[0] if row else None), attached)


class MetadataWrites:
    """The metadata part of the store."""

    _db: Database

    def attach_metadata(self, updates: Iterable[tuple[str, Mapping[str, Any]]]) -> int:
        """Attach ``fields`` to each ``sample_id`` in one transaction; returns the
        number of samples whose row changed. Unknown ids raise ``KeyError``
        (the caller matched them first)."""
        changed = 0
        with write_transaction(self._db):
            for sample_id, fields in updates:
                row = self._db.conn.execute(
                    f"SELECT metadata, {', '.join(COLUMNS)} FROM samples WHERE id = ?",
                    (sample_id,),
                ).fetchone()
                if row is None:
                    raise KeyError(sample_id)
                meta = _meta(row[0])
                current = dict(zip(COLUMNS, row[1:], strict=True))
                same = all(
                    (current[k] == (None if v is None else str(v)))
                    if k in COLUMNS
                    else meta.get(k) == v
                    for k, v in fields.items()
                ) and all(meta.get(ATTACHED, {}).get(k) == v for k, v in fields.items())
                if same:
                    continue
                _apply(self._db, sample_id, meta, fields)
                changed += 1
        return changed

    def model_display_names(self) -> dict[str, str]:
        """Model id -> display name, from the ``model_name`` field attached to its samples
        (the first sample's, in import order, when they differ)."""
        rows = self._db.conn.execute(
            "SELECT model, json_extract(metadata, '$.model_name') FROM samples"
            " WHERE model IS NOT NULL AND json_valid(metadata)"
            " AND json_extract(metadata, '$.model_name') IS NOT NULL ORDER BY rowid"
        )
        names: dict[str, str] = {}
        for model, name in rows:
            names.setdefault(str(model), str(name))
        return names
