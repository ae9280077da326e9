"""pass@k over tasks: the unbiased estimator, averaged over tasks, per model and group.

Contract:

- :func:`~annotator.stats.passk.pass_at_k` is the unbiased estimator of Chen et al. (2021) for one
  task with ``n`` attempts of which ``c`` passed: ``1 - C(n-c, k) / C(n, k)``
  (``None`` when ``n < k``), computed as a product so that large ``n`` stays
  exact in floating point. For ``k = 1`` it is ``c / n``.
- :func:`pass_table` groups attempt rows (:class:`~annotator.store.attempts.AttemptRow`)
  by model and, optionally, by ``stage``, ``data_type`` or ``task_type``, and
  gives per group the number of tasks, of attempts, and pass@k for every
  requested ``k``: the mean over the group's tasks that have ``n >= k``
  attempts with a known outcome (``None`` when no task has), with the number of
  tasks averaged. Attempts whose outcome is unknown (``passed`` is null, e.g.
  the harness could not run them) are left out of ``n``; a task with no known
  attempt counts in ``tasks`` but in no average.
- A task's group is that of its first attempt (attempts of one task share it).
- Samples without a model are grouped as :data:`NO_MODEL`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..stats.passk import pass_at_k
from ..store.attempts import AttemptRow, TaskRow

NO_MODEL = "(no model)"
DEFAULT_K = (1, 5, 10)


@dataclass
class PassRow:
    """pass@k of one group."""

    model: str
    group: str | None
    tasks: int = 0
    attempts: int = 0
    known: int = 0
    """Attempts with a known outcome."""
    values: dict[int, float | None] = field(default_factory=dict)
    averaged: dict[int, int] = field(default_factory=dict)
    """Per k: the number of tasks with at least k known attempts (the average's n)."""


@dataclass
class TaskOutcome:
    """One (model, task): its attempts, and n known / c passed."""

    model: str
    row: AttemptRow
    """The first attempt (whose stage, data type and task type the task takes)."""
    n: int = 0
    c: int = 0
    attempts: int = 0


def task_outcomes(rows: Iterable[AttemptRow]) -> list[TaskOutcome]:
    """The attempts folded per (model, task), in first-seen order."""
    tasks: dict[tuple[str | None, str], TaskOutcome] = {}
    for row in rows:
        key = (row.model, row.task)
        task = tasks.get(key)
        if task is None:
            model = row.model if row.model is not None else NO_MODEL
            task = tasks[key] = TaskOutcome(model, row)
        task.attempts += 1
        if row.passed is not None:
            task.n += 1
            task.c += row.passed
    return list(tasks.values())


def folded_outcomes(rows: Iterable[TaskRow]) -> list[TaskOutcome]:
    """:func:`task_outcomes` of attempts the store folded already (``Store.task_rows``)."""
    return [
        TaskOutcome(
            row.first.model if row.first.model is not None else NO_MODEL,
            row.first,
            n=row.known,
            c=row.passed,
            attempts=row.attempts,
        )
        for row in rows
    ]


def pass_table(
    rows: Iterable[AttemptRow] | Sequence[TaskOutcome],
    by: str | None = None,
    ks: Sequence[int] = DEFAULT_K,
) -> list[PassRow]:
    """pass@k per model (and per value of ``by``), sorted by model then group;
    with ``by``, tasks whose group is null are left out. ``rows`` may be the
    attempt rows or their :func:`task_outcomes` (to fold them once for several tables)."""
    items = list(rows)
    tasks = items if items and isinstance(items[0], TaskOutcome) else task_outcomes(items)  # type: ignore[arg-type]
    out: dict[tuple[str, str | None], PassRow] = {}
    sums: dict[tuple[str, str | None], dict[int, float]] = {}
    for task in tasks:
        assert isinstance(task, TaskOutcome)
        value = getattr(task.row, by) if by else None
        group = None if value is None else str(value)
        if by is not None and group is None:
            continue
        key = (task.model, group)
        entry = out.get(key)
        if entry is None:
            entry = out[key] = PassRow(task.model, group)
            entry.averaged = dict.fromkeys(ks, 0)
            sums[key] = dict.fromkeys(ks, 0.0)
        entry.tasks += 1
        entry.attempts += task.attempts
        entry.known += task.n
        for k in ks:
            value = pass_at_k(task.n, task.c, k)
            if value is not None:
                entry.averaged[k] += 1
                sums[key][k] += value
    for key, entry in out.items():
        entry.values = {
            k: (sums[key][k] / entry.averaged[k] if entry.averaged[k] else None) for k in ks
        }
    return sorted(out.values(), key=lambda r: (r.model == NO_MODEL, r.model, r.group or ""))


def usable_ks(rows: Sequence[PassRow], ks: Sequence[int] = DEFAULT_K) -> list[int]:
    """The ``k`` for which at least one task has ``n >= k`` known attempts."""
    return [k for k in ks if any(r.averaged.get(k) for r in rows)]
