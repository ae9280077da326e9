"""The one reader of labels spreadsheets: DL-Bench's ``labels.csv`` and ``annotator import labels``.

Contract: :func:`sheet_rows` reads the rows of every labels sheet and
:func:`parse_cells` one annotator's cells; the two readers below use them.

DL-Bench import: :func:`read_sheet` reads a CSV with a ``sample`` column, an optional
``prompt`` column and label column groups ``<annotator>_cat1, _note1, _cat2,
_note2``, and returns the prompts per sample and one :class:`ImportedLabel`
per (sample, annotator). Messy values are mapped, never guessed silently:

- '6' and '6.0' are category 6; an alias code (15) maps through the taxonomy;
- 'pass' / 'passed' mean the annotator judged the sample not a failure;
- any other text in a first-category cell ('problem', '?') is a flag, raw value kept;
- text in a second-category cell is not a code: it is kept in the second note;
- blank cells are no label; a number that is no category is an error.

A sample on several rows gets one label per annotator: identical rows merge,
different ones are reported as conflicts that name the cells that differ
("s7 / final: rows 210 and 218 differ in note1 ('shape' vs 'dims'); kept row
218"), and the last row wins (the others are kept in the label's ``raw`` field).

``annotator import labels FILE.csv`` (:func:`read_labels`, registered in
:mod:`annotator.importers`) puts labels from the spreadsheet onto samples already
in the database. FILE.csv has a ``sample`` column and per annotator the columns
``<a>_cat1, <a>_note1, <a>_cat2, <a>_note2`` (DL-Bench's ``labels.csv``) and
optionally ``<a>_sub1, <a>_sub2, <a>_flag`` (written by ``export labels
--format sheet``, see :mod:`annotator.sheet.writer`). Cells are read as
:func:`parse_cells` reads them (``6.0`` is 6,
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

import csv
import io
import re
from collections import defaultdict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..imported import ImportedLabel, ImportSummary
from ..models import KINDS, PASS_KIND, LabelValue, kind_of_sheet_cell
from ..safefiles import open_regular
from ..taxonomy import Taxonomy
from .cells import unguard
from .layout import DLBENCH_GROUP, DLBENCH_PARTS, GROUP, INFERRED_SUFFIX

PASS_VALUES = set(KINDS["pass"].sheet)
"""How a sheet spells a pass (the kinds table :data:`annotator.models.KINDS`)."""


def annotator_groups(header: Sequence[str]) -> list[str]:
    groups: list[str] = []
    for name in header:
        match = DLBENCH_GROUP.match(name.strip())
        if match and match["who"] not in groups:
            groups.append(match["who"])
    return groups


def parse_cells(
    cells: dict[str, str], taxonomy: Taxonomy, where: str, field_prefix: str, summary: ImportSummary
) -> LabelValue | None:
    """Turn one annotator's four cells into a label (None: no label)."""
    cat1 = cells.get("cat1", "").strip()
    cat2 = cells.get("cat2", "").strip()
    note1 = cells.get("note1", "").strip()
    note2 = cells.get("note2", "").strip()
    if not (cat1 or cat2 or note1 or note2):
        return None
    raw = {k: v for k, v in cells.items() if v.strip()}
    value = LabelValue(kind="none", note=note1, note2=note2, raw=raw)

    second = _code(cat2, taxonomy, where, f"{field_prefix}_cat2") if cat2 else None
    if cat2 and second is None:
        if cat2.lower() not in PASS_VALUES:
            summary.warnings.append(
                f"{where} field '{field_prefix}_cat2': '{cat2}' is not a category code;"
                " kept in the second note"
            )
            value.note2 = f"{cat2} | {note2}" if note2 else cat2

    first = _code(cat1, taxonomy, where, f"{field_prefix}_cat1") if cat1 else None
    if first is not None:
        value.kind = "bug"
        value.category, value.subcategory = first
    elif cat1.lower() in PASS_VALUES:
        value.kind = "pass"
    elif cat1:
        value.flag = cat1
    if second is not None:
        if value.kind == "none":
            # A second category with no first one: promote it, say so.
            summary.warnings.append(
                f"{where} field '{field_prefix}_cat1': no first category; "
                f"the second ({cat2}) becomes the first"
            )
            value.kind = "bug"
            value.category, value.subcategory = second
            value.note, value.note2 = (note2 or note1), ("" if note2 else value.note2)
        elif value.kind == "bug":
            value.category2, value.subcategory2 = second
    _infer(value, taxonomy)
    return value


def _code(text: str, taxonomy: Taxonomy, where: str, field: str) -> tuple[int, str | None] | None:
    resolved = taxonomy.resolve_code(text)
    if resolved is None and re.fullmatch(r"\d+(\.\d*)?", text):
        raise UserError(
            f"'{text}' is not a category of taxonomy {taxonomy.version}", where=where, field=field
        )
    return resolved


def _infer(value: LabelValue, taxonomy: Taxonomy) -> None:
    """Fill missing subcategories from the notes, marked as inferred."""
    if value.category is not None and value.subcategory is None:
        cat = taxonomy.category(value.category)
        value.subcategory = taxonomy.infer_subcategory(value.category, value.note)
        value.subcategory_inferred = value.subcategory is not None and len(cat.subcategories) > 1
    if value.category2 is not None and value.subcategory2 is None:
        cat = taxonomy.category(value.category2)
        value.subcategory2 = taxonomy.infer_subcategory(value.category2, value.note2)
        value.subcategory2_inferred = value.subcategory2 is not None and len(cat.subcategories) > 1


SHEET_BYTES = 64 << 20
"""Largest sheet read (checked before reading): 100,000 rows with notes of 600 characters;
at this size an import of notes at their cap writes within seconds."""
FIELD_CHARS = 1 << 20
"""Longest cell: a longer one fails at once, naming its row, before memory grows
(the csv module keeps a cell as 4 bytes a character); a note is at most
:data:`~annotator.models.MAX_LABEL_TEXT` bytes anyway."""


def sheet_rows(
    path: Path, *, universal_newlines: bool
) -> tuple[list[str], Iterator[tuple[int, list[str]]]]:
    """The one reader of every labels sheet (``labels.csv`` of a DL-Bench folder and
    ``import labels``): the header and an iterator of ``(row number, cells)``.

    The file must be a regular file of at most :data:`SHEET_BYTES` (a FIFO is
    refused, never waited on); it is read as a stream (UTF-8, a BOM dropped;
    ``universal_newlines`` turns ``\\r\\n`` and ``\\r`` into ``\\n``, else cells keep
    their bytes) by a strict CSV parser: an unterminated or swallowing quote, a
    cell over :data:`FIELD_CHARS` or bytes that are not UTF-8 fail with the row
    (and line) where the bad cell started, instead of swallowing the rows after it.
    """
    handle = open_regular(path, "labels sheet", SHEET_BYTES)
    stream = io.TextIOWrapper(handle, "utf-8-sig", newline=None if universal_newlines else "")
    csv.field_size_limit(FIELD_CHARS)
    reader = csv.reader(stream, strict=True)

    def fail(why: str, row: int, line: int) -> UserError:
        stream.close()
        return UserError(why, file=path, where=f"row {row} (line {line})")

    def next_row(row_number: int) -> list[str] | None:
        start = reader.line_num + 1
        try:
            return next(reader)
        except StopIteration:
            stream.close()
            return None
        except UnicodeDecodeError:
            raise fail("not UTF-8", row_number, start) from None
        except csv.Error as exc:
            why = str(exc)
            if "unexpected end of data" in why or "EOF" in why:
                why = "unterminated quote (the quoted cell runs to the end of the file)"
            elif "field larger than field limit" in why:
                why = f"a cell of more than {FIELD_CHARS:,} characters"
            raise fail(f"bad CSV: {why}", row_number, start) from None

    header = next_row(1)
    if header is None:
        stream.close()
        raise UserError("empty file", file=path)

    def rows() -> Iterator[tuple[int, list[str]]]:
        row_number = 1
        while True:
            row_number += 1
            cells = next_row(row_number)
            if cells is None:
                return
            yield row_number, cells

    return header, rows()


def read_sheet(
    path: Path, taxonomy: Taxonomy, summary: ImportSummary, known: set[str]
) -> tuple[dict[str, str], list[ImportedLabel]]:
    """Prompts per sample and labels, from a labels spreadsheet."""
    header, sheet = sheet_rows(path, universal_newlines=True)
    if "sample" not in header:
        raise UserError("no 'sample' column", file=path, line=1, field="sample")
    groups = annotator_groups(header)
    prompts: dict[str, str] = {}
    found: dict[tuple[str, str], list[tuple[int, LabelValue]]] = defaultdict(list)
    rows_of: dict[str, list[int]] = defaultdict(list)
    for row_number, cells_list in sheet:
        if not cells_list:
            continue
        if len(cells_list) > len(header):
            raise UserError("more cells than header columns", file=path, where=f"row {row_number}")
        row = dict(zip(header, cells_list, strict=False))
        sample = (row.get("sample") or "").strip()
        if not sample:
            summary.skipped.append(f"{path.name} row {row_number}: no sample id")
            continue
        if sample not in known:
            summary.skipped.append(f"{path.name} row {row_number}: no files for sample '{sample}'")
            continue
        rows_of[sample].append(row_number)
        if row.get("prompt") and sample not in prompts:
            prompts[sample] = row["prompt"]
        where = f"{path}: row {row_number}"
        for who in groups:
            cells = {part: row.get(f"{who}_{part}") or "" for part in DLBENCH_PARTS}
            value = parse_cells(cells, taxonomy, where, who, summary)
            if value is not None:
                found[(sample, who)].append((row_number, value))
    for sample, rows in rows_of.items():
        if len(rows) > 1:
            summary.duplicates.append(f"{sample}: rows {', '.join(map(str, rows))}")
    labels: list[ImportedLabel] = []
    for (sample, who), versions in found.items():
        row_number, value = versions[-1]
        different = [(r, v) for r, v in versions[:-1] if not v.same_decision(value)]
        if different:
            summary.conflicts.extend(
                f"{sample} / {who}: rows {r} and {row_number} differ in {_differences(v, value)};"
                f" kept row {row_number}"
                for r, v in different
            )
            value.raw = {**(value.raw or {}), "conflicts": [v.raw for _, v in different]}
        labels.append(ImportedLabel(sample, who, value, f"{path}: row {row_number}"))
    return prompts, labels


SHOWN = 40
"""Characters of a differing cell shown in a conflict message."""


def _differences(earlier: LabelValue, kept: LabelValue) -> str:
    """Which cells differ, with both values: "note1 ('shape' vs 'shape mismatch')"."""
    before, after = earlier.raw or {}, kept.raw or {}
    parts = []
    for part in DLBENCH_PARTS:
        a, b = before.get(part, "").strip(), after.get(part, "").strip()
        if a != b:
            parts.append(f"{part} ({_cell(a)} vs {_cell(b)})")
    return ", ".join(parts) or f"meaning ({_short(earlier)} vs {_short(kept)})"


def _cell(text: str) -> str:
    if not text:
        return "blank"
    return repr(text if len(text) <= SHOWN else text[: SHOWN - 1] + "…")


def _short(value: LabelValue) -> str:
    if value.kind == "bug":
        second = f"+{value.category2}" if value.category2 else ""
        return f"{value.category}{second}"
    return value.kind if value.kind != "none" else f"flag {value.flag or ''}".strip()


# ``annotator import labels``: our own sheets (and researchers') onto known samples.

IMPORT_NAME = "labels"
"""The format name of ``annotator import labels``."""
IMPORT_HELP = (
    "a labels spreadsheet (sample, <annotator>_cat1, _note1, _cat2, _note2) onto known samples"
)
NEEDS_SAMPLE_IDS = True


def _label_groups(header: list[str]) -> dict[str, set[str]]:
    groups: dict[str, set[str]] = {}
    for name in header:
        match = GROUP.match(name)
        if match:
            groups.setdefault(match["who"], set()).add(match["part"])
    return {who: parts for who, parts in groups.items() if parts & {"cat1", "cat2"}}


def _sub(cell: str) -> tuple[str | None, bool]:
    if not cell:
        return None, False
    if cell.endswith(INFERRED_SUFFIX):
        return cell[: -len(INFERRED_SUFFIX)], True
    return cell, False


def _label_value(
    cells: dict[str, str],
    parts: set[str],
    taxonomy: Taxonomy,
    where: str,
    who: str,
    summary: ImportSummary,
) -> LabelValue | None:
    kind = kind_of_sheet_cell(cells.get("cat1", ""))
    # A kind spelled in the cell (the kinds table) other than a pass, which the DLEval
    # reading below knows too: a skip today, with its note and flag.
    if kind is not None and kind != PASS_KIND:
        return LabelValue(kind=kind, note=cells.get("note1", ""), flag=cells.get("flag") or None)
    value = parse_cells(
        {p: cells.get(p, "") for p in DLBENCH_PARTS},
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


def read_labels(
    path: Path,
    taxonomy: Taxonomy,
    summary: ImportSummary,
    *,
    known_ids: set[str] | None = None,
    **_: Any,
) -> Iterator[ImportedLabel]:
    """The labels of FILE.csv onto the known samples ``known_ids`` (``import labels``)."""
    raw_header, sheet = sheet_rows(path, universal_newlines=False)
    # Spaces around a header are the researchers'; a tab or a formula start is part of
    # an annotator's name (a --raw-csv sheet writes them unguarded).
    header = [unguard(h).strip(" ") for h in raw_header]
    if "sample" not in header:
        raise UserError("no 'sample' column", file=path, line=1, field="sample")
    groups = _label_groups(header)
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
            value = _label_value(cells, parts, taxonomy, where, who, summary)
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
