"""The labels spreadsheet layout, shared by its writer and its reader.

Contract: the columns of the wide layout: a ``sample`` column, then per
annotator the columns ``<annotator>_<part>``: DL-Bench's four
(:data:`DLBENCH_PARTS`) and the three of ours that keep a round trip exact
(:data:`PARTS`). ``export labels --format sheet`` (:mod:`annotator.sheet.writer`)
writes them and :mod:`annotator.sheet.reader` reads them. No I/O; imports
nothing of the project.
"""

from __future__ import annotations

import re

DLBENCH_PARTS = ("cat1", "note1", "cat2", "note2")
"""The columns per annotator of DL-Bench's ``labels.csv``."""
PARTS = (*DLBENCH_PARTS, "sub1", "sub2", "flag")
"""The columns per annotator that we write: ``<annotator>_<part>``."""
INFERRED_SUFFIX = " (inferred)"
"""Marks a subcategory inferred from the note in a ``sub`` cell."""


def _group(parts: tuple[str, ...]) -> re.Pattern[str]:
    return re.compile(rf"^(?P<who>.+)_(?P<part>{'|'.join(parts)})$")


DLBENCH_GROUP = _group(DLBENCH_PARTS)
"""A header ``<annotator>_<part>`` of a DL-Bench column (groups ``who`` and ``part``)."""
GROUP = _group(PARTS)
"""A header ``<annotator>_<part>`` of any of our columns (groups ``who`` and ``part``)."""
