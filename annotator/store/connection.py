"""Opening the database: pragmas, migrations, and write transactions.

Contract:
- :func:`connect` opens (creating parent folders) a SQLite file with WAL,
  foreign keys and a busy timeout, and applies pending migrations.
- What it returns is a sqlite-utils ``Database`` in every use, but sqlite-utils is
  imported only when something needs more than the ``sqlite3`` connection
  (:class:`LazyDatabase`): the migrations (the store reads and writes through
  ``db.conn``, and a nested write block is a savepoint of ours), so the labeling UI
  neither starts with it nor loads it at its first label (15-25 ms of CPU;
  ``tests/test_startup_imports.py``). Whether a step is pending is read from the
  steps' names (:func:`~annotator.store.steps.step_names`) first.
- :func:`write_transaction` runs a block in ``BEGIN IMMEDIATE``: the write lock
  is taken up front, so two processes never deadlock upgrading a read lock,
  and a busy database is retried instead of surfacing 'database is locked'.
  The block commits as a whole or not at all.
"""

from __future__ import annotations

import itertools
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from ..errors import UserError
from .schema_guard import MIGRATION_SET, check_not_newer
from .steps import migrations, step_names

if TYPE_CHECKING:
    from sqlite_utils import Database

BUSY_TIMEOUT_MS = 30_000


def now() -> str:
    """UTC timestamp with microseconds, sortable as text."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.%fZ")


def connect(path: str | Path, *, migrate: bool = True, create: bool = True) -> Database:
    """Open the database at ``path`` and bring its schema up to date.

    Another program's SQLite file (tables, none of them ours) is refused before
    anything is written to it - no schema added, no switch to WAL - by every
    command; a file with no tables at all is made an annotator database only
    when ``create`` (``import``, ``merge``).
    """
    if str(path) != ":memory:":
        file = Path(path)
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise UserError(f"cannot create folder: {exc.strerror}", file=file.parent) from None
    try:
        # check_same_thread=False: a connection may serve several threads,
        # never two at once - the suggestion engine's (one per file) serves
        # every UI worker under the engine's own lock; other workers open
        # their own (Store.reopen()). SQLite has no lock of the store's.
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        try:
            _check_ours(conn, path, create)
        except BaseException:
            conn.close()
            raise
        # Test outputs run to megabytes: 16 KiB pages halve the overflow
        # chains. Only takes effect when the file is new.
        conn.execute("PRAGMA page_size = 16384")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        # What sqlite-utils' Database sets on the connection it is given (a REPLACE fires
        # the delete triggers: the labels' history): set here too, because that object
        # is made only when needed (LazyDatabase), so writes behave the same either way.
        conn.execute("PRAGMA recursive_triggers = ON")
        check_not_newer(conn, path)
        db = cast("Database", LazyDatabase(conn))
        if migrate:
            _apply_migrations(db)
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise UserError(
                "the database is busy: another process holds it (a large import?); try again",
                file=path,
            ) from None
        raise UserError(f"not an annotator database: {exc}", file=path) from None
    except sqlite3.DatabaseError as exc:
        raise UserError(f"not an annotator database: {exc}", file=path) from None
    return db


def _check_ours(conn: sqlite3.Connection, path: str | Path, create: bool) -> None:
    """Refuse a file that is not ours, reading only (see :func:`connect`)."""
    tables = [
        str(r[0])
        for r in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
            " ORDER BY name"
        )
    ]
    if not tables:
        if not create:
            raise UserError(f"no annotator database in {path}: import samples first")
        return
    if (
        "_sqlite_migrations" in tables
        and conn.execute(
            "SELECT 1 FROM _sqlite_migrations WHERE migration_set = ? LIMIT 1", (MIGRATION_SET,)
        ).fetchone()
    ):
        return
    shown = ", ".join(t if len(t) <= 40 else t[:39] + "…" for t in tables[:5])
    shown += ", ..." if len(tables) > 5 else ""
    raise UserError(
        f"not an annotator database: it holds another program's tables ({shown}); left unchanged",
        file=path,
    )


class LazyDatabase:
    """A sqlite-utils ``Database`` over ``conn``, made (and sqlite-utils imported) on
    the first use of anything but :attr:`conn` and :meth:`close`; every other
    attribute and ``db[table]`` are the real one's."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.conn = conn
        self._real: Database | None = None

    def real(self) -> Database:
        if self._real is None:
            from sqlite_utils import Database

            # No sqlite-utils plugins: none is annotator's to run on a labels database, and
            # finding them scans every installed package's entry points (10 ms a process).
            self._real = Database(self.conn, execute_plugins=False)
        return self._real

    def __getattr__(self, name: str) -> Any:
        # Called only for what this class lacks: the real Database's attributes.
        if name == "_real":
            raise AttributeError(name)
        return getattr(self.real(), name)

    def __getitem__(self, table: str) -> Any:
        return self.real()[table]

    def close(self) -> None:
        self.conn.close()


def _real(db: Database) -> Database:
    """The sqlite-utils object behind ``db`` (sqlite-utils' own code is given that)."""
    return db.real() if isinstance(db, LazyDatabase) else db


def _pending(conn: sqlite3.Connection) -> bool:
    """Whether a shipped step is not recorded in the file (read with SQL only)."""
    try:
        done = {
            str(r[0])
            for r in conn.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
            )
        }
    except sqlite3.OperationalError:
        return True  # no migrations table: a new file
    return not done.issuperset(step_names())


def _apply_migrations(db: Database) -> None:
    if not _pending(db.conn):
        return
    sets = migrations()
    # Two processes opening a new database at once must not both migrate.
    with write_transaction(db):
        if sets.pending(_real(db)):
            sets.apply(_real(db))


@contextmanager
def bulk_mode(db: Database) -> Iterator[bool]:
    """A rollback journal instead of WAL for one large import, when possible.

    WAL writes every new page twice (log, then checkpoint); a rollback
    journal writes pages appended to the file once. SQLite only allows the
    switch while no other connection has the file open; otherwise the import
    simply runs in WAL mode. Yields whether the switch happened; WAL is
    restored afterwards in every case. Only ``main`` switches: a file the merge
    attached read-only is never asked to change (nor written).
    """
    conn = db.conn
    try:
        switched = conn.execute("PRAGMA main.journal_mode = DELETE").fetchone()[0] == "delete"
    except sqlite3.OperationalError:
        switched = False
    try:
        yield switched
    finally:
        if switched:
            conn.execute("PRAGMA main.journal_mode = WAL")


@contextmanager
def committed(db: Database) -> Iterator[Database]:
    """End the transaction the caller began: COMMIT when the block returns,
    ROLLBACK when it raises (anything, KeyboardInterrupt included)."""
    conn = db.conn
    try:
        yield db
    except BaseException:
        if conn.in_transaction:
            conn.execute("ROLLBACK")
        raise
    else:
        conn.execute("COMMIT")


_SAVEPOINTS = itertools.count(1)
"""Numbers savepoint names, unique in the process (a nested block's name is never reused
by the block around it)."""


@contextmanager
def _savepoint(conn: sqlite3.Connection) -> Iterator[None]:
    """A nested write block: a savepoint, released when the block returns and rolled back
    to when it raises (sqlite-utils' ``atomic()`` does the same, which this was)."""
    name = f"annotator_{next(_SAVEPOINTS)}"
    conn.execute(f"SAVEPOINT {name}")
    try:
        yield
    except BaseException:
        # An error that ended the whole transaction (a RAISE(ROLLBACK) trigger) took the
        # savepoint with it: cleaning up would hide the error behind "no such savepoint".
        if conn.in_transaction:
            conn.execute(f"ROLLBACK TO SAVEPOINT {name}")
            conn.execute(f"RELEASE SAVEPOINT {name}")
        raise
    else:
        conn.execute(f"RELEASE SAVEPOINT {name}")


@contextmanager
def write_transaction(db: Database, retries: int = 50) -> Iterator[Database]:
    """``BEGIN IMMEDIATE`` ... ``COMMIT``, retried while another writer holds the lock."""
    conn = db.conn
    if conn.in_transaction:
        with _savepoint(conn):
            yield db
        return
    for attempt in range(retries):
        try:
            conn.execute("BEGIN IMMEDIATE")
            break
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if attempt == retries - 1:
                raise UserError("the database stayed locked by another writer") from None
            time.sleep(min(0.05 * (attempt + 1), 0.5))
    with committed(db):
        yield db
