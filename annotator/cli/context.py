"""Shared state of one CLI invocation: where the database and taxonomy are.

Contract: :class:`Context` opens the store and taxonomy lazily, once, and
closes the store when the command ends.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from ..errors import UserError
from ..store import Store
from ..taxonomy import Taxonomy, load_taxonomy


@dataclass
class Context:
    db_path: Path
    taxonomy_path: Path | None = None
    _store: Store | None = field(default=None, repr=False)
    _taxonomy: Taxonomy | None = field(default=None, repr=False)

    @property
    def taxonomy(self) -> Taxonomy:
        if self._taxonomy is None:
            self._taxonomy = load_taxonomy(self.taxonomy_path)
        return self._taxonomy

    @property
    def store(self) -> Store:
        if self._store is None:
            refuse_empty_file(self.db_path)
            self._store = Store.open(self.db_path, self.taxonomy)
        return self._store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


CREATING_COMMANDS = frozenset({"import", "merge", "demo"})
"""Commands that may turn a new or empty file into a database."""


def refuse_empty_file(path: Path) -> None:
    """A 0-byte file is not silently made a database by a command that only reads."""
    click_ctx = click.get_current_context(silent=True)
    command = click_ctx.info_name if click_ctx is not None else None
    if command in CREATING_COMMANDS:
        return
    try:
        empty = path.is_file() and path.stat().st_size == 0
    except OSError:
        return
    if empty:
        raise UserError("an empty file, not an annotator database: import samples first", file=path)


pass_context = click.make_pass_decorator(Context)
