"""JSON occurrence table.

Contract: :func:`render` returns one JSON document (2-space indent, keys in a
fixed order, trailing newline)::

    {"source": str, "n_samples": int, "total": int, "dl_specific_total": int,
     "ties": int, "taxonomy": {"name": str, "version": str},
     "categories": [{"id": int, "name": str, "total": int,
                     "dl_specific_total": int,
                     "subcategories": [{"name": str, "dl_specific": bool,
                                        "count": int, "inferred": int,
                                        "unspecified": bool}]}]}

``n_samples`` is the number of samples with at least one counted bug label.
The ``Unspecified`` subcategory (labels without a subcategory) appears only
when non-zero, with ``"unspecified": true`` and ``"dl_specific": false``.
"""

from __future__ import annotations

import json
from typing import Any

from ..textsafe import json_visible
from .columns import category_json, json_object
from .counts import CountTable


def as_dict(table: CountTable) -> dict[str, Any]:
    return {
        "source": table.source,
        "n_samples": table.n_samples,
        "total": table.total,
        "dl_specific_total": table.dl_specific_total,
        "ties": table.ties,
        "taxonomy": {"name": table.taxonomy_name, "version": table.taxonomy_version},
        "categories": [
            {
                # The keys are those of annotator.export.columns (CATEGORY_COLUMNS, then
                # COLUMNS for each subcategory) that have a json_key.
                **category_json(cat),
                "subcategories": [json_object(cat, sub) for sub in cat.subcategories],
            }
            for cat in table.categories
        ],
    }


def render(table: CountTable) -> str:
    return json_visible(json.dumps(as_dict(table), indent=2, ensure_ascii=False)) + "\n"
