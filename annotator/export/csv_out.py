"""CSV occurrence table.

Contract: :func:`render` returns CSV text (RFC 4180, ``\\r\\n`` line ends, as
the csv module writes) with the header ``category_id, category, subcategory,
dl_specific, count, inferred`` and one row per category and subcategory in
taxonomy order, including subcategories with no occurrence; the
``Unspecified`` row (labels without a subcategory) has an empty
``dl_specific``. There are no total rows, so summing ``count`` per category
gives its total.
"""

from __future__ import annotations

import csv
import io

from .counts import CountTable

HEADER = ("category_id", "category", "subcategory", "dl_specific", "count", "inferred")


def render(table: CountTable) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(HEADER)
    for cat in table.categories:
        for sub in cat.subcategories:
            flag = "" if sub.unspecified else ("true" if sub.dl_specific else "false")
            writer.writerow((cat.id, cat.name, sub.name, flag, sub.count, sub.inferred))
    return buffer.getvalue()
