"""Refusing databases made by a newer annotator.

Contract: :func:`check_not_newer` raises a :class:`~annotator.errors.UserError`
("made by a newer annotator") when the database records a schema step of the
``annotator`` migration set that this version does not ship: such a file is
never migrated or misread, by any command, and is refused as a merge source.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from ..errors import UserError
from .steps import step_names

MIGRATION_SET = "annotator"


def known_steps() -> set[str]:
    return set(step_names())


def unknown_steps(conn: sqlite3.Connection) -> list[str]:
    """Schema steps recorded in ``conn`` that this version does not know."""
    try:
        rows = conn.execute(
            "SELECT name FROM _sqlite_migrations WHERE migration_set = ?", (MIGRATION_SET,)
        ).fetchall()
    except sqlite3.OperationalError:
        return []  # no migrations table: a new (or foreign) file
    known = known_steps()
    return sorted(str(r[0]) for r in rows if r[0] not in known)


def check_not_newer(conn: sqlite3.Connection, path: str | Path) -> None:
    newer = unknown_steps(conn)
    if newer:
        raise UserError(
            f"made by a newer annotator (schema steps {', '.join(newer)} unknown here):"
            " upgrade annotator to open it",
            file=path,
        )
