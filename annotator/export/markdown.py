"""Markdown occurrence tables, laid out as in the DLEval paper.

Contract: :func:`render` returns a Markdown document: a summary table of all
categories (occurrences, occurrences in DL-specific subcategories and their
share) and then one table per category in taxonomy order with the columns
Subcategory | DL-Specific? | Occurrences (the human columns of
:mod:`annotator.export.columns`) and a bold Total row
(``| **Total** | | **57** |``). An occurrence count whose subcategory was
inferred from a note reads ``12 (3 inferred)``. :func:`cell` makes any text
safe inside a table cell: ``|`` and the characters ``\\ * _ ` [ ] < >`` are
backslash-escaped, line breaks become spaces and control characters
(including bidi overrides such as U+202E) are shown as visible escapes.
"""

from __future__ import annotations

import re

from ..textsafe import visible
from .columns import human_cells, human_columns, summary_columns, total_cells
from .counts import CategoryCount, CountTable, source_description

# Backslash-escaped so that names and notes render literally: | would split the
# cell, the others would turn text into emphasis, code, links or HTML.
_MARKUP = re.compile(r"[\\|*_`\[\]<>]")


def cell(text: object) -> str:
    """Text for one Markdown table cell."""
    value = str(text).replace("\r\n", "\n").replace("\r", "\n").replace("\n", " ")
    value = visible(value.replace("\t", " ")).strip()
    return _MARKUP.sub(r"\\\g<0>", value)


def row(*cells: object) -> str:
    """One table row; an empty cell is a single space (``| **Total** | | **57** |``)."""
    return "|" + "|".join(f" {c} " if str(c) else " " for c in cells) + "|"


def align_line(aligns: list[str]) -> str:
    """The line under a table's header: ``|---|---:|`` for ``["l", "r"]``."""
    return "|" + "".join("---:|" if a == "r" else "---|" for a in aligns)


def summary(table: CountTable) -> list[str]:
    """One row per category: the summary columns of :mod:`annotator.export.columns`."""
    columns = summary_columns()
    lines = [row(*(c.title for c in columns)), align_line([c.align for c in columns])]
    for cat in table.categories:
        lines.append(row(*(cell(c.human(cat)) for c in columns)))
    totals = [c.total(table) if c.total else "Total" for c in columns]
    lines.append(row(*(f"**{t}**" for t in totals)))
    return lines


def category_table(cat: CategoryCount) -> list[str]:
    """One category's table: the human columns of :data:`annotator.export.columns.COLUMNS`."""
    lines = [
        row(*(c.title for c in human_columns())),
        align_line([c.align for c in human_columns()]),
    ]
    for sub in cat.subcategories:
        lines.append(row(*(cell(text) for text in human_cells(cat, sub))))
    lines.append(row("**Total**", *(f"**{t}**" if t else "" for t in total_cells(cat))))
    return lines


def notes(table: CountTable) -> list[str]:
    out = []
    if table.inferred:
        out.append(
            f"{table.inferred} occurrences have a subcategory inferred from the annotator's"
            " note; list them for confirmation with `annotator export inferred`."
        )
    if table.ties:
        out.append(
            f"{table.ties} samples had a category named by exactly half of their annotators;"
            " ties are not counted."
        )
    return out


def render(table: CountTable, level: int = 1) -> str:
    """The whole document; ``level`` is the heading level of its title."""
    h = "#" * level
    lines = [
        f"{h} Taxonomy occurrences",
        "",
        f"Source: {cell(source_description(table.source))}.",
        f"Samples with a counted bug label: {table.n_samples}."
        + (
            f" Taxonomy: {cell(table.taxonomy_name)} {cell(table.taxonomy_version)}."
            if table.taxonomy_name
            else ""
        ),
        "",
        f"{h}# Summary",
        "",
        *summary(table),
        "",
    ]
    for note in notes(table):
        lines += [note, ""]
    for cat in table.categories:
        lines += [f"{h}# {cell(f'{cat.id}. {cat.name}')}", "", *category_table(cat), ""]
    return "\n".join(lines).rstrip("\n") + "\n"
