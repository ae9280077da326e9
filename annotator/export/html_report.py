"""``report --format html``: the report as one self-contained HTML file.

Contract: :func:`build_html(store, markdown, raters)` turns the Markdown of
:func:`annotator.export.report.build_report` into HTML (headings, paragraphs,
tables with right-aligned number columns, bold, inline code; the Markdown
backslash escapes undone, then every text HTML-escaped, so data never becomes
markup) and appends a Figures section with the SVG figures of
:mod:`annotator.export.figures` inline. No external resource: styles are
inline in the head, there is no script, no link, no remote font. Without
matplotlib the command fails with one line saying how to install it.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence

from ..store import Store
from .figures import render_figures, start_render

Rendered = Callable[[], tuple[dict[str, bytes], dict[str, str]]]

_ESCAPED = re.compile(r"\\([\\|*_`\[\]<>])")
_BOLD = re.compile(r"\*\*(.+?)\*\*")
_CODE = re.compile(r"`([^`]+)`")
_SVG_START = re.compile(rb"<svg[\s>]")
_SEP = re.compile(r"^\|(\s*:?-+:?\s*\|)+$")

STYLE = """
body { font-family: system-ui, sans-serif; max-width: 60rem; margin: 2rem auto; padding: 0 1rem;
       color: #1d2328; line-height: 1.45; }
table { border-collapse: collapse; margin: 0.5rem 0 1.2rem; font-size: 0.9rem; }
th, td { border-bottom: 1px solid #d5dbe0; padding: 0.2rem 0.6rem; text-align: left; }
th { border-bottom: 2px solid #1d2328; }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
figure { margin: 1rem 0 2rem; }
figure svg { max-width: 100%; height: auto; }
code { background: #eef1f4; padding: 0 0.2rem; }
"""

TITLES = {
    "categories": "Category occurrences, DL-specific and not",
    "pass_at_1_by_stage": "pass@1 by stage per model",
    "category_model_heatmap": "Category occurrences per model",
    "confusion": "Agreement confusion matrix",
    "saturation": "Saturation curve: codes used and conflicts per round or batch",
}


def _inline(text: str) -> str:
    """One Markdown cell or paragraph as HTML: escapes undone, text escaped, bold and code."""
    # Split on unescaped markers only: protect escaped characters first.
    protected = _ESCAPED.sub(lambda m: f"\x00{ord(m.group(1))}\x00", text)
    out = html.escape(protected, quote=False)
    out = _CODE.sub(lambda m: f"<code>{m.group(1)}</code>", out)
    out = _BOLD.sub(lambda m: f"<strong>{m.group(1)}</strong>", out)
    out = out.replace("&amp;nbsp;", "&nbsp;")
    return re.sub("\x00(\\d+)\x00", lambda m: html.escape(chr(int(m.group(1))), quote=False), out)


def _cells(line: str) -> list[str]:
    body = line.strip()[1:-1]
    cells, current, i = [], "", 0
    while i < len(body):
        if body[i] == "\\" and i + 1 < len(body):
            current += body[i : i + 2]
            i += 2
            continue
        if body[i] == "|":
            cells.append(current.strip())
            current = ""
        else:
            current += body[i]
        i += 1
    cells.append(current.strip())
    return cells


def _table(lines: list[str]) -> list[str]:
    header, align, *body = lines
    right = [c.strip().endswith(":") for c in _cells(align)]

    def cls(i: int) -> str:
        return ' class="num"' if i < len(right) and right[i] else ""

    out = ["<table>", "<thead><tr>"]
    out += [f"<th{cls(i)}>{_inline(c)}</th>" for i, c in enumerate(_cells(header))]
    out += ["</tr></thead>", "<tbody>"]
    for line in body:
        out.append(
            "<tr>"
            + "".join(f"<td{cls(i)}>{_inline(c)}</td>" for i, c in enumerate(_cells(line)))
            + "</tr>"
        )
    return [*out, "</tbody>", "</table>"]


def markdown_to_html(markdown: str) -> str:
    """The body HTML of the report's Markdown (the subset the report writes)."""
    out: list[str] = []
    lines = markdown.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        if not line.strip() or line.startswith("<!--"):
            i += 1
            continue
        heading = re.match(r"^(#{1,6}) (.*)$", line)
        if heading:
            level = len(heading.group(1))
            out.append(f"<h{level}>{_inline(heading.group(2))}</h{level}>")
            i += 1
            continue
        if line.startswith("|") and i + 1 < len(lines) and _SEP.match(lines[i + 1].strip()):
            block = []
            while i < len(lines) and lines[i].startswith("|"):
                block.append(lines[i])
                i += 1
            out += _table(block)
            continue
        paragraph = []
        while i < len(lines) and lines[i].strip() and not lines[i].startswith(("#", "|")):
            paragraph.append(lines[i])
            i += 1
        out.append(f"<p>{_inline(' '.join(paragraph))}</p>")
    return "\n".join(out)


def _svg(data: bytes) -> str:
    """The <svg> element of a file (no XML declaration or DOCTYPE)."""
    match = _SVG_START.search(data)
    return data[match.start() :].decode("utf-8") if match else ""


def figure_pair(raters: Sequence[str] | None) -> list[str] | None:
    """The confusion matrix's pair: the two raters when exactly two are named."""
    return list(raters) if raters and len(raters) == 2 else None


def start_figures(
    store: Store, raters: Sequence[str] | None = None, batch_size: int | None = None
) -> Rendered:
    """The report's figures begun now (see :func:`annotator.export.figures.start_render`),
    for :func:`build_html`'s ``rendered``."""
    return start_render(store, "svg", pair=figure_pair(raters), batch_size=batch_size)


def build_html(
    store: Store,
    markdown: str,
    raters: Sequence[str] | None = None,
    rendered: Rendered | None = None,
    batch_size: int | None = None,
) -> str:
    """The report and its figures as one HTML document (``rendered``: the figures
    begun by :func:`start_figures`, else rendered here)."""
    if rendered is not None:
        figures, skipped = rendered()
    else:
        figures, skipped = render_figures(
            store, "svg", pair=figure_pair(raters), batch_size=batch_size
        )
    title_match = re.match(r"^# (.*)$", markdown, re.MULTILINE)
    title = _inline(title_match.group(1)) if title_match else "Study report"
    body = [markdown_to_html(markdown), "<h2>Figures</h2>"]
    for name, data in figures.items():
        body.append(
            f'<figure id="fig-{name}">{_svg(data)}<figcaption>{html.escape(TITLES[name])}</figcaption></figure>'
        )
    for name, reason in skipped.items():
        body.append(f"<p>{html.escape(TITLES[name])}: no figure ({html.escape(reason)}).</p>")
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        f"<title>{re.sub('<[^>]+>', '', title)}</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
        + "\n".join(body)
        + "\n</body>\n</html>\n"
    )
