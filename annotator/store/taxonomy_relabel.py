"""Labels relabeled to a new taxonomy version, and labels as they were under an old one.

Not the schema migrations of the database (those are ``db/migrations.py``); the
plan written here is made by :func:`annotator.migrate.plan_migration`.

Contract (:class:`MigrationStore` is part of :class:`~annotator.store.Store`):
- :meth:`~MigrationStore.apply_migration` writes a :class:`~annotator.taxonomy_changes.MigrationPlan`
  in one ``BEGIN IMMEDIATE`` transaction: every rewritten label through
  ``put_label`` (so ``label_history`` keeps the old state, restorable with
  ``Store.restore_label``), every other label of the old version re-stamped
  with the new version (its codes mean the same), then the database's
  binding to the taxonomy is moved to the new one (:func:`bind_taxonomy`,
  ``Store.rebind_taxonomy``). Either all of it is written or nothing.
- :data:`LABELS_AT_VERSION_SQL` is a ``labels``-shaped row source holding,
  per (sample, annotator), the last state recorded under a taxonomy version
  (a label deleted under it, or first made after it, is absent); agreement
  reads it for ``--taxonomy-version``.
- :meth:`~MigrationStore.taxonomy_versions` counts current labels per version,
  :meth:`~MigrationStore.history_versions` lists every version in the history.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from ..taxonomy import Taxonomy
from .connection import write_transaction
from .labels import put_label

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..taxonomy_changes import MigrationPlan
    from . import Store

LABELS_AT_VERSION_SQL = (
    "(SELECT h.* FROM label_history h JOIN ("
    " SELECT MAX(id) AS last FROM label_history WHERE taxonomy_version = ?"
    " GROUP BY sample_id, annotator) m ON h.id = m.last WHERE h.op != 'delete')"
)
"""Takes one parameter, the version."""


def bind_taxonomy(store: Store, taxonomy: Taxonomy) -> None:
    """Bind the database to ``taxonomy`` (inside the caller's transaction), so it
    is opened with the new version from now on and refused with the old one
    (:mod:`annotator.store.taxonomy_binding`)."""
    store.rebind_taxonomy(taxonomy)


def binding_state(store: Store, new: Taxonomy) -> str:
    """'old' (bound to the store's taxonomy, or not bound yet), 'new' (already
    bound to ``new``: migrated before) or 'other'."""
    from .taxonomy_binding import binding_of

    have = store.taxonomy_binding()
    if have is None or have == binding_of(store.taxonomy):
        return "old"
    if have == binding_of(new):
        return "new"
    return "other"


class MigrationStore:
    """The taxonomy-migration part of the store."""

    _db: Database
    taxonomy: Taxonomy

    def apply_migration(self, plan: MigrationPlan, new: Taxonomy) -> None:
        """Write the plan in one transaction (see the module docstring)."""
        conn = self._db.conn
        with write_transaction(self._db):
            for rewrite in plan.rewrites:
                label = rewrite.label
                put_label(
                    self._db,
                    label.sample_id,
                    label.annotator,
                    rewrite.value,
                    taxonomy_version=new.version,
                    source=label.source,
                    written_by=label.written_by,
                )
            # Unchanged codes: only the version they refer to moves on (updated_at
            # is kept, so the label does not look freshly edited to a merge).
            conn.execute(
                "UPDATE labels SET taxonomy_version = ? WHERE taxonomy_version = ?",
                (new.version, plan.old_version),
            )
            bind_taxonomy(cast("Store", self), new)  # the mixin is always part of a Store
            self.taxonomy = new

    def taxonomy_versions(self) -> dict[str, int]:
        """Current labels per taxonomy version."""
        rows = self._db.conn.execute(
            "SELECT taxonomy_version, COUNT(*) FROM labels GROUP BY taxonomy_version ORDER BY 1"
        )
        return {str(version): int(count) for version, count in rows}

    def history_versions(self) -> set[str]:
        """Every taxonomy version a label was ever recorded under."""
        rows = self._db.conn.execute("SELECT DISTINCT taxonomy_version FROM label_history")
        return {str(r[0]) for r in rows}
