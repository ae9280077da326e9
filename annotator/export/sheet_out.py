"""The labels as the researchers' spreadsheet: ``export labels --format sheet``.

Contract: :func:`write_sheet` writes CSV in the wide layout of DL-Bench's
``labels.csv``: a ``sample`` column, then per annotator (``final`` first, the
others by name) the columns ``<a>_cat1, <a>_note1, <a>_cat2, <a>_note2`` and
three of ours that keep a round trip exact, ``<a>_sub1, <a>_sub2, <a>_flag``.
One row per sample with at least one label, in import order. Values are
written as researchers wrote them:

- a bug label: ``cat1`` the category id, ``cat2`` the second category id;
- a pass judgement: ``cat1`` is ``pass``; a skip: ``skip``;
- a flag-only label: ``cat1`` is the flag text (``problem``, ``?``); a bug or
  pass label's flag goes to ``<a>_flag``;
- ``sub1`` / ``sub2``: the subcategory name, ``<name> (inferred)`` when it was
  inferred from the note (:data:`INFERRED_SUFFIX`), blank for none.

``annotator import labels FILE.csv`` (:mod:`annotator.importers.labels_sheet`)
reads it back; exporting and re-importing changes nothing. Cells that a
spreadsheet would run as formulas get a leading ``'`` (which the importer
strips) unless ``guard_formulas`` is off.
"""

from __future__ import annotations

import csv
from collections import defaultdict
from typing import TextIO

from ..models import Label
from ..store import Store
from .csv_safe import guard_row

PARTS = ("cat1", "note1", "cat2", "note2", "sub1", "sub2", "flag")
INFERRED_SUFFIX = " (inferred)"
FINAL = "final"


def _sub(name: str | None, inferred: bool) -> str:
    if name is None:
        return ""
    return name + (INFERRED_SUFFIX if inferred else "")


def label_cells(label: Label) -> list[str]:
    """The seven cells of one label, in :data:`PARTS` order."""
    flag = label.flag or ""
    if label.kind == "bug":
        cat1 = "" if label.category is None else str(label.category)
    elif label.kind in ("pass", "skip"):
        cat1 = label.kind
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
    """Write the sheet; returns the number of sample rows."""
    by_sample: dict[str, dict[str, Label]] = defaultdict(dict)
    for label in store.labels():
        by_sample[label.sample_id][label.annotator] = label
    names = sorted({a for labels in by_sample.values() for a in labels})
    names.sort(key=lambda a: a != FINAL)
    writer = csv.writer(handle)
    writer.writerow(
        guard_row(["sample", *(f"{a}_{p}" for a in names for p in PARTS)], guard_formulas)
    )
    rows = 0
    for sample_id in store.sample_ids():
        labels = by_sample.get(sample_id)
        if not labels:
            continue
        cells = [sample_id]
        for name in names:
            found = labels.get(name)
            cells += label_cells(found) if found is not None else [""] * len(PARTS)
        writer.writerow(guard_row(cells, guard_formulas))
        rows += 1
    return rows
