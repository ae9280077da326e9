"""The store's own connection, for tests that inspect or corrupt what it wrote.

Everything in the package goes through named ``Store`` methods; a test that checks the
rows themselves (history triggers, journal mode, cache keys) reads them here, in one place.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database

from annotator.store import Store


def raw_db(store: Store) -> Database:
    return store._db


def raw(store: Store) -> sqlite3.Connection:
    return store._db.conn
