"""The study report: the whole study as one Markdown document.

Contract: :func:`build_report` returns Markdown with these sections, in order:

1. Dataset - tasks, model-samples, failing / passing / unknown outcome, to
   label, labels per annotator (the counts of ``annotator status``:
   :class:`~annotator.store.rows.StoreStatus`), and *tasks* by stage, data type and task type (a task counts
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

5. Annotation time - :mod:`annotator.export.report_time`.
6. Saturation - per batch (the study's rounds, else ``batch_size`` samples in labeling
   order) conflicts between initial decisions and codes new in the batch
   (:mod:`annotator.export.saturation`, table: :mod:`annotator.export.saturation_out`).
7. Method - the study's method as facts, each with the command that prints its number
   (:mod:`annotator.export.method`, rendered by :mod:`annotator.export.method_out`).
   :func:`build_method_latex` gives the Method section and the saturation table as LaTeX.

A section or table without data is one sentence ("No sample carries a
stage.") instead of zeros. Every value taken from the data goes through
:func:`annotator.export.markdown.cell`. Queries read only the small sample
columns and label columns, never sample texts.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..store import Store
from ..store.attempts import AttemptRow
from ..store.rows import share
from .counts import AUTO, count_table, source_description
from .markdown import cell, render, row
from .method import MethodInputs, method_facts
from .method_out import method_latex, method_markdown
from .passk import DEFAULT_K
from .report_agreement import agreement_section, default_boot, report_raters
from .report_tables import pass_at_k_section, tasks_by
from .report_time import time_section
from .saturation import saturation, study_batches
from .saturation_out import saturation_latex, saturation_section


def _dataset(store: Store, attempts: Sequence[AttemptRow]) -> list[str]:
    counts = store.status()
    lines = ["## Dataset", ""]
    if not counts.samples:
        return [*lines, "The database holds no samples.", ""]
    lines += [
        row("Samples", "Count"),
        "|---|---:|",
        row("Tasks", counts.tasks),
        row("Model-samples", counts.samples),
        row("Failing", counts.failing),
        row("Passing", counts.passing),
        row("Outcome unknown", counts.outcome_unknown),
        row("To label (failing or outcome unknown)", counts.to_label),
        "",
    ]
    progress = list(counts.annotators.values())
    if progress:
        lines += ["### Labels per annotator", ""]
        lines += [
            "Labeled: every label but a skip (a category, pass, or only a flag or note);"
            " decided: a category or pass (what agreement compares); progress: labeled"
            " samples of those to label, as `annotator status` and the labeling screen show it."
            " A skip is not a label.",
            "",
        ]
        lines += [
            row("Annotator", "Labeled", "Progress", "Decided", "Bug", "Pass", "Flagged", "Skipped")
        ]
        lines += ["|---|---:|---:|---:|---:|---:|---:|---:|"]
        lines += [
            row(
                cell(r.annotator),
                r.labeled,
                f"{r.of_to_label}/{counts.to_label} ({share(r.of_to_label, counts.to_label)})",
                r.decided,
                r.bugs,
                r.passes,
                r.flagged,
                r.skipped,
            )
            for r in progress
        ]
    else:
        lines.append("No sample has a label yet.")
    lines.append("")
    return [*lines, *tasks_by(attempts)]


def method_inputs(
    store: Store,
    raters: Sequence[str] | None = None,
    n_boot: int | None = None,
    batch_size: int | None = None,
) -> MethodInputs:
    """What the Method and Saturation sections read, computed once."""
    names = report_raters(store, raters)
    status = store.status()
    initial = store.initial_decisions(names)  # read once for the batches and the rows
    batches = study_batches(store, batch_size, names, initial=initial)
    return MethodInputs(
        store=store,
        status=status,
        raters=names,
        raters_named=bool(raters),
        n_boot=default_boot(status.samples) if n_boot is None else n_boot,
        batches=batches,
        rows=saturation(store, batches.batches, names, initial=initial),
    )


def build_method_latex(
    store: Store,
    raters: Sequence[str] | None = None,
    n_boot: int | None = None,
    batch_size: int | None = None,
) -> str:
    """The Method section and the saturation table as one LaTeX fragment."""
    inputs = method_inputs(store, raters, n_boot, batch_size)
    table = saturation_latex(inputs.rows, inputs.batches)
    return method_latex(method_facts(inputs)) + (f"\n{table}" if table else "")


def build_report(
    store: Store,
    source: str = AUTO,
    title: str = "",
    *,
    raters: Sequence[str] | None = None,
    ks: Sequence[int] = DEFAULT_K,
    n_boot: int | None = None,
    batch_size: int | None = None,
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
    inputs = method_inputs(store, raters, n_boot, batch_size)
    computed = inputs.agreement() if len(inputs.raters) >= 2 else None
    lines += ["", *agreement_section(store, raters, n_boot, computed)]
    lines += ["", *time_section(store)]
    lines += ["", *saturation_section(inputs.rows, inputs.batches)]
    lines += method_markdown(method_facts(inputs))
    return "\n".join(lines).rstrip("\n") + "\n"
