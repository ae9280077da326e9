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

The binding also keeps the taxonomy itself (its YAML, :func:`stored_taxonomy`),
written with it and by :func:`rebind`: a command given no ``--taxonomy``
uses the database's own taxonomy, so nothing needs ``--taxonomy`` after a
migration. A database bound before the YAML was kept gets it on its next
write under that taxonomy, and a write under a file of the same structure
with an edited codebook keeps that codebook. Refusals name the step that applies: leave out
``--taxonomy`` when the database has its taxonomy (or was migrated past the
one given), migrate when the one given is the next version.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..errors import UserError
from ..taxonomy import Taxonomy, stored_taxonomy_from_text, taxonomy_yaml
from .connection import now

if TYPE_CHECKING:
    from sqlite_utils import Database

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


def bound_yaml(db: Database) -> str | None:
    """The YAML of the taxonomy ``db`` is bound to (None: not bound, or bound
    before the YAML was kept)."""
    row = db.conn.execute("SELECT yaml FROM taxonomy_binding WHERE id = 1").fetchone()
    return str(row[0]) if row and row[0] else None


def stored_taxonomy(db: Database) -> Taxonomy | None:
    """The taxonomy ``db`` keeps with its binding (None: none kept)."""
    text = bound_yaml(db)
    return stored_taxonomy_from_text(text, "the database's taxonomy") if text else None


LEAVE_OUT = "leave out --taxonomy: the database keeps its own taxonomy"


def check(db: Database, taxonomy: Taxonomy, where: str = "") -> None:
    """Refuse ``taxonomy`` unless it is the one ``db`` is bound to (or none is)."""
    have = bound(db)
    if have is None:
        return
    given = binding_of(taxonomy)
    if given == have:
        return
    place = f"{where}: " if where else ""
    kept = stored_taxonomy(db)
    if given.name != have.name:
        step = LEAVE_OUT if kept else "give --taxonomy the file its labels were made with"
        reason = (
            f"this database is bound to taxonomy {have.describe()}, not {given.describe()}: {step}"
        )
    elif given.version != have.version:
        moved_from = kept.changes.from_ if kept is not None and kept.changes else None
        next_from = taxonomy.changes.from_ if taxonomy.changes else None
        if next_from == have.version:
            step = f"move the database to it explicitly ({MIGRATE_HINT} NEW.yaml)"
        elif moved_from == given.version:
            step = f"the database was migrated from {given.version} to {have.version}; {LEAVE_OUT}"
        else:
            keep = LEAVE_OUT if kept is not None else f"give --taxonomy the file of {have.version}"
            step = f"move the database to it explicitly ({MIGRATE_HINT}), or {keep}"
        reason = (
            f"this database is bound to taxonomy {have.describe()}; {given.describe()} is another"
            f" version of it: {step}"
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
        _write(db, taxonomy)
    else:
        check(db, taxonomy)
        text = taxonomy_yaml(taxonomy)
        if bound_yaml(db) != text:
            # Bound before the YAML was kept, or the same structure with an
            # edited codebook (definitions, keywords: not in the hash).
            db.conn.execute("UPDATE taxonomy_binding SET yaml = ? WHERE id = 1", (text,))


def rebind(db: Database, taxonomy: Taxonomy) -> Binding | None:
    """Bind ``db`` to ``taxonomy`` whatever it was bound to; returns the old binding.

    Only an explicit migration calls this, after it has moved the labels.
    Runs inside the caller's write transaction.
    """
    old = bound(db)
    _write(db, taxonomy)
    return old


def _write(db: Database, taxonomy: Taxonomy) -> None:
    binding = binding_of(taxonomy)
    db.conn.execute(
        "INSERT OR REPLACE INTO taxonomy_binding"
        " (id, name, version, content_hash, bound_at, yaml) VALUES (1, ?, ?, ?, ?, ?)",
        (binding.name, binding.version, binding.content_hash, now(), taxonomy_yaml(taxonomy)),
    )


def check_other(conn: sqlite3.Connection, taxonomy: Taxonomy, where: str) -> None:
    """Refuse merging a database (open read-only on ``conn``) bound to another taxonomy.

    Its labels' category numbers would mean something else here. A database
    made before bindings existed has no table and passes (its labels are
    still validated one by one).
    """
    try:
        row = conn.execute(
            "SELECT name, version, content_hash FROM taxonomy_binding WHERE id = 1"
        ).fetchone()
    except sqlite3.OperationalError:
        return  # no binding table: an older database
    if row is None:
        return
    theirs, ours = Binding(*row), binding_of(taxonomy)
    if theirs != ours:
        raise UserError(
            f"{where}: that database is bound to taxonomy {theirs.describe()}, this one uses"
            f" {ours.describe()}: migrate one of them first ({MIGRATE_HINT})"
        )
