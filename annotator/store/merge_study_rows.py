"""Reading the study tables of the other database of a merge: checked, row by row.

Contract: :class:`StudyReader` is the validating half of :mod:`.merge_study`: it checks
that each study table of the other file is an ordinary table with the columns of
migrations m008-m011 under its row cap (:data:`MAX_STUDY_ROWS`) before any row is read,
streams rows (``rowid_``: the rowid, or the row's number in key order for a table
without rowid) with SQLite refusing any value over 1 MiB, and checks each field (type,
size, a sample we have, the annotator-name rule, timestamps parsed as instants and not
in the future, categories of this taxonomy). The first bad value raises one
:class:`~annotator.errors.UserError` naming the file, table, row and field.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator

from ..errors import UserError
from ..models import HistoryEntry, canonical_timestamp
from .gold import GoldItem, check_reference
from .labels import ensure_annotator
from .merge_rows import MAX_LABEL_VALUE, MAX_LABELS, MAX_SAMPLES, Key, OtherDatabase

MAX_STUDY_ROWS = {
    "gold": MAX_SAMPLES,
    "training_answers": MAX_LABELS,
    "retest_plan": 1,
    "retest_answers": MAX_LABELS,
    "retest_history": MAX_LABELS,
    "rounds": 10_000,
    "round_samples": MAX_SAMPLES,
    "round_assignments": MAX_LABELS,
    "discussions": MAX_LABELS,
    "negotiation_reasons": MAX_LABELS,
}
"""Rows the other database may have per study table (the label caps of a merge)."""
MAX_NAME = 10_000
"""Characters of a round's name and overlap, a gold item's purpose, a reference's kind and
subcategory (a round's query, a gold source and a reason may hold up to 1 MiB, SQLite's limit
for the read)."""

_REQUIRED = {
    "gold": {"sample_id", "purpose", "kind", "category", "subcategory", "source",
             "taxonomy_version", "created_at", "updated_at"},
    "training_answers": {"sample_id", "annotator", "kind", "category", "subcategory",
                         "reference_kind", "reference_category", "reference_subcategory",
                         "taxonomy_version", "answered_at"},
    "retest_plan": {"id", "share", "after", "days", "seed", "set_at"},
    "retest_answers": {"sample_id", "annotator", "first_history_id", "kind",
                       "taxonomy_version", "source", "updated_at"},
    "retest_history": {"id", "sample_id", "annotator", "op", "changed_at", "kind", "revision"},
    "rounds": {"id", "name", "seed", "query", "overlap", "created_at"},
    "round_samples": {"sample_id", "round_id", "position"},
    "round_assignments": {"sample_id", "annotator", "round_id"},
    "discussions": {"sample_id", "annotator", "round_id", "shown_at"},
    "negotiation_reasons": {"history_id", "sample_id", "annotator", "reason", "created_at"},
}  # fmt: skip
STUDY_TABLES = tuple(_REQUIRED)


def _q(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


class StudyReader:
    """One other file's study tables: their structure and checked fields."""

    def __init__(self, conn: sqlite3.Connection, other: OtherDatabase) -> None:
        self.conn = conn
        self.other = other
        self.counts: dict[str, dict[str, int]] = {}
        self.conflicts: list[str] = []
        self.ensured: set[str] = set()
        self.round_map: dict[int, int | None] = {}
        """Their round id -> ours (None: a conflicting round, not copied)."""
        self.their_rounds: set[int] = set()
        self.sample_ids: set[str] | None = None
        self.alias: str | None = None
        """The name the other file is attached under on ``conn`` (None: row by row only)."""
        """Our sample ids (theirs merged), read once: a point query per row was a third
        of the study merge's SQLite calls."""

    # -- structure -------------------------------------------------------------
    def tables(self) -> set[str]:
        """The study tables the other file has, each checked (ordinary table, columns,
        row cap) before any row is read."""
        kinds = {
            str(name).lower(): (str(kind), str(sql or ""))
            for kind, name, sql in self.other.conn.execute(
                "SELECT type, name, sql FROM main.sqlite_master WHERE type IN ('table', 'view')"
            )
        }
        path = self.other.path
        present = set()
        for table, required in _REQUIRED.items():
            kind, sql = kinds.get(table, ("", ""))
            if not kind:
                continue
            if kind != "table" or sql.upper().startswith("CREATE VIRTUAL"):
                raise UserError(
                    f"not an annotator database: {table} is not an ordinary table"
                    " (its SQL is never run)",
                    file=path,
                )
            have = [
                str(r[1]) for r in self.other.conn.execute(f"PRAGMA main.table_info({_q(table)})")
            ]
            missing = required - set(have)
            if missing:
                raise UserError(
                    f"not an annotator database: {table} lacks {', '.join(sorted(missing))}",
                    file=path,
                )
            cap = MAX_STUDY_ROWS[table]
            count = self.other.conn.execute(f"SELECT COUNT(*) FROM main.{_q(table)}").fetchone()[0]
            if count > cap:
                raise UserError(
                    f"{table} has {count} rows, more than the {cap} a merge reads: refused",
                    file=path,
                )
            self.other.columns[table] = have
            present.add(table)
            self.counts[table] = {"added": 0, "updated": 0, "same": 0, "conflicts": 0}
        return present

    def _rows(
        self, table: str, columns: list[str], order: str, only: list[int] | None = None
    ) -> Iterator[sqlite3.Row]:
        """``table``'s ``columns`` in ``order``, each with ``rowid_``: the rowid, or for
        a table without one (``WITHOUT ROWID``) its number in ``order``, which the
        error line names. ``only``: the ``rowid_`` of the rows to read (the others were
        merged by :mod:`.merge_study_plain`); None: every row."""
        have = set(self.other.columns[table])
        picked = ", ".join(_q(c) for c in columns if c in have)
        number = "rowid" if self._has_rowid(table) else f"ROW_NUMBER() OVER (ORDER BY {order})"
        # Ties (a key twice) in the order of their rowid_, filtered or not.
        sql = f"SELECT {number} AS rowid_, {picked} FROM main.{_q(table)}"
        params: tuple[str, ...] = ()
        if only is not None:
            if not only:
                return
            # Numbered as a whole, then filtered: the same rowid_ as when read unfiltered.
            sql = f"SELECT * FROM ({sql}) WHERE {self.other.among('rowid_', only)}"
        sql += f" ORDER BY {order}, rowid_"
        try:
            cursor = self.other.conn.execute(sql, params)
            for batch in iter(lambda: cursor.fetchmany(256), []):
                yield from batch
        except sqlite3.DataError:
            raise self._oversized(table) from None

    def _has_rowid(self, table: str) -> bool:
        try:
            self.other.conn.execute(f"SELECT rowid FROM main.{_q(table)} LIMIT 0")
        except sqlite3.OperationalError:
            return False
        return True

    def _oversized(self, table: str) -> UserError:
        """Name the value over the size limit in ``table`` (its column; its row when the
        table has rowids)."""
        if self._has_rowid(table):
            return self.other._oversized((table,))
        for column in self.other.columns[table]:
            try:
                for _ in self.other.conn.execute(f"SELECT {_q(column)} FROM main.{_q(table)}"):
                    pass
            except sqlite3.DataError:
                return UserError(
                    f"{table}: a value larger than {MAX_LABEL_VALUE >> 20} MiB: refused",
                    file=self.other.path,
                    field=column,
                )
        return UserError(f"{table}: a value too large: refused", file=self.other.path)

    def _count(self, table: str, what: str, conflict: str | None = None) -> None:
        self.counts[table][what] += 1
        if conflict is not None:
            self.conflicts.append(f"{table} {conflict}")

    # -- field checks ------------------------------------------------------------
    def _bad(self, table: str, row: sqlite3.Row, name: str, why: str) -> UserError:
        return self.other._bad(table, row, name, why)

    def _text(
        self, table: str, row: sqlite3.Row, name: str, *, null: bool = False, cap: int = MAX_NAME
    ) -> str | None:
        value = row[name]
        if value is None and null:
            return None
        if not isinstance(value, str):
            raise self._bad(table, row, name, "not text")
        if len(value) > cap:
            raise self._bad(table, row, name, f"longer than {cap} characters")
        if "\x00" in value:
            raise self._bad(table, row, name, "NUL character")
        return value

    def _int(
        self, table: str, row: sqlite3.Row, name: str, *, null: bool = False, low: int | None = None
    ) -> int | None:
        value = row[name]
        if value is None and null:
            return None
        if type(value) is not int:
            raise self._bad(table, row, name, "not an integer")
        if low is not None and value < low:
            raise self._bad(table, row, name, f"below {low}")
        return value

    def _real(self, table: str, row: sqlite3.Row, name: str, *, null: bool = False) -> float | None:
        value = row[name]
        if value is None and null:
            return None
        if type(value) not in (int, float) or not math.isfinite(value):
            raise self._bad(table, row, name, "not a number")
        return float(value)

    def _time(self, table: str, row: sqlite3.Row, name: str) -> str:
        value = row[name]
        try:
            if not isinstance(value, str):
                raise ValueError
            stamp = canonical_timestamp(value)
        except ValueError:
            raise self._bad(table, row, name, "not an ISO 8601 timestamp") from None
        if stamp > self.other.latest:  # our spelling: text order is time order
            raise self._bad(table, row, name, f"dated in the future ({stamp}): refused")
        return stamp

    def _sample(self, table: str, row: sqlite3.Row) -> str:
        sid = self._text(table, row, "sample_id", cap=MAX_LABEL_VALUE)
        assert sid is not None
        if self.sample_ids is None:
            self.sample_ids = {str(r[0]) for r in self.conn.execute("SELECT id FROM samples")}
        if sid not in self.sample_ids:
            raise self._bad(table, row, "sample_id", f"sample {sid!r}, which neither has")
        return sid

    def _annotator(self, table: str, row: sqlite3.Row) -> str:
        name = row["annotator"]
        if not isinstance(name, str):
            raise self._bad(table, row, "annotator", "not a name")
        if name not in self.other.accepted:
            self.other._name(name, table, row)
        if name not in self.ensured:
            try:
                ensure_annotator(self.conn, name)
            except UserError as exc:
                raise self._bad(table, row, "annotator", exc.reason) from None
            self.ensured.add(name)
        return name

    def _reference(
        self, table: str, row: sqlite3.Row, prefix: str, purpose: str = "training"
    ) -> tuple[str, int | None, str | None]:
        """A (kind, category, subcategory) of this taxonomy (columns ``prefix``kind...)."""
        kind = self._text(table, row, f"{prefix}kind")
        category = self._int(table, row, f"{prefix}category", null=True)
        sub = self._text(table, row, f"{prefix}subcategory", null=True)
        assert kind is not None
        try:
            check_reference(GoldItem("", kind, category, sub, purpose, ""), self.other.taxonomy)
        except UserError as exc:
            raise self._bad(table, row, prefix + (exc.field or "category"), exc.reason) from None
        if (kind == "bug") != (category is not None):  # gold's CHECK, before it fails an insert
            raise self._bad(table, row, f"{prefix}category", "a bug has a category, a pass none")
        return kind, category, sub

    def _version(self, table: str, row: sqlite3.Row) -> str:
        version = self._text(table, row, "taxonomy_version")
        assert version is not None
        if version not in self.other.versions:
            raise self._bad(table, row, "taxonomy_version", f"unknown taxonomy version {version!r}")
        return version

    def _history_id(self, table: str, row: sqlite3.Row, name: str, key: Key) -> int:
        """Our ``label_history`` id of the entry their id ``row[name]`` names (same
        sample and annotator as ``key``): the entry with the same content."""
        theirs = self._int(table, row, name)
        found = self.other.conn.execute(
            'SELECT sample_id, annotator, op, changed_at, revision FROM main."label_history"'
            " WHERE id = ?",
            (theirs,),
        ).fetchone()
        if found is None or (found[0], found[1]) != key:
            raise self._bad(table, row, name, "no label_history entry of this sample and annotator")
        op, changed_at, revision = found[2], found[3], found[4]
        try:
            stamp = canonical_timestamp(changed_at) if isinstance(changed_at, str) else None
        except ValueError:
            stamp = None
        for our_id, our_at in self.conn.execute(
            "SELECT id, changed_at FROM label_history WHERE sample_id = ? AND annotator = ?"
            " AND op = ? AND revision = ? ORDER BY id",
            (*key, op, revision),
        ):
            if our_at == stamp or our_at == changed_at:
                return int(our_id)
        raise self._bad(table, row, name, "its label_history entry is not in the merged history")


_LABEL_FIELDS = [f for f in HistoryEntry.model_fields if f != "id"]


def _spelled(text: object) -> object:
    """A stored time in our spelling."""
    try:
        return canonical_timestamp(text) if isinstance(text, str) else text
    except ValueError:
        return text
