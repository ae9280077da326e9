"""Shared state of one CLI invocation: where the database and taxonomy are.

Contract: :class:`Context` opens the store and taxonomy lazily, once, and
closes the store when the command ends. :attr:`Context.store` opens an
existing database only (read commands never create one: a missing or empty
file is one clear error); :meth:`Context.creating_store` may create it
(``import`` and ``merge``). Both refuse a taxonomy other than the one the
database is bound to (:mod:`annotator.store.taxonomy_binding`). When a command
that created the database fails, :meth:`Context.discard_created` removes the
file it made (and its WAL files and any folders made for it): a failed first
import leaves nothing behind, not even an empty schema that later reads as
"0 samples".

The taxonomy is ``--taxonomy`` when given; otherwise the one the database
keeps with its binding (so no command needs ``--taxonomy`` after
``taxonomy migrate``); otherwise (no database, or none kept) the bundled one.
"""

from __future__ import annotations

import sqlite3
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
    _created: list[Path] = field(default_factory=list, repr=False)

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
            self._store = self._checked(Store.open(self.db_path, self._given(), create=False))
        return self._store

    def creating_store(self) -> Store:
        """The store, creating the database file when there is none (import, merge)."""
        if self._store is None:
            if str(self.db_path) != ":memory:" and not self.db_path.exists():
                # What this command makes: the file, then each missing folder above it.
                made = [self.db_path]
                folder = self.db_path.parent
                while not folder.exists():
                    made.append(folder)
                    folder = folder.parent
                self._created = made
            self._store = self._checked(Store.open(self.db_path, self._given()))
        return self._store

    def discard_created(self) -> None:
        """Close the store and remove the database this command created (after a failure),
        unless something was committed to it (a failure after a successful import, such
        as a closed pipe while printing the summary, must not lose the import)."""
        made, self._created = self._created, []
        store = self._store
        try:
            empty = store is None or store.is_empty()
        except sqlite3.Error:  # no schema yet: nothing was written
            empty = True
        self.close()
        if not made or not empty:
            return
        file = made[0]
        for suffix in ("", "-wal", "-shm", "-journal"):
            file.with_name(file.name + suffix).unlink(missing_ok=True)
        for folder in made[1:]:
            try:
                folder.rmdir()
            except OSError:  # something else was put there meanwhile: leave it
                break

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
