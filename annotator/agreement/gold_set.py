"""Building the gold set: adopting an annotator's labels, or importing a CSV file.

Contract: :func:`from_annotator` turns an annotator's deciding labels (a category or a pass;
typically the adjudicated ``final``) on the chosen samples into gold items;
:func:`read_gold_csv` reads a gold file strictly. Both only *build* the items: the caller
writes them with :meth:`annotator.store.Store.put_gold`, one transaction, all or none.

The CSV file has a header naming ``id``, ``category`` and ``subcategory`` (and optionally
``purpose``), in any order; ``category`` is a category id of the taxonomy or ``pass``;
``subcategory`` may be empty. Any bad row (an unknown column, a missing or duplicate id, an id
not in the database, a category or subcategory the taxonomy does not have, a bad purpose, a
CSV syntax error) fails with one line naming the file, the line and the field, before
anything is written. The file is read through :mod:`annotator.safefiles` (a regular file,
bounded, UTF-8).
"""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

from ..errors import UserError
from ..models import decides
from ..safefiles import read_text
from ..store import Store
from ..store.gold import PURPOSES, GoldItem, check_reference

GOLD_COLUMNS = ("id", "category", "subcategory")
OPTIONAL_COLUMNS = ("purpose",)
MAX_GOLD_BYTES = 16 << 20
"""Largest gold file read (a gold set is hundreds of rows)."""


def from_annotator(
    store: Store,
    annotator: str,
    *,
    purpose: str,
    ids: list[str] | None = None,
    category: int | None = None,
    sample: int | None = None,
    seed: int = 0,
) -> list[GoldItem]:
    """``annotator``'s deciding labels as gold items of ``purpose``.

    ``ids``: exactly these samples (each must carry a deciding label of ``annotator``);
    ``category``: only the labels of that category; ``sample``: that many of the
    selection drawn at random with ``seed`` (stated, so the draw can be repeated).
    """
    if annotator not in store.annotators():
        raise UserError(f"no annotator '{annotator}' in {store.path}", field="from-annotator")
    labels = {label.sample_id: label for label in store.labels(annotator) if decides(label.kind)}
    if ids is not None:
        missing = [sid for sid in ids if sid not in labels]
        if missing:
            raise UserError(
                f"'{missing[0]}' has no category or pass label of {annotator}"
                + (f" (and {len(missing) - 1} more)" if len(missing) > 1 else ""),
                field="ids",
            )
        chosen = [labels[sid] for sid in dict.fromkeys(ids)]
    else:
        chosen = list(labels.values())
    if category is not None:
        chosen = [label for label in chosen if label.kind == "bug" and label.category == category]
    if sample is not None:
        if sample > len(chosen):
            raise UserError(
                f"--sample {sample} is more than the {len(chosen)} labels selected", field="sample"
            )
        # Sorted first, so the draw depends on the seed and the selection only.
        chosen = random.Random(seed).sample(sorted(chosen, key=lambda lab: lab.sample_id), sample)
    source = f"annotator:{annotator}"
    return [
        GoldItem(label.sample_id, label.kind, label.category, label.subcategory, purpose, source)
        for label in chosen
    ]


def read_gold_csv(path: Path, store: Store, purpose: str) -> list[GoldItem]:
    """The gold items of a CSV file (see the module docstring); ``purpose`` for rows
    without a ``purpose`` cell."""
    text = read_text(path, what="gold file", cap=MAX_GOLD_BYTES).removeprefix("\ufeff")
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)

    def fail(reason: str, line: int, field: str | None = None) -> UserError:
        return UserError(reason, file=path, line=line, field=field)

    rows: list[tuple[int, list[str]]] = []
    while True:
        start = reader.line_num + 1
        try:
            cells = next(reader)
        except StopIteration:
            break
        except csv.Error as exc:
            raise fail(f"bad CSV: {exc}", start) from None
        rows.append((start, cells))
    if not rows:
        raise UserError("empty file", file=path)
    _, header = rows[0]
    header = [h.strip().lower() for h in header]
    for name in header:
        if name not in GOLD_COLUMNS + OPTIONAL_COLUMNS:
            raise fail(f"unknown column '{name}' (expected {', '.join(GOLD_COLUMNS)})", 1, name)
    for name in GOLD_COLUMNS:
        if name not in header:
            raise fail(f"no '{name}' column", 1, name)
    if len(set(header)) != len(header):
        raise fail("a column is named twice", 1)
    known = set(store.sample_ids())
    taxonomy = store.taxonomy
    seen: dict[str, int] = {}
    items: list[GoldItem] = []
    for line, cells in rows[1:]:
        if not any(c.strip() for c in cells):
            continue  # a blank line
        if len(cells) != len(header):
            raise fail(f"{len(cells)} cells, the header has {len(header)}", line)
        row = dict(zip(header, (c.strip() for c in cells), strict=True))
        sid = row["id"]
        if not sid:
            raise fail("no sample id", line, "id")
        if sid in seen:
            raise fail(f"'{sid}' is listed twice (first on line {seen[sid]})", line, "id")
        seen[sid] = line
        if sid not in known:
            raise fail(f"no sample '{sid}' in {store.path}", line, "id")
        row_purpose = row.get("purpose") or purpose
        if row_purpose not in PURPOSES:
            raise fail(f"purpose must be one of {', '.join(PURPOSES)}", line, "purpose")
        raw = row["category"]
        subcategory = row["subcategory"] or None
        if raw.lower() == "pass":
            if subcategory is not None:
                raise fail("a pass has no subcategory", line, "subcategory")
            item = GoldItem(sid, "pass", None, None, row_purpose, f"import:{path.name}")
        else:
            try:
                category = int(raw)
            except ValueError:
                raise fail(
                    f"'{raw}' is neither a category id nor 'pass'", line, "category"
                ) from None
            if not taxonomy.has(category):
                raise fail(f"unknown category {category}", line, "category")
            if (
                subcategory is not None
                and taxonomy.category(category).subcategory(subcategory) is None
            ):
                raise fail(
                    f"category {category} has no subcategory '{subcategory}'", line, "subcategory"
                )
            item = GoldItem(sid, "bug", category, subcategory, row_purpose, f"import:{path.name}")
        try:
            check_reference(item, taxonomy)
        except UserError as exc:
            raise fail(exc.reason, line, exc.field) from None
        items.append(item)
    if not items:
        raise UserError("no gold rows after the header", file=path)
    return items
