"""CSV cells that a spreadsheet cannot take for formulas.

Contract: :func:`safe_cell` returns text that starts with ``=``, ``+``, ``-``,
``@``, a tab or a carriage return prefixed with ``'`` (the OWASP advice for
CSV injection); other values are returned unchanged. Readers of our own sheets
strip that one ``'`` again (:func:`unsafe_cell`).
"""

from __future__ import annotations

_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> object:
    if isinstance(value, str) and value[:1] in _TRIGGERS:
        return "'" + value
    return value


def unsafe_cell(text: str) -> str:
    """The value :func:`safe_cell` protected."""
    if text[:1] == "'" and text[1:2] in _TRIGGERS and text[1:2] != "":
        return text[1:]
    return text
