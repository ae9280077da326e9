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
from .columns import csv_cells, csv_header
from .counts import CountTable


def render(table: CountTable, guard_formulas: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The columns are those of :data:`annotator.export.columns.COLUMNS` with a CSV cell.
    writer.writerow(csv_header())
    for cat in table.categories:
        for sub in cat.subcategories:
            writer.writerow(guard_row(csv_cells(cat, sub), guard_formulas))
    return buffer.getvalue()
