"""The labels as the researchers' spreadsheet: ``export labels --format sheet``.

Contract: :func:`write_sheet` writes CSV in the wide layout of DL-Bench's
``labels.csv``: a ``sample`` column, then per annotator (``final`` first, the
others by name) the columns ``<a>_cat1, <a>_note1, <a>_cat2, <a>_note2`` and
three of ours that keep a round trip exact, ``<a>_sub1, <a>_sub2, <a>_flag``.
One row per sample with at least one label, in import order (streamed:
memory stays flat at any size); a column group for every annotator in the
database. Values are
written as researchers wrote them:

- a bug label: ``cat1`` the category id, ``cat2`` the second category id;
- a pass judgement: ``cat1`` is ``pass``; a skip: ``skip``;
- a flag-only label: ``cat1`` is the flag text (``problem``, ``?``); a bug or
  pass label's flag goes to ``<a>_flag``;
- ``sub1`` / ``sub2``: the subcategory name, ``<name> (inferred)`` when it was
  inferred from the note (:data:`INFERRED_SUFFIX`), blank for none.

``annotator import labels FILE.csv`` (:func:`annotator.sheet.reader.read_labels`)
reads it back; exporting and re-importing changes nothing. Cells that a
spreadsheet would run as formulas get a leading ``'`` (which the importer
strips) unless ``guard_formulas`` is off.
"""

from __future__ import annotations

import csv
from itertools import groupby
from typing import TextIO

from ..models import KINDS, Label
from ..store import Store
from .cells import guard_row
from .layout import INFERRED_SUFFIX, PARTS

FINAL = "final"


def _sub(name: str | None, inferred: bool) -> str:
    if name is None:
        return ""
    return name + (INFERRED_SUFFIX if inferred else "")


def label_cells(label: Label) -> list[str]:
    """The seven cells of one label, in :data:`PARTS` order."""
    flag = label.flag or ""
    spec = KINDS[label.kind]
    if spec.names_category:
        cat1 = "" if label.category is None else str(label.category)
    elif spec.sheet:  # pass, skip: spelled as the kinds table says
        cat1 = spec.sheet[0]
    else:
        cat1, flag = flag, ""
    return [
        cat1,
        label.note,
        "" if label.category2 is None else str(label.category2),
        label.note2,
        _sub(label.subcategory, label.subcategory_inferred),
        _sub(label.subcategory2, label.subcategory2_inferred),
        flag,
    ]


def write_sheet(store: Store, handle: TextIO, guard_formulas: bool = True) -> int:
    """Write the sheet, streaming the labels in sample order; returns the number of rows."""
    names = sorted(store.annotators(), key=lambda a: (a != FINAL, a))
    writer = csv.writer(handle)
    writer.writerow(
        guard_row(["sample", *(f"{a}_{p}" for a in names for p in PARTS)], guard_formulas)
    )
    rows = 0
    blank = [""] * len(PARTS)
    for sample_id, labels in groupby(store.labels(), key=lambda label: label.sample_id):
        by_name = {label.annotator: label for label in labels}
        cells = [sample_id]
        for name in names:
            found = by_name.get(name)
            cells += label_cells(found) if found is not None else blank
        writer.writerow(guard_row(cells, guard_formulas))
        rows += 1
    return rows
