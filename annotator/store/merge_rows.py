"""Reading the other database of a merge: untrusted input, validated row by row.

Contract: :func:`open_other` opens ``path`` without ever writing beside it and
yields an :class:`OtherDatabase` whose streams (:meth:`OtherDatabase.samples`,
:meth:`OtherDatabase.label_groups`) validate every row of
``samples``/``sample_texts``, ``labels`` and ``label_history`` with the pydantic
models our own writes use (:class:`~annotator.models.SampleIn`,
:class:`~annotator.models.Label`, :class:`~annotator.models.HistoryEntry`: the
one timestamp type, bounded revisions) plus the taxonomy, the taxonomy version,
the annotator-name rule and JSON columns. The first bad row raises one
:class:`~annotator.errors.UserError` naming the file, table, row and field; the
caller (:mod:`.merge`) reads the streams inside its write transaction, so that
error rolls everything back: nothing is written unless every row passed.

What a hostile file cannot do:

- write anything: a file without a ``-wal`` or ``-journal`` beside it is opened
  ``mode=ro&immutable=1`` (SQLite creates no ``-wal``/``-shm`` and takes no
  lock); one with them is copied, with them, into a temporary folder first
  (immutable would ignore their committed transactions);
- run its own SQL: only tables that ``sqlite_master`` says are ordinary tables
  are read (a view or virtual table named ``labels`` is refused), by quoted
  name and explicit columns; triggers never fire since nothing is written;
- exhaust memory or time: row counts are capped (:data:`MAX_ROWS`,
  :data:`MAX_HISTORY`) before any row is read and history per label while
  reading (:data:`MAX_HISTORY_PER_LABEL`), SQLite refuses any value over
  :data:`MAX_LABEL_VALUE` (label tables) or :data:`MAX_SAMPLE_VALUE` (sample
  tables) before loading it, a sample's texts are capped together
  (:data:`MAX_SAMPLE_TEXT`), keys are read in BINARY order and a repeated
  sample stops the join at once, and rows stream (one sample, or one label
  with its history, in memory at a time);
- win with a date: every timestamp is parsed as an instant
  (:func:`~annotator.models.canonical_timestamp`) and stored in our spelling;
  one later than now plus :data:`CLOCK_SKEW` is refused.
"""

from __future__ import annotations

import errno
import json
import os
import shutil
import sqlite3
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from pydantic import ValidationError

from ..errors import UserError
from ..models import (
    MAX_SAMPLE_TEXT as _SAMPLE_TEXT_CAP,
    HistoryEntry,
    Label,
    SampleIn,
    annotator_key,
    annotator_name_problem,
    instant_text,
    parse_instant,
)
from ..taxonomy import Taxonomy
from .labels import validate_label
from .schema_guard import check_not_newer
from .taxonomy_binding import check_other

CLOCK_SKEW = timedelta(days=1)
"""How far in the future a timestamp may be (another machine's clock)."""

MAX_SAMPLES = 30_000
MAX_LABELS = 90_000
"""The merge's row caps: every file at them merges in under 8 s on a quiet 2-core machine,
the crafted worst cases included (``benchmarks/hostile.py --only merge-caps``); 200,000
samples and 600,000 labels took up to 30 s. Three annotators on each of 30,000 failing
samples: see benchmarks/README.md for why that covers real studies."""
MAX_ROWS = {"samples": MAX_SAMPLES, "sample_texts": MAX_SAMPLES, "labels": MAX_LABELS}
MAX_HISTORY = MAX_LABELS
"""Rows the other database may have per table (``label_history``: :data:`MAX_HISTORY`)."""
MAX_HISTORY_PER_LABEL = 1_000
MAX_HISTORY_BYTES_PER_LABEL = 16 << 20
"""Characters of text one label's history may hold together: its entries are held at
once, and 1,000 entries of 1 MiB each would be a gigabyte."""
"""History entries of one label (sample and annotator): real labels change a few times."""
MAX_LABEL_VALUE = 1 << 20
"""Bytes of any one value in ``labels``/``label_history`` (a note, the raw cells)."""
MAX_SAMPLE_VALUE = 16 << 20
"""Bytes of any one value in ``samples``/``sample_texts`` (a code file, a test output)."""
MAX_SAMPLE_TEXT = _SAMPLE_TEXT_CAP
"""Characters of a sample's four texts together (what an import stores too)."""
MAX_METADATA = 1 << 20
"""Characters of a sample's metadata JSON."""
MAX_COPY_BYTES = 4 << 30
"""The largest file copied aside to read its pending write-ahead log."""

_TABLES: dict[str, set[str]] = {
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
_OPTIONAL = ("_sqlite_migrations", "taxonomy_binding")
"""Tables read when present (schema steps, taxonomy binding)."""
_LABEL_FIELDS = [f for f in HistoryEntry.model_fields if f != "id"]
_SAMPLE_FIELDS = ["id", "passed", "model", "stage", "data_type", "task_type", "source", "metadata"]
_TEXT_FIELDS = ["prompt", "generated_code", "reference_code", "test_output"]
_TIMES = ("created_at", "updated_at", "changed_at")
_SIDECARS = ("-wal", "-journal")

Key = tuple[str, str]
L = TypeVar("L", bound=Label)


def other_uri(path: Path, *, immutable: bool = True) -> str:
    """A read-only SQLite URI for ``path`` (``#``, ``?`` and ``%`` percent-encoded)."""
    return path.resolve().as_uri() + ("?mode=ro&immutable=1" if immutable else "?mode=rw")


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def check_file(path: Path) -> os.stat_result:
    """The stat of ``path`` if it is a readable regular file, else one clear line
    (a symlink loop, a folder or FIFO given as the file, no such file)."""
    try:
        info = path.stat()
    except FileNotFoundError:
        raise UserError("no such database file", file=path) from None
    except OSError as exc:
        why = "a symlink loop" if exc.errno == errno.ELOOP else (exc.strerror or str(exc))
        raise UserError(f"cannot open: {why}", file=path) from None
    if not stat.S_ISREG(info.st_mode):
        raise UserError("not a regular file: refusing to read it as a database", file=path)
    if not os.access(path, os.R_OK):
        raise UserError("cannot read: permission denied", file=path)
    return info


@dataclass
class OtherDatabase:
    """The other database, open read-only, its tables checked; rows stream out validated."""

    conn: sqlite3.Connection
    path: Path
    taxonomy: Taxonomy
    versions: set[str]
    """Taxonomy versions a label may carry (this one, the one it migrated from, ours)."""
    names: dict[str, str]
    """Annotator names seen so far (ours, then theirs), by what they read as."""
    columns: dict[str, list[str]] = field(default_factory=dict)
    sample_exists: Callable[[str], bool] = lambda _sid: True
    """Whether a sample id is known (the merge: here, or merged from there)."""
    latest: str = field(default_factory=lambda: instant_text(datetime.now(UTC) + CLOCK_SKEW))
    """The latest timestamp accepted, in our spelling."""
    accepted: set[str] = field(default_factory=set)
    """Names already checked."""

    filters: int = 0
    """SQL functions :meth:`among` registered so far (each its own name)."""

    def among(self, expr: str, numbers: list[int]) -> str:
        """SQL: ``expr`` is one of ``numbers`` (the rows left by a set-based path), by a
        Python set behind an SQL function of this connection. Not a JSON list of them:
        600,000 rowids are over the 1 MiB that SQLite's length limit allows any value
        here (so that it refuses large cells), and would be refused as one."""
        wanted = frozenset(numbers)
        self.filters += 1
        name = f"annotator_merge_among_{self.filters}"
        self.conn.create_function(name, 1, wanted.__contains__, deterministic=True)
        return f"{name}({expr})"

    # -- samples -------------------------------------------------------------
    def samples(self, only: list[int] | None = None) -> Iterator[SampleIn]:
        """Every sample with its texts, in the other file's order. ``only``: the
        rowids of the samples to read (the others equal ours: :mod:`.merge_plain`);
        None: every sample."""
        self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SAMPLE_VALUE)
        have = set(self.columns["samples"])
        picked = [f"s.{_q(c)}" for c in _SAMPLE_FIELDS if c in have]
        texts = [f"t.{_q(c)}" for c in _TEXT_FIELDS]
        where = "" if only is None else f"WHERE {self.among('s.rowid', only)}"
        sql = (
            f"SELECT s.rowid AS rowid_, {', '.join(picked + texts)}"
            ' FROM main."samples" s LEFT JOIN main."sample_texts" t'
            f' ON t."sample_id" = s."id" COLLATE BINARY {where} ORDER BY s.rowid'
        )
        params = ()
        seen: set[str] = set()
        last = None
        for row in self._stream(sql, "samples", "sample_texts", params=params):
            # Without their keys, a file could pair every sample with every text
            # row: the first repeat stops the join.
            if row["rowid_"] == last:
                raise self._bad("sample_texts", row, "sample_id", "a second text row of one sample")
            last = row["rowid_"]
            sample = self._sample(row)
            if sample.id in seen:
                raise self._bad("samples", row, "id", f"a second sample {sample.id!r}")
            seen.add(sample.id)
            yield sample

    def _sample(self, row: sqlite3.Row) -> SampleIn:
        data = dict(row)
        if isinstance(data.get("id"), str) and "\x00" in data["id"]:
            raise self._bad("samples", row, "id", "NUL character in the sample id")
        if data.get("prompt") is None and data.get("test_output") is None:
            raise self._bad("samples", row, "sample_texts", f"sample {data['id']!r} has no texts")
        size = sum(len(v) for k in _TEXT_FIELDS if isinstance(v := data.get(k), str))
        if size > MAX_SAMPLE_TEXT:
            raise self._bad(
                "sample_texts", row, "sample_id", f"texts over {MAX_SAMPLE_TEXT >> 20} MiB together"
            )
        meta = data.get("metadata")
        if isinstance(meta, str) and len(meta) > MAX_METADATA:
            raise self._bad("samples", row, "metadata", f"longer than {MAX_METADATA} characters")
        meta = self._json(meta, "samples", row, "metadata")
        if not isinstance(meta, dict):
            raise self._bad("samples", row, "metadata", "not a JSON object")
        fields = {k: data.get(k) for k in SampleIn.model_fields if k != "metadata"}
        try:
            return SampleIn.model_validate({**fields, "metadata": meta}, strict=False)
        except ValidationError as exc:
            name, msg = _errors(exc)
            raise self._bad("samples", row, name, msg) from None

    # -- labels ------------------------------------------------------------------
    def label_groups(
        self, only: tuple[list[int], list[int]] | None = None
    ) -> Iterator[tuple[Key, Label | None, list[HistoryEntry]]]:
        """Each (sample, annotator) of ``labels`` or ``label_history``, in key order,
        with its label (None: none there) and its history, oldest first. ``only``:
        the rowids of the ``labels`` and ``label_history`` rows to read (the rest
        was merged by :mod:`.merge_plain`); None: every row."""
        self.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
        # BINARY whatever collation their columns declare: UTF-8 byte order is
        # Python's string order, which the merge join below relies on.
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        labels = self._rows("labels", f"ORDER BY {order}", None if only is None else only[0])
        history = self._rows(
            "label_history", f'ORDER BY {order}, "id"', None if only is None else only[1]
        )
        # Each row's key is computed once, when it is read (the join compares it often).
        label_row = next(labels, None)
        label_key = None if label_row is None else _key(label_row)
        entry_row = next(history, None)
        entry_key = None if entry_row is None else _key(entry_row)
        done: Key | None = None
        while label_key is not None or entry_key is not None:
            # Both streams are sorted by key: a merge join.
            if entry_key is None or (label_key is not None and label_key <= entry_key):
                assert label_key is not None and label_row is not None
                key, first, table = label_key, label_row, "labels"
            else:
                assert entry_row is not None
                key, first, table = entry_key, entry_row, "label_history"
            if done is not None and key <= done:  # keys that are not text sort apart
                raise self._bad(table, first, "sample_id", "not a text key (sample, annotator)")
            done = key
            if not self.sample_exists(key[0]):
                raise self._bad(
                    table, first, "sample_id", f"a label of sample {key[0]!r}, which neither has"
                )
            label = None
            if label_key == key:
                assert label_row is not None
                label = self._label(Label, label_row, "labels")
                label_row = next(labels, None)
                label_key = None if label_row is None else _key(label_row)
                if label_key == key:
                    assert label_row is not None
                    raise self._bad("labels", label_row, "annotator", "a second label of one key")
            entries: list[HistoryEntry] = []
            held = 0
            while entry_key == key:
                assert entry_row is not None
                if len(entries) == MAX_HISTORY_PER_LABEL:
                    raise self._bad(
                        "label_history",
                        entry_row,
                        "id",
                        f"more than {MAX_HISTORY_PER_LABEL} history entries for one label",
                    )
                held += sum(len(v) for v in entry_row if isinstance(v, str | bytes))
                if held > MAX_HISTORY_BYTES_PER_LABEL:
                    raise self._bad(
                        "label_history",
                        entry_row,
                        "id",
                        f"one label's history over {MAX_HISTORY_BYTES_PER_LABEL >> 20} MiB of text",
                    )
                entries.append(self._label(HistoryEntry, entry_row, "label_history"))
                entry_row = next(history, None)
                entry_key = None if entry_row is None else _key(entry_row)
            yield key, label, entries

    def _rows(self, table: str, order: str, rowids: list[int] | None) -> Iterator[sqlite3.Row]:
        have = set(self.columns[table])
        wanted = [c for c in (["id"] if table == "label_history" else []) + _LABEL_FIELDS]
        picked = [_q(c) for c in wanted if c in have]
        where = ""
        params: tuple[str, ...] = ()
        if rowids is not None:
            if not rowids:
                return iter(())
            where = f"WHERE {self.among('rowid', rowids)}"
        sql = f"SELECT rowid AS rowid_, {', '.join(picked)} FROM main.{_q(table)} {where} {order}"
        return self._stream(sql, table, params=params)

    def _label(self, model: type[L], row: sqlite3.Row, table: str) -> L:
        data = dict(row)
        data.pop("rowid_")
        name = data.get("annotator")
        if not isinstance(name, str):
            raise self._bad(table, row, "annotator", "not a name")
        if name not in self.accepted:
            self._name(name, table, row)
        raw = self._json(data.get("raw"), table, row, "raw")
        if raw is not None and not isinstance(raw, dict):
            raise self._bad(table, row, "raw", "not a JSON object")
        data["raw"] = raw
        for key in ("subcategory_inferred", "subcategory2_inferred", "suggestions_shown"):
            if data.get(key) in (0, 1):
                data[key] = bool(data[key])
        version = data.get("taxonomy_version")
        if isinstance(version, str) and version not in self.versions:
            known = ", ".join(sorted(self.versions))
            raise self._bad(
                table, row, "taxonomy_version", f"unknown taxonomy version {version!r} ({known})"
            )
        try:
            label = model.model_validate(data)  # timestamps now in our spelling
            validate_label(label, self.taxonomy)
        except ValidationError as exc:
            where, msg = _errors(exc)
            raise self._bad(table, row, where, msg) from None
        except UserError as exc:
            raise self._bad(table, row, exc.field or "category", exc.reason) from None
        values = label.__dict__  # the validated fields (no pydantic lookup per name)
        for key in _TIMES:
            value = values.get(key)
            if isinstance(value, str) and value > self.latest:  # our spelling: text order
                raise self._bad(table, row, key, f"dated in the future ({value}): refused")
        return label

    def _name(self, name: str, table: str, row: sqlite3.Row) -> None:
        """The name rule of our own writes, and no two names that read alike."""
        key = annotator_key(name)
        if self.names.get(key) == name:
            self.accepted.add(name)
            return
        problem = annotator_name_problem(name)
        if problem is not None:
            raise self._bad(table, row, "annotator", f"{problem}: {name!r}")
        seen = self.names.get(key)
        if seen is not None:
            raise self._bad(
                table,
                row,
                "annotator",
                f"annotator {name!r} reads as {seen!r}: names must differ by more than"
                " case, width or invisible characters",
            )
        self.names[key] = name
        self.accepted.add(name)

    # -- shared checks ---------------------------------------------------------
    def _stream(
        self, sql: str, *tables: str, params: tuple[str, ...] = ()
    ) -> Iterator[sqlite3.Row]:
        """The rows of ``sql``; a value over the size limit is named, never loaded."""
        try:
            cursor = self.conn.execute(sql, params)
            for batch in iter(lambda: cursor.fetchmany(256), []):
                yield from batch
        except sqlite3.DataError:
            raise self._oversized(tables) from None

    def _oversized(self, tables: tuple[str, ...]) -> UserError:
        """Name the first value over the size limit in ``tables`` (read value by value)."""
        cap = self.conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
        for table in tables:
            for column in self.columns[table]:
                sql = f"SELECT rowid, {_q(column)} FROM main.{_q(table)} ORDER BY rowid"
                last = 0
                try:
                    for rowid, _value in self.conn.execute(sql):
                        last = rowid
                except sqlite3.DataError:
                    found = self.conn.execute(
                        f"SELECT rowid FROM main.{_q(table)} WHERE rowid > ? ORDER BY rowid"
                        " LIMIT 1",
                        (last,),
                    ).fetchone()
                    where = f"{table} row {found[0] if found else '?'}"
                    return UserError(
                        f"{where}: larger than {cap >> 20} MiB: refused",
                        file=self.path,
                        field=column,
                    )
        return UserError(f"a value larger than {cap >> 20} MiB: refused", file=self.path)

    def _json(self, value: Any, table: str, row: sqlite3.Row, name: str) -> Any:
        if value is None:
            return None
        if not isinstance(value, str):
            raise self._bad(table, row, name, "not JSON text")
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            raise self._bad(table, row, name, "not valid JSON") from None

    def _bad(self, table: str, row: sqlite3.Row, name: str, why: str) -> UserError:
        return UserError(f"{table} row {row['rowid_']}: {why}", file=self.path, field=name)


def _key(row: sqlite3.Row) -> Key:
    # Rows whose key is not text sort apart in SQLite; validation refuses them.
    return (str(row["sample_id"]), str(row["annotator"]))


def _errors(exc: ValidationError) -> tuple[str, str]:
    first = exc.errors()[0]
    return ".".join(str(p) for p in first["loc"]) or "?", str(first["msg"])


@contextmanager
def readable_source(path: Path) -> Iterator[tuple[Path, bool]]:
    """``(path, True)``, or ``(a copy, False)`` when a ``-wal``/``-journal`` lies
    beside it (see :func:`_readable_copy`); the copy is removed afterwards."""
    info = check_file(path)
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as tmp:
        yield _readable_copy(path, info, Path(tmp))


@contextmanager
def open_other(
    path: Path,
    taxonomy: Taxonomy,
    versions: set[str],
    names: dict[str, str],
    source: tuple[Path, bool] | None = None,
) -> Iterator[OtherDatabase]:
    """``path`` open read-only and its structure checked (see the module docstring).
    ``source``: what :func:`readable_source` gave for ``path``, when the caller has it."""
    with ExitStack() as stack:
        if source is None:
            source = stack.enter_context(readable_source(path))
        else:
            check_file(path)
        with _opened(path, source, taxonomy, versions, names) as other:
            yield other


@contextmanager
def _opened(
    path: Path,
    readable: tuple[Path, bool],
    taxonomy: Taxonomy,
    versions: set[str],
    names: dict[str, str],
) -> Iterator[OtherDatabase]:
    source, immutable = readable
    try:
        conn = sqlite3.connect(other_uri(source, immutable=immutable), uri=True)
    except sqlite3.Error as exc:
        raise UserError(f"cannot open: {exc}", file=path) from None
    conn.row_factory = sqlite3.Row
    try:
        conn.execute("PRAGMA query_only = ON")
        conn.execute("PRAGMA trusted_schema = OFF")
        other = OtherDatabase(conn, path, taxonomy, versions, names)
        other.columns = _check_structure(conn, path)
        check_not_newer(conn, path)
        check_other(conn, taxonomy, str(path))
        yield other
    except sqlite3.DatabaseError as exc:
        raise UserError(f"not an annotator database: {exc}", file=path) from None
    finally:
        conn.close()


def _readable_copy(path: Path, info: os.stat_result, tmp: Path) -> tuple[Path, bool]:
    """``(path, True)``, or a copy in ``tmp`` when a ``-wal``/``-journal`` lies beside it
    (committed transactions that immutable mode would not see)."""
    sidecars = [s for s in _SIDECARS if _nonempty(Path(f"{path}{s}"))]
    if not sidecars:
        return path, True
    if info.st_size > MAX_COPY_BYTES:
        raise UserError(
            f"has a {sidecars[0]} file and is over {MAX_COPY_BYTES >> 30} GiB: open it once"
            " with annotator status (which folds the log in), then merge",
            file=path,
        )
    copy = tmp / "other.db"
    try:
        shutil.copyfile(path, copy)
        for suffix in sidecars:
            check_file(Path(f"{path}{suffix}"))
            shutil.copyfile(f"{path}{suffix}", f"{copy}{suffix}")
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    return copy, False


def _nonempty(side: Path) -> bool:
    try:
        return side.lstat().st_size > 0
    except OSError:
        return False


def _check_structure(conn: sqlite3.Connection, path: Path) -> dict[str, list[str]]:
    """The columns of every table the merge reads; refused unless each is an ordinary
    table (a view or virtual table would run the other file's SQL) under its row cap."""
    kinds = {
        str(name).lower(): (str(kind), str(sql or ""))
        for kind, name, sql in conn.execute(
            "SELECT type, name, sql FROM main.sqlite_master WHERE type IN ('table', 'view')"
        )
    }
    columns: dict[str, list[str]] = {}
    for table in (*_TABLES, *_OPTIONAL):
        kind, sql = kinds.get(table, ("", ""))
        if not kind:
            if table in _OPTIONAL:
                continue
            raise UserError(f"not an annotator database (no table {table})", file=path)
        if kind != "table" or sql.upper().startswith("CREATE VIRTUAL"):
            raise UserError(
                f"not an annotator database: {table} is a {kind if kind != 'table' else 'virtual table'},"
                " not a table (its SQL is never run)",
                file=path,
            )
        have = [str(r[1]) for r in conn.execute(f"PRAGMA main.table_info({_q(table)})")]
        missing = _TABLES.get(table, set()) - set(have)
        if missing:
            raise UserError(
                f"not an annotator database: {table} lacks {', '.join(sorted(missing))}",
                file=path,
            )
        columns[table] = have
    for table, cap in (*MAX_ROWS.items(), ("label_history", MAX_HISTORY)):
        count = conn.execute(f"SELECT COUNT(*) FROM main.{_q(table)}").fetchone()[0]
        if count > cap:
            raise UserError(
                f"{table} has {count} rows, more than the {cap} a merge reads: refused", file=path
            )
    return columns


def instant(text: object) -> datetime:
    """A timestamp of this database as an instant (an unreadable one as the earliest,
    so that it never wins)."""
    try:
        return parse_instant(text) if isinstance(text, str) else datetime.min.replace(tzinfo=UTC)
    except ValueError:
        return datetime.min.replace(tzinfo=UTC)
