"""CSV occurrence table.

Contract: :func:`render` returns CSV text (RFC 4180, ``\\r\\n`` line ends, as
the csv module writes) with the header ``category_id, category, subcategory,
dl_specific, count, inferred`` and one row per category and subcategory in
taxonomy order, including subcategories with no occurrence; the
``Unspecified`` row (labels without a subcategory) has an empty
``dl_specific``. There are no total rows, so summing ``count`` per category
gives its total. Text cells a spreadsheet would evaluate get a leading ``'``
(:mod:`annotator.sheet.cells`) unless ``guard_formulas`` is false.
"""

from __future__ import annotations

import csv
import io

from ..sheet.cells import guard_row
from .counts import CountTable

HEADER = ("category_id", "category", "subcategory", "dl_specific", "count", "inferred")


def render(table: CountTable, guard_formulas: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for cat in table.categories:
        for sub in cat.subcategories:
            flag = "" if sub.unspecified else ("true" if sub.dl_specific else "false")
            cells = (cat.id, cat.name, sub.name, flag, sub.count, sub.inferred)
            writer.writerow(guard_row(cells, guard_formulas))
    return buffer.getvalue()
