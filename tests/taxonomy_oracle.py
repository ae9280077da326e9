"""The taxonomy's pydantic models as they were (main 265a51f), kept as the oracle of
``tests/test_taxonomy_oracle.py``: the plain dataclasses and their hand-written checks
(:mod:`annotator.taxonomy_check`) must accept and refuse what these did, with the same
line. Not used by the package.
"""

from __future__ import annotations

import re
from functools import cached_property
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from annotator import subinfer
from annotator.errors import UserError
from annotator.taxonomy_changes import Changes

MAX_ID = 1_000_000
"""Largest category id (ids are spreadsheet codes)."""
MAX_CATEGORIES = 1000
"""Most categories (and aliases) a taxonomy may have."""
MAX_TAXONOMY_BYTES = 4 << 20
"""Largest taxonomy file read (the shipped one is 15 KB)."""


class Decision(BaseModel):
    """A decision rule of the codebook: when ``when`` holds, choose ``then``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    when: str = Field(min_length=1)
    then: int = Field(ge=1, le=MAX_ID)
    """The category to choose."""
    subcategory: str | None = None
    """The subcategory of ``then`` to choose, when the rule decides it too."""


class Subcategory(BaseModel):
    """One subcategory of a category."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    """Name as written in the paper's tables."""
    dl_specific: bool
    """Whether the subcategory is specific to deep learning code."""
    keywords: tuple[str, ...] = ()
    """Words that, found in an annotator's note, point at this subcategory."""
    definition: str = ""
    """What belongs in this subcategory (the codebook)."""
    examples: tuple[str, ...] = ()
    """Hand-written examples of failures that belong here."""


class Category(BaseModel):
    """One category; ``id`` is the spreadsheet code."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: int = Field(ge=1, le=MAX_ID)
    name: str = Field(min_length=1)
    description: str = ""
    definition: str = ""
    """What belongs in this category, written for annotators (the codebook)."""
    decision: tuple[Decision, ...] = ()
    """Rules that separate this category from its neighbours."""
    examples: tuple[str, ...] = ()
    """Hand-written examples of failures that belong here."""
    subcategories: tuple[Subcategory, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_subcategories(self) -> Category:
        seen: set[str] = set()
        for index, sub in enumerate(self.subcategories):
            if sub.name in seen:
                raise ValueError(f"subcategories[{index}]: duplicate subcategory '{sub.name}'")
            seen.add(sub.name)
        return self

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


class Alias(BaseModel):
    """An old code that stands for a category (and maybe a subcategory)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    code: int = Field(ge=0, le=MAX_ID)
    name: str = ""
    category: int = Field(ge=1, le=MAX_ID)
    subcategory: str | None = None


class Taxonomy(BaseModel):
    """A versioned taxonomy."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(min_length=1)
    version: str = Field(min_length=1)
    categories: tuple[Category, ...] = Field(min_length=1, max_length=MAX_CATEGORIES)
    aliases: tuple[Alias, ...] = Field(default=(), max_length=MAX_CATEGORIES)
    changes: Changes | None = None
    """How this version follows from an earlier one (``annotator taxonomy migrate``)."""

    @model_validator(mode="after")
    def _check_ids(self) -> Taxonomy:
        ids: set[int] = set()
        for index, cat in enumerate(self.categories):
            if cat.id in ids:
                raise ValueError(f"categories[{index}].id: duplicate category id {cat.id}")
            ids.add(cat.id)
        for index, alias in enumerate(self.aliases):
            if alias.code in ids:
                raise ValueError(f"aliases[{index}].code: {alias.code} is already a category id")
            target = next((c for c in self.categories if c.id == alias.category), None)
            if target is None:
                raise ValueError(
                    f"aliases[{index}].category: unknown alias target category {alias.category}"
                )
            if alias.subcategory is not None and target.subcategory(alias.subcategory) is None:
                raise ValueError(
                    f"aliases[{index}].subcategory: category {alias.category} has no "
                    f"subcategory '{alias.subcategory}'"
                )
        for index, cat in enumerate(self.categories):
            for rule_index, rule in enumerate(cat.decision):
                where = f"categories[{index}].decision[{rule_index}]"
                target = next((c for c in self.categories if c.id == rule.then), None)
                if target is None:
                    raise ValueError(f"{where}.then: unknown category {rule.then}")
                if rule.subcategory is not None and target.subcategory(rule.subcategory) is None:
                    raise ValueError(
                        f"{where}.subcategory: category {rule.then} has no "
                        f"subcategory '{rule.subcategory}'"
                    )
        return self

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


def _yaml_path(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        else:
            out += f".{part}" if out else str(part)
    return out


def parse_taxonomy(data: Any, source: str = "<taxonomy>") -> Taxonomy:
    """Validate already-loaded YAML data; errors name the YAML path."""
    if not isinstance(data, dict):
        raise UserError("a taxonomy must be a mapping with name, version, categories", file=source)
    try:
        return Taxonomy.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = _yaml_path(tuple(err["loc"]))
        msg = str(err["msg"]).removeprefix("Value error, ")
        # Our own validators put the path at the front of their message.
        if ": " in msg and msg.split(": ", 1)[0].startswith(("categories", "aliases", "changes")):
            inner, msg = msg.split(": ", 1)
            where = f"{where}.{inner}" if where else inner
            if inner.startswith("categories[") and where.startswith("categories."):
                where = inner
        raise UserError(msg, file=source, where=where or None) from None
