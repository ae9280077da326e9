"""Reading untrusted JSON: one parser for every importer that takes JSON.

Contract: :func:`load_json` turns the bytes of one JSON document (a JSONL
line, a task file) into a value or raises a one-line
:class:`~annotator.errors.UserError` naming the file and line: not UTF-8,
invalid JSON, nested too deeply, an integer of more than 4300 digits, NaN or
Infinity (not JSON, and SQLite's JSON functions reject them), a lone
surrogate escape (not text: it could not be stored or printed).
:func:`validate` checks the value against an importer's pydantic model and
names the first failing field.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..safejson import JsonLimitError, loads

M = TypeVar("M", bound=BaseModel)


def load_json(path: Path, raw: bytes | str, line: int | None = None) -> Any:
    """The value of the JSON document ``raw`` (line ``line`` of ``path``)."""
    try:
        return loads(raw)
    except JsonLimitError as exc:
        why = str(exc)
        if not why.startswith(("invalid JSON", "not UTF-8")):
            why = f"invalid JSON: {why}"
        raise UserError(why, file=path, line=line) from None


def validate(model: type[M], data: Any, path: Path, line: int | None = None) -> M:
    """``data`` as ``model``; the first invalid field named in the error."""
    if not isinstance(data, dict):
        raise UserError("expected a JSON object", file=path, line=line)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        field = ".".join(str(p) for p in err["loc"]) or None
        raise UserError(str(err["msg"]), file=path, line=line, field=field) from None
