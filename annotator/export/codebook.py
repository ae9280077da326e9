"""The codebook of a taxonomy, as Markdown or LaTeX for a paper's appendix.

Contract: :func:`render` returns the whole codebook in taxonomy order: per
category its id, name, definition (the description when there is no
definition), decision rules (``when -> category``), examples and its
subcategories with their DL-specific flag and definitions; then the aliases
of old codes. The text of the taxonomy is escaped for the format
(:func:`~annotator.export.markdown.cell`, :func:`~annotator.export.latex.escape`),
so names and definitions appear literally. The output depends only on the
taxonomy: the same file gives the same bytes.
"""

from __future__ import annotations

from ..taxonomy import Category, Decision, Taxonomy
from .latex import escape
from .markdown import cell

FORMATS = ("md", "latex")


def _rule_target(taxonomy: Taxonomy, rule: Decision) -> str:
    return taxonomy.label_text(rule.then, rule.subcategory)


def _markdown_category(taxonomy: Taxonomy, cat: Category) -> list[str]:
    out = [f"## {cat.id}. {cell(cat.name)}", "", cell(cat.meaning), ""]
    if cat.decision:
        out += ["**Decision rules**", ""]
        out += [
            f"- {cell(rule.when)} → {cell(_rule_target(taxonomy, rule))}" for rule in cat.decision
        ]
        out.append("")
    if cat.examples:
        out += ["**Examples**", ""]
        out += [f"- {cell(example)}" for example in cat.examples]
        out.append("")
    out += ["**Subcategories**", ""]
    for sub in cat.subcategories:
        dl = " (DL-specific)" if sub.dl_specific else ""
        definition = f": {cell(sub.definition)}" if sub.definition else ""
        out.append(f"- *{cell(sub.name)}*{dl}{definition}")
        out += [f"  - e.g. {cell(example)}" for example in sub.examples]
    out.append("")
    return out


def markdown(taxonomy: Taxonomy) -> str:
    out = [f"# Codebook: {cell(taxonomy.name)} taxonomy, version {cell(taxonomy.version)}", ""]
    for cat in taxonomy.categories:
        out += _markdown_category(taxonomy, cat)
    if taxonomy.aliases:
        out += ["## Old codes", ""]
        for alias in taxonomy.aliases:
            name = f" ({cell(alias.name)})" if alias.name else ""
            target = cell(taxonomy.label_text(alias.category, alias.subcategory))
            out.append(f"- {alias.code}{name} → {target}")
        out.append("")
    return "\n".join(out).rstrip("\n") + "\n"


def _latex_category(taxonomy: Taxonomy, cat: Category) -> list[str]:
    out = [rf"\subsection*{{{cat.id}. {escape(cat.name)}}}", escape(cat.meaning), ""]
    if cat.decision:
        out += [r"\paragraph{Decision rules}", r"\begin{itemize}"]
        out += [
            rf"  \item {escape(rule.when)} $\rightarrow$ {escape(_rule_target(taxonomy, rule))}"
            for rule in cat.decision
        ]
        out.append(r"\end{itemize}")
    if cat.examples:
        out += [r"\paragraph{Examples}", r"\begin{itemize}"]
        out += [rf"  \item {escape(example)}" for example in cat.examples]
        out.append(r"\end{itemize}")
    out += [r"\paragraph{Subcategories}", r"\begin{itemize}"]
    for sub in cat.subcategories:
        dl = " (DL-specific)" if sub.dl_specific else ""
        definition = f": {escape(sub.definition)}" if sub.definition else ""
        out.append(rf"  \item \emph{{{escape(sub.name)}}}{dl}{definition}")
        for example in sub.examples:
            out.append(rf"    e.g.\ {escape(example)}")
    out += [r"\end{itemize}", ""]
    return out


def latex(taxonomy: Taxonomy) -> str:
    out = [
        f"% Codebook: {escape(taxonomy.name)} taxonomy, version {escape(taxonomy.version)}",
        rf"\section*{{Codebook: {escape(taxonomy.name)} taxonomy, version "
        rf"{escape(taxonomy.version)}}}",
        "",
    ]
    for cat in taxonomy.categories:
        out += _latex_category(taxonomy, cat)
    if taxonomy.aliases:
        out += [r"\subsection*{Old codes}", r"\begin{itemize}"]
        for alias in taxonomy.aliases:
            name = f" ({escape(alias.name)})" if alias.name else ""
            target = escape(taxonomy.label_text(alias.category, alias.subcategory))
            out.append(rf"  \item {alias.code}{name} $\rightarrow$ {target}")
        out.append(r"\end{itemize}")
    return "\n".join(out).rstrip("\n") + "\n"


def render(taxonomy: Taxonomy, fmt: str = "md") -> str:
    """The codebook in ``fmt`` ('md' or 'latex')."""
    if fmt == "latex":
        return latex(taxonomy)
    return markdown(taxonomy)
