"""LaTeX occurrence table for a paper (booktabs).

Contract: :func:`render` returns a ``table`` environment holding one
``tabular`` with the columns Subcategory | DL-Specific? | Occurrences (the
human columns of :mod:`annotator.export.columns`): per
category a bold heading row, its subcategories in taxonomy order (inferred
counts read ``12 (3 inferred)``) and a bold Total row, categories separated
by ``\\midrule``; ``\\toprule`` / ``\\bottomrule`` around it. It needs
``\\usepackage{booktabs}``. :func:`escape` makes any text safe in LaTeX: the
special characters & % $ # _ { } ~ ^ \\ are escaped and control characters
dropped - bidi and zero-width controls too (:data:`annotator.textsafe.CONTROL`:
a U+202E in a model or stage name would break the table's compilation).
"""

from __future__ import annotations

import re

from ..textsafe import CONTROL
from .columns import human_cells, human_columns, total_cells
from .counts import CountTable, source_description

_SPECIAL = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_PATTERN = re.compile("|".join(re.escape(c) for c in _SPECIAL))


def escape(text: object) -> str:
    """``text`` with LaTeX special characters escaped, on one line."""
    value = CONTROL.sub("", " ".join(str(text).split("\n")).replace("\t", " "))
    return _PATTERN.sub(lambda m: _SPECIAL[m.group(0)], value)


def cell(text: str) -> str:
    """A human table cell: escaped; ``-`` ("does not apply") as an en dash."""
    return "--" if text == "-" else escape(text)


def tex_row(cells: list[str]) -> str:
    """One tabular row; an empty cell is a bare ``&`` (``\\textbf{Total} & & \\textbf{57} \\\\``)."""
    return " ".join([cells[0], *(f"& {c}" if c else "&" for c in cells[1:])]) + r" \\"


def render(table: CountTable) -> str:
    caption = (
        f"Occurrences of the bug taxonomy categories ({source_description(table.source)};"
        f" {table.n_samples} samples)."
    )
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{escape(caption)}}}",
        r"\label{tab:taxonomy-occurrences}",
        r"\begin{tabular}{" + "".join(c.align for c in human_columns()) + "}",
        r"\toprule",
        tex_row([str(c.title) for c in human_columns()]),
    ]
    for cat in table.categories:
        lines.append(r"\midrule")
        heading = rf"\textbf{{{escape(f'{cat.id}. {cat.name}')}}}"
        lines.append(rf"\multicolumn{{{len(human_columns())}}}{{l}}{{{heading}}} \\")
        for sub in cat.subcategories:
            label, *cells = human_cells(cat, sub)
            lines.append(tex_row([escape(label), *map(cell, cells)]))
        totals = [rf"\textbf{{{t}}}" if t else "" for t in total_cells(cat)]
        lines.append(tex_row([r"\textbf{Total}", *totals]))
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"
