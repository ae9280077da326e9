"""CSV cells that a spreadsheet cannot evaluate (OWASP "CSV injection").

Contract: :func:`guard` returns a text cell unchanged unless it starts with
``=``, ``+``, ``-``, ``@``, a tab or a carriage return; such a cell gets a
leading ``'`` so Excel, LibreOffice and Google Sheets show it as text instead
of running it as a formula (``=HYPERLINK(...)``, ``@SUM(...)``, DDE). Numbers
are not text cells and stay as they are. Every CSV writer of the project
passes its cells through :func:`guard_row` unless the caller asks for raw
cells (``--raw-csv``, for machine consumers that read CSV with a parser).
:func:`unguard` undoes the guard when a sheet is read back
(:mod:`annotator.sheet.reader`, imported metadata).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet evaluates at the start of a text cell (the one definition)."""


def guard(value: Any) -> Any:
    """``value`` with a ``'`` before it if it is text a spreadsheet would evaluate."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def guard_row(values: Iterable[Any], enabled: bool = True) -> list[Any]:
    """Every cell of a row through :func:`guard` (unchanged when not ``enabled``)."""
    return [guard(v) for v in values] if enabled else list(values)


def unguard(text: str) -> str:
    """The cell value a CSV writer protected with a leading ``'``."""
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
