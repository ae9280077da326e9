"""Cross-table writers: Markdown, CSV, JSON and LaTeX (booktabs).

Contract: each ``render_*`` takes a :class:`~annotator.export.crosstab.CrossTable`
and returns text.

- ``md``: a first comment line ``<!-- ... -->`` stating what is counted, the
  source and the taxonomy; one wide table: a bold row per category (its total
  per group), its subcategories under it, then the Total row and the number of
  samples counted per group. A cell reads ``count (percent of the group's
  occurrences)``; inferred subcategories read ``3 (1 inferred)`` before it.
- ``latex``: the same table; the first line is a comment that says it needs
  ``\\usepackage{booktabs}`` and states the source.
- ``csv``: long format, one row per group and subcategory: ``group, category_id,
  category, subcategory, dl_specific, count, inferred, percent, group_total``
  (percent with one decimal; no comment line, so any CSV reader opens it).
- ``json``: ``{"by", "source", "taxonomy", "groups": [{"group", "total",
  "n_samples", "ties", "categories": [...]}]}`` with the categories as in
  :mod:`annotator.export.json_out`, each row with its ``percent``.

The subcategory columns (CSV and JSON: all of them; Markdown and LaTeX: the
attributes such as DL-Specific? before the groups) are those of
:mod:`annotator.export.columns`. Every name from the data is escaped for its format.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from typing import Any

from ..sheet.cells import guard_row
from .columns import attribute_columns, csv_cells, csv_header
from .counts import source_description
from .crosstab import BY_TITLES, CrossTable
from .json_out import as_dict
from .latex import cell as tex_cell, escape, tex_row
from .markdown import align_line, cell, row


def _pct(count: int, total: int) -> float | None:
    return round(100 * count / total, 1) if total else None


def _cell(count: int, total: int, inferred: int = 0) -> str:
    share = _pct(count, total)
    notes = ([] if share is None else [f"{share:.1f}%"]) + (
        [f"{inferred} inferred"] if inferred else []
    )
    return f"{count} ({', '.join(notes)})" if notes else str(count)


def _describe(table: CrossTable) -> str:
    return (
        f"Category occurrences by {BY_TITLES[table.by]}; {source_description(table.source)};"
        f" taxonomy {table.taxonomy_name} {table.taxonomy_version}; percentages are of each"
        " group's occurrences."
    )


def _sub_cells(cats: list[Any], tables: list[Any], name: str) -> list[str]:
    cells = []
    for c, t in zip(cats, tables, strict=True):
        match = None if c is None else next((s for s in c.subcategories if s.name == name), None)
        cells.append(_cell(match.count, t.total, match.inferred) if match else _cell(0, t.total))
    return cells


def _rows(table: CrossTable) -> list[tuple[str, str, list[str], list[str]]]:
    """(kind, label, attributes, cells) rows of the wide layout; kind is cat, sub, total or
    samples; the attributes are the human cells of
    :data:`~annotator.export.columns.attribute_columns()` (empty but for subcategories).

    Categories and subcategories are aligned by id and name across the groups:
    a group's table lists every taxonomy category, plus ids and names only its
    labels use (an ``Unspecified`` row, names from another taxonomy version).
    """
    tables = [t for _, t in table.groups]
    out: list[tuple[str, str, list[str], list[str]]] = []
    if not tables:
        return out
    blank = [""] * len(attribute_columns())
    ids: dict[int, Any] = {}
    for t in tables:
        for cat in t.categories:
            ids.setdefault(cat.id, cat)
    for cat_id, first in ids.items():
        cats = [next((c for c in t.categories if c.id == cat_id), None) for t in tables]
        totals = [_cell(c.total if c else 0, t.total) for c, t in zip(cats, tables, strict=True)]
        out.append(("cat", f"{cat_id}. {first.name}", blank, totals))
        subs: dict[str, list[str]] = {}
        for c in filter(None, cats):
            for s in c.subcategories:
                subs.setdefault(s.name, [col.human(c, s) for col in attribute_columns()])
        for name, attributes in subs.items():
            out.append(("sub", name, attributes, _sub_cells(cats, tables, name)))
    out.append(("total", "Total", blank, [str(t.total) for t in tables]))
    out.append(("samples", "Samples counted", blank, [str(t.n_samples) for t in tables]))
    return out


def render_md(table: CrossTable) -> str:
    names = [g for g, _ in table.groups]
    lines = [f"<!-- {_describe(table)} -->", ""]
    if not names:
        return "\n".join([*lines, "No samples."]) + "\n"
    titles = [c.title for c in attribute_columns()]
    lines += [row("Category / subcategory", *titles, *(cell(n) for n in names))]
    lines += [align_line(["l"] * (1 + len(titles)) + ["r"] * len(names))]
    for kind, label, attributes, cells in _rows(table):
        if kind == "sub":
            lines.append(row(f"&nbsp;&nbsp;{cell(label)}", *map(cell, attributes), *cells))
        else:
            lines.append(row(f"**{cell(label)}**", *attributes, *(f"**{c}**" for c in cells)))
    return "\n".join(lines) + "\n"


def render_latex(table: CrossTable) -> str:
    names = [g for g, _ in table.groups]
    lines = [
        rf"% Requires \usepackage{{booktabs}}. {escape(_describe(table))}",
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{escape(_describe(table))}}}",
        rf"\label{{tab:occurrences-by-{table.by.replace('_', '-')}}}",
        r"\begin{tabular}{l" + "l" * len(attribute_columns()) + "r" * len(names) + "}",
        r"\toprule",
        tex_row(
            [
                "Category / subcategory",
                *(str(c.title) for c in attribute_columns()),
                *(escape(n) for n in names),
            ]
        ),
    ]
    for kind, label, attributes, cells in _rows(table):
        cells_tex = [escape(c) for c in cells]
        if kind == "cat":
            lines.append(r"\midrule")
            bold = [rf"\textbf{{{c}}}" for c in cells_tex]
            lines.append(tex_row([rf"\textbf{{{escape(label)}}}", *attributes, *bold]))
        elif kind == "sub":
            attributes_tex = [tex_cell(a) for a in attributes]
            lines.append(tex_row([rf"\quad {escape(label)}", *attributes_tex, *cells_tex]))
        else:
            if kind == "total":
                lines.append(r"\midrule")
            lines.append(tex_row([rf"\textbf{{{escape(label)}}}", *attributes, *cells_tex]))
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def render_csv(table: CrossTable, guard_formulas: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    # The long layout: the group, the columns of an occurrence table, then the share.
    writer.writerow(("group", *csv_header(), "percent", "group_total"))
    for group, counts in table.groups:
        for cat in counts.categories:
            for sub in cat.subcategories:
                share = _pct(sub.count, counts.total)
                cells: list[object] = [group, *csv_cells(cat, sub)]
                cells += ["" if share is None else f"{share:.1f}", counts.total]
                writer.writerow(guard_row(cells, guard_formulas))
    return buffer.getvalue()


def render_json(table: CrossTable) -> str:
    groups: list[dict[str, Any]] = []
    for group, counts in table.groups:
        data = as_dict(counts)
        for cat in data["categories"]:
            cat["percent"] = _pct(cat["total"], counts.total)
            for sub in cat["subcategories"]:
                sub["percent"] = _pct(sub["count"], counts.total)
        groups.append(
            {
                "group": group,
                "total": counts.total,
                "n_samples": counts.n_samples,
                "ties": counts.ties,
                "categories": data["categories"],
            }
        )
    doc = {
        "by": table.by,
        "source": table.source,
        "taxonomy": {"name": table.taxonomy_name, "version": table.taxonomy_version},
        "groups": groups,
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


CROSS_WRITERS: dict[str, Callable[[CrossTable], str]] = {
    "md": render_md,
    "csv": render_csv,
    "json": render_json,
    "latex": render_latex,
}
