"""Parsing untrusted JSON within limits: one parser for files and for servers.

Contract: :func:`loads` parses one JSON document (``str`` or UTF-8 ``bytes``)
or raises :class:`JsonLimitError`, a ``ValueError`` whose text is one line
saying why: not UTF-8, longer than ``max_bytes``, nested deeper than
``max_depth`` (checked by a scan *before* parsing, so a 100k-deep document
costs one pass, not a recursion), an integer of more than ``max_digits``
digits, NaN or Infinity (not JSON), invalid JSON (with the character), a
lone surrogate escape (not text). The importers (:mod:`annotator.importers.jsondata`)
and the LLM client (:mod:`annotator.llm`) use it; nothing else parses
untrusted JSON.
"""

from __future__ import annotations

import json
import re
from typing import Any

MAX_DEPTH = 200
"""Nesting allowed by default (data files; server answers use less)."""
MAX_DIGITS = 4300
"""Digits of an integer allowed by default (Python's own int/str limit)."""

# A string, written as an unrolled loop: runs of plain characters are taken at
# once (the alternation ``(?:[^"\\]|\\.)*`` matched the same strings one
# character per step, 7x slower over a 25 MB results file).
_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"', re.DOTALL)
_BRACKET = re.compile(r"[\[\]{}]")
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JsonLimitError(ValueError):
    """The document is not JSON, or not within the limits; ``str()`` is the one-line reason."""


def depth_over(text: str, max_depth: int) -> bool:
    """Whether ``text`` nests arrays/objects deeper than ``max_depth`` (strings skipped)."""
    if text.count("[") + text.count("{") <= max_depth:
        return False
    depth = 0
    for bracket in _BRACKET.findall(_STRING.sub("", text)):
        depth += 1 if bracket in "[{" else -1
        if depth > max_depth:
            return True
    return False


def loads(
    data: str | bytes,
    *,
    max_bytes: int | None = None,
    max_depth: int = MAX_DEPTH,
    max_digits: int = MAX_DIGITS,
) -> Any:
    """The value of the JSON document ``data``, or :class:`JsonLimitError`."""
    if max_bytes is not None and len(data) > max_bytes:
        raise JsonLimitError(f"larger than {max_bytes:,} bytes")
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise JsonLimitError(f"not UTF-8 (byte {exc.start})") from None
    else:
        text = data
    if depth_over(text, max_depth):
        raise JsonLimitError(f"nested too deeply (more than {max_depth} levels)")

    def parse_int(digits: str) -> int:
        if len(digits) - digits.startswith("-") > max_digits:
            raise JsonLimitError(f"an integer of more than {max_digits} digits")
        return int(digits)

    def no_constant(name: str) -> Any:
        raise JsonLimitError(f"{name} is not a number JSON allows")

    try:
        value = json.loads(text, parse_int=parse_int, parse_constant=no_constant)
    except JsonLimitError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"invalid JSON: {exc.msg} at character {exc.pos + 1}") from None
    except RecursionError:  # pragma: no cover - the scan above refuses it first
        raise JsonLimitError("nested too deeply") from None
    except ValueError as exc:  # a float's exponent, an int the interpreter refuses
        raise JsonLimitError(" ".join(str(exc).split())[:200]) from None
    if "\\u" in text and _SURROGATE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise JsonLimitError("a lone surrogate escape (\\ud800-\\udfff) is not text") from None
    return value
