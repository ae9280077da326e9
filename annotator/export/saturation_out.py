"""The saturation table as Markdown (the report's section) and LaTeX (booktabs).

Contract: :func:`saturation_section(rows, batches)` returns the report's ``## Saturation``
lines and :func:`saturation_latex(rows, batches)` a ``table`` environment with the same
columns: batch, samples, dates (first and last initial decision, as days), double-coded
samples, conflicts, new categories (count, then their ids), new subcategories, new note
clusters, and the running distinct categories and subcategories. The numbers are those of
:func:`annotator.export.saturation.saturation`, as ``annotator saturation --json`` prints
them. Batch names come from the data and are escaped for the format (:func:`cell`,
:func:`~annotator.export.latex.escape`).
"""

from __future__ import annotations

from collections.abc import Sequence

from .latex import escape
from .markdown import cell, row
from .saturation import Batch, Batches, SaturationRow

HEADERS = (
    "Batch",
    "Samples",
    "Dates",
    "Double-coded",
    "Conflicts",
    "New categories",
    "New subcategories",
    "New note clusters",
    "Categories so far",
    "Subcategories so far",
)


def dates(batch: Batch) -> str:
    """The batch's first and last day (a round: drawn and closed, ``open`` while open)."""
    if not batch.started:
        return "-"
    start, end = batch.started[:10], (batch.ended or "open")[:10]
    return start if start == end else f"{start} to {end}"


def _new_categories(r: SaturationRow) -> str:
    ids = ", ".join(str(c) for c in r.new_categories)
    return f"{len(r.new_categories)} ({ids})" if ids else "0"


def _cells(r: SaturationRow) -> list[object]:
    return [
        r.batch.name,
        len(r.batch.sample_ids),
        dates(r.batch),
        r.double,
        r.conflicts,
        _new_categories(r),
        len(r.new_subcategories),
        len(r.new_clusters),
        r.categories_so_far,
        r.subcategories_so_far,
    ]


def batches_description(batches: Batches) -> str:
    if batches.source == "rounds":
        return (
            "Batches are the study's rounds (`annotator round list`: dates from drawn to"
            " closed); conflicts are those of `annotator round discuss R --no-record`."
        )
    return (
        f"No rounds recorded: batches are consecutive groups of {batches.size} samples in"
        " labeling order (each sample's first decision by any rater)."
    )


# The LaTeX table's headers: short, so that ten columns fit a page (the caption explains).
LATEX_HEADERS = (
    "Batch",
    "n",
    "Dates",
    "2+ raters",
    "Conflicts",
    "New cat.",
    "New subcat.",
    "New clusters",
    "Cat. so far",
    "Subcat. so far",
)


def _headers(names: Sequence[str], batches: Batches) -> list[str]:
    first = "Round" if batches.source == "rounds" else names[0]
    return [first, *names[1:]]


def saturation_section(rows: Sequence[SaturationRow], batches: Batches) -> list[str]:
    lines = ["## Saturation", ""]
    if not rows:
        return [*lines, "No rater has decided a sample yet.", ""]
    lines += [
        batches_description(batches)
        + " Conflicts: samples where two raters' initial decisions (their first decided"
        " label, before any edit or discussion) differ in category. New: used for the first"
        " time in the batch by any rater; note clusters are the open-coding clusters of"
        " `annotator notes` first seen in the batch. The same computation as"
        f" `annotator saturation{batches.option}`.",
        "",
        row(*_headers(HEADERS, batches)),
        "|---|---:|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    lines += [row(*(cell(c) for c in _cells(r))) for r in rows]
    return [*lines, ""]


def saturation_latex(rows: Sequence[SaturationRow], batches: Batches) -> str:
    """The table as LaTeX (needs ``\\usepackage{booktabs}``); empty without rows."""
    if not rows:
        return ""
    caption = (
        "Saturation: conflicts between the raters' initial decisions and codes (categories,"
        " subcategories, open-coding clusters of notes) used for the first time, with the"
        " samples rated by two or more raters and the running totals. "
        + batches_description(batches).replace("`", "")
    )
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        rf"\caption{{{escape(caption)}}}",
        r"\label{tab:saturation}",
        r"\small",
        r"\begin{tabular}{lrlrrrrrrr}",
        r"\toprule",
        " & ".join(escape(h) for h in _headers(LATEX_HEADERS, batches)) + r" \\",
        r"\midrule",
    ]
    lines += [" & ".join(escape(c) for c in _cells(r)) + r" \\" for r in rows]
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"
