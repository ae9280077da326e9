"""The study report: the whole study as one Markdown document.

Contract: :func:`build_report` returns Markdown with these sections, in order:

1. Dataset - samples, failing / passing / unknown outcome, labels per
   annotator, and *tasks* by stage, data type and task type (a task counts
   once however many models or attempts ran it; the tables say how many
   model-samples they cover): :mod:`annotator.export.report_tables`.
2. pass@k - pass@1 and pass@k (unbiased estimator, averaged over tasks) per
   model, and per model by stage, data type and task type
   (:mod:`annotator.export.passk`).
3. Taxonomy occurrences - the tables of :mod:`annotator.export.markdown` for
   the given source (default ``auto``).
4. Agreement - :mod:`annotator.export.report_agreement`: the numbers of
   ``annotator agreement`` for the chosen raters, or each rater against final,
   labeled rater-vs-adjudicated, when the raters never overlap.

A section or table without data is one sentence ("No sample carries a
stage.") instead of zeros. Every value taken from the data goes through
:func:`annotator.export.markdown.cell`. Queries read only the small sample
columns and label columns, never sample texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..store import Store
from ..store.attempts import AttemptRow
from .counts import AUTO, count_table, source_description
from .markdown import cell, render, row
from .passk import DEFAULT_K
from .report_agreement import agreement_section
from .report_tables import pass_at_k_section, tasks_by
from .report_time import time_section


def _dataset(store: Store, attempts: Sequence[AttemptRow]) -> list[str]:
    total, failing, passing = store.outcomes()
    lines = ["## Dataset", ""]
    if not total:
        return [*lines, "The database holds no samples.", ""]
    lines += [
        row("Samples", "Count"),
        "|---|---:|",
        row("Total", total),
        row("Failing", failing),
        row("Passing", passing),
        row("Outcome unknown", total - failing - passing),
        "",
    ]
    progress = store.progress()
    if progress:
        lines += ["### Labels per annotator", ""]
        lines += [row("Annotator", "Labeled", "Bug", "Pass", "Skipped", "Flagged")]
        lines += ["|---|---:|---:|---:|---:|---:|"]
        lines += [
            row(cell(r.annotator), r.labeled, r.bugs, r.passes, r.skipped, r.flagged)
            for r in progress
        ]
    else:
        lines.append("No sample has a label yet.")
    lines.append("")
    return [*lines, *tasks_by(attempts)]


def build_report(
    store: Store,
    source: str = AUTO,
    title: str = "",
    *,
    raters: Sequence[str] | None = None,
    ks: Sequence[int] = DEFAULT_K,
    n_boot: int | None = None,
) -> str:
    """The whole report as Markdown (see the module docstring)."""
    attempts = store.attempts()
    heading = "# Study report" + (f": {cell(title)}" if title else "")
    lines = [
        heading,
        "",
        *_dataset(store, attempts),
        *pass_at_k_section(attempts, ks, store.model_display_names()),
    ]
    table = count_table(store, source)
    if table.total:
        lines += render(table, level=2).splitlines()
    else:
        lines += [
            "## Taxonomy occurrences",
            "",
            f"No bug label counts yet ({source_description(source)}).",
        ]
    lines += ["", *agreement_section(store, raters, n_boot)]
    lines += ["", *time_section(store)]
    return "\n".join(lines).rstrip("\n") + "\n"
