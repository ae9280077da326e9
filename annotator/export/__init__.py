"""Exports: taxonomy occurrence tables, labels, inferred subcategories, the study report.

Contract: :data:`WRITERS` maps an occurrence-table format (``md``, ``csv``,
``json``, ``latex``) to a function ``CountTable -> str``; the table itself
comes from :func:`annotator.export.counts.count_table`, which does all the
counting and no formatting. Each format lives in its own module and loops
over the one column list of :mod:`annotator.export.columns` (so do the cross
tables of :mod:`annotator.export.crosstab_out`).
"""

from __future__ import annotations

from collections.abc import Callable

from . import csv_out, json_out, latex, markdown
from .counts import AUTO, FINAL, MAJORITY, CountTable, count_table

Writer = Callable[[CountTable], str]

WRITERS: dict[str, Writer] = {
    "md": markdown.render,
    "csv": csv_out.render,
    "json": json_out.render,
    "latex": latex.render,
}

__all__ = ["AUTO", "FINAL", "MAJORITY", "WRITERS", "CountTable", "Writer", "count_table"]
