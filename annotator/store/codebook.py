"""Labeled examples of a category for the codebook screen, within the blinding rules.

Contract: :func:`category_examples` returns up to ``limit`` samples labeled
with a category (as primary or second category), newest first. Which labels
count is decided here, not by a screen: a ``blind`` viewer (labeling) sees
only their own labels; otherwise (review) only the adjudicated ``final``
labels. Machine-made labels (an LLM annotator) never count as examples, and
no other annotator's label is ever read for a blind viewer.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import Store

FINAL = "final"


@dataclass(frozen=True)
class CategoryExample:
    """A sample labeled with the category, as the viewer may see it."""

    sample_id: str
    annotator: str
    category: int
    subcategory: str | None
    note: str


def category_examples(
    store: Store,
    category: int,
    viewer: str,
    *,
    blind: bool,
    limit: int = 5,
    exclude: str | None = None,
) -> list[CategoryExample]:
    """Up to ``limit`` labeled examples of ``category`` that ``viewer`` may see."""
    whose = viewer if blind else FINAL
    rows = store.db.conn.execute(
        "SELECT sample_id, annotator, category, subcategory, note, category2, subcategory2, note2"
        " FROM labels WHERE annotator = ? AND kind = 'bug' AND (category = ? OR category2 = ?)"
        " AND sample_id IS NOT ? ORDER BY updated_at DESC, sample_id LIMIT ?",
        (whose, category, category, exclude, limit),
    ).fetchall()
    out = []
    for sid, who, cat, sub, note, cat2, sub2, note2 in rows:
        if cat != category and cat2 == category:
            sub, note = sub2, note2
        out.append(CategoryExample(sid, who, category, sub, note))
    return out
