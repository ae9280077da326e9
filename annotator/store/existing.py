"""Whether a database file is there to read: read commands never create one.

Contract: :func:`require_database` raises a one-line
:class:`~annotator.errors.UserError` when ``path`` does not exist ("no
database at typo.db: import samples first") or is an empty file (SQLite
would silently make a new database of it), and touches nothing. Only
``import`` and ``merge`` create a database; every other command opens an
existing one. Why: a typo in ``--db`` must not make an empty database that
then reads as "0 labels".
"""

from __future__ import annotations

from pathlib import Path

from ..errors import UserError


def require_database(path: str | Path) -> None:
    file = Path(path)
    if str(path) == ":memory:":
        return
    if not file.exists():
        raise UserError(f"no database at {file}: import samples first")
    if file.is_dir():
        raise UserError(f"{file} is a folder, not an annotator database")
    if file.stat().st_size == 0:
        raise UserError(f"{file} is an empty file, not an annotator database: import samples first")
