"""The ``changes`` section of a taxonomy file: how this version follows from the last.

Contract: plain pydantic models (no I/O, no taxonomy import) for the section
that ``annotator taxonomy migrate`` reads. ``from`` names the version the
labels are migrated from; each list names one kind of change:

- ``renamed``: a category (``{category: 3, to: "New name"}``, labels keep
  their id) or a subcategory (``{category: 6, subcategory: Old, to: New}``);
- ``merged``: ``{from: [3, 9], to: 9, subcategory: optional}`` - labels of
  every ``from`` category become ``to``;
- ``split``: ``{from: 1, to: [1, 15]}`` - labels of ``from`` go to the first
  target (or stay, when ``from`` is a target) and are marked 'to confirm'
  for the annotator who made them;
- ``moved``: ``{subcategory: Name, from: 8, to: 7, as: optional new name}``;
- ``added``: new category ids;
- ``removed``: ``{category: 13}`` (refused while labels use it) or
  ``{category: 5, subcategory: Name}`` (labels keep the category, lose the
  subcategory, and are marked 'to confirm').

Whether the changes fit the old and new taxonomy is checked by
:func:`annotator.migrate.plan_migration`, which also turns merged-away codes
and old subcategory names into aliases, and returns a :class:`MigrationPlan`
(the labels to rewrite) that :func:`annotator.store.taxonomy_relabel.apply_migration`
writes: the plan's type lives here, below both.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from pydantic import BaseModel, ConfigDict, Field

if TYPE_CHECKING:
    from .models import Label, LabelValue


class _Change(BaseModel):
    # Built on first use: only `taxonomy migrate` reads a changes file.
    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True, defer_build=True)


class Renamed(_Change):
    category: int
    subcategory: str | None = None
    """The old subcategory name; None renames the category itself."""
    to: str = Field(min_length=1)


class Merged(_Change):
    from_: tuple[int, ...] = Field(alias="from", min_length=1)
    to: int
    subcategory: str | None = None
    """The subcategory of ``to`` the merged labels get (default: the same name, if it exists)."""


class Split(_Change):
    from_: int = Field(alias="from")
    to: tuple[int, ...] = Field(min_length=2)


class Moved(_Change):
    subcategory: str = Field(min_length=1)
    from_: int = Field(alias="from")
    to: int
    as_: str | None = Field(default=None, alias="as")


class Removed(_Change):
    category: int
    subcategory: str | None = None


class Changes(_Change):
    from_: str = Field(alias="from", min_length=1)
    renamed: tuple[Renamed, ...] = ()
    merged: tuple[Merged, ...] = ()
    split: tuple[Split, ...] = ()
    moved: tuple[Moved, ...] = ()
    added: tuple[int, ...] = ()
    removed: tuple[Removed, ...] = ()


@dataclass(frozen=True)
class Rewrite:
    label: Label
    value: LabelValue
    confirm: bool


@dataclass
class MigrationPlan:
    old_version: str
    new_version: str
    rewrites: list[Rewrite] = field(default_factory=list)
    unchanged: int = 0
    """Labels at the old version whose codes stay as they are."""
    already: int = 0
    """Labels already at the new version (left alone)."""
    moves: Counter[tuple[str, str]] = field(default_factory=Counter)
    """(old category/subcategory, new one) -> number of label slots."""

    @property
    def to_confirm(self) -> int:
        return sum(r.confirm for r in self.rewrites)
