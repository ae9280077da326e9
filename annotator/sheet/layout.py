"""The labels spreadsheet layout, shared by its writer and its reader.

Contract: the constants of the wide layout that ``export labels --format sheet``
(:mod:`annotator.sheet.writer`) writes and ``import labels``
(:mod:`annotator.importers.labels_sheet`) reads, and :func:`unguard`, which
undoes the ``'`` that the CSV writers put before formula-like cells
(:mod:`annotator.sheet.cells`). No I/O; imports nothing of the project, so
both the exporter and the importer may use it.
"""

from __future__ import annotations

PARTS = ("cat1", "note1", "cat2", "note2", "sub1", "sub2", "flag")
"""The columns per annotator: ``<annotator>_<part>``."""
INFERRED_SUFFIX = " (inferred)"
"""Marks a subcategory inferred from the note in a ``sub`` cell."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet evaluates (the same list as :mod:`annotator.sheet.cells`)."""


def unguard(text: str) -> str:
    """The cell value a CSV writer protected with a leading ``'``."""
    if text[:1] == "'" and text[1:].startswith(FORMULA_STARTS):
        return text[1:]
    return text
