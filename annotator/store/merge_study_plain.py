"""The study-table merge's set-based path: plain rows, new ones copied by SQL.

Contract: :func:`copy_plain_study` runs inside the merge's write transaction, in
:func:`~.merge_study.merge_study_tables`, for one study table of the other file
(attached read-only and immutable: :func:`~.merge_plain.attach`) just before that
table's row-by-row merge. It copies every *plain new* key of the table with one
``INSERT ... SELECT`` and returns the row numbers left (rowids, or for a table
without rowid its number in the row-by-row path's key order), which the row-by-row
path then reads, validates and merges (or refuses, with the same error) as before.

A key (the table's primary key; for ``retest_history`` an entry's mark: sample,
annotator, op, time, revision, by which that path finds an entry we hold) is
plain when it has one row there, that row passes the table's predicate, and
either we have no row of that key (*new*: the row-by-row path would insert the
row as it is) or ours says what theirs says (*the same*, :attr:`_Plain.same`:
that path would count it the same and write nothing; a file merged again). Each predicate is *sufficient* for that path's checks
(:class:`~.merge_study_rows.StudyReader`): text keys without NUL of a sample we
have, names already plain (:func:`~.merge_plain._params`), categories of this
taxonomy, known taxonomy versions, timestamps in our spelling and not in the
future, retest rows passing the labels' predicate (:func:`~.merge_plain._plain_row`);
rows it does not prove fine (another spelling, a round or history id to map, a
repeated key, an older schema) are simply not plain. Gold, training answers,
discussions, retest answers, retest history and round assignments (of rounds
copied or matched, through :func:`round_tables`: the round of each of their round
samples and their round ids mapped to ours, as the row-by-row rounds merge found
them) have this path; the retest plan (one row), rounds and their samples
(compared as wholes) and negotiation reasons (history ids mapped) stay row by row.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from .labels import ensure_annotator
from .merge_plain import (
    _CANONICAL_GLOB,
    _ROWID_NAMES,
    _category,
    _params,
    _plain_row,
    _timestamp,
    register_raw_check,
)
from .merge_rows import MAX_LABEL_VALUE, _q
from .merge_study_rows import StudyReader
from .merge_values import DECISION, LABEL_COLUMNS


@dataclass(frozen=True)
class _Plain:
    """One table's set-based merge: its key, its predicate, what it inserts."""

    key: tuple[str, ...]
    predicate: str
    columns: tuple[str, ...]
    """Our columns written, in order."""
    values: tuple[str, ...]
    """The SQL (over their row ``r``) of each value written."""
    order: str
    """The row-by-row path's ORDER BY (row numbers of a table without rowid follow it)."""
    same: str
    """SQL over our row ``o`` and theirs ``r`` of one key: the row-by-row path would
    count theirs the same and write nothing."""


def _sample() -> str:
    return (
        "typeof(sample_id) = 'text' AND instr(sample_id, char(0)) = 0"
        f" AND length(sample_id) <= {MAX_LABEL_VALUE}"
        " AND EXISTS (SELECT 1 FROM main.samples s WHERE s.id = r.sample_id)"
    )


def _annotator() -> str:
    return "typeof(annotator) = 'text' AND annotator IN (SELECT value FROM json_each(:names))"


def _reference(prefix: str) -> str:
    """A reference (kind, category, subcategory) ``check_reference`` accepts."""
    k, c, s = f"{prefix}kind", f"{prefix}category", f"{prefix}subcategory"
    return (
        f"({k} = 'bug' AND {c} IS NOT NULL AND {_category(c, s)})"
        f" OR ({k} = 'pass' AND {c} IS NULL AND {s} IS NULL)"
    )


def _version() -> str:
    return "taxonomy_version IN (SELECT value FROM json_each(:versions))"


def _equal(*columns: str) -> str:
    return " AND ".join(f"o.{c} IS r.{c}" for c in columns)


def _all(*checks: str) -> str:
    return " AND ".join(f"({c})" for c in checks)


_PAIR = ("sample_id", "annotator")
_PAIR_ORDER = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
_TRAINING = (
    "sample_id", "annotator", "kind", "category", "subcategory", "reference_kind",
    "reference_category", "reference_subcategory", "taxonomy_version", "answered_at",
)  # fmt: skip
_GOLD = (
    "sample_id", "purpose", "kind", "category", "subcategory", "source", "taxonomy_version",
    "created_at", "updated_at",
)  # fmt: skip

PLAIN: dict[str, _Plain] = {
    "gold": _Plain(
        key=("sample_id",),
        predicate=_all(
            _sample(),
            "purpose IN ('training', 'check')",
            _reference(""),
            "typeof(source) = 'text' AND instr(source, char(0)) = 0"
            f" AND length(source) <= {MAX_LABEL_VALUE}",
            _version(),
            _timestamp("created_at"),
            _timestamp("updated_at"),
        ),
        columns=_GOLD,
        values=_GOLD,
        order='"sample_id" COLLATE BINARY',
        same=_equal("purpose", "kind", "category", "subcategory"),
    ),
    "training_answers": _Plain(
        key=_PAIR,
        predicate=_all(
            _sample(),
            _annotator(),
            _reference(""),
            _reference("reference_"),
            _version(),
            _timestamp("answered_at"),
        ),
        columns=_TRAINING,
        values=_TRAINING,
        order=_PAIR_ORDER,
        same=_equal("kind", "category", "subcategory"),
    ),
    "discussions": _Plain(
        key=_PAIR,
        predicate=_all(_sample(), _annotator(), "round_id IS NULL", _timestamp("shown_at")),
        columns=("sample_id", "annotator", "round_id", "shown_at"),
        values=("sample_id", "annotator", "NULL", "shown_at"),
        order=_PAIR_ORDER,
        # Ours in our spelling too (text order is time order) and not later than theirs.
        same=f"typeof(o.shown_at) = 'text' AND o.shown_at GLOB '{_CANONICAL_GLOB}'"
        " AND r.shown_at >= o.shown_at",
    ),
    "retest_answers": _Plain(
        key=_PAIR,
        predicate=_all(_sample(), _plain_row(False), "first_history_id IS NULL"),
        columns=("sample_id", "annotator", "first_history_id", *LABEL_COLUMNS),
        values=("sample_id", "annotator", "NULL", *LABEL_COLUMNS),
        order=_PAIR_ORDER,
        same=_equal(*DECISION),
    ),
    "round_assignments": _Plain(
        key=_PAIR,
        predicate=_all(
            _sample(),
            _annotator(),
            "typeof(round_id) = 'integer'",
            # Their sample is in that round (as the row-by-row path checks), and the
            # round was copied or matched (one not copied: its rows go row by row).
            "EXISTS (SELECT 1 FROM temp.merge_round_of s"
            " WHERE s.sample_id = r.sample_id COLLATE BINARY AND s.round_id = r.round_id)",
            "round_id IN (SELECT theirs FROM temp.merge_round_map)",
        ),
        columns=("sample_id", "annotator", "round_id"),
        values=(
            "sample_id",
            "annotator",
            "(SELECT m.ours FROM temp.merge_round_map m WHERE m.theirs = r.round_id)",
        ),
        order=_PAIR_ORDER,
        same="1",  # INSERT OR IGNORE: a key we have is the same, whatever its round
    ),
    "retest_history": _Plain(
        key=("sample_id", "annotator", "op", "changed_at", "revision"),
        predicate=_all(_sample(), _plain_row(True)),
        columns=("sample_id", "annotator", "op", "changed_at", *LABEL_COLUMNS),
        values=("sample_id", "annotator", "op", "changed_at", *LABEL_COLUMNS),
        order=f'{_PAIR_ORDER}, "id"',
        same="1",  # the mark is the key: an entry we hold
    ),
}
"""The study tables with a set-based path."""

assert all(len(p.columns) == len(p.values) for p in PLAIN.values())


def copy_plain_study(
    conn: sqlite3.Connection, reader: StudyReader, alias: str | None, table: str
) -> list[int] | None:
    """Copy the plain new keys (and count the same ones) of ``table`` (see the module docstring); the row numbers
    left to the row-by-row path, or None when all are (no attached file, no
    set-based path for the table, a column missing or named like the rowid)."""
    plain = PLAIN.get(table)
    other = reader.other
    if plain is None or alias is None:
        return None
    have = {c.lower() for c in other.columns[table]}
    needed = set(plain.key) | {c for c in plain.values if _column(c)} | _read(table)
    if not needed <= have or have & _ROWID_NAMES:
        return None
    params = _params(other, (table,)) if "annotator" in plain.key else _params(other, ())
    register_raw_check(conn)
    theirs = f"{_q(alias)}.{_q(table)}"
    key = ", ".join(f"{k} COLLATE BINARY AS c{i}" for i, k in enumerate(plain.key))
    mine = " AND ".join(f"o.{k} = r.{k}" for k in plain.key)
    match = " AND ".join(f"k.c{i} = r.{k} COLLATE BINARY" for i, k in enumerate(plain.key))
    typed = " AND ".join(f"typeof(r.{k}) = 'text'" for k in plain.key if k != "revision")
    in_plain = f"{typed} AND EXISTS (SELECT 1 FROM temp.merge_study_keys k WHERE {match})"
    new = f"{typed} AND EXISTS (SELECT 1 FROM temp.merge_study_keys k WHERE NOT k.same AND {match})"
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
    cols = ", ".join(f"c{i}" for i in range(len(plain.key)))
    conn.execute(
        f"CREATE TEMP TABLE merge_study_keys ({cols}, same INTEGER NOT NULL,"
        f" PRIMARY KEY ({cols})) WITHOUT ROWID"
    )
    ours = f"SELECT 1 FROM main.{_q(table)} o WHERE {mine}"
    try:
        # A key is new (we have no row of it) or the same (ours says what theirs says).
        conn.execute(
            f"INSERT INTO temp.merge_study_keys SELECT {cols}, max(same) FROM (SELECT {key},"
            f" CASE WHEN {plain.predicate} THEN 1 ELSE 0 END AS ok,"
            f" EXISTS ({ours}) AS ours, EXISTS ({ours} AND ({plain.same})) AS same"
            f" FROM {theirs} r) AS r"
            f" GROUP BY {cols} HAVING count(*) = 1 AND min(ok) = 1 AND (max(ours) = 0 OR max(same))",
            params,
        )
        names = "SELECT DISTINCT c1 FROM temp.merge_study_keys"  # the annotator: second
        for (name,) in conn.execute(
            names if "annotator" in plain.key else "SELECT 1 WHERE 0"
        ).fetchall():
            if name not in reader.ensured:
                ensure_annotator(conn, name)
                reader.ensured.add(name)
        added = conn.execute(
            f"INSERT INTO main.{_q(table)} ({', '.join(plain.columns)})"
            f" SELECT {', '.join(f'r.{v}' if _column(v) else v for v in plain.values)}"
            f" FROM {theirs} r WHERE {new} ORDER BY {plain.order}"
        ).rowcount
        same = conn.execute("SELECT count(*) FROM temp.merge_study_keys WHERE same").fetchone()[0]
        reader.counts[table]["added"] += added
        reader.counts[table]["same"] += same
        if added + same == conn.execute(f"SELECT count(*) FROM {theirs}").fetchone()[0]:
            return []  # every row copied (the finally still runs)
        number = (
            "rowid" if reader._has_rowid(table) else f"ROW_NUMBER() OVER (ORDER BY {plain.order})"
        )
        left = conn.execute(
            f"SELECT n FROM (SELECT {number} AS n, {', '.join(plain.key)} FROM {theirs}) r"
            f" WHERE NOT ({in_plain}) ORDER BY n"
        ).fetchall()
    except sqlite3.DataError:
        raise reader._oversized(table) from None
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.merge_study_keys")
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
    return [n for (n,) in left]


def _column(value: str) -> bool:
    """Whether a value of :attr:`_Plain.values` is their column (not SQL of its own)."""
    return value.isidentifier() and value != "NULL"


@contextmanager
def round_tables(
    conn: sqlite3.Connection, round_of: dict[str, int], round_map: dict[int, int | None]
) -> Iterator[None]:
    """``temp.merge_round_of`` (their round of each of their round samples, as the
    row-by-row path validated it) and ``temp.merge_round_map`` (their round id: ours,
    for the rounds copied or matched) for the block: the round assignments' predicate."""
    conn.execute(
        "CREATE TEMP TABLE merge_round_of (sample_id TEXT PRIMARY KEY, round_id INTEGER NOT NULL)"
    )
    conn.execute(
        "CREATE TEMP TABLE merge_round_map (theirs INTEGER PRIMARY KEY, ours INTEGER NOT NULL)"
    )
    try:
        conn.executemany("INSERT INTO temp.merge_round_of VALUES (?, ?)", round_of.items())
        conn.executemany(
            "INSERT INTO temp.merge_round_map VALUES (?, ?)",
            [(theirs, ours) for theirs, ours in round_map.items() if ours is not None],
        )
        yield
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.merge_round_of")
        conn.execute("DROP TABLE IF EXISTS temp.merge_round_map")


def _read(table: str) -> set[str]:
    """Columns the predicate reads besides those written."""
    if table in ("retest_answers", "retest_history"):
        return {"id"} if table == "retest_history" else {"first_history_id"}
    return {"round_id"} if table in ("discussions", "round_assignments") else set()
