"""Shared state of one CLI invocation: where the database and taxonomy are.

Contract: :class:`Context` opens the store and taxonomy lazily, once, and
closes the store when the command ends. :attr:`Context.store` opens an
existing database only (read commands never create one: a missing or empty
file is one clear error); :meth:`Context.creating_store` may create it
(``import`` and ``merge``). Both refuse a taxonomy other than the one the
database is bound to (:mod:`annotator.store.taxonomy_binding`).

The taxonomy is ``--taxonomy`` when given; otherwise the one the database
keeps with its binding (so no command needs ``--taxonomy`` after
``taxonomy migrate``); otherwise (no database, or none kept) the bundled one.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import click

from ..errors import UserError
from ..store import Store
from ..store.existing import require_database
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
            if self.taxonomy_path is not None:
                self._taxonomy = load_taxonomy(self.taxonomy_path)
            elif self._store is not None or self._database_exists():
                self._taxonomy = self.store.taxonomy  # the database's own, else bundled
            else:
                self._taxonomy = load_taxonomy()
        return self._taxonomy

    def _database_exists(self) -> bool:
        try:
            require_database(self.db_path)
        except UserError:
            return False
        return True

    def _given(self) -> Taxonomy | None:
        """``--taxonomy`` (None: the store takes the database's own)."""
        return self.taxonomy if self.taxonomy_path is not None else None

    @property
    def store(self) -> Store:
        if self._store is None:
            require_database(self.db_path)
            self._store = self._checked(Store.open(self.db_path, self._given()))
        return self._store

    def creating_store(self) -> Store:
        """The store, creating the database file when there is none (import, merge)."""
        if self._store is None:
            self._store = self._checked(Store.open(self.db_path, self._given()))
        return self._store

    @staticmethod
    def _checked(store: Store) -> Store:
        """Refuse a taxonomy other than the one the database is bound to."""
        try:
            store.check_taxonomy()
        except BaseException:
            store.close()
            raise
        return store

    def close(self) -> None:
        if self._store is not None:
            self._store.close()
            self._store = None


pass_context = click.make_pass_decorator(Context)
