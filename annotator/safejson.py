"""Parsing untrusted JSON within limits: one parser for files and for servers.

Contract: :func:`loads` parses one JSON document (``str`` or UTF-8 ``bytes``)
or raises :class:`JsonLimitError`, a ``ValueError`` whose text is one line
saying why: not UTF-8, longer than ``max_bytes``, nested deeper than
``max_depth`` (the parsed value is walked level by level, unless the text is too
short to nest that deep - the parser itself stops a 100k-deep
document at the interpreter's recursion limit, which reads the same), an integer
of more than ``max_digits`` digits (the interpreter's own limit when it is the
same, else a check of every integer), NaN or Infinity (not JSON), invalid JSON
(with the character), a lone surrogate escape (not text). The importers (:mod:`annotator.importers.jsondata`)
and the LLM client (:mod:`annotator.llm`) use it; nothing else parses
untrusted JSON. :func:`writer` makes a fast writer of one JSON spelling (the
import's hot path writes JSON for every sample).
"""

from __future__ import annotations

import json
import re
import sys
from collections.abc import Callable
from json.encoder import c_make_encoder, encode_basestring  # type: ignore[attr-defined]
from typing import Any

MAX_DEPTH = 200
"""Nesting allowed by default (data files; server answers use less)."""
MAX_DIGITS = 4300
"""Digits of an integer allowed by default (Python's own int/str limit)."""

_COUNTED_UP_TO = 2048
"""Characters up to which :func:`loads` counts brackets before walking the value."""
_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


class JsonLimitError(ValueError):
    """The document is not JSON, or not within the limits; ``str()`` is the one-line reason."""


_CONTAINERS = (dict, list)


def deeper_than(value: Any, max_depth: int) -> bool:
    """Whether the parsed ``value`` (of :func:`json.loads`: plain dicts and lists)
    nests arrays/objects deeper than ``max_depth`` (one visit per element, level by
    level: no recursion)."""
    level = [value] if value.__class__ in _CONTAINERS else []
    depth = 0
    while level:
        depth += 1
        if depth > max_depth:
            return True
        # One comprehension per level (not one per node: a results file has tens of
        # thousands of small lists, and a comprehension each was a quarter of the walk).
        level = [
            child
            for node in level
            for child in (node.values() if node.__class__ is dict else node)
            if child.__class__ in _CONTAINERS
        ]
    return False


def _no_constant(name: str) -> Any:
    raise JsonLimitError(f"{name} is not a number JSON allows")


_DECODER = json.JSONDecoder(parse_constant=_no_constant)
"""The parser of the default limits, made once: ``json.loads`` with options builds a
decoder and its scanner per call (a tenth of reading a small document, and an
Inspect log or a JSONL file is ten thousand small documents)."""


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

    def parse_int(digits: str) -> int:
        if len(digits) - digits.startswith("-") > max_digits:
            raise _too_long(max_digits)
        return int(digits)

    # The interpreter refuses longer integers itself (one Python call per integer
    # of a 25 MB results file is a tenth of its import); a smaller limit is checked.
    own_limit = sys.get_int_max_str_digits() == max_digits
    decoder = (
        _DECODER
        if own_limit
        else json.JSONDecoder(parse_int=parse_int, parse_constant=_no_constant)
    )
    try:
        if text.startswith("\ufeff"):  # what json.loads says of it (decode() does not look)
            raise json.JSONDecodeError("Unexpected UTF-8 BOM (decode using utf-8-sig)", text, 0)
        value = decoder.decode(text)
    except JsonLimitError:
        raise
    except json.JSONDecodeError as exc:
        raise JsonLimitError(f"invalid JSON: {exc.msg} at character {exc.pos + 1}") from None
    except RecursionError:
        raise _too_deep(max_depth) from None
    except ValueError as exc:  # a float's exponent, an int the interpreter refuses
        if own_limit and "integer string conversion" in str(exc):
            raise _too_long(max_digits) from None
        raise JsonLimitError(" ".join(str(exc).split())[:200]) from None
    # The value is walked for its depth (its containers' elements visited), unless
    # the text is too short to nest max_depth + 1 levels, or short and without that
    # many brackets. Counting brackets reads every character: cheaper than a walk of
    # a short text (a SWE-bench report: 0.3 us against 1.5), dearer from a few KB
    # (an Inspect sample: 4 us against 1.4), and wasted on a large results file.
    size = len(text)
    if (
        size > 2 * max_depth + 1
        and (size > _COUNTED_UP_TO or text.count("[") + text.count("{") > max_depth)
        and deeper_than(value, max_depth)
    ):
        raise _too_deep(max_depth)
    # The regex alone, not a search for a backslash-u first: that search is twice as
    # slow (it stops at every backslash of the code's escaped newlines).
    if _SURROGATE.search(text):
        try:
            json.dumps(value, ensure_ascii=False).encode("utf-8")
        except UnicodeEncodeError:
            raise JsonLimitError("a lone surrogate escape (\\ud800-\\udfff) is not text") from None
    return value


def _too_deep(max_depth: int) -> JsonLimitError:
    return JsonLimitError(f"nested too deeply (more than {max_depth} levels)")


def _too_long(max_digits: int) -> JsonLimitError:
    return JsonLimitError(f"an integer of more than {max_digits} digits")


def writer(*, sort_keys: bool, default: Callable[[Any], Any]) -> Callable[[Any], str]:
    """``json.dumps(value, sort_keys=sort_keys, ensure_ascii=False, default=default)``
    as one function whose C encoder is made once: ``JSONEncoder.encode`` makes it anew
    on every call, most of the time of writing a small value (a sample's metadata, a
    failing input). No check of circular references: a circular value (which no
    parsed JSON holds) recurses until :class:`RecursionError`."""
    if c_make_encoder is None:  # pragma: no cover - an interpreter without the C json module
        slow = json.JSONEncoder(sort_keys=sort_keys, ensure_ascii=False, default=default)
        return slow.encode
    encode = c_make_encoder(
        None, default, encode_basestring, None, ": ", ", ", sort_keys, False, True
    )

    def write(value: Any) -> str:
        if value.__class__ is str:  # what JSONEncoder.encode does for a string
            return str(encode_basestring(value))
        return "".join(encode(value, 0))

    return write
