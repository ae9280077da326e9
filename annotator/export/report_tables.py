"""The report's task tables: tasks by stage / data type / task type, and pass@k.

Contract: both functions take the attempt rows of
:meth:`annotator.store.Store.attempts` (one per sample) and return Markdown
lines. A table counts *tasks* (a task run by five models, or five times,
counts once) and says how many model-samples (attempts) it covers. pass@k
follows :mod:`annotator.export.passk`. A table without data is one sentence,
no heading. Every value from the data goes through
:func:`annotator.export.markdown.cell`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence

from ..store.attempts import AttemptRow
from .markdown import cell, row
from .order import order_groups
from .passk import DEFAULT_K, PassRow, task_outcomes, usable_ks
from .passk_out import ALL, ESTIMATOR, footnotes, passk_table, render_md

DIMENSIONS = (("stage", "stage"), ("data_type", "data type"), ("task_type", "task type"))


def tasks_by(rows: Sequence[AttemptRow]) -> list[str]:
    """Per dimension: tasks, model-samples and failing samples per value (stages in
    pipeline order, other values sorted)."""
    lines: list[str] = []
    n_tasks = len({r.task for r in rows})
    if rows:
        lines += [
            f"{n_tasks} tasks, {len(rows)} model-samples (a task counts once however many"
            " models or attempts ran it).",
            "",
        ]
    for column, title in DIMENSIONS:
        tasks: dict[str, set[str]] = defaultdict(set)
        samples: dict[str, int] = defaultdict(int)
        failing: dict[str, int] = defaultdict(int)
        for r in rows:
            value = getattr(r, column)
            if value is None:
                continue
            tasks[value].add(r.task)
            samples[value] += 1
            failing[value] += r.passed is False
        if not tasks:
            lines += [f"No sample carries a {title}.", ""]
            continue
        lines += [f"### Tasks by {title}", ""]
        lines += [row(title.capitalize(), "Tasks", "Model-samples", "Failing samples")]
        lines += ["|---|---:|---:|---:|"]
        for value in order_groups(column, sorted(tasks)):
            lines.append(row(cell(value), len(tasks[value]), samples[value], failing[value]))
        total_tasks = len(set().union(*tasks.values()))
        lines.append(
            row(
                "**Total**",
                f"**{total_tasks}**",
                f"**{sum(samples.values())}**",
                f"**{sum(failing.values())}**",
            )
        )
        lines.append("")
    return lines


def _rate(entry: PassRow | None, k: int) -> str:
    if entry is None:
        return "-"
    value = entry.values.get(k)
    # As export passk --with-n prints it: percent, then the number of tasks averaged.
    return "-" if value is None else f"{100 * value:.1f} ({entry.averaged[k]})"


def pass_at_k_section(
    rows: Sequence[AttemptRow],
    ks: Sequence[int] = DEFAULT_K,
    names: Mapping[str, str] | None = None,
) -> list[str]:
    """pass@1 and pass@k per model, then per model by stage, data type and task type:
    the tables of ``annotator export passk`` (:mod:`annotator.export.passk_out`),
    with the number of tasks averaged in each cell."""
    lines = ["## pass@k", ""]
    tasks = task_outcomes(rows)
    overall = passk_table(tasks, None, ks, names=names)
    per_model = [overall.cells[(m, ALL)] for m in overall.models]
    if not any(r.known for r in per_model):
        return [
            *lines,
            "No sample with a model carries a pass/fail outcome.",
            *footnotes(overall),
            "",
        ]
    shown = usable_ks(per_model, ks)
    lines += [
        ESTIMATOR
        + " pass@1 is c / n averaged over tasks; a cell reads 'percent (tasks averaged)'.",
        "",
        "### Per model",
        "",
        row("Model", "Tasks", "Model-samples", "Known outcome", *(f"pass@{k} (%)" for k in shown)),
        "|---|---:|---:|---:|" + "---:|" * len(shown),
    ]
    for r in per_model:
        name = overall.name(r.model)
        lines.append(row(cell(name), r.tasks, r.attempts, r.known, *(_rate(r, k) for k in shown)))
    lines.append("")
    for note in footnotes(overall):
        lines += [note, ""]
    for column, title in DIMENSIONS:
        table = passk_table(tasks, column, shown, names=names)
        if len(table.groups) == 1:
            lines += [f"No sample with a model carries a {title}.", ""]
            continue
        lines += render_md(table, with_n=True, preamble=False).splitlines()
        lines.append("")
    return lines
