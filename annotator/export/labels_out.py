"""Label listings: every label (``export labels``) and every inferred subcategory.

Contract:
- :func:`iter_labels` streams every stored label as a flat dict with the
  columns of :data:`LABEL_FIELDS` (category names added for readability),
  ordered by sample import order, then annotator. Booleans are ``bool``,
  missing values ``None``.
- :func:`iter_inferred` streams one dict per subcategory that the importer
  inferred from a note (primary and second category alike), with the fields
  of :data:`INFERRED_FIELDS`, in the same order; ``slot`` is 1 or 2.
- :func:`write_jsonl` / :func:`write_csv` write such dicts to a text stream:
  JSONL one object per line (UTF-8, not ASCII-escaped); CSV with a header,
  ``true``/``false`` for booleans and an empty cell for ``None``.
Both read only label columns and stream, so memory stays flat at any size.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, TextIO

from ..sheet.cells import guard_row
from ..store import Store
from ..store.rows import LABEL_ROW_COLUMNS
from ..taxonomy import Taxonomy
from ..textsafe import json_visible

LABEL_FIELDS = (
    "sample_id",
    "annotator",
    "kind",
    "category",
    "category_name",
    "subcategory",
    "subcategory_inferred",
    "category2",
    "category2_name",
    "subcategory2",
    "subcategory2_inferred",
    "note",
    "note2",
    "flag",
    "suggestions_shown",
    "source",
    "written_by",
    "revision",
    "created_at",
    "updated_at",
    "taxonomy_version",
)

INFERRED_FIELDS = (
    "sample_id",
    "annotator",
    "slot",
    "category",
    "category_name",
    "subcategory",
    "note",
)


def _name(taxonomy: Taxonomy, category: int | None) -> str | None:
    if category is None:
        return None
    cat = taxonomy.by_id.get(category)
    return cat.name if cat else None


def iter_labels(store: Store) -> Iterator[dict[str, Any]]:
    taxonomy = store.taxonomy
    for label in store.label_rows():
        data = {c: getattr(label, c) for c in LABEL_ROW_COLUMNS}
        # A category number means what the label's own taxonomy version says:
        # under another version, no (possibly different) name is printed.
        same = label.taxonomy_version == taxonomy.version
        data["category_name"] = _name(taxonomy, label.category) if same else None
        data["category2_name"] = _name(taxonomy, label.category2) if same else None
        yield {f: data[f] for f in LABEL_FIELDS}


def iter_inferred(store: Store, annotator: str | None = None) -> Iterator[dict[str, Any]]:
    for row in store.inferred_rows(annotator):
        yield {
            "sample_id": row.sample_id,
            "annotator": row.annotator,
            "slot": row.slot,
            "category": row.category,
            "category_name": _name(store.taxonomy, row.category),
            "subcategory": row.subcategory,
            "note": row.note,
        }


def write_jsonl(rows: Iterable[dict[str, Any]], out: TextIO) -> int:
    count = 0
    for data in rows:
        out.write(json_visible(json.dumps(data, ensure_ascii=False)) + "\n")
        count += 1
    return count


def _csv_value(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def write_csv(
    rows: Iterable[dict[str, Any]], out: TextIO, fields: Sequence[str], guard_formulas: bool = True
) -> int:
    """CSV of ``rows``; text cells a spreadsheet would evaluate get a leading ``'``
    (:mod:`annotator.sheet.cells`) unless ``guard_formulas`` is false."""
    writer = csv.writer(out)
    writer.writerow(fields)
    count = 0
    for data in rows:
        writer.writerow(guard_row((_csv_value(data[f]) for f in fields), guard_formulas))
        count += 1
    return count
