"""LaTeX occurrence table for a paper (booktabs).

Contract: :func:`render` returns a ``table`` environment holding one
``tabular`` with the columns Subcategory | DL-Specific? | Occurrences: per
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
from .counts import CountTable, source_description
from .markdown import occurrences

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
        r"\begin{tabular}{llr}",
        r"\toprule",
        r"Subcategory & DL-Specific? & Occurrences \\",
    ]
    for cat in table.categories:
        lines.append(r"\midrule")
        lines.append(rf"\multicolumn{{3}}{{l}}{{\textbf{{{escape(f'{cat.id}. {cat.name}')}}}}} \\")
        for sub in cat.subcategories:
            flag = "--" if sub.unspecified else ("Yes" if sub.dl_specific else "No")
            count = escape(occurrences(sub.count, sub.inferred))
            lines.append(rf"{escape(sub.name)} & {flag} & {count} \\")
        lines.append(rf"\textbf{{Total}} & & \textbf{{{cat.total}}} \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"
