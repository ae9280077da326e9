"""The bug taxonomy: a YAML file validated into plain frozen dataclasses.

Contract:
- :func:`load_taxonomy` reads a taxonomy file and returns a :class:`Taxonomy`,
  or raises :class:`~annotator.errors.UserError` naming the file, the YAML path
  (``categories[3].subcategories[0].name``) and the reason. Bounded: a file of
  at most 4 MiB (a FIFO refused), at most 1000 categories, ids up to 1,000,000
  (a 5000-digit id is one line, not a traceback).
- Category ids are the numeric codes of existing spreadsheets; aliases map old
  codes (15, 'Wrong import') to a category and subcategory.
- :meth:`Taxonomy.resolve_code` turns a raw spreadsheet value ('6', '6.0',
  '15') into ``(category, subcategory or None)``.
- :meth:`Taxonomy.infer_subcategory` guesses a subcategory from a free-text
  note (the best-scored evidence: :mod:`annotator.subinfer`).
- The codebook: every category and subcategory may carry a ``definition``
  (what belongs in it), ``decision`` rules (``when`` this holds, choose
  category ``then``; rules naming an unknown category are refused) and
  hand-written ``examples``. :attr:`Category.meaning` is the definition, or
  the description when there is none.

The shape is defined once, here: the dataclasses' fields, with the checks of each
in :data:`_SCHEMA` (:mod:`annotator.taxonomy_check`, which validates and dumps
them). Why not pydantic: every command, and ``annotator label`` before its first
frame, reads a taxonomy, and pydantic's import and model building cost 60-100 ms
of CPU there. The checks accept and refuse what the pydantic models did, with
the same messages (``tests/test_taxonomy_oracle.py`` compares them with those
models on many malformed files). Only a ``changes`` section (``taxonomy migrate``)
is still validated by pydantic (:mod:`annotator.taxonomy_changes`), loaded then.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import subinfer
from .errors import UserError
from .paths import shipped
from .safefiles import read_text

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
    from .taxonomy_check import Invalid, validate

    if not isinstance(data, dict):
        raise UserError("a taxonomy must be a mapping with name, version, categories", file=source)
    try:
        return validate(data)
    except Invalid as exc:
        where = _yaml_path(exc.loc)
        msg = exc.msg
        # The cross-checks put the path at the front of their message.
        if ": " in msg and msg.split(": ", 1)[0].startswith(("categories", "aliases", "changes")):
            inner, msg = msg.split(": ", 1)
            where = f"{where}.{inner}" if where else inner
            if inner.startswith("categories[") and where.startswith("categories."):
                where = inner
        raise UserError(msg, file=source, where=where or None) from None


_NOT_FOR_YAML = re.compile("[\x7f-\x9f\u2028\u2029\ud800-\udfff\ufffe\uffff]")
"""Characters a YAML reader refuses raw (controls, non-characters, surrogates) or reads
as a line break inside a quoted string; JSON leaves them raw unless escaped."""


def taxonomy_yaml(taxonomy: Taxonomy) -> str:
    """The whole taxonomy (codebook included) as YAML that :func:`taxonomy_from_yaml`
    reads back into an equal taxonomy (what a database keeps of its binding).

    Spelled as JSON, which is YAML too (every character a YAML reader would refuse or
    fold escaped as ``\\uXXXX``): :func:`stored_taxonomy_from_text` reads it with
    ``json``, so that opening a database (``annotator label`` before its first frame)
    does not import the YAML library (10-20 ms); an older annotator reads it as YAML."""
    import json

    from .taxonomy_check import dump

    text = json.dumps(dump(taxonomy), ensure_ascii=False, indent=1)
    return _NOT_FOR_YAML.sub(lambda m: f"\\u{ord(m.group()):04x}", text)


def _no_exponent(text: str) -> float:
    # YAML 1.1 reads 1e5 as a string, JSON as a number: leave such text to YAML.
    if "e" in text.lower():
        raise ValueError("an exponent")
    return float(text)


def _no_constant(text: str) -> Any:
    raise ValueError(f"{text} is not YAML")


def stored_taxonomy_from_text(text: str, source: str) -> Taxonomy:
    """The taxonomy a database keeps (:func:`taxonomy_yaml`'s JSON, or the YAML an
    older version wrote), validated as a file's: JSON read without the YAML library
    when it is plain JSON that YAML reads the same; anything else as YAML."""
    import json

    if len(text) <= MAX_TAXONOMY_BYTES and text.startswith("{"):
        try:
            data = json.loads(text, parse_float=_no_exponent, parse_constant=_no_constant)
        except (ValueError, RecursionError):
            pass  # not plain JSON: YAML reads it (and names what is wrong)
        else:
            return parse_taxonomy(data, source)
    return taxonomy_from_yaml(text, source)


def load_taxonomy(path: str | Path | None = None) -> Taxonomy:
    """Load and validate a taxonomy file (the shipped DLEval one by default)."""
    file = Path(path) if path is not None else shipped("taxonomy.yaml")
    try:
        text = read_text(file, what="taxonomy", cap=MAX_TAXONOMY_BYTES)
    except UserError as exc:
        if exc.reason.startswith("not UTF-8"):
            raise UserError("taxonomy is not UTF-8 text", file=file) from None
        raise
    return taxonomy_from_yaml(text, str(file))


def taxonomy_from_yaml(text: str, source: str = "<taxonomy>") -> Taxonomy:
    """Parse and validate taxonomy YAML text (a file's, or the one a database
    keeps); errors name ``source``. The same bounds as a file: a database is
    as untrusted as a file once it has been merged or handed over."""
    file = source
    if len(text) > MAX_TAXONOMY_BYTES:
        raise UserError(f"taxonomy is over {MAX_TAXONOMY_BYTES:,} characters", file=file)
    import yaml

    try:
        # The C loader when libyaml is there: the pure-Python one costs 0.1 s.
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(text, Loader=loader)  # noqa: S506 - a safe loader
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise UserError(
            f"invalid YAML: {getattr(exc, 'problem', exc)}", file=file, line=line
        ) from None
    except ValueError as exc:  # an integer of more than 4300 digits
        why = "a number of more than 4300 digits" if "digits" in str(exc) else str(exc)[:200]
        raise UserError(f"invalid YAML: {why}", file=file) from None
    except RecursionError:
        raise UserError("invalid YAML: nested too deeply", file=file) from None
    return parse_taxonomy(data, file)
