"""The occurrence table as the paper prints it (DL-Bench's Table 6): ``export counts --layout paper``.

Contract: every renderer takes the :class:`~annotator.export.counts.CountTable`
of ``export counts`` (so the numbers are the same) and lays it out as one table
with the columns Category | Subcategory | DL-specific | Occurrences: per
category, in taxonomy order, a row with its id, name and total, then one row
per subcategory in taxonomy order, zero rows kept (the Unspecified row, labels
without a subcategory, when non-zero, its flag ``-``), and a last Total row.
``inferred=True`` marks counts with inferred subcategories ``12 (3 inferred)``;
``False`` prints the bare count and states the inferred total in the note
instead. Every table states its source, the number of samples, the taxonomy
and what was inferred.

- :func:`render_md`: one Markdown table (names escaped).
- :func:`render_csv`: the same rows (``row`` = ``category`` or ``subcategory``),
  ``dl_specific`` as ``yes``/``no``/empty, ``inferred`` its own column; cells
  guarded against formulas unless ``guard_formulas`` is false.
- :func:`render_latex`: booktabs; by default a ``table`` whose ``tabularx`` spans
  ``\\linewidth`` (long names wrap in their column, so it fits one page width;
  needs ``tabularx``, ``array``); ``longtable=True`` a ``longtable`` that splits across pages
  with the header repeated (needs ``longtable``). Text escaped.
"""

from __future__ import annotations

import csv
import io

from ..sheet.cells import guard_row
from .columns import occurrences
from .counts import CountTable, source_description
from .latex import escape
from .markdown import cell, row


def _count(count: int, inferred: int, marks: bool) -> str:
    return occurrences(count, inferred) if marks else str(count)


def _flag(dl_specific: bool, unspecified: bool) -> str:
    return "-" if unspecified else ("Yes" if dl_specific else "No")


def note(table: CountTable, marks: bool) -> str:
    """Source, samples, taxonomy and what was inferred, as one sentence."""
    text = (
        f"Occurrences of the bug taxonomy categories; {source_description(table.source)};"
        f" {table.n_samples} samples with a counted bug label"
    )
    if table.taxonomy_name:
        text += f"; taxonomy {table.taxonomy_name} {table.taxonomy_version}"
    if table.inferred:
        text += (
            f"; {table.inferred} occurrences have a subcategory inferred from the annotator's"
            " note" + (" (marked)" if marks else " (not marked)")
        )
    if table.ties:
        text += f"; {table.ties} samples with a tie (not counted)"
    return text + "."


def render_md(table: CountTable, inferred: bool = True) -> str:
    lines = [
        cell(note(table, inferred)),
        "",
        row("Category", "Subcategory", "DL-specific", "Occurrences"),
        "|---|---|---|---:|",
    ]
    for cat in table.categories:
        lines.append(row(f"**{cell(f'{cat.id}. {cat.name}')}**", "", "", f"**{cat.total}**"))
        for sub in cat.subcategories:
            lines.append(
                row(
                    "",
                    cell(sub.name),
                    _flag(sub.dl_specific, sub.unspecified),
                    _count(sub.count, sub.inferred, inferred),
                )
            )
    lines.append(row("**Total**", "", "", f"**{table.total}**"))
    return "\n".join(lines) + "\n"


def render_csv(table: CountTable, inferred: bool = True, guard_formulas: bool = True) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(
        ("row", "category_id", "category", "subcategory", "dl_specific", "occurrences", "inferred")
    )
    for cat in table.categories:
        writer.writerow(
            guard_row(
                ("category", cat.id, cat.name, "", "", cat.total, cat.inferred), guard_formulas
            )
        )
        for sub in cat.subcategories:
            flag = "" if sub.unspecified else ("yes" if sub.dl_specific else "no")
            cells = ("subcategory", cat.id, cat.name, sub.name, flag, sub.count, sub.inferred)
            writer.writerow(guard_row(cells, guard_formulas))
    writer.writerow(
        guard_row(("total", "", "", "", "", table.total, table.inferred), guard_formulas)
    )
    return buffer.getvalue()


def _latex_rows(table: CountTable, inferred: bool) -> list[str]:
    lines = []
    for cat in table.categories:
        lines.append(r"\midrule")
        name = escape(f"{cat.id}. {cat.name}")
        lines.append(rf"\textbf{{{name}}} & & \textbf{{{cat.total}}} \\")
        for sub in cat.subcategories:
            flag = "--" if sub.unspecified else ("Yes" if sub.dl_specific else "No")
            count = escape(_count(sub.count, sub.inferred, inferred))
            lines.append(rf"\hspace*{{1em}}{escape(sub.name)} & {flag} & {count} \\")
    lines += [r"\midrule", rf"\textbf{{Total}} & & \textbf{{{table.total}}} \\"]
    return lines


def render_latex(table: CountTable, inferred: bool = True, longtable: bool = False) -> str:
    caption = rf"\caption{{{escape(note(table, inferred))}}}"
    label = r"\label{tab:taxonomy-occurrences}"
    head = r"Category / subcategory & DL-specific & Occurrences \\"
    if longtable:
        # The name column wraps and takes what the two number columns leave: as wide as the text.
        spec = r"@{}>{\raggedright\arraybackslash}p{\dimexpr\linewidth-13em-4\tabcolsep\relax}cr@{}"
        lines = [
            r"\begin{small}",
            rf"\begin{{longtable}}{{{spec}}}",
            caption + label + r" \\",
            r"\toprule",
            head,
            r"\endfirsthead",
            r"\toprule",
            head,
            r"\endhead",
            r"\bottomrule",
            r"\endlastfoot",
            *_latex_rows(table, inferred),
            r"\end{longtable}",
            r"\end{small}",
        ]
        return "\n".join(lines) + "\n"
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        r"\small",
        caption,
        label,
        r"\begin{tabularx}{\linewidth}{@{}>{\raggedright\arraybackslash}Xcr@{}}",
        r"\toprule",
        head,
        *_latex_rows(table, inferred),
        r"\bottomrule",
        r"\end{tabularx}",
        r"\end{table}",
    ]
    return "\n".join(lines) + "\n"
