"""The taxonomy's shape: plain frozen dataclasses and the bounds of a taxonomy file.

Contract: :class:`Taxonomy`, :class:`Category`, :class:`Subcategory`,
:class:`Decision`, :class:`Alias` and the bounds (:data:`MAX_ID`,
:data:`MAX_CATEGORIES`, :data:`MAX_TAXONOMY_BYTES`), with no I/O. They are
validated and dumped by :mod:`annotator.taxonomy_check` and read from files by
:mod:`annotator.taxonomy`, which every other module imports them through; a module
of their own so that neither of those two imports the other.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from . import subinfer

if TYPE_CHECKING:
    from .taxonomy_changes import Changes

MAX_ID = 1_000_000
"""Largest category id (ids are spreadsheet codes)."""
MAX_CATEGORIES = 1000
"""Most categories (and aliases) a taxonomy may have."""
MAX_TAXONOMY_BYTES = 4 << 20
"""Largest taxonomy file read (the shipped one is 15 KB)."""


@dataclass(frozen=True, kw_only=True)
class Decision:
    """A decision rule of the codebook: when ``when`` holds, choose ``then``."""

    when: str
    then: int
    """The category to choose."""
    subcategory: str | None = None
    """The subcategory of ``then`` to choose, when the rule decides it too."""


@dataclass(frozen=True, kw_only=True)
class Subcategory:
    """One subcategory of a category."""

    name: str
    """Name as written in the paper's tables."""
    dl_specific: bool
    """Whether the subcategory is specific to deep learning code."""
    keywords: tuple[str, ...] = ()
    """Words that, found in an annotator's note, point at this subcategory."""
    definition: str = ""
    """What belongs in this subcategory (the codebook)."""
    examples: tuple[str, ...] = ()
    """Hand-written examples of failures that belong here."""


@dataclass(frozen=True, kw_only=True)
class Category:
    """One category; ``id`` is the spreadsheet code."""

    id: int
    name: str
    description: str = ""
    definition: str = ""
    """What belongs in this category, written for annotators (the codebook)."""
    decision: tuple[Decision, ...] = ()
    """Rules that separate this category from its neighbours."""
    examples: tuple[str, ...] = ()
    """Hand-written examples of failures that belong here."""
    subcategories: tuple[Subcategory, ...]

    def subcategory(self, name: str) -> Subcategory | None:
        for sub in self.subcategories:
            if sub.name == name:
                return sub
        return None

    @property
    def meaning(self) -> str:
        """The codebook definition, or the description when there is none."""
        return self.definition or self.description

    @property
    def dl_specific(self) -> bool:
        return any(sub.dl_specific for sub in self.subcategories)


@dataclass(frozen=True, kw_only=True)
class Alias:
    """An old code that stands for a category (and maybe a subcategory)."""

    code: int
    name: str = ""
    category: int
    subcategory: str | None = None


@dataclass(frozen=True, kw_only=True)
class Taxonomy:
    """A versioned taxonomy."""

    name: str
    version: str
    categories: tuple[Category, ...]
    aliases: tuple[Alias, ...] = ()
    changes: Changes | None = None
    """How this version follows from an earlier one (``annotator taxonomy migrate``)."""

    @cached_property
    def by_id(self) -> dict[int, Category]:
        return {c.id: c for c in self.categories}

    def category(self, category_id: int) -> Category:
        return self.by_id[category_id]

    def has(self, category_id: int) -> bool:
        return category_id in self.by_id

    def is_dl(self, category_id: int, subcategory: str | None) -> bool | None:
        """The DL-specific flag of a subcategory; None when it is unknown."""
        if subcategory is None or category_id not in self.by_id:
            return None
        sub = self.by_id[category_id].subcategory(subcategory)
        return sub.dl_specific if sub else None

    def resolve_code(self, raw: str | int | float) -> tuple[int, str | None] | None:
        """Map a raw code ('6', '6.0', 15) to (category, subcategory); None if unknown."""
        text = str(raw).strip()
        if not re.fullmatch(r"\d+(\.0*)?", text):
            return None
        code = int(float(text))
        if code in self.by_id:
            return code, None
        for alias in self.aliases:
            if alias.code == code:
                return alias.category, alias.subcategory
        # A code merged away by this version's changes stands for its target.
        for merged in self.changes.merged if self.changes else ():
            if code in merged.from_ and merged.to in self.by_id:
                return merged.to, merged.subcategory
        return None

    def current_subcategory(self, category_id: int, name: str) -> str:
        """``name``, or the subcategory it was renamed to by this version's changes
        (an old subcategory name is an alias of the new one)."""
        cat = self.by_id.get(category_id)
        if cat is None or cat.subcategory(name) is not None or self.changes is None:
            return name
        for renamed in self.changes.renamed:
            if (renamed.category, renamed.subcategory) == (category_id, name):
                return renamed.to
        return name

    def infer_subcategory(self, category_id: int, note: str) -> str | None:
        """Guess a subcategory of ``category_id`` from a free-text note.

        A category with a single subcategory always gets it. Otherwise every
        subcategory's evidence in the note is scored (keywords and name
        words, typos included) and the best wins; no evidence or a tie gives
        None (see :mod:`annotator.subinfer`).
        """
        cat = self.by_id.get(category_id)
        if cat is None:
            return None
        if len(cat.subcategories) == 1:
            return cat.subcategories[0].name
        subs = [subinfer.Subcategory(s.name, s.keywords) for s in cat.subcategories]
        return subinfer.infer(note, subs)

    def label_text(self, category_id: int | None, subcategory: str | None = None) -> str:
        if category_id is None:
            return "-"
        name = self.by_id[category_id].name if category_id in self.by_id else "?"
        text = f"{category_id}. {name}"
        return f"{text} / {subcategory}" if subcategory else text
