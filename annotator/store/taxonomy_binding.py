"""The taxonomy a database is bound to: recorded once, checked on every open.

Contract: the first import or label writes the taxonomy's name, version and
:func:`content_hash` into ``taxonomy_binding`` (:func:`ensure_bound`, inside
the caller's write transaction). :func:`check` refuses, with one line naming
both, a taxonomy other than the bound one:

- another name: a different taxonomy (``--taxonomy`` by mistake);
- the same name, another version: only an explicit migration may move the
  database to it (``annotator taxonomy migrate``, which calls :func:`rebind`
  after moving the labels);
- same name and version, other content: the file was edited without a new
  version, which would silently change what stored category numbers mean.

The hash covers what gives a stored label its meaning - category ids and
names, subcategory names and their DL flag, alias codes - not the codebook
text (definitions, examples, keywords), so editing a definition is no
migration. A database without a binding (made before it existed, or empty)
is bound by its next write.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from sqlite_utils import Database

from ..errors import UserError
from ..taxonomy import Taxonomy
from .connection import now

MIGRATE_HINT = "annotator taxonomy migrate"


@dataclass(frozen=True)
class Binding:
    name: str
    version: str
    content_hash: str

    def describe(self) -> str:
        return f"{self.name} {self.version} (content {self.content_hash[:12]})"


def content_hash(taxonomy: Taxonomy) -> str:
    """SHA-256 of the taxonomy's structure (see the module docstring)."""
    structure = {
        "categories": [
            [cat.id, cat.name, [[s.name, s.dl_specific] for s in cat.subcategories]]
            for cat in taxonomy.categories
        ],
        "aliases": [[a.code, a.category, a.subcategory] for a in taxonomy.aliases],
    }
    text = json.dumps(structure, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def binding_of(taxonomy: Taxonomy) -> Binding:
    return Binding(taxonomy.name, taxonomy.version, content_hash(taxonomy))


def bound(db: Database) -> Binding | None:
    """The binding recorded in ``db`` (None: not bound yet)."""
    row = db.conn.execute(
        "SELECT name, version, content_hash FROM taxonomy_binding WHERE id = 1"
    ).fetchone()
    return Binding(*row) if row else None


def check(db: Database, taxonomy: Taxonomy, where: str = "") -> None:
    """Refuse ``taxonomy`` unless it is the one ``db`` is bound to (or none is)."""
    have = bound(db)
    if have is None:
        return
    given = binding_of(taxonomy)
    if given == have:
        return
    place = f"{where}: " if where else ""
    if given.name != have.name:
        reason = (
            f"this database is bound to taxonomy {have.describe()}, not {given.describe()}:"
            " open it with the taxonomy its labels were made with (--taxonomy)"
        )
    elif given.version != have.version:
        reason = (
            f"this database is bound to taxonomy {have.describe()}; {given.describe()} is another"
            f" version of it: move the database to it explicitly ({MIGRATE_HINT})"
        )
    else:
        reason = (
            f"taxonomy {given.describe()} differs in content from the {have.describe()} this"
            " database is bound to: give the changed taxonomy a new version and migrate"
            f" ({MIGRATE_HINT})"
        )
    raise UserError(place + reason)


def ensure_bound(db: Database, taxonomy: Taxonomy) -> None:
    """Bind ``db`` to ``taxonomy`` when it is not bound yet; else :func:`check`.

    Runs inside the caller's write transaction (an import, a label write).
    """
    if bound(db) is None:
        _write(db, binding_of(taxonomy))
    else:
        check(db, taxonomy)


def rebind(db: Database, taxonomy: Taxonomy) -> Binding | None:
    """Bind ``db`` to ``taxonomy`` whatever it was bound to; returns the old binding.

    Only an explicit migration calls this, after it has moved the labels.
    Runs inside the caller's write transaction.
    """
    old = bound(db)
    _write(db, binding_of(taxonomy))
    return old


def _write(db: Database, binding: Binding) -> None:
    db.conn.execute(
        "INSERT OR REPLACE INTO taxonomy_binding (id, name, version, content_hash, bound_at)"
        " VALUES (1, ?, ?, ?, ?)",
        (binding.name, binding.version, binding.content_hash, now()),
    )
