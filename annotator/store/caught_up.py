"""A row trigger held for a bulk write, its work done once for the rows written meanwhile.

Contract: ``with CaughtUpTrigger(conn, trigger, table, catch_up):`` drops ``trigger``
(of our ``main`` schema) for the block and, when the block ends without an error,
runs ``catch_up`` (an ``INSERT ... SELECT`` with one ``?``: the largest rowid of
``table`` before the block) and creates the trigger again from its own stored SQL.
All of it happens inside the caller's transaction, so a failed write rolls the
trigger back with everything else. Nothing is held when the trigger (or the
``requires`` table) is missing, or when the table's rowids are near the end of
their range: SQLite may then pick any free rowid, and "the rows above the old
maximum" would not be the new rows.

Why: a per-row trigger that writes a search index (m005's notes, m012's pending
list) costs a merge of 600,000 labels seconds; one statement over the new rows
does the same work at a fraction of it.
"""

from __future__ import annotations

import sqlite3


class CaughtUpTrigger:
    """See the module docstring."""

    def __init__(
        self,
        conn: sqlite3.Connection,
        trigger: str,
        table: str,
        catch_up: str,
        requires: str | None = None,
    ) -> None:
        self.conn = conn
        self.trigger = trigger
        self.catch_up = catch_up
        row = conn.execute(
            "SELECT sql FROM main.sqlite_master WHERE type = 'trigger' AND name = ?", (trigger,)
        ).fetchone()
        present = (
            requires is None
            or conn.execute(
                "SELECT 1 FROM main.sqlite_master WHERE type = 'table' AND name = ?", (requires,)
            ).fetchone()
        )
        self.after = conn.execute(f"SELECT ifnull(max(rowid), 0) FROM main.{table}").fetchone()[0]
        usable = row is not None and present and self.after < 2**62
        self.sql: str | None = row[0] if usable else None

    def __enter__(self) -> None:
        if self.sql is not None:
            self.conn.execute(f"DROP TRIGGER main.{self.trigger}")

    def __exit__(self, kind: object, *_: object) -> None:
        if self.sql is None or kind is not None:
            return  # an error: the transaction rolls back, the trigger with it
        self.conn.execute(self.catch_up, (self.after,))
        self.conn.execute(self.sql)
