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

import json
import re
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import UserError

_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")

M = TypeVar("M", bound=BaseModel)


def _no_constant(name: str) -> Any:
    raise ValueError(f"{name} is not a number JSON allows")


def load_json(path: Path, raw: bytes, line: int | None = None) -> Any:
    """The value of the JSON document ``raw`` (line ``line`` of ``path``)."""
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=path, line=line) from None
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except json.JSONDecodeError as exc:
        raise UserError(
            f"invalid JSON: {exc.msg} at character {exc.pos + 1}", file=path, line=line
        ) from None
    except RecursionError:
        raise UserError("invalid JSON: nested too deeply", file=path, line=line) from None
    except ValueError as exc:  # NaN/Infinity, or an integer of more than 4300 digits
        why = "an integer of more than 4300 digits" if "digits" in str(exc) else str(exc)
        raise UserError(f"invalid JSON: {why}", file=path, line=line) from None
    if "\\u" in text and _SURROGATE.search(text):
        try:
            json.dumps(data, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise UserError(
                "invalid JSON: a lone surrogate escape (\\ud800-\\udfff) is not text",
                file=path,
                line=line,
            ) from None
    return data


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
