"""Reading the other database of a merge: untrusted input, validated whole.

Contract: :func:`read_other` opens ``path`` read-only through a properly
escaped ``file:`` URI (``alice#1.db`` is that file, never ``alice``), refuses
a file that is not an annotator database or whose schema is newer than this
version, and validates every row of ``samples``/``sample_texts``, ``labels``
and ``label_history`` with the pydantic models the rest of the store uses
(:class:`~annotator.models.Sample`, :class:`~annotator.models.Label`,
:class:`~annotator.models.HistoryEntry`) plus the taxonomy, JSON columns and
timestamps. Nothing is written before every row passed; the first bad row is
one :class:`~annotator.errors.UserError` naming the file, table, row and field.
A timestamp later than now plus :data:`CLOCK_SKEW` is refused: a label dated
year 9999 would otherwise win every later merge.
"""

from __future__ import annotations

import json
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import UserError
from ..models import HistoryEntry, Label, LabelValue, SampleIn
from ..taxonomy import Taxonomy
from .labels import validate_label
from .schema_guard import check_not_newer

CLOCK_SKEW = timedelta(days=1)
"""How far in the future a timestamp may be (another machine's clock)."""

_TABLES = {
    "samples": {
        "id",
        "passed",
        "model",
        "stage",
        "data_type",
        "task_type",
        "source",
        "metadata",
        "content_hash",
    },
    "sample_texts": {"sample_id", "prompt", "generated_code", "reference_code", "test_output"},
    "labels": {"sample_id", "annotator", "kind", "taxonomy_version", "source", "updated_at"},
    "label_history": {"sample_id", "annotator", "op", "changed_at", "kind", "revision"},
}
_TIMES = ("created_at", "updated_at", "changed_at")


@dataclass
class OtherData:
    """Everything a merge takes from the other database, validated."""

    samples: list[SampleIn]
    labels: list[Label]
    history: list[HistoryEntry]


def other_uri(path: Path) -> str:
    """A read-only SQLite URI for ``path`` (``#``, ``?`` and ``%`` percent-encoded)."""
    return path.resolve().as_uri() + "?mode=ro"


def read_other(path: Path, taxonomy: Taxonomy) -> OtherData:
    if not path.is_file():
        raise UserError("no such database file", file=path)
    try:
        conn = sqlite3.connect(other_uri(path), uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open: {exc}", file=path) from None
    conn.row_factory = sqlite3.Row
    try:
        return _read(conn, path, taxonomy)
    except sqlite3.DatabaseError as exc:
        raise UserError(f"not an annotator database: {exc}", file=path) from None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, path: Path, taxonomy: Taxonomy) -> OtherData:
    for table, needed in _TABLES.items():
        have = {r[1] for r in conn.execute(f"PRAGMA table_info({table})")}
        if not have:
            raise UserError(f"not an annotator database (no table {table})", file=path)
        missing = needed - have
        if missing:
            raise UserError(
                f"not an annotator database: {table} lacks {', '.join(sorted(missing))}",
                file=path,
            )
    check_not_newer(conn, path)
    limit = datetime.now(UTC) + CLOCK_SKEW
    samples = [
        _sample(row, path, limit)
        for row in conn.execute(
            "SELECT s.rowid AS rowid_, s.*, t.prompt, t.generated_code, t.reference_code,"
            " t.test_output FROM samples s LEFT JOIN sample_texts t ON t.sample_id = s.id"
            " ORDER BY s.rowid"
        )
    ]
    labels = [
        _label(Label, row, "labels", path, limit, taxonomy)
        for row in conn.execute("SELECT rowid AS rowid_, * FROM labels ORDER BY rowid")
    ]
    history = [
        _label(HistoryEntry, row, "label_history", path, limit, taxonomy)
        for row in conn.execute("SELECT rowid AS rowid_, * FROM label_history ORDER BY id")
    ]
    return OtherData(samples, labels, history)  # type: ignore[arg-type]


def _bad(path: Path, table: str, row: sqlite3.Row, field: str, why: str) -> UserError:
    return UserError(f"{table} row {row['rowid_']}: {why}", file=path, field=field)


def _check_times(
    data: dict[str, Any], path: Path, table: str, row: sqlite3.Row, limit: datetime
) -> None:
    for key in _TIMES:
        if key not in data:
            continue
        value = data[key]
        if not isinstance(value, str):
            raise _bad(path, table, row, key, "missing timestamp")
        try:
            when = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise _bad(path, table, row, key, f"not a timestamp: {value[:40]!r}") from None
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        if when > limit:
            raise _bad(path, table, row, key, f"dated in the future ({value[:40]}): refused")


def _json(value: Any, path: Path, table: str, row: sqlite3.Row, field: str) -> Any:
    if value is None:
        return None
    if not isinstance(value, str):
        raise _bad(path, table, row, field, "not JSON text")
    try:
        return json.loads(value)
    except (ValueError, RecursionError):
        raise _bad(path, table, row, field, "not valid JSON") from None


def _errors(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]) or "?", str(first["msg"])


def _sample(row: sqlite3.Row, path: Path, limit: datetime) -> SampleIn:
    data = dict(row)
    _check_times(data, path, "samples", row, limit)
    if isinstance(data.get("id"), str) and "\x00" in data["id"]:
        raise _bad(path, "samples", row, "id", "NUL character in the sample id")
    if data.get("prompt") is None and data.get("test_output") is None:
        raise _bad(path, "samples", row, "sample_texts", f"sample {data['id']!r} has no texts")
    meta = _json(data.get("metadata"), path, "samples", row, "metadata")
    if not isinstance(meta, dict):
        raise _bad(path, "samples", row, "metadata", "not a JSON object")
    fields = {k: data.get(k) for k in SampleIn.model_fields if k != "metadata"}
    fields["passed"] = None if data.get("passed") is None else data["passed"]
    try:
        return SampleIn.model_validate({**fields, "metadata": meta}, strict=False)
    except ValidationError as exc:
        field, msg = _errors(exc)
        raise _bad(path, "samples", row, field, msg) from None


def _label(
    model: type[Label],
    row: sqlite3.Row,
    table: str,
    path: Path,
    limit: datetime,
    taxonomy: Taxonomy,
) -> Label:
    data = dict(row)
    data.pop("rowid_")
    _check_times(data, path, table, row, limit)
    raw = _json(data.get("raw"), path, table, row, "raw")
    if raw is not None and not isinstance(raw, dict):
        raise _bad(path, table, row, "raw", "not a JSON object")
    data["raw"] = raw
    for key in ("subcategory_inferred", "subcategory2_inferred", "suggestions_shown"):
        if data.get(key) in (0, 1):
            data[key] = bool(data[key])
    if not isinstance(data.get("annotator"), str) or not data["annotator"]:
        raise _bad(path, table, row, "annotator", "empty annotator name")
    try:
        label = model.model_validate(data)
        if not isinstance(label.revision, int) or label.revision < 1:
            raise _bad(path, table, row, "revision", "revision below 1")
        validate_label(
            LabelValue.model_validate(label.model_dump(include=set(LabelValue.model_fields))),
            taxonomy,
        )
    except ValidationError as exc:
        field, msg = _errors(exc)
        raise _bad(path, table, row, field, msg) from None
    except UserError as exc:
        raise _bad(path, table, row, "category", str(exc)) from None
    return label
