"""Streams of every label for export: label rows and inferred subcategories.

Contract: :class:`ListingQueries` (part of :class:`~annotator.store.Store`)
streams rows in sample import order, then annotator (then slot), reading only
label columns, so memory stays flat at any size.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

from .rows import LABEL_ROW_COLUMNS, InferredRow, LabelRow

if TYPE_CHECKING:
    from sqlite_utils import Database

_BOOLEAN = {"subcategory_inferred", "subcategory2_inferred", "suggestions_shown"}
_BOOL_AT = [i for i, c in enumerate(LABEL_ROW_COLUMNS) if c in _BOOLEAN]


class ListingQueries:
    """The export-listing part of the store."""

    _db: Database

    def label_rows(self) -> Iterator[LabelRow]:
        """Every stored label."""
        columns = ", ".join(f"l.{c}" for c in LABEL_ROW_COLUMNS)
        cur = self._db.conn.execute(
            f"SELECT {columns} FROM labels l JOIN samples s ON s.id = l.sample_id"
            " ORDER BY s.rowid, l.annotator"
        )
        for values in cur:
            data = list(values)
            for i in _BOOL_AT:
                if data[i] is not None:
                    data[i] = bool(data[i])
            yield LabelRow(*data)

    def inferred_rows(self, annotator: str | None = None) -> Iterator[InferredRow]:
        """Every subcategory inferred from a note (of ``annotator``, or anyone's)."""
        where, params = ("AND l.annotator = ?", [annotator]) if annotator is not None else ("", [])
        cur = self._db.conn.execute(
            "SELECT sample_id, annotator, slot, category, subcategory, note FROM ("
            " SELECT l.sample_id, l.annotator, 1 AS slot, l.category, l.subcategory, l.note,"
            " s.rowid AS r FROM labels l JOIN samples s ON s.id = l.sample_id"
            f" WHERE l.subcategory_inferred = 1 AND l.subcategory IS NOT NULL {where}"
            " UNION ALL"
            " SELECT l.sample_id, l.annotator, 2, l.category2, l.subcategory2, l.note2, s.rowid"
            " FROM labels l JOIN samples s ON s.id = l.sample_id"
            f" WHERE l.subcategory2_inferred = 1 AND l.subcategory2 IS NOT NULL {where}"
            ") ORDER BY r, annotator, slot",
            params * 2,
        )
        for values in cur:
            yield InferredRow(*values)
