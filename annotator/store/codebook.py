"""Labeled examples of a category for the codebook screen, within the blinding rules.

Contract: :meth:`CodebookQueries.codebook_examples` (part of
:class:`~annotator.store.Store`) returns up to ``limit`` samples labeled with a
category (as primary or second category), newest first, as
:class:`~annotator.store.rows.CategoryExample` rows. Which labels count is
decided here, not by a screen: a ``blind`` viewer (labeling) sees only their
own labels; otherwise (review) only the adjudicated ``final`` labels.
Machine-made labels (an LLM annotator) never count as examples, and no other
annotator's label is ever read for a blind viewer.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..models import FINAL
from .rows import CategoryExample
from .rules import bug

if TYPE_CHECKING:
    from sqlite_utils import Database


class CodebookQueries:
    """The codebook's part of the store."""

    _db: Database

    def codebook_examples(
        self,
        category: int,
        viewer: str,
        *,
        blind: bool,
        limit: int = 5,
        exclude: str | None = None,
    ) -> list[CategoryExample]:
        """Up to ``limit`` labeled examples of ``category`` that ``viewer`` may see."""
        whose = viewer if blind else FINAL
        rows = self._db.conn.execute(
            "SELECT sample_id, annotator, category, subcategory, note, category2, subcategory2,"
            f" note2 FROM labels WHERE annotator = ? AND {bug()} AND (category = ? OR category2 = ?)"
            " AND sample_id IS NOT ? ORDER BY updated_at DESC, sample_id LIMIT ?",
            (whose, category, category, exclude, limit),
        ).fetchall()
        out = []
        for sid, who, cat, sub, note, cat2, sub2, note2 in rows:
            if cat != category and cat2 == category:
                sub, note = sub2, note2
            out.append(CategoryExample(sid, who, category, sub, note))
        return out
