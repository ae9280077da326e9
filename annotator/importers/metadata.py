"""Metadata onto samples already imported: ``annotator import metadata FILE.csv|FILE.jsonl``.

Contract: :func:`attach_file(store, path, key=None, pattern=None)` reads a CSV
(header row) or JSONL file (one object per line; by suffix ``.jsonl``/``.json``,
else CSV) and attaches each row's fields to the samples it matches, through
:meth:`~annotator.store.Store.attach_metadata` (see
:mod:`annotator.store.metadata` for where each field goes: ``model``,
``stage``, ``data_type``, ``task_type`` into the sample's columns, any other
field into its metadata, e.g. ``task_id`` or ``model_name``).

Matching:

- without ``key``: the file's ``sample`` (or ``id``, ``sample_id``) column holds
  sample ids, matched exactly; with ``key`` alone, that column holds them;
- with ``key`` (a column of the file) and ``pattern`` (a regular expression):
  a sample matches a row when the pattern, searched in the sample id, captures
  the row's ``key`` value (its group ``key``, else its first group, else the
  whole match). E.g. ``--key task --pattern '(\\d+)$'`` matches DL-Bench's
  ``processed_korniamotion_from_essential241`` to the row with task ``241``.
  One row may match several samples (a task's attempts, several models).

A row matching no sample is *unmatched* (reported by line, not an error: a
benchmark's metadata covers more tasks than were labeled). A sample matched by
two rows is *ambiguous*: the import fails naming the lines and nothing
changes. A malformed file (no key column, a bad JSON line, a bad pattern, an
empty key) fails naming file, line and field, and nothing changes. The
summary (:class:`MetadataSummary`) gives matched rows, samples changed,
unmatched and ambiguous rows by line. Empty cells attach nothing; a CSV cell
that a writer guarded with ``'`` against formulas is read back unguarded.
"""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..sheet.cells import unguard
from ..store import Store
from .inputs import read_text, regular_file

ID_COLUMNS = ("sample", "id", "sample_id")
MAX_LISTED = 20
csv.field_size_limit(64 * 1024 * 1024)


@dataclass
class MetadataSummary:
    """What ``import metadata`` did."""

    rows: int = 0
    matched_rows: int = 0
    samples_matched: int = 0
    samples_changed: int = 0
    unmatched: list[int] = field(default_factory=list)
    """Lines of the rows that matched no sample."""
    ambiguous: dict[str, list[int]] = field(default_factory=dict)
    """Sample id -> the lines of the rows that matched it (when more than one)."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "rows": self.rows,
            "matched_rows": self.matched_rows,
            "samples_matched": self.samples_matched,
            "samples_changed": self.samples_changed,
            "unmatched_lines": self.unmatched,
            "ambiguous": self.ambiguous,
        }


def _rows(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line, fields) per record; empty values left out."""
    text = read_text(regular_file(path))
    if path.suffix.lower() in (".jsonl", ".json"):
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise UserError(f"not JSON: {exc.msg}", file=path, line=number) from None
            if not isinstance(record, dict):
                raise UserError("expected a JSON object", file=path, line=number)
            yield number, {str(k): v for k, v in record.items() if v not in (None, "")}
        return
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise UserError("empty file: expected a header row", file=path) from None
    except csv.Error as exc:
        raise UserError(f"not CSV: {exc}", file=path, line=1) from None
    names = [h.strip() for h in header]
    for i, name in enumerate(names):
        if not name:
            raise UserError(f"column {i + 1} has no name", file=path, line=1)
        if names.index(name) != i:
            raise UserError("column named twice", file=path, line=1, field=name)
    try:
        for cells in reader:
            number = reader.line_num
            if not any(c.strip() for c in cells):
                continue
            if len(cells) > len(names):
                raise UserError(
                    f"{len(cells)} cells, the header has {len(names)}", file=path, line=number
                )
            yield (
                number,
                {n: unguard(c.strip()) for n, c in zip(names, cells, strict=False) if c.strip()},
            )
    except csv.Error as exc:
        raise UserError(f"not CSV: {exc}", file=path, line=reader.line_num) from None


def _matcher(pattern: str) -> re.Pattern[str]:
    try:
        compiled = re.compile(pattern)
    except re.error as exc:
        raise UserError(f"not a regular expression: {exc}", field="pattern") from None
    return compiled


def _extract(compiled: re.Pattern[str], sample_id: str) -> str | None:
    found = compiled.search(sample_id)
    if found is None:
        return None
    if "key" in compiled.groupindex:
        return found["key"]
    return found.group(1) if compiled.groups else found.group(0)


def attach_file(
    store: Store, path: Path, key: str | None = None, pattern: str | None = None
) -> MetadataSummary:
    """Match the file's rows to samples and attach their fields (see the module docstring)."""
    if pattern is not None and key is None:
        raise UserError(
            "--pattern needs --key: the file's column the pattern is matched to", field="key"
        )
    compiled = _matcher(pattern) if pattern is not None else None
    ids = store.sample_ids()
    by_key: dict[str, list[str]] = {}
    if compiled is not None:
        for sid in ids:
            value = _extract(compiled, sid)
            if value is not None:
                by_key.setdefault(value, []).append(sid)
    else:
        by_key = {sid: [sid] for sid in ids}
    summary = MetadataSummary()
    lines_of: dict[str, list[int]] = {}
    fields_of: dict[str, dict[str, Any]] = {}
    id_column: str | None = key
    for number, record in _rows(path):
        summary.rows += 1
        if id_column is None:
            id_column = next((c for c in ID_COLUMNS if c in record), None)
            if id_column is None:
                raise UserError(
                    "no sample id: expected a column "
                    + ", ".join(ID_COLUMNS)
                    + " (or --key COLUMN --pattern REGEX)",
                    file=path,
                    line=number,
                )
        value = record.get(id_column)
        if value is None:
            raise UserError(
                "empty: every row needs the key", file=path, line=number, field=id_column
            )
        if isinstance(value, (dict, list)):
            raise UserError("expected text or a number", file=path, line=number, field=id_column)
        fields = dict(record)
        if compiled is None:
            fields.pop(id_column)
        for name, item in fields.items():
            if name in ("model", "stage", "data_type", "task_type") and isinstance(
                item, (dict, list)
            ):
                raise UserError("expected text", file=path, line=number, field=name)
        if "attached" in fields:
            raise UserError("a reserved name", file=path, line=number, field="attached")
        matches = by_key.get(str(value), [])
        if not matches:
            summary.unmatched.append(number)
            continue
        summary.matched_rows += 1
        for sid in matches:
            lines_of.setdefault(sid, []).append(number)
            fields_of[sid] = fields
    summary.ambiguous = {sid: lines for sid, lines in lines_of.items() if len(lines) > 1}
    if summary.ambiguous:
        sid, lines = next(iter(summary.ambiguous.items()))
        more = len(summary.ambiguous) - 1
        raise UserError(
            f"ambiguous: sample '{sid}' matches the rows on lines "
            + ", ".join(map(str, lines))
            + (f" (and {more} more samples match several rows)" if more else "")
            + "; nothing was attached",
            file=path,
            line=lines[1],
        )
    summary.samples_matched = len(fields_of)
    summary.samples_changed = store.attach_metadata(fields_of.items())
    return summary
