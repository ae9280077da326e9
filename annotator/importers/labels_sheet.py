"""Labels from the researchers' spreadsheet onto samples already in the database:
``annotator import labels FILE.csv``.

Contract: FILE.csv has a ``sample`` column and per annotator the columns
``<a>_cat1, <a>_note1, <a>_cat2, <a>_note2`` (DL-Bench's ``labels.csv``) and
optionally ``<a>_sub1, <a>_sub2, <a>_flag`` (written by ``export labels
--format sheet``, see :mod:`annotator.export.sheet_out`). Cells are read as
:func:`annotator.importers.labelsheet.parse_cells` reads them (``6.0`` is 6,
``pass``, flags kept as written, alias codes), plus ``skip`` in ``cat1``.
When a ``sub`` column is present it decides the subcategory (``name``, or
``name (inferred)``; blank: none), else the subcategory is inferred from the
note as on a DL-Bench import. A ``'`` that guarded a formula-like cell is
removed.

Only labels are imported, and only onto known samples: any sample id the
database lacks fails the whole import, naming them. A label edited after its
import (in the UI, by review or merge) is kept and reported, never
overwritten; an identical one is unchanged. A sample on several rows: the last
row wins and the difference is reported as a conflict.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import PASS_KIND, LabelValue, kind_of_sheet_cell
from ..sheetformat import INFERRED_SUFFIX, unguard
from ..taxonomy import Taxonomy
from .base import ImportedLabel, ImportSummary
from .labelsheet import parse_cells, sheet_rows

NAME = "labels"
HELP = "a labels spreadsheet (sample, <annotator>_cat1, _note1, _cat2, _note2) onto known samples"
NEEDS_SAMPLE_IDS = True

_GROUP = re.compile(r"^(?P<who>.+)_(?P<part>cat1|note1|cat2|note2|sub1|sub2|flag)$")


def _groups(header: list[str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for name in header:
        match = _GROUP.match(name)
        if match:
            groups.setdefault(match["who"], set()).add(match["part"])
    return {who: parts for who, parts in groups.items() if parts & {"cat1", "cat2"}}


def _sub(cell: str) -> tuple[str | None, bool]:
    if not cell:
        return None, False
    if cell.endswith(INFERRED_SUFFIX):
        return cell[: -len(INFERRED_SUFFIX)], True
    return cell, False


def _value(
    cells: dict[str, str],
    parts: set[str],
    taxonomy: Taxonomy,
    where: str,
    who: str,
    summary: ImportSummary,
) -> LabelValue | None:
    kind = kind_of_sheet_cell(cells.get("cat1", ""))
    # A kind spelled in the cell (the kinds table) other than a pass, which the DLEval
    # reader below knows too: a skip today, with its note and flag.
    if kind is not None and kind != PASS_KIND:
        return LabelValue(kind=kind, note=cells.get("note1", ""), flag=cells.get("flag") or None)
    value = parse_cells(
        {p: cells.get(p, "") for p in ("cat1", "note1", "cat2", "note2")},
        taxonomy,
        where,
        who,
        summary,
    )
    if value is None:
        return None
    # Our own sheets keep notes exactly as written (parse_cells strips them),
    # unless it moved text between them; researchers' sheets read as on import.
    for key in ("note1", "note2") if "sub1" in parts else ():
        attr = "note" if key == "note1" else "note2"
        raw = cells.get(key, "")
        if getattr(value, attr) == raw.strip():
            setattr(value, attr, raw)
    if "sub1" in parts and value.category is not None:
        value.subcategory, value.subcategory_inferred = _sub(cells.get("sub1", ""))
    if "sub2" in parts and value.category2 is not None:
        value.subcategory2, value.subcategory2_inferred = _sub(cells.get("sub2", ""))
    # A sheet written under the previous taxonomy version may use old subcategory names.
    if value.category is not None and value.subcategory is not None:
        value.subcategory = taxonomy.current_subcategory(value.category, value.subcategory)
    if value.category2 is not None and value.subcategory2 is not None:
        value.subcategory2 = taxonomy.current_subcategory(value.category2, value.subcategory2)
    if cells.get("flag"):
        value.flag = cells["flag"]
    return value


def read(
    path: Path,
    taxonomy: Taxonomy,
    summary: ImportSummary,
    *,
    known_ids: set[str] | None = None,
    **_: Any,
) -> Iterator[ImportedLabel]:
    raw_header, sheet = sheet_rows(path, universal_newlines=False)
    # Spaces around a header are the researchers'; a tab or a formula start is part of
    # an annotator's name (a --raw-csv sheet writes them unguarded).
    header = [unguard(h).strip(" ") for h in raw_header]
    if "sample" not in header:
        raise UserError("no 'sample' column", file=path, line=1, field="sample")
    groups = _groups(header)
    if not groups:
        raise UserError("no label columns (<annotator>_cat1 ...)", file=path, line=1)
    known = known_ids if known_ids is not None else set()
    unknown: list[tuple[int, str]] = []
    found: dict[tuple[str, str], tuple[int, LabelValue]] = {}
    for number, cells_list in sheet:
        if not any(c.strip() for c in cells_list):
            continue
        if len(cells_list) > len(header):
            raise UserError("more cells than header columns", file=path, where=f"row {number}")
        row = {h: unguard(c) for h, c in zip(header, cells_list, strict=False)}
        sample = row.get("sample", "").strip()
        if not sample:
            raise UserError("no sample id", file=path, where=f"row {number}", field="sample")
        if sample not in known:
            unknown.append((number, sample))
            continue
        where = f"{path}: row {number}"
        for who, parts in groups.items():
            cells = {p: row.get(f"{who}_{p}", "") for p in parts}
            value = _value(cells, parts, taxonomy, where, who, summary)
            if value is None:
                continue
            earlier = found.get((sample, who))
            if earlier is not None and not earlier[1].same_decision(value):
                summary.conflicts.append(
                    f"{sample} / {who}: row {earlier[0]} differs from row {number}; kept row {number}"
                )
            found[(sample, who)] = (number, value)
    if unknown:
        names = ", ".join(f"'{s}'" for _, s in unknown[:5])
        more = f" and {len(unknown) - 5} more" if len(unknown) > 5 else ""
        raise UserError(
            f"{len(unknown)} sample id(s) not in the database: {names}{more}; import the samples"
            " first (labels are imported onto existing samples only)",
            file=path,
            where=f"row {unknown[0][0]}",
            field="sample",
        )
    for (sample, who), (number, value) in found.items():
        yield ImportedLabel(sample, who, value, f"{path}: row {number}")
