"""Validating taxonomy data (loaded YAML) into :mod:`annotator.taxonomy`'s dataclasses,
and dumping them back.

Contract: :func:`validate` returns a :class:`~annotator.taxonomy.Taxonomy` or raises
:class:`Invalid` with the location (``("categories", 3, "id")``) and the reason of the
first problem, in the order and the words of the pydantic models the taxonomy was
before (pydantic's lax mode: ``"5"``, ``5.0`` and ``True`` are the integer 5, 5 and 1;
``"yes"``/``"off"``/``0``/``1`` are booleans; lists and sets are tuples; bytes are
text), so that a file refused before is refused now with the same line. Fields are
checked in their dataclass's order, then unknown keys, then the cross-checks
(duplicate ids and subcategories, alias and decision targets). The ``changes``
section is validated by its pydantic model (:mod:`annotator.taxonomy_changes`),
imported only when a file has one. :func:`dump` is the plain data of a taxonomy
(what ``model_dump(mode="json", by_alias=True, exclude_none=True)`` gave).

Which check each field gets is :data:`CHECKS`; the fields themselves (their order,
defaults, and which are required) are the dataclasses'.
"""

from __future__ import annotations

import dataclasses
import math
import re
from collections.abc import Callable
from typing import Any

from .taxonomy_types import (
    MAX_CATEGORIES,
    MAX_ID,
    Alias,
    Category,
    Decision,
    Subcategory,
    Taxonomy,
)

Loc = tuple[int | str, ...]


class Invalid(Exception):
    """The first problem of taxonomy data: where (a path of keys and indexes) and why."""

    def __init__(self, loc: Loc, msg: str) -> None:
        super().__init__(msg)
        self.loc = loc
        self.msg = msg


Check = Callable[[Any, Loc], Any]

_INT_TEXT = re.compile(r"[+-]?\d+(?:_\d+)*(?:\.0+)?")
"""An integer as pydantic reads one from text (underscores between digits, ``5.0``)."""
_MAX_INT_DIGITS = 4300
_TRUE = frozenset({"1", "on", "t", "true", "y", "yes"})
_FALSE = frozenset({"0", "off", "f", "false", "n", "no"})
_NOT_INT = "Input should be a valid integer"
_UNPARSED_INT = "Input should be a valid integer, unable to parse string as an integer"
_TOO_BIG = "Unable to parse input string as an integer, exceeded maximum size"
_NOT_BOOL = "Input should be a valid boolean"
_UNREAD_BOOL = "Input should be a valid boolean, unable to interpret input"
_NOT_STR = "Input should be a valid string"


def _text(value: bytes, loc: Loc, error: str) -> str:
    try:
        return value.decode("utf-8")
    except UnicodeDecodeError:
        raise Invalid(loc, error) from None


def _as_int(value: Any, loc: Loc) -> int:
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise Invalid(loc, "Input should be a finite number")
        if value != int(value):
            raise Invalid(
                loc, "Input should be a valid integer, got a number with a fractional part"
            )
        if abs(value) >= 2**63:
            raise Invalid(loc, _TOO_BIG)
        return int(value)
    if isinstance(value, bytes):
        value = _text(value, loc, _UNPARSED_INT)
    if not isinstance(value, str):
        raise Invalid(loc, _NOT_INT)
    text = value.strip()
    if len(text) > _MAX_INT_DIGITS:
        too_big = re.fullmatch(r"[+-]?[1-9]\d*", text) is not None
        raise Invalid(loc, _TOO_BIG if too_big else _UNPARSED_INT)
    if not _INT_TEXT.fullmatch(text):
        raise Invalid(loc, _UNPARSED_INT)
    return int(text.split(".")[0])


def _int(low: int, high: int) -> Check:
    def check(value: Any, loc: Loc) -> int:
        number = _as_int(value, loc)
        if number < low:
            raise Invalid(loc, f"Input should be greater than or equal to {low}")
        if number > high:
            raise Invalid(loc, f"Input should be less than or equal to {high}")
        return number

    return check


def _as_str(value: Any, loc: Loc) -> str:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes | bytearray):
        return _text(bytes(value), loc, f"{_NOT_STR}, unable to parse raw data as a unicode string")
    raise Invalid(loc, _NOT_STR)


def _str(min_length: int = 0) -> Check:
    def check(value: Any, loc: Loc) -> str:
        text = _as_str(value, loc)
        if len(text) < min_length:
            plural = "" if min_length == 1 else "s"
            raise Invalid(loc, f"String should have at least {min_length} character{plural}")
        return text

    return check


def _optional(check: Check) -> Check:
    def optional(value: Any, loc: Loc) -> Any:
        return None if value is None else check(value, loc)

    return optional


def _bool(value: Any, loc: Loc) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float):
        if value in (0, 1) and not (isinstance(value, float) and math.isnan(value)):
            return bool(value)
        if isinstance(value, int) and abs(value) < 2**63:
            raise Invalid(loc, _UNREAD_BOOL)
        if isinstance(value, float) and math.isfinite(value) and value == int(value):
            raise Invalid(loc, _UNREAD_BOOL)
        raise Invalid(loc, _NOT_BOOL)
    if isinstance(value, bytes):
        value = _text(value, loc, _UNREAD_BOOL)
    if isinstance(value, str):
        word = value.lower()
        if word in _TRUE:
            return True
        if word in _FALSE:
            return False
        raise Invalid(loc, _UNREAD_BOOL)
    raise Invalid(loc, _NOT_BOOL)


def _tuple(item: Check, min_length: int = 0, max_length: int | None = None) -> Check:
    def check(value: Any, loc: Loc) -> tuple[Any, ...]:
        if not isinstance(value, list | tuple | set | frozenset):
            raise Invalid(loc, "Input should be a valid tuple")
        items = tuple(item(v, (*loc, i)) for i, v in enumerate(value))
        if len(items) < min_length:
            plural = "" if min_length == 1 else "s"
            raise Invalid(
                loc,
                f"Tuple should have at least {min_length} item{plural} after validation,"
                f" not {len(items)}",
            )
        if max_length is not None and len(items) > max_length:
            plural = "" if max_length == 1 else "s"
            raise Invalid(
                loc,
                f"Tuple should have at most {max_length} item{plural} after validation,"
                f" not {len(items)}",
            )
        return items

    return check


def _model(cls: type[Any]) -> Check:
    """A mapping checked field by field into ``cls`` (a dataclass of :data:`CHECKS`)."""

    def check(value: Any, loc: Loc) -> Any:
        if not isinstance(value, dict):
            raise Invalid(loc, f"Input should be a valid dictionary or instance of {cls.__name__}")
        checks = CHECKS[cls]
        given: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.name in value:
                given[f.name] = checks[f.name](value[f.name], (*loc, f.name))
            elif f.default is dataclasses.MISSING:
                raise Invalid((*loc, f.name), "Field required")
        for key in value:
            if not isinstance(key, str):
                raise Invalid((*loc, key), "Keys should be strings")
            if key not in checks:
                raise Invalid((*loc, key), "Extra inputs are not permitted")
        made = cls(**given)
        problem = _CROSS_CHECKS.get(cls, _no_problem)(made)
        if problem is not None:
            raise Invalid(loc, problem)
        return made

    return check


def _no_problem(_: Any) -> str | None:
    return None


def _changes(value: Any, loc: Loc) -> Any:
    if value is None:
        return None
    from pydantic import ValidationError

    from .taxonomy_changes import Changes

    try:
        return Changes.model_validate(value)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise Invalid(
            (*loc, *first["loc"]), str(first["msg"]).removeprefix("Value error, ")
        ) from None


def _category_problem(cat: Category) -> str | None:
    seen: set[str] = set()
    for index, sub in enumerate(cat.subcategories):
        if sub.name in seen:
            return f"subcategories[{index}]: duplicate subcategory '{sub.name}'"
        seen.add(sub.name)
    return None


def _taxonomy_problem(tax: Taxonomy) -> str | None:
    ids: set[int] = set()
    for index, cat in enumerate(tax.categories):
        if cat.id in ids:
            return f"categories[{index}].id: duplicate category id {cat.id}"
        ids.add(cat.id)
    by_id = {c.id: c for c in reversed(tax.categories)}  # the first of an id, as next() found
    for index, alias in enumerate(tax.aliases):
        if alias.code in ids:
            return f"aliases[{index}].code: {alias.code} is already a category id"
        where = f"aliases[{index}]"
        problem = _reference_problem(
            by_id, alias.category, alias.subcategory, f"{where}.category", where, "alias target "
        )
        if problem:
            return problem
    for index, cat in enumerate(tax.categories):
        for rule_index, rule in enumerate(cat.decision):
            where = f"categories[{index}].decision[{rule_index}]"
            problem = _reference_problem(by_id, rule.then, rule.subcategory, f"{where}.then", where)
            if problem:
                return problem
    return None


def _reference_problem(
    by_id: dict[int, Category],
    category: int,
    subcategory: str | None,
    at_category: str,
    where: str,
    what: str = "",
) -> str | None:
    """What is wrong with a reference to ``category`` (and its ``subcategory``) made at
    ``at_category`` (an alias's target, a decision rule's ``then``), or None."""
    target = by_id.get(category)
    if target is None:
        return f"{at_category}: unknown {what}category {category}"
    if subcategory is not None and target.subcategory(subcategory) is None:
        return f"{where}.subcategory: category {category} has no subcategory '{subcategory}'"
    return None


_CROSS_CHECKS: dict[type[Any], Callable[[Any], str | None]] = {
    Category: _category_problem,
    Taxonomy: _taxonomy_problem,
}

_STRINGS = _tuple(_as_str)

CHECKS: dict[type[Any], dict[str, Check]] = {
    Decision: {"when": _str(1), "then": _int(1, MAX_ID), "subcategory": _optional(_as_str)},
    Subcategory: {
        "name": _str(1),
        "dl_specific": _bool,
        "keywords": _STRINGS,
        "definition": _as_str,
        "examples": _STRINGS,
    },
    Category: {
        "id": _int(1, MAX_ID),
        "name": _str(1),
        "description": _as_str,
        "definition": _as_str,
        "decision": _tuple(_model(Decision)),
        "examples": _STRINGS,
        "subcategories": _tuple(_model(Subcategory), min_length=1),
    },
    Alias: {
        "code": _int(0, MAX_ID),
        "name": _as_str,
        "category": _int(1, MAX_ID),
        "subcategory": _optional(_as_str),
    },
    Taxonomy: {
        "name": _str(1),
        "version": _str(1),
        "categories": _tuple(_model(Category), min_length=1, max_length=MAX_CATEGORIES),
        "aliases": _tuple(_model(Alias), max_length=MAX_CATEGORIES),
        "changes": _changes,
    },
}
"""The check of every field of every taxonomy dataclass (tests/test_taxonomy_oracle.py
checks that each field has one)."""

_TAXONOMY = _model(Taxonomy)


def validate(data: Any) -> Taxonomy:
    """``data`` (loaded YAML) as a taxonomy; :class:`Invalid` names its first problem."""
    taxonomy: Taxonomy = _TAXONOMY(data, ())
    return taxonomy


def dump(value: Any) -> Any:
    """A taxonomy (or any part of it) as plain data: fields in order, None left out,
    tuples as lists; the ``changes`` section as its model dumps it."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {
            f.name: dump(getattr(value, f.name))
            for f in dataclasses.fields(value)
            if getattr(value, f.name) is not None
        }
    if isinstance(value, tuple | list):
        return [dump(v) for v in value]
    if hasattr(value, "model_dump"):  # the changes section (pydantic)
        return value.model_dump(mode="json", by_alias=True, exclude_none=True)
    return value
