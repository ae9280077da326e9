"""Raw SQL in tests, in one place: read what the store committed, or build bad state.

The package reaches the database only through named ``Store`` methods, and so do
the tests wherever a method exists. Two documented exceptions live here:

- :func:`peek` reads rows the store has *committed* (history written by triggers,
  cache keys, the ``category_counts`` view, whole tables to show that a refused
  import changed nothing) through a separate **read-only** connection to the
  file: it can neither write nor see the store's private connection.
- :func:`tamper` hands out the store's own connection, only to build a state the
  store would never write (an overflowing revision, deleted history, equal
  timestamps, a read-only connection, a database without history triggers).
  Commit what you change. Nothing else in the tests may touch ``Store._db``.
"""

from __future__ import annotations

import sqlite3
from typing import Any

from annotator.store import Store


def peek(store: Store, sql: str, params: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every row of ``sql`` as committed in ``store``'s file (read-only)."""
    conn = sqlite3.connect(f"{store.path.resolve().as_uri()}?mode=ro", uri=True)
    try:
        return conn.execute(sql, params).fetchall()
    finally:
        conn.close()


def tamper(store: Store) -> sqlite3.Connection:
    """The store's own connection, to build bad state on purpose (see the module docstring)."""
    return store._db.conn
