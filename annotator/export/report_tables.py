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
from collections.abc import Sequence

from ..store.attempts import AttemptRow
from .markdown import cell, row
from .passk import DEFAULT_K, PassRow, pass_table, percent, task_outcomes, usable_ks

DIMENSIONS = (("stage", "stage"), ("data_type", "data type"), ("task_type", "task type"))


def tasks_by(rows: Sequence[AttemptRow]) -> list[str]:
    """Per dimension: tasks, model-samples and failing samples per value."""
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
        for value in sorted(tasks):
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
    return "-" if value is None else f"{percent(value)} (n={entry.averaged[k]})"


def pass_at_k_section(rows: Sequence[AttemptRow], ks: Sequence[int] = DEFAULT_K) -> list[str]:
    """pass@1 and pass@k per model, then per model by stage, data type and task type."""
    lines = ["## pass@k", ""]
    tasks = task_outcomes(rows)
    per_model = pass_table(tasks, None, ks)
    if not any(r.known for r in per_model):
        return [*lines, "No sample carries a pass/fail outcome.", ""]
    shown = usable_ks(per_model, ks)
    lines += [
        "pass@k is the unbiased estimator 1 - C(n-c, k) / C(n, k) per task (n attempts with a"
        " known outcome, c of them passed), averaged over the tasks with n >= k; pass@1 is"
        " c / n averaged over tasks. n = the number of tasks averaged. Attempts with an"
        " unknown outcome (e.g. the harness could not run them) are left out.",
        "",
        "### Per model",
        "",
        row("Model", "Tasks", "Model-samples", "Known outcome", *(f"pass@{k}" for k in shown)),
        "|---|---:|---:|---:|" + "---:|" * len(shown),
    ]
    for r in per_model:
        lines.append(
            row(cell(r.model), r.tasks, r.attempts, r.known, *(_rate(r, k) for k in shown))
        )
    lines.append("")
    models = [r.model for r in per_model]
    for column, title in DIMENSIONS:
        table = pass_table(tasks, column, ks)
        if not any(r.known for r in table):
            lines += [f"No sample with a known outcome carries a {title}.", ""]
            continue
        cells = {(r.group, r.model): r for r in table}
        groups = sorted({r.group for r in table if r.group is not None})
        for k in usable_ks(table, ks):
            lines += [f"### pass@{k} by {title}", ""]
            lines += [row(title.capitalize(), *(cell(m) for m in models))]
            lines += ["|---" + "|---:" * len(models) + "|"]
            for g in groups:
                lines.append(row(cell(g), *(_rate(cells.get((g, m)), k) for m in models)))
            lines.append("")
    return lines
