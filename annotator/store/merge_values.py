"""A label's stored values in the ``labels`` table's column order, for the merges.

Contract: :data:`LABEL_COLUMNS` is the column order the label merge (:mod:`.merge`,
:mod:`.merge_plain`) and the study-table merge (:mod:`.merge_study`) read and write;
:func:`stored_values` gives a validated label's values in that order (flags as 0/1,
``raw`` as JSON text); :data:`DECISION` names the columns that make two labels the same
decision, :data:`DECISION_AT` and :data:`UPDATED_AT` their positions;
:func:`label_conflict` is the one wording of a label conflict (both label paths use it).
"""

from __future__ import annotations

import json
from typing import Any

from ..models import Label

LABEL_COLUMNS = (
    "kind", "category", "subcategory", "subcategory_inferred", "category2", "subcategory2",
    "subcategory2_inferred", "note", "note2", "flag", "suggestions_shown", "taxonomy_version",
    "source", "written_by", "raw", "revision", "created_at", "updated_at",
)  # fmt: skip
DECISION = (
    "kind", "category", "subcategory", "category2", "subcategory2", "note", "note2", "flag",
)  # fmt: skip

_RAW_AT = LABEL_COLUMNS.index("raw")
_PLAIN_COLUMNS = [k for k in LABEL_COLUMNS if k != "raw"]
_FLAG_AT = [
    _PLAIN_COLUMNS.index(k)
    for k in ("subcategory_inferred", "subcategory2_inferred", "suggestions_shown")
]
DECISION_AT = [LABEL_COLUMNS.index(k) for k in DECISION]
UPDATED_AT = LABEL_COLUMNS.index("updated_at")


def raw_text(raw: dict[str, Any] | None) -> str | None:
    """A label's ``raw`` cell as stored (JSON text, or NULL)."""
    return None if raw is None else json.dumps(raw, ensure_ascii=False)


def stored_values(label: Label) -> list[Any]:
    """The stored values of ``label`` in :data:`LABEL_COLUMNS` order."""
    fields = label.__dict__  # the validated fields (no pydantic lookup per name)
    values = [fields[k] for k in _PLAIN_COLUMNS]
    for i in _FLAG_AT:
        if values[i] is not None:
            values[i] = int(values[i])
    values.insert(_RAW_AT, raw_text(label.raw))
    return values


FINAL = "final"

SAME, KEPT_FINAL, KEPT_OURS, TOOK_THEIRS = 1, 2, 3, 4
"""How a key both sides label ended: the same decision, or a conflict (the set-based
path stores these codes; NULL there: we had no label)."""


def label_conflict(sample_id: str, annotator: str, outcome: int) -> str:
    """The conflict line of one label both sides have with different decisions."""
    if outcome == KEPT_FINAL:
        return (
            f"label {sample_id} / {FINAL}: differs; kept this database's adjudicated label"
            " (--take-final takes theirs)"
        )
    winner = "theirs" if outcome == TOOK_THEIRS else "ours"
    return (
        f"label {sample_id} / {annotator}: differs; kept the newest ({winner}),"
        " the other is in history"
    )
