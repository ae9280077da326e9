"""The merge of the study's method tables (issue #27): gold, training, retest, rounds,
discussions and negotiation reasons.

Contract: :func:`merge_study_tables` runs inside the merge's write transaction
(:mod:`.merge`), for one other file, after its samples, labels and label history are
merged. Each table the other file has (a file made before migrations m008-m011 has
none of them: nothing is read) is refused unless it is an ordinary table under its
row cap (:data:`MAX_STUDY_ROWS`); every row is validated (types, sizes, references,
timestamps as instants, names by the rule of our own writes) and the first bad row
raises one :class:`~annotator.errors.UserError` naming the file, table, row and
field, which rolls the whole merge back. Merging a file twice adds nothing.

- ``gold``: union by sample; a different reference (purpose, kind, category,
  subcategory) is a conflict, ours kept;
- ``training_answers``: union by (sample, annotator); the first answer counts:
  when both differ, the earlier (``answered_at`` as an instant) is kept, reported;
- ``retest_plan``: study-level: taken when we have none; a different one is a
  conflict, ours kept;
- ``retest_answers``: union by (sample, annotator); when both differ the newest
  wins, reported (as labels). ``retest_history`` entries we lack are copied as
  label history is (by sample, annotator, op, time, revision);
- ``rounds``: a round matches ours by (name, created_at, seed, its set of
  samples) and its assignments are united; a round only they have is copied under
  a new id unless one of its samples is in one of our rounds (a conflict, not
  copied, nor its assignments);
- ``discussions``: union by (sample, annotator); the earlier ``shown_at`` is kept
  (the disagreement was first shown then); the round id is mapped to ours;
- ``negotiation_reasons`` and ``retest_answers.first_history_id`` point at
  ``label_history`` ids, which differ between databases: each is mapped to our
  entry with the same content (sample, annotator, op, changed_at, revision: the
  mark by which the label merge copies history), so no migration is needed.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..errors import UserError
from ..models import HistoryEntry, Label, canonical_timestamp
from .gold import GoldItem, check_reference
from .labels import ensure_annotator
from .merge_rows import MAX_LABEL_VALUE, Key, OtherDatabase, instant

MAX_STUDY_ROWS = {
    "gold": 200_000,
    "training_answers": 600_000,
    "retest_plan": 1,
    "retest_answers": 600_000,
    "retest_history": 600_000,
    "rounds": 10_000,
    "round_samples": 200_000,
    "round_assignments": 600_000,
    "discussions": 600_000,
    "negotiation_reasons": 600_000,
}
"""Rows the other database may have per study table (the label caps of a merge)."""
MAX_NAME = 1_000
"""Characters of a round's name, overlap, query; a gold item's purpose or source."""

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


def merge_study_tables(conn: sqlite3.Connection, other: OtherDatabase) -> dict[str, Any]:
    """Merge the study tables of ``other`` into ours (``conn``, in the merge's
    transaction). Returns per table the counts (added, updated, same, conflicts)
    and the conflict lines, as ``{"counts": {...}, "conflicts": [...]}``."""
    study = _StudyMerge(conn, other)
    other.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
    present = study.tables()
    if "gold" in present:
        study.gold()
    if "training_answers" in present:
        study.training()
    if "retest_plan" in present:
        study.retest_plan()
    if "retest_answers" in present:
        with _triggers_off(conn, "retest_answers", "retest_history_"):
            study.retest_answers()
            if "retest_history" in present:
                study.retest_history()
    if {"rounds", "round_samples"} <= present:
        study.rounds("round_assignments" in present)
    if "discussions" in present:
        study.discussions()
    if "negotiation_reasons" in present:
        study.reasons()
    return {"counts": study.counts, "conflicts": study.conflicts}


@contextmanager
def _triggers_off(conn: sqlite3.Connection, table: str, prefix: str) -> Iterator[None]:
    """``table``'s triggers named ``prefix...`` dropped for the block and created again
    from their own SQL (DDL inside the merge's transaction: a failed merge rolls back to
    them as they were). The merge copies the other side's history itself."""
    like = prefix.replace("_", "\\_") + "%"
    triggers = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
        " AND name LIKE ? ESCAPE '\\' ORDER BY name",
        (table, like),
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER main.{_q(str(name))}")
    yield  # no finally: on an error the transaction rolls back, triggers included
    for _, sql in triggers:
        conn.execute(str(sql))


class _StudyMerge:
    """One other file's study tables, merged table by table."""

    def __init__(self, conn: sqlite3.Connection, other: OtherDatabase) -> None:
        self.conn = conn
        self.other = other
        self.counts: dict[str, dict[str, int]] = {}
        self.conflicts: list[str] = []
        self.ensured: set[str] = set()
        self.round_map: dict[int, int | None] = {}
        """Their round id -> ours (None: a conflicting round, not copied)."""
        self.their_rounds: set[int] = set()

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

    def _rows(self, table: str, columns: list[str], order: str) -> Iterator[sqlite3.Row]:
        """``table``'s ``columns`` in ``order``, each with ``rowid_``: the rowid, or for
        a table without one (``WITHOUT ROWID``) its number in ``order``, which the
        error line names."""
        have = set(self.other.columns[table])
        picked = ", ".join(_q(c) for c in columns if c in have)
        number = "rowid" if self._has_rowid(table) else f"ROW_NUMBER() OVER (ORDER BY {order})"
        sql = f"SELECT {number} AS rowid_, {picked} FROM main.{_q(table)} ORDER BY {order}"
        try:
            cursor = self.other.conn.execute(sql)
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
        if not self.conn.execute("SELECT 1 FROM samples WHERE id = ?", (sid,)).fetchone():
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

    # -- gold and training ---------------------------------------------------------
    def gold(self) -> None:
        t = "gold"
        cols = sorted(_REQUIRED[t])
        for row in self._rows(t, cols, '"sample_id" COLLATE BINARY'):
            sid = self._sample(t, row)
            purpose = self._text(t, row, "purpose")
            assert purpose is not None
            kind, category, sub = self._reference(t, row, "", purpose)
            source = self._text(t, row, "source")
            version = self._version(t, row)
            created, updated = self._time(t, row, "created_at"), self._time(t, row, "updated_at")
            mine = self.conn.execute(
                "SELECT purpose, kind, category, subcategory FROM gold WHERE sample_id = ?", (sid,)
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO gold (sample_id, purpose, kind, category, subcategory, source,"
                    " taxonomy_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, purpose, kind, category, sub, source, version, created, updated),
                )
                self._count(t, "added")
            elif tuple(mine) == (purpose, kind, category, sub):
                self._count(t, "same")
            else:
                self._count(t, "conflicts", f"{sid}: a different reference; kept this database's")

    def training(self) -> None:
        t = "training_answers"
        cols = sorted(_REQUIRED[t])
        for row in self._rows(t, cols, '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            answer = self._reference(t, row, "")
            reference = self._reference(t, row, "reference_")
            version = self._version(t, row)
            at = self._time(t, row, "answered_at")
            values = (*answer, *reference, version, at)
            mine = self.conn.execute(
                "SELECT kind, category, subcategory, answered_at FROM training_answers"
                " WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is not None and tuple(mine[:3]) == answer:
                self._count(t, "same")
                continue
            if mine is not None:
                earlier = instant(at) < instant(mine[3])
                self._count(
                    t,
                    "conflicts",
                    f"{sid} / {who}: different answers; kept the first"
                    f" ({'theirs' if earlier else 'ours'})",
                )
                if not earlier:
                    continue
                self.conn.execute(
                    "DELETE FROM training_answers WHERE sample_id = ? AND annotator = ?", (sid, who)
                )
            self.conn.execute(
                "INSERT INTO training_answers (sample_id, annotator, kind, category, subcategory,"
                " reference_kind, reference_category, reference_subcategory, taxonomy_version,"
                " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sid, who, *values),
            )
            if mine is None:
                self._count(t, "added")

    # -- retest --------------------------------------------------------------------
    def retest_plan(self) -> None:
        t = "retest_plan"
        for row in self._rows(t, sorted(_REQUIRED[t]), "rowid"):
            if self._int(t, row, "id") != 1:
                raise self._bad(t, row, "id", "the plan's id is 1")
            share = self._real(t, row, "share")
            assert share is not None
            if not 0 < share <= 1:
                raise self._bad(t, row, "share", "not a share in (0, 1]")
            after = self._int(t, row, "after", low=0)
            days = self._real(t, row, "days", null=True)
            if days is not None and days < 0:
                raise self._bad(t, row, "days", "below 0")
            seed = self._int(t, row, "seed")
            set_at = self._time(t, row, "set_at")
            mine = self.conn.execute(
                "SELECT share, after, days, seed FROM retest_plan WHERE id = 1"
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO retest_plan (id, share, after, days, seed, set_at)"
                    " VALUES (1, ?, ?, ?, ?, ?)",
                    (share, after, days, seed, set_at),
                )
                self._count(t, "added")
            elif tuple(mine) == (share, after, days, seed):
                self._count(t, "same")
            else:
                self._count(t, "conflicts", "differs; kept this database's plan")

    def retest_answers(self) -> None:
        from .merge import _DECISION_AT, _LABEL_COLUMNS, _UPDATED_AT, _values

        t = "retest_answers"
        cols = ["first_history_id", *_LABEL_FIELDS]
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        upsert = (
            f"INSERT INTO retest_answers (sample_id, annotator, first_history_id,"
            f" {', '.join(_LABEL_COLUMNS)}) VALUES ({', '.join('?' for _ in range(len(_LABEL_COLUMNS) + 3))})"
            " ON CONFLICT (sample_id, annotator) DO UPDATE SET"
            f" first_history_id = excluded.first_history_id,"
            f" {', '.join(f'{k} = excluded.{k}' for k in _LABEL_COLUMNS)}"
        )
        for row in self._rows(t, cols, order):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            label = self.other._label(Label, row, t)
            first = None
            if row["first_history_id"] is not None:
                first = self._history_id(t, row, "first_history_id", (sid, who))
            values = _values(label)
            mine = self.conn.execute(
                f"SELECT {', '.join(_LABEL_COLUMNS)} FROM retest_answers"
                " WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is not None:
                if all(mine[i] == values[i] for i in _DECISION_AT):
                    self._count(t, "same")
                    continue
                newer = instant(values[_UPDATED_AT]) > instant(mine[_UPDATED_AT])
                self._count(
                    t,
                    "conflicts",
                    f"{sid} / {who}: differs; kept the newest ({'theirs' if newer else 'ours'}),"
                    " the other is in history",
                )
                if not newer:
                    continue
            self.conn.execute(upsert, [sid, who, first, *values])
            if mine is None:
                self._count(t, "added")
            else:
                self.counts[t]["updated"] += 1

    def retest_history(self) -> None:
        from .merge import _LABEL_COLUMNS, _values

        t = "retest_history"
        insert = (
            f"INSERT INTO retest_history (sample_id, annotator, op, changed_at,"
            f" {', '.join(_LABEL_COLUMNS)}) VALUES ({', '.join('?' for _ in range(len(_LABEL_COLUMNS) + 4))})"
        )
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY, "id"'
        for row in self._rows(t, ["id", *_LABEL_FIELDS], order):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            entry = self.other._label(HistoryEntry, row, t)
            have = self.conn.execute(
                "SELECT 1 FROM retest_history WHERE sample_id = ? AND annotator = ? AND op = ?"
                " AND changed_at = ? AND revision = ?",
                (sid, who, entry.op, entry.changed_at, entry.revision),
            ).fetchone()
            if have:
                self._count(t, "same")
                continue
            self.conn.execute(insert, [sid, who, entry.op, entry.changed_at, *_values(entry)])
            self._count(t, "added")

    # -- rounds -------------------------------------------------------------------
    def rounds(self, with_assignments: bool) -> None:
        t = "rounds"
        theirs: dict[int, tuple[str, str, int | None, str | None, str]] = {}
        for row in self._rows(t, sorted(_REQUIRED[t]), '"id"'):
            rid = self._int(t, row, "id")
            assert rid is not None
            if rid in theirs:
                raise self._bad(t, row, "id", f"a second round {rid}")
            name = self._text(t, row, "name")
            seed = self._int(t, row, "seed", null=True)
            query = self._text(t, row, "query", null=True)
            overlap = self._text(t, row, "overlap")
            assert name is not None and overlap is not None
            theirs[rid] = (name, self._time(t, row, "created_at"), seed, query, overlap)
        self.their_rounds = set(theirs)
        t = "round_samples"
        members: dict[int, list[tuple[int, str]]] = {rid: [] for rid in theirs}
        round_of: dict[str, int] = {}
        for row in self._rows(t, sorted(_REQUIRED[t]), '"round_id", "position"'):
            sid = self._sample(t, row)
            rid = self._int(t, row, "round_id")
            position = self._int(t, row, "position", low=0)
            assert rid is not None and position is not None
            if rid not in theirs:
                raise self._bad(t, row, "round_id", f"no round {rid}")
            if sid in round_of:
                raise self._bad(t, row, "sample_id", f"sample {sid!r} in a second round")
            round_of[sid] = rid
            members[rid].append((position, sid))
        ours: dict[tuple[Any, ...], int] = {}
        our_samples: dict[int, set[str]] = {}
        for sid, rid in self.conn.execute("SELECT sample_id, round_id FROM round_samples"):
            our_samples.setdefault(int(rid), set()).add(str(sid))
        for rid, name, created_at, seed in self.conn.execute(
            "SELECT id, name, created_at, seed FROM rounds"
        ):
            sig = (name, _spelled(created_at), seed, frozenset(our_samples.get(int(rid), ())))
            ours[sig] = int(rid)
        taken = set().union(*our_samples.values()) if our_samples else set()
        for rid, (name, created_at, seed, query, overlap) in theirs.items():
            sig = (name, created_at, seed, frozenset(s for _, s in members[rid]))
            if sig in ours:
                self.round_map[rid] = ours[sig]
                self._count("rounds", "same")
                continue
            clash = next((s for _, s in sorted(members[rid]) if s in taken), None)
            if clash is not None:
                self.round_map[rid] = None
                self._count(
                    "rounds",
                    "conflicts",
                    f"{name!r}: its sample {clash!r} is in one of this database's rounds;"
                    " not copied",
                )
                continue
            new_id = int(
                self.conn.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM rounds").fetchone()[0]
            )
            self.conn.execute(
                "INSERT INTO rounds (id, name, seed, query, overlap, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, name, seed, query, overlap, created_at),
            )
            self.conn.executemany(
                "INSERT INTO round_samples (sample_id, round_id, position) VALUES (?, ?, ?)",
                [(sid, new_id, position) for position, sid in sorted(members[rid])],
            )
            taken |= {s for _, s in members[rid]}
            self.round_map[rid] = new_id
            self._count("rounds", "added")
            self.counts["round_samples"]["added"] += len(members[rid])
        if with_assignments:
            self._assignments(round_of)

    def _assignments(self, round_of: dict[str, int]) -> None:
        t = "round_assignments"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        for row in self._rows(t, sorted(_REQUIRED[t]), order):
            sid = self._text(t, row, "sample_id", cap=MAX_LABEL_VALUE)
            assert sid is not None
            rid = self._int(t, row, "round_id")
            if round_of.get(sid) != rid:
                raise self._bad(t, row, "sample_id", f"sample {sid!r} is not in round {rid}")
            who = self._annotator(t, row)
            ours = self.round_map.get(int(rid or 0))
            if ours is None:
                continue  # the round was not copied (a conflict, reported)
            added = self.conn.execute(
                "INSERT OR IGNORE INTO round_assignments (sample_id, annotator, round_id)"
                " VALUES (?, ?, ?)",
                (sid, who, ours),
            ).rowcount
            self._count(t, "added" if added else "same")

    # -- negotiation ----------------------------------------------------------------
    def discussions(self) -> None:
        t = "discussions"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        for row in self._rows(t, sorted(_REQUIRED[t]), order):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            rid = self._int(t, row, "round_id", null=True)
            if rid is not None and rid not in self.their_rounds:
                raise self._bad(t, row, "round_id", f"no round {rid}")
            ours = None if rid is None else self.round_map.get(rid)
            shown = self._time(t, row, "shown_at")
            mine = self.conn.execute(
                "SELECT shown_at FROM discussions WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO discussions (sample_id, annotator, round_id, shown_at)"
                    " VALUES (?, ?, ?, ?)",
                    (sid, who, ours, shown),
                )
                self._count(t, "added")
            elif instant(shown) < instant(mine[0]):
                # First shown there: every change since is negotiated.
                self.conn.execute(
                    "UPDATE discussions SET shown_at = ? WHERE sample_id = ? AND annotator = ?",
                    (shown, sid, who),
                )
                self._count(t, "updated")
            else:
                self._count(t, "same")

    def reasons(self) -> None:
        t = "negotiation_reasons"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY, "history_id"'
        for row in self._rows(t, sorted(_REQUIRED[t]), order):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            history_id = self._history_id(t, row, "history_id", (sid, who))
            reason = self._text(t, row, "reason", cap=MAX_LABEL_VALUE)
            created = self._time(t, row, "created_at")
            mine = self.conn.execute(
                "SELECT reason FROM negotiation_reasons WHERE history_id = ?", (history_id,)
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO negotiation_reasons"
                    " (history_id, sample_id, annotator, reason, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (history_id, sid, who, reason, created),
                )
                self._count(t, "added")
            elif mine[0] == reason:
                self._count(t, "same")
            else:
                self._count(t, "conflicts", f"{sid} / {who}: another reason; kept this database's")


_LABEL_FIELDS = [f for f in HistoryEntry.model_fields if f != "id"]


def _spelled(text: object) -> object:
    """A stored time in our spelling."""
    try:
        return canonical_timestamp(text) if isinstance(text, str) else text
    except ValueError:
        return text
