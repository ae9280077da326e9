"""The value rules the plain models (:mod:`annotator.models`) and the validated ones
(:mod:`annotator.pydantic_models`) share: a label's kinds, the one timestamp type, a
sample id's and a revision's bounds, and a sample's content digest.

Contract: functions and constants with no I/O, imported through :mod:`annotator.models`
by every other module. A module of their own so that the validated models read them
without importing the module that loads them lazily (no import circle).
"""

from __future__ import annotations

import hashlib
import json
import re
from datetime import UTC, datetime
from typing import Any, Literal

from .safejson import writer

Kind = Literal["bug", "pass", "skip", "none"]
"""bug: a taxonomy category; pass: judged not a failure; skip: skipped;
none: only a note or a flag. What each kind means is :data:`KINDS`."""

MAX_REVISION = 2**31 - 1
"""The highest revision a label may have (it counts edits; the store stops
counting there instead of overflowing SQLite's integers)."""


# -- timestamps --------------------------------------------------------------

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
LATEST = datetime(2200, 1, 1, tzinfo=UTC)
"""The range a stored timestamp must fall in: nothing in this study predates
2000, and a bound keeps every instant comparable (no year 1 or 9999 tricks).
Whether a time lies in the future is a question for untrusted input only
(:mod:`annotator.store.merge_rows`)."""

TIMESTAMP_FORMAT = "%Y-%m-%dT%H:%M:%S.%fZ"
"""The one stored spelling: UTC with microseconds, so that text order is time order
(the store's SQL sorts and compares these columns as text)."""

_CANONICAL = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z")
_MAX_TIMESTAMP_CHARS = 40


def parse_instant(text: str) -> datetime:
    """``text`` (any ISO 8601 spelling ``datetime.fromisoformat`` reads: week dates,
    the basic format, offsets; naive means UTC) as an aware UTC instant.

    Raises ``ValueError`` when it is not a timestamp or lies outside
    [:data:`EARLIEST`, :data:`LATEST`). Why instants: ``2026-W01-1T00:00:00``
    and ``20260101`` are valid ISO 8601 but compare as text after every
    ``2026-12-...`` date, so a stale label would win a merge.
    """
    if not isinstance(text, str) or len(text) > _MAX_TIMESTAMP_CHARS:
        raise ValueError("not a timestamp")
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"not a timestamp: {text!r}") from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    try:
        when = when.astimezone(UTC)
    except OverflowError:
        raise ValueError(
            f"timestamp out of range (years {EARLIEST.year}-{LATEST.year - 1}): {text!r}"
        ) from None
    if when < EARLIEST:
        raise ValueError(f"timestamp dated before {EARLIEST.year}: {text!r}")
    if when >= LATEST:
        raise ValueError(f"timestamp dated in the future (from {LATEST.year} on): {text!r}")
    return when


def instant_text(when: datetime) -> str:
    """The stored spelling of an instant (:data:`TIMESTAMP_FORMAT`)."""
    if when.tzinfo is not UTC:
        when = when.astimezone(UTC)
    # TIMESTAMP_FORMAT field by field: four times faster than strftime, which a merge
    # of a file in another spelling calls for every time it holds (the same text for
    # the years 1000-9999, and stored times lie in 2000-2199).
    # (%-formatting: 0.8 us against 1.5 for the f-string with format specs.)
    return "%04d-%02d-%02dT%02d:%02d:%02d.%06dZ" % (  # noqa: UP031
        when.year, when.month, when.day, when.hour, when.minute, when.second, when.microsecond
    )  # fmt: skip


def canonical_timestamp(text: str) -> str:
    """``text`` in the stored spelling; ``ValueError`` as :func:`parse_instant`."""
    if _CANONICAL.fullmatch(text) and EARLIEST.year <= int(text[:4]) < LATEST.year:
        return text  # the fast path: every timestamp this program writes
    return instant_text(parse_instant(text))


def no_nul_id(value: str) -> str:
    """Sample ids are text: a NUL byte would cut them short in SQLite's C API."""
    if "\x00" in value:
        raise ValueError("a sample id must not contain a NUL character")
    return value


def sample_digest(
    prompt: str,
    generated_code: str,
    reference_code: str,
    test_output: str,
    passed: bool | None,
    model: str | None,
    stage: str | None,
    data_type: str | None,
    task_type: str | None,
    meta: str,
) -> str:
    """:func:`content_hash` of a sample's fields whose metadata is plain JSON data
    (``meta``: its dump, sorted keys): what :meth:`SampleIn.hashed` returns, and the
    merge's SQL function (:mod:`annotator.store.merge_samples`) computes."""
    # The bytes :func:`content_hash` feeds field by field, built as one f-string and
    # encoded once (UTF-8 encodes code point by code point, so the bytes are the
    # same). Each field's length prefix is its UTF-8 size: for ASCII text (nearly
    # every sample) that is its length, so the whole record is spelled with lengths
    # first and checked once; any other character takes the field-by-field spelling.
    p_, g, r, t, m = prompt, generated_code, reference_code, test_output, meta
    blob = (
        f"data_type:{_small(data_type)}"
        f"generated_code:str:{len(g)}:{g}"
        f"metadata:dict:{len(m)}:{m}"
        f"model:{_small(model)}"
        f"passed:{_small(passed)}"
        f"prompt:str:{len(p_)}:{p_}"
        f"reference_code:str:{len(r)}:{r}"
        f"stage:{_small(stage)}"
        f"task_type:{_small(task_type)}"
        f"test_output:str:{len(t)}:{t}"
    )
    if not blob.isascii():
        blob = _spelled_by_field(
            prompt,
            generated_code,
            reference_code,
            test_output,
            passed,
            model,
            stage,
            data_type,
            task_type,
            meta,
        )
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


def _small(value: str | bool | None) -> str:
    """A small field as :func:`content_hash` spells it after its name: type, length
    (as ASCII: checked with the rest of the record), text."""
    if isinstance(value, str):
        return f"str:{len(value)}:{value}"
    if value is None:
        return "NoneType:4:null"
    return "bool:4:true" if value else "bool:5:false"


def _spelled_by_field(
    prompt: str,
    generated_code: str,
    reference_code: str,
    test_output: str,
    passed: bool | None,
    model: str | None,
    stage: str | None,
    data_type: str | None,
    task_type: str | None,
    meta: str,
) -> str:
    """The record as :func:`sample_digest` hashes it when some text is not ASCII:
    each length prefix the field's UTF-8 size."""
    parts: list[str] = []
    for key, value in (
        ("data_type", data_type),
        ("generated_code", generated_code),
        ("metadata", meta),
        ("model", model),
        ("passed", passed),
        ("prompt", prompt),
        ("reference_code", reference_code),
        ("stage", stage),
        ("task_type", task_type),
        ("test_output", test_output),
    ):
        text = _field_text(value)
        size = len(text) if text.isascii() else len(text.encode("utf-8", "surrogatepass"))
        kind = "dict" if key == "metadata" else type(value).__name__
        parts.append(f"{key}:{kind}:{size}:")
        parts.append(text)
    return "".join(parts)


class _NotPlain(Exception):
    pass


def _not_plain(value: object) -> Any:
    raise _NotPlain


_meta_json = writer(sort_keys=True, default=_not_plain)
"""The metadata's JSON as :meth:`SampleIn.hashed` stores it (``json.dumps`` with sorted
keys, not ASCII-escaped), its C encoder made once (:func:`~.safejson.writer`: a third of
the time): a circular value takes the slow path, which refuses it."""


def _field_text(value: object) -> str:
    """One field as :func:`content_hash` spells it (a string, or a scalar as JSON)."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    # SampleIn's fields are strings, bools or None; anything else as content_hash spells it
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)  # pragma: no cover


def content_hash(fields: dict[str, Any]) -> str:
    """A stable hash of a sample's content (not of its id or origin).

    Strings are fed to the hash field by field, length-prefixed, instead of
    serialising the whole record to JSON first: test outputs run to megabytes
    and this is the hot path of every import.
    """
    digest = hashlib.sha256()
    for key in sorted(fields):
        value = fields[key]
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
        else:
            data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode(
                "utf-8", "surrogatepass"
            )
        digest.update(f"{key}:{type(value).__name__}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()
