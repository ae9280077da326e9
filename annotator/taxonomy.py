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

The shape is defined once, in :mod:`annotator.taxonomy_types` (imported from here):
the dataclasses' fields, with the checks of each in :data:`_SCHEMA`
(:mod:`annotator.taxonomy_check`, which validates and dumps them). Why not
pydantic: every command, and ``annotator label`` before its first frame, reads a taxonomy, and pydantic's import and model building cost 60-100 ms
of CPU there. The checks accept and refuse what the pydantic models did, with
the same messages (``tests/test_taxonomy_oracle.py`` compares them with those
models on many malformed files). Only a ``changes`` section (``taxonomy migrate``)
is still validated by pydantic (:mod:`annotator.taxonomy_changes`), loaded then.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from .errors import UserError
from .paths import shipped
from .safefiles import read_text
from .taxonomy_types import (
    MAX_CATEGORIES as MAX_CATEGORIES,
    MAX_ID as MAX_ID,
    MAX_TAXONOMY_BYTES as MAX_TAXONOMY_BYTES,
    Alias as Alias,
    Category as Category,
    Decision as Decision,
    Subcategory as Subcategory,
    Taxonomy as Taxonomy,
)


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
