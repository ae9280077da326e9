"""The merge's set-based path: plain label rows of the other file, copied by SQL.

Contract: :func:`copy_plain_labels` runs inside the merge's write transaction,
after the other file's samples are merged and before the row-by-row path of
:mod:`.merge`. It copies every *plain* key (sample, annotator) of the other
file with a few ``INSERT ... SELECT`` statements and returns the rowids of all
other rows, which the row-by-row path then reads, validates and merges exactly
as before (:meth:`~.merge_rows.OtherDatabase.label_groups`).

Plain is decided by SQL, in two steps:

- a row is plain when it passes :func:`_plain_row`, a predicate that is
  *sufficient* for every check of :meth:`~.merge_rows.OtherDatabase._label`
  (the models :class:`~annotator.models.Label` and
  :class:`~annotator.models.HistoryEntry`, the taxonomy, the known taxonomy
  versions, the name rule, the future-date bound) and for the row being stored
  as the row-by-row path stores it: text where text is stored, exact 0/1 integers
  for flags, timestamps that :func:`~annotator.models.canonical_timestamp`
  accepts, in any ISO 8601 spelling (the same function, registered as the SQL
  function :data:`INSTANT_FUNCTION`, called only for a time not already in our
  spelling: :func:`spelled`; the row is written in our spelling, as that path
  writes it), raw cells only in the spelling they are stored in
  (:func:`raw_as_stored`: an SQL function, since JSON spellings differ), names
  already accepted and clashing with none, at most :data:`PLAIN_CHARS`
  characters of text. The predicate never says plain for a row the row-by-row
  path would refuse or store otherwise; anything unusual (a raw cell spelled
  otherwise, an older schema, a long note, a bad value) is simply not plain;
- a key is plain when all its rows are, it has at most one label there, its
  sample is here, its history has at most
  :data:`~.merge_rows.MAX_HISTORY_PER_LABEL` entries, no two with the same
  (op, time as an instant, revision), and it has a label there or we have no
  label for it (a label we have that they deleted goes row by row). Each plain
  key then ends as :func:`~.merge._take_label` ends it, decided in SQL
  (:func:`_outcome`): *new* (we have no label: theirs is copied), *the same*
  (the same decision field by field: nothing written), or a conflict: ours
  kept as the adjudicated ``final`` unless ``take_final``, else the newest
  ``updated_at`` compared as an instant (ours unreadable: the earliest; a tie:
  ours) wins and theirs is written. Every history entry of theirs we do not hold
  (the same operation, instant and revision) is copied, whatever the outcome.
  Conflict lines wait in ``temp.merge_conflicts`` and are told in key order
  among the row-by-row path's (:func:`label_conflicts`).

:func:`same_samples` does the same for samples: one whose id and every field
the content hash covers equal ours, byte for byte and type for type, and that
passes the row-by-row checks, is counted the same without being read into
Python (it would hash to our content; nothing is written for it either way).

The other file is attached to our connection (:func:`attach`, before the
merge's transaction: SQLite attaches outside one only) read-only and immutable,
so SQLite neither writes it nor creates anything beside it, and its rows go
from its pages to ours without Python. Their SQL never runs: the tables read
were checked to be ordinary tables (:func:`~.merge_rows._check_structure`),
columns are named explicitly, and every probe goes from a scan of theirs into
our temporary table of keys, so a file without indexes costs no more. Why:
validating 1,200,000 label and history rows in Python took about a minute at
the merge's caps then; the predicate, the copy and the notes' index take
seconds (``benchmarks/merge_bench.py``), and a file shaped to miss the
predicate (every time in another spelling, every key ours with another
decision) no longer goes row by row (``hostile.py --only merge-caps``).
"""

from __future__ import annotations

import json
import sqlite3
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..models import (
    EARLIEST,
    LATEST,
    MAX_ANNOTATOR_NAME,
    MAX_REVISION,
    annotator_key,
    annotator_name_problem,
    canonical_timestamp,
)
from .caught_up import CaughtUpTrigger
from .labels import ensure_annotator
from .merge_rows import (
    MAX_HISTORY_PER_LABEL,
    MAX_LABEL_VALUE,
    MAX_METADATA,
    MAX_SAMPLE_TEXT,
    MAX_SAMPLE_VALUE,
    OtherDatabase,
    _q,
    other_uri,
)
from .merge_values import (
    DECISION,
    FINAL,
    KEPT_FINAL,
    KEPT_OURS,
    LABEL_COLUMNS,
    SAME,
    TOOK_THEIRS,
    label_conflict,
    raw_text,
)

PLAIN_CHARS = 4096
"""Characters of text a plain row may hold (a longer note takes the row-by-row
path): 1,000 plain entries stay far below
:data:`~.merge_rows.MAX_HISTORY_BYTES_PER_LABEL`, so that check holds unasked."""

_HISTORY_ONLY = ("id", "op", "changed_at")
_ROWID_NAMES = {"rowid", "_rowid_", "oid", "rowid_", "plain"}
_CANONICAL_GLOB = (
    "[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]T[0-9][0-9]:[0-9][0-9]:[0-9][0-9]"
    ".[0-9][0-9][0-9][0-9][0-9][0-9]Z"
)
""":data:`annotator.models.TIMESTAMP_FORMAT` as a GLOB (ASCII digits only)."""


def _in_our_spelling(column: str) -> str:
    """SQL: ``column`` is a time :func:`~annotator.models.canonical_timestamp` returns
    unchanged: our spelling, in the years it accepts (text order is time order)."""
    return (
        f"{column} GLOB '{_CANONICAL_GLOB}'"
        f" AND {column} >= '{EARLIEST.year}' AND {column} < '{LATEST.year}'"
    )


def _timestamp(column: str, or_equal: str | None = None) -> str:
    """SQL: ``column`` is a timestamp in our spelling (:func:`_in_our_spelling`) and no
    later than ``:latest``; ``or_equal``: a column checked so too, which ``column`` may
    equal instead (a label's creation is often its last change: one pattern match
    instead of two)."""
    check = f"{_in_our_spelling(column)} AND {column} <= :latest"
    if or_equal is not None:
        check = f"{column} = {or_equal} COLLATE BINARY OR ({check})"
    return f"(typeof({column}) = 'text' AND ({check}))"


INSTANT_FUNCTION = "annotator_merge_instant"
"""The SQL name of :func:`sql_instant` on our connection during a merge."""


def sql_instant(value: object) -> str | None:
    """:func:`~annotator.models.canonical_timestamp` for SQL: ``value`` in our spelling,
    or None (NULL) when it is not a timestamp that rule accepts."""
    if type(value) is not str:
        return None
    try:
        return canonical_timestamp(value)
    except ValueError:
        return None


class _LastInstant:
    """:func:`sql_instant` remembering its last answer (a row's creation, change and
    history times are mostly one text, read one after the other) and counting its
    calls: none while the plain keys are found means every time was in our spelling
    (the pattern match answered), so the copy needs no respelling."""

    def __init__(self) -> None:
        self.calls = 0
        self.last: tuple[object, str | None] = (None, None)

    def __call__(self, value: object) -> str | None:
        self.calls += 1
        if type(value) is str and value == self.last[0]:
            return self.last[1]
        found = sql_instant(value)
        self.last = (value, found)
        return found


def spelled(column: str) -> str:
    """SQL: ``column`` in our spelling (NULL: not a timestamp), exactly as
    :func:`sql_instant` gives it; the pattern match first, so that only another
    spelling (a week date, the basic format, an offset) calls into Python."""
    return (
        f"CASE WHEN {_in_our_spelling(column)} THEN {column} ELSE {INSTANT_FUNCTION}({column}) END"
    )


def _instant(column: str, or_equal: str | None = None) -> str:
    """SQL: ``column`` is a timestamp in any spelling the row-by-row path accepts
    (:func:`~annotator.models.canonical_timestamp`) and no later than ``:latest``;
    it is written as :func:`spelled` gives it. ``or_equal`` as in :func:`_timestamp`."""
    check = f"{spelled(column)} <= :latest"
    if or_equal is not None:
        check = f"{column} = {or_equal} COLLATE BINARY OR ({check})"
    return f"(typeof({column}) = 'text' AND ({check}))"


def _category(category: str, sub: str) -> str:
    """SQL: a (category, subcategory) pair :func:`~.labels.validate_label` accepts."""
    return (
        f"(({category} IS NULL AND {sub} IS NULL) OR (typeof({category}) = 'integer'"
        f" AND {category} IN (SELECT value FROM json_each(:categories))"
        f" AND ({sub} IS NULL OR (typeof({sub}) = 'text'"
        f" AND {category} || char(31) || {sub} IN (SELECT value FROM json_each(:pairs))))))"
    )


def _plain_row(history: bool) -> str:
    """SQL over one row of ``labels`` (or ``label_history``): whether it is plain."""
    texts = ("sample_id", "annotator", "note", "note2", "taxonomy_version", "source")
    optional = ("flag", "written_by", "subcategory", "subcategory2", "raw")
    # Bytes, not characters: as large or larger, and read without decoding.
    chars = " + ".join(
        [f"length(CAST({c} AS BLOB))" for c in texts]
        + [f"ifnull(length(CAST({c} AS BLOB)), 0)" for c in optional]
    )
    checks = [
        *(f"typeof({c}) = 'text'" for c in texts),
        *(f"({c} IS NULL OR typeof({c}) = 'text')" for c in optional),
        "instr(sample_id, char(0)) = 0",
        "annotator IN (SELECT value FROM json_each(:names))",
        "taxonomy_version IN (SELECT value FROM json_each(:versions))",
        "kind IN ('bug', 'pass', 'skip', 'none')",
        _category("category", "subcategory"),
        _category("category2", "subcategory2"),
        "((kind = 'bug' AND category IS NOT NULL)"
        " OR (kind <> 'bug' AND category IS NULL AND category2 IS NULL))",
        *(
            f"typeof({c}) = 'integer' AND {c} IN (0, 1)"
            for c in ("subcategory_inferred", "subcategory2_inferred")
        ),
        "(suggestions_shown IS NULL"
        " OR (typeof(suggestions_shown) = 'integer' AND suggestions_shown IN (0, 1)))",
        f"raw IS NULL OR (typeof(raw) = 'text' AND {RAW_FUNCTION}(raw))",
        f"typeof(revision) = 'integer' AND revision BETWEEN 1 AND {MAX_REVISION}",
        _instant("updated_at"),
        _instant("created_at", or_equal="updated_at"),
        f"{chars} <= {PLAIN_CHARS}",
    ]
    if history:
        checks += [
            "typeof(id) = 'integer'",
            "typeof(op) = 'text' AND op IN ('insert', 'update', 'delete')",
            _instant("changed_at", or_equal="updated_at"),
        ]
    return " AND ".join(f"({c})" for c in checks)


RAW_FUNCTION = "annotator_merge_raw_as_stored"
"""The SQL name of :func:`raw_as_stored` on our connection during a merge."""


def raw_as_stored(raw: object) -> bool:
    """Whether ``raw`` (a label's raw cells) is a JSON object spelled as the row-by-row
    path stores it (:func:`~.merge_values.raw_text` of what it parses), so that it is
    copied unchanged: the dump of its parse is itself."""
    if type(raw) is not str:
        return False
    try:
        loaded = json.loads(raw)
        return type(loaded) is dict and raw_text(loaded) == raw
    except (ValueError, RecursionError, TypeError):
        return False


def register_raw_check(conn: sqlite3.Connection) -> _LastInstant:
    """:func:`raw_as_stored` as :data:`RAW_FUNCTION` and :func:`sql_instant` as
    :data:`INSTANT_FUNCTION` on ``conn`` (both deterministic); returns the latter."""
    instant = _LastInstant()
    conn.create_function(RAW_FUNCTION, 1, raw_as_stored, deterministic=True)
    conn.create_function(INSTANT_FUNCTION, 1, instant, deterministic=True)
    return instant


def _columns(history: bool) -> tuple[str, ...]:
    return (*(_HISTORY_ONLY if history else ()), *LABEL_COLUMNS)


def attach(conn: sqlite3.Connection, source: Path, alias: str) -> bool:
    """Attach ``source`` (a file that has no ``-wal``/``-journal``: see
    :func:`~.merge_rows.readable_source`) as ``alias``, read-only and immutable.
    False (nothing attached) when that cannot be done here: a transaction is
    open, SQLite reads no URIs, the attach limit is reached, or the file's schema
    does not load; the merge then reads every row of it one by one."""
    uri = other_uri(source)
    try:
        conn.execute("ATTACH DATABASE ? AS " + _q(alias), (uri,))
    except sqlite3.Error:
        return False
    try:
        listed = {str(name): str(file) for _, name, file in conn.execute("PRAGMA database_list")}
        # A SQLite without URI support would have opened a file named like the URI.
        ok = Path(listed.get(alias, "")) == source.resolve()
        conn.execute(f"SELECT count(*) FROM {_q(alias)}.sqlite_master").fetchone()
    except sqlite3.Error:
        ok = False
    if not ok:
        detach(conn, alias)
    return ok


def detach(conn: sqlite3.Connection, alias: str) -> None:
    try:
        conn.execute("DETACH DATABASE " + _q(alias))
    except sqlite3.Error:  # pragma: no cover - only while a statement is open
        pass


def copy_plain_labels(
    conn: sqlite3.Connection,
    other: OtherDatabase,
    alias: str,
    counts: dict[str, int],
    ensured: set[str],
    history_triggers: Any,
    take_final: bool = False,
) -> tuple[list[int], list[int]] | None:
    """Copy the plain keys of ``other`` (attached as ``alias``) into ours (see the
    module docstring).

    Returns the rowids of the other file's ``labels`` and ``label_history`` rows
    that are left to the row-by-row path, or None when all of them are (a table
    lacks a column, an older schema; or no key is plain). ``counts`` gains
    ``labels_new``, ``labels_updated``, ``labels_same`` and ``history_copied``;
    the plain keys' conflicts wait in ``temp.merge_conflicts`` for
    :func:`label_conflicts` (the caller drops it: :func:`drop_conflicts`);
    ``history_triggers``: the merge's :class:`~.merge._HistoryTriggers`, off while
    the labels that come with their history are written."""
    for table, history in (("labels", False), ("label_history", True)):
        have = {c.lower() for c in other.columns[table]}
        if not {"sample_id", "annotator", *_columns(history)} <= have:
            return None
        if have & _ROWID_NAMES:
            return None  # "rowid" would name their column, not the row: not ours to trust
    params = _params(other)
    instant = register_raw_check(conn)
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    # Their values are read by our connection now: the same bound as the other's.
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
    conn.execute(
        "CREATE TEMP TABLE merge_keys (sample_id, annotator, history INTEGER NOT NULL,"
        " outcome INTEGER, labels INTEGER NOT NULL, entries INTEGER NOT NULL,"
        " ours INTEGER NOT NULL, PRIMARY KEY (sample_id, annotator)) WITHOUT ROWID"
    )
    try:
        try:
            found = _plain_keys(conn, _q(alias), {**params, "take_final": int(take_final)})
        except sqlite3.DataError:
            # Named by the row-by-row reader, which finds the value under the same bound.
            other.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
            raise other._oversized(("labels", "label_history")) from None
        finally:
            conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
        if not found:
            return None
        _write(conn, _q(alias), counts, ensured, history_triggers, respell=instant.calls > 0)
        # Every row of theirs of a plain key (the usual case): nothing left, no scan.
        plain_rows = conn.execute(
            "SELECT ifnull(sum(labels), 0), ifnull(sum(entries), 0) FROM temp.merge_keys"
        ).fetchone()
        left = []
        for i, table in enumerate(("labels", "label_history")):
            total = conn.execute(f"SELECT count(*) FROM {_q(alias)}.{table}").fetchone()[0]
            left.append([] if plain_rows[i] == total else _rest(conn, _q(alias), table))
        return left[0], left[1]
    finally:
        conn.execute("DROP TABLE IF EXISTS temp.merge_keys")


def label_conflicts(conn: sqlite3.Connection) -> Iterator[tuple[tuple[str, str], str]]:
    """The plain keys' conflicts (``temp.merge_conflicts``, if any) in key order (BINARY:
    Python's order of strings), each as (key, the line :func:`label_conflict` words)."""
    if not conn.execute(
        "SELECT EXISTS (SELECT 1 FROM temp.sqlite_master WHERE name = 'merge_conflicts')"
    ).fetchone()[0]:
        return
    for sid, who, outcome in conn.execute(
        "SELECT sample_id, annotator, outcome FROM temp.merge_conflicts ORDER BY sample_id, annotator"
    ):
        yield (sid, who), label_conflict(sid, who, outcome)


def drop_conflicts(conn: sqlite3.Connection) -> None:
    conn.execute("DROP TABLE IF EXISTS temp.merge_conflicts")


def _params(
    other: OtherDatabase, tables: tuple[str, ...] = ("labels", "label_history")
) -> dict[str, Any]:
    """The predicate's parameters: names that are plain (of the ``annotator`` column
    of ``tables``), versions, the taxonomy."""
    union = " UNION ".join(f"SELECT DISTINCT annotator FROM main.{_q(t)}" for t in tables)
    names = [
        n
        for (n,) in (other.conn.execute(union) if tables else [])
        if isinstance(n, str) and len(n) <= MAX_ANNOTATOR_NAME
    ]
    keys = Counter(annotator_key(n) for n in names)
    plain = []
    for name in names:
        key = annotator_key(name)
        if other.names.get(key) == name:  # ours, or accepted from an earlier file
            plain.append(name)
        elif key not in other.names and keys[key] == 1 and annotator_name_problem(name) is None:
            plain.append(name)
    for name in plain:  # as the row-by-row path registers a name it accepts
        other.names[annotator_key(name)] = name
        other.accepted.add(name)
    categories = other.taxonomy.categories
    return {
        "names": json.dumps(plain),
        "versions": json.dumps(sorted(other.versions)),
        "categories": json.dumps([c.id for c in categories]),
        "pairs": json.dumps([f"{c.id}\x1f{s.name}" for c in categories for s in c.subcategories]),
        "latest": other.latest,
    }


_KEY = "sample_id COLLATE BINARY AS sample_id, annotator COLLATE BINARY AS annotator"
"""A key as the row-by-row path compares it (their columns may declare another collation)."""


def _joins(
    row: str, *, history: int | None = None, written: bool = False, unheld: bool = False
) -> str:
    """SQL: the row ``row`` of theirs has a text key that is in ``temp.merge_keys``
    (text and BINARY: no affinity or collation of theirs makes 5 equal '5' or 'A' 'a');
    ``history``: and that key has history there (1) or none (0); ``written``: and its
    label is written (we had none, or theirs is newer); ``unheld``: and we do not hold
    the history entry ``row`` (:func:`_held`). Always a probe of
    our temporary table from a scan of theirs: their tables may lack every index."""
    extra = "" if history is None else f" AND k.history = {int(history)}"
    extra += f" AND (k.outcome IS NULL OR k.outcome = {TOOK_THEIRS})" if written else ""
    extra += f" AND NOT ({_held()})" if unheld else ""
    return (
        f"typeof({row}.sample_id) = 'text' AND typeof({row}.annotator) = 'text'"
        f" AND EXISTS (SELECT 1 FROM temp.merge_keys k"
        f" WHERE k.sample_id = {row}.sample_id COLLATE BINARY"
        f" AND k.annotator = {row}.annotator COLLATE BINARY{extra})"
    )


def _flag(predicate: str) -> str:
    """SQL: 1 when ``predicate`` holds, else 0 (NULL included). A CASE, not ``IS 1``:
    SQLite then jumps from term to term as in a WHERE clause, twice as fast."""
    return f"CASE WHEN {predicate} THEN 1 ELSE 0 END"


def _outcome() -> str:
    """SQL over their label ``l`` and ours ``o`` of one key: how the row-by-row path
    ends it (:func:`~.merge._take_label`): the same decision, field by field; ours
    kept as the adjudicated ``final`` (unless ``:take_final``); else the newest
    ``updated_at`` as an instant (ours unreadable: the earliest), ours on a tie."""
    decision = " AND ".join(f"o.{c} IS l.{c}" for c in DECISION)
    return (
        f"CASE WHEN {decision} THEN {SAME}"
        f" WHEN l.annotator = '{FINAL}' COLLATE BINARY AND NOT :take_final THEN {KEPT_FINAL}"
        f" WHEN {spelled('l.updated_at')} > ifnull({spelled('o.updated_at')}, '')"
        f" THEN {TOOK_THEIRS} ELSE {KEPT_OURS} END"
    )


def _plain_keys(conn: sqlite3.Connection, other: str, params: dict[str, Any]) -> int:
    """Fill ``temp.merge_keys`` with the plain keys (see the module docstring)."""
    found = conn.execute(
        "INSERT INTO temp.merge_keys"
        " SELECT sample_id, annotator, sum(entry) > 0, max(outcome), sum(label), sum(entry),"
        " EXISTS (SELECT 1 FROM main.label_history h"
        "  WHERE h.sample_id = k.sample_id AND h.annotator = k.annotator) FROM ("
        f" SELECT {_KEY}, {_flag(_plain_row(False))} AS plain, 1 AS label, 0 AS entry,"
        f" (SELECT {_outcome()} FROM main.labels o"
        "  WHERE o.sample_id = l.sample_id AND o.annotator = l.annotator) AS outcome"
        f" FROM {other}.labels l"
        " UNION ALL"
        f" SELECT {_KEY}, {_flag(_plain_row(True))}, 0, 1, NULL FROM {other}.label_history) AS k"
        " GROUP BY sample_id, annotator"
        " HAVING min(plain) = 1 AND sum(label) <= :most_labels AND sum(entry) <= :most_entries"
        " AND EXISTS (SELECT 1 FROM main.samples s WHERE s.id = k.sample_id)"
        # A label there (compared with ours, if any), or only history there and no
        # label here (a label we have and they deleted goes row by row).
        " AND (sum(label) = 1 OR NOT EXISTS (SELECT 1 FROM main.labels l"
        "  WHERE l.sample_id = k.sample_id AND l.annotator = k.annotator))",
        {**params, "most_labels": 1, "most_entries": MAX_HISTORY_PER_LABEL},
    ).rowcount
    # Two entries of one label with the same (op, time as an instant, revision): the
    # row-by-row path copies the first only. Only a key with two entries or more can
    # have them: the others' rows are not sorted (all of them, when no key has two).
    if conn.execute("SELECT EXISTS (SELECT 1 FROM temp.merge_keys WHERE entries > 1)").fetchone()[
        0
    ]:
        conn.execute(
            "DELETE FROM temp.merge_keys WHERE (sample_id, annotator) IN ("
            f" SELECT sample_id COLLATE BINARY, annotator COLLATE BINARY FROM {other}.label_history h"
            " WHERE typeof(h.sample_id) = 'text' AND typeof(h.annotator) = 'text'"
            " AND EXISTS (SELECT 1 FROM temp.merge_keys k WHERE k.entries > 1"
            "  AND k.sample_id = h.sample_id COLLATE BINARY"
            "  AND k.annotator = h.annotator COLLATE BINARY)"
            " GROUP BY sample_id COLLATE BINARY, annotator COLLATE BINARY, op COLLATE BINARY,"
            f" {spelled('changed_at')}, revision HAVING count(*) > 1)"
        )
    return int(found)


def _held() -> str:
    """SQL: we hold an entry as their history entry ``h`` (the row-by-row path's mark:
    operation, time as an instant, revision); probed only for keys with history here."""
    return (
        "k.ours AND EXISTS (SELECT 1 FROM main.label_history o"
        " WHERE o.sample_id = h.sample_id COLLATE BINARY"
        " AND o.annotator = h.annotator COLLATE BINARY AND o.op = h.op COLLATE BINARY"
        f" AND o.revision = h.revision AND {spelled('o.changed_at')} = {spelled('h.changed_at')})"
    )


def _write(
    conn: sqlite3.Connection,
    other: str,
    counts: dict[str, int],
    ensured: set[str],
    triggers: Any,
    respell: bool = True,
) -> None:
    """The plain keys' labels and history into ours, as the row-by-row path writes
    them: labels that come with their history with our history triggers off (their
    entries are copied), the others with them on (our trigger records the write);
    every entry of theirs we do not hold; conflicts into ``temp.merge_conflicts``.
    ``respell``: times may be in another spelling (False: all are in ours, copied as
    they are, without a pattern match per time)."""
    tally = dict(
        conn.execute(
            "SELECT ifnull(outcome, 0), count(*) FROM temp.merge_keys WHERE labels = 1"
            " GROUP BY ifnull(outcome, 0)"
        ).fetchall()
    )
    counts["labels_new"] += tally.get(0, 0)
    counts["labels_same"] += tally.get(SAME, 0)
    counts["labels_updated"] += tally.get(TOOK_THEIRS, 0)
    for (name,) in conn.execute("SELECT DISTINCT annotator FROM temp.merge_keys").fetchall():
        if name not in ensured:
            ensure_annotator(conn, name)
            ensured.add(name)
    if tally.get(KEPT_FINAL) or tally.get(KEPT_OURS) or tally.get(TOOK_THEIRS):
        conn.execute(
            "CREATE TEMP TABLE IF NOT EXISTS merge_conflicts (sample_id, annotator, outcome,"
            " PRIMARY KEY (sample_id, annotator)) WITHOUT ROWID"
        )
        conn.execute(
            "INSERT INTO temp.merge_conflicts SELECT sample_id, annotator, outcome"
            f" FROM temp.merge_keys WHERE outcome IN ({KEPT_FINAL}, {KEPT_OURS}, {TOOK_THEIRS})"
        )
    columns = ", ".join(LABEL_COLUMNS)
    spell = spelled if respell else str
    written = ", ".join(spell(c) if c in _TIMES else c for c in LABEL_COLUMNS)
    copy = (
        f"INSERT INTO main.labels (sample_id, annotator, {columns})"
        f" SELECT sample_id, annotator, {written} FROM {other}.labels l"
        " WHERE {which} ORDER BY sample_id, annotator"
    )
    if tally.get(TOOK_THEIRS):  # a label of ours replaced: an upsert (else a plain insert)
        copy += " ON CONFLICT (sample_id, annotator) DO UPDATE SET " + ", ".join(
            f"{c} = excluded.{c}" for c in LABEL_COLUMNS
        )
    with _note_index(conn):
        conn.execute(copy.format(which=_joins("l", history=1, written=True)))
        counts["history_copied"] += conn.execute(
            f"INSERT INTO main.label_history (sample_id, annotator, op, changed_at, {columns})"
            f" SELECT sample_id, annotator, op, {spell('changed_at')}, {written}"
            f" FROM {other}.label_history h WHERE {_joins('h', unheld=True)}"
            " ORDER BY sample_id, annotator, id"
        ).rowcount
        with triggers.on():
            conn.execute(copy.format(which=_joins("l", history=0, written=True)))


_TIMES = ("created_at", "updated_at")


def _note_index(conn: sqlite3.Connection) -> CaughtUpTrigger:
    """The notes' search index of the labels inserted in the block, written by one
    ``INSERT ... SELECT`` at its end instead of m005's trigger once per label."""
    return CaughtUpTrigger(
        conn,
        "note_fts_insert",
        "labels",
        "INSERT INTO note_fts (rowid, note, note2)"
        " SELECT rowid, note, note2 FROM main.labels WHERE rowid > ?",
    )


def _rest(conn: sqlite3.Connection, other: str, table: str) -> list[int]:
    """The rowids of ``table``'s rows that are not of a plain key."""
    sql = f"SELECT rowid FROM {other}.{table} t WHERE NOT ({_joins('t')})"
    return [r for (r,) in conn.execute(sql)]


_SAMPLE_COLUMNS = ("id", "passed", "model", "stage", "data_type", "task_type", "source", "metadata")
_TEXTS = ("prompt", "generated_code", "reference_code", "test_output")


def _same_sample() -> str:
    """SQL over their sample ``s`` with its texts ``t`` and ours ``o``, ``ot`` of one
    id: every field the content hash covers is ours, of the same type, and the row
    passes :meth:`~.merge_rows.OtherDatabase._sample`'s checks."""
    checks = [
        "instr(s.id, char(0)) = 0",
        *(f"typeof(t.{c}) = 'text' AND t.{c} = ot.{c} COLLATE BINARY" for c in _TEXTS),
        f"{' + '.join(f'length(t.{c})' for c in _TEXTS)} <= {MAX_SAMPLE_TEXT}",
        "typeof(s.passed) = typeof(o.passed) AND s.passed IS o.passed"
        " AND (s.passed IS NULL OR s.passed IN (0, 1))",
        *(
            f"(s.{c} IS NULL AND o.{c} IS NULL)"
            f" OR (typeof(s.{c}) = 'text' AND s.{c} = o.{c} COLLATE BINARY)"
            for c in ("model", "stage", "data_type", "task_type")
        ),
        "s.source IS NULL OR typeof(s.source) = 'text'",
        "typeof(s.metadata) = 'text' AND s.metadata = o.metadata COLLATE BINARY"
        f" AND length(s.metadata) <= {MAX_METADATA}"
        " AND json_valid(s.metadata) AND json_type(s.metadata) = 'object'",
    ]
    return " AND ".join(f"({c})" for c in checks)


def same_samples(
    conn: sqlite3.Connection, other: OtherDatabase, alias: str
) -> tuple[int, list[int] | None] | None:
    """(how many of ``other``'s samples, attached as ``alias``, equal ours field by
    field; the rowids of the rest, None: all of them), or None when every sample is
    left to the row-by-row path (an older schema, a key that is not text, an id
    twice; then :func:`~.merge_samples.copy_new_samples` may not run either).

    Equal means the same id and the same content, byte for byte and type for type:
    the row-by-row path would hash it to the digest of our content and count it the
    same (a sample of ours whose stored digest is stale, say metadata attached
    after the import, counts as the same here, not as a conflict: its content is
    ours). Nothing is written for them either way."""
    for table, needed in (("samples", _SAMPLE_COLUMNS), ("sample_texts", ("sample_id", *_TEXTS))):
        have = {c.lower() for c in other.columns[table]}
        if not set(needed) <= have or have & _ROWID_NAMES:
            return None
    a = _q(alias)
    limit = conn.getlimit(sqlite3.SQLITE_LIMIT_LENGTH)
    conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SAMPLE_VALUE)
    try:
        odd = conn.execute(
            f"SELECT EXISTS (SELECT 1 FROM {a}.samples WHERE typeof(id) <> 'text')"
            f" OR EXISTS (SELECT 1 FROM {a}.sample_texts WHERE typeof(sample_id) <> 'text')"
            f" OR EXISTS (SELECT 1 FROM {a}.samples GROUP BY id COLLATE BINARY"
            "  HAVING count(*) > 1)"
            f" OR EXISTS (SELECT 1 FROM {a}.sample_texts GROUP BY sample_id COLLATE BINARY"
            "  HAVING count(*) > 1)"
        ).fetchone()[0]
        if odd:
            return None
        conn.execute("CREATE TEMP TABLE merge_same (rid INTEGER PRIMARY KEY)")
        try:
            same = conn.execute(
                "INSERT INTO temp.merge_same SELECT s.rowid"
                f" FROM {a}.samples s JOIN {a}.sample_texts t ON t.sample_id = s.id COLLATE BINARY"
                " JOIN main.samples o ON o.id = s.id COLLATE BINARY"
                " JOIN main.sample_texts ot ON ot.sample_id = o.id"
                f" WHERE {_same_sample()}"
            ).rowcount
            if not same:
                return 0, None
            rest = [
                r
                for (r,) in conn.execute(
                    f"SELECT rowid FROM {a}.samples WHERE rowid NOT IN (SELECT rid FROM temp.merge_same)"
                )
            ]
        finally:
            conn.execute("DROP TABLE temp.merge_same")
    except sqlite3.DataError:
        other.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_SAMPLE_VALUE)
        raise other._oversized(("samples", "sample_texts")) from None
    finally:
        conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, limit)
    return int(same), rest
