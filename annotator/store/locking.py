"""Taking the write lock with a bounded, observable wait (for the UI's writer).

Contract: :func:`write_lock` opens a ``BEGIN IMMEDIATE`` transaction on ``db``,
waiting for another process's write lock in short steps (so the caller can
tell the user it waits) for at most ``give_up`` seconds, then raises
:class:`LockTimeout`. The block runs inside the transaction (store writes in
it join it); it commits when the block ends and rolls back on an error.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..errors import UserError
from .connection import committed

if TYPE_CHECKING:
    from sqlite_utils import Database

STEP_MS = 100
"""How long one attempt waits for the lock (SQLite's busy timeout)."""


class LockTimeout(UserError):
    """Another writer held the database for longer than the caller would wait."""


def _locked(exc: sqlite3.OperationalError) -> bool:
    text = str(exc)
    return "locked" in text or "busy" in text


@contextmanager
def write_lock(db: Database, give_up: float) -> Iterator[Database]:
    conn = db.conn
    previous = conn.execute("PRAGMA busy_timeout").fetchone()[0]
    conn.execute(f"PRAGMA busy_timeout = {STEP_MS}")
    deadline = time.monotonic() + give_up
    try:
        while True:
            try:
                conn.execute("BEGIN IMMEDIATE")
                break
            except sqlite3.OperationalError as exc:
                if not _locked(exc):
                    raise
                if time.monotonic() >= deadline:
                    raise LockTimeout(
                        f"the database stayed locked by another writer for {give_up:g} s"
                    ) from None
    finally:
        conn.execute(f"PRAGMA busy_timeout = {int(previous)}")
    with committed(db):
        yield db
