"""The report's section on annotation time: median focus time per sample.

Contract: :func:`time_section` renders, as Markdown, the median seconds an
annotator had a sample on screen before labeling it (idle gaps over two
minutes not counted; :mod:`annotator.timing`), per annotator and per first
category, from :meth:`Store.time_summary`. With no timed label it says so in
one line. Cells go through :func:`cell` (literal, escaped).
"""

from __future__ import annotations

from ..store import Store
from .markdown import cell


def time_section(store: Store) -> list[str]:
    summary = store.time_summary()
    lines = ["## Annotation time", ""]
    if not summary.per_annotator:
        return [*lines, "No timed labels yet (time is measured in the labeling UI)."]
    lines += [
        "Median focus time per labeled sample, in seconds (idle gaps over 2 minutes not"
        " counted; skips left out).",
        "",
        "| Annotator | Labels timed | Median (s) |",
        "|---|---:|---:|",
    ]
    for name, (n, seconds) in summary.per_annotator.items():
        lines.append(f"| {cell(name)} | {n} | {seconds:.0f} |")
    lines += ["", "| Category | Labels timed | Median (s) |", "|---|---:|---:|"]
    taxonomy = store.taxonomy
    for category, (n, seconds) in summary.per_category.items():
        name = taxonomy.category(category).name if taxonomy.has(category) else "?"
        lines.append(f"| {category}. {cell(name)} | {n} | {seconds:.0f} |")
    return lines
