"""pass@k as a table of its own: ``annotator export passk`` (and the report's pass@k section).

Contract: :func:`passk_table(attempts, by, ks, order, names)` builds a
:class:`PassKTable` from the attempt rows (:meth:`annotator.store.Store.attempts`)
with the estimator of :mod:`annotator.export.passk`: models as rows (in the
order of ``names`` when given, then in data order), groups of ``by``
(``stage``, ``data_type``, ``task_type``; ``None``: no grouping) as columns in
the order of :func:`annotator.export.order.order_groups` (stages in pipeline
order, others in data order, ``order`` to choose), followed by an ``All``
column (every task of the model). Samples without a model are left out and
counted (:attr:`PassKTable.no_model`), and so are a model's tasks without a
value of ``by`` (:attr:`PassKTable.no_group`); :func:`footnotes` states them.

Renderers (:data:`PASSK_WRITERS`), each stating the estimator and what was
left out: ``md`` (one table per k), ``csv`` (one row per model and k, a column
per group, with ``--with-n`` an ``n <group>`` column after each),
``json`` and ``latex`` (booktabs, one ``tabular``, a block of rows per k).
Cells are percentages with ``precision`` decimals (``-``: no task with
``n >= k``); ``with_n`` adds the number of tasks averaged (``37.8 (172)``).
Every name from the data is escaped for its format; CSV cells are guarded
against formulas unless ``guard_formulas`` is false.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..sheet.cells import guard_row
from ..store.attempts import AttemptRow
from ..textsafe import json_visible
from .latex import escape
from .markdown import cell, row
from .order import order_groups
from .passk import DEFAULT_K, PassRow, TaskOutcome, pass_table, task_outcomes

ALL = "All"
BY_CHOICES = ("stage", "data_type", "task_type")
TITLES = {"stage": "stage", "data_type": "data type", "task_type": "task type"}
ESTIMATOR = (
    "pass@k: the unbiased estimator 1 - C(n-c, k) / C(n, k) per task (n attempts with a known"
    " outcome, c passed), averaged over the tasks with n >= k; attempts with an unknown outcome"
    " are left out."
)


@dataclass
class PassKTable:
    by: str | None
    ks: tuple[int, ...]
    models: list[str]
    groups: list[str]
    """The columns, ``ALL`` last."""
    names: dict[str, str]
    cells: dict[tuple[str, str], PassRow]
    no_model: tuple[int, int] = (0, 0)
    """(samples, tasks) without a model, left out."""
    no_group: int = 0
    """Tasks with a model but no value of ``by``, left out of the group columns (not of All)."""
    tasks: int = 0
    attempts: int = 0
    extra: list[str] = field(default_factory=list)

    def name(self, model: str) -> str:
        return self.names.get(model, model)

    def value(self, model: str, group: str, k: int) -> tuple[float | None, int]:
        """(pass@k or None, tasks averaged) of one cell."""
        entry = self.cells.get((model, group))
        if entry is None:
            return None, 0
        return entry.values.get(k), entry.averaged.get(k, 0)


def passk_table(
    attempts: Sequence[AttemptRow] | Sequence[TaskOutcome],
    by: str | None = None,
    ks: Sequence[int] = (1,),
    order: Sequence[str] | None = None,
    names: Mapping[str, str] | None = None,
) -> PassKTable:
    """The table (see the module docstring)."""
    items = list(attempts)
    tasks = (
        items if items and isinstance(items[0], TaskOutcome) else task_outcomes(items)  # type: ignore[arg-type]
    )
    with_model = [t for t in tasks if isinstance(t, TaskOutcome) and t.row.model is not None]
    without = [t for t in tasks if isinstance(t, TaskOutcome) and t.row.model is None]
    names = dict(names or {})
    seen = list(dict.fromkeys(t.model for t in with_model))
    models = [m for m in names if m in seen] + [m for m in seen if m not in names]
    cells: dict[tuple[str, str], PassRow] = {}
    for entry in pass_table(with_model, None, ks):
        cells[(entry.model, ALL)] = entry
    groups: list[str] = []
    no_group = 0
    if by is not None:
        values = [getattr(t.row, by) for t in with_model]
        no_group = sum(v is None for v in values)
        groups = order_groups(by, [str(v) for v in values if v is not None], order)
        for entry in pass_table(with_model, by, ks):
            cells[(entry.model, str(entry.group))] = entry
    return PassKTable(
        by=by,
        ks=tuple(ks),
        models=models,
        groups=[*groups, ALL],
        names=names,
        cells=cells,
        no_model=(sum(t.attempts for t in without), len(without)),
        no_group=no_group,
        tasks=len({t.row.task for t in with_model}),
        attempts=sum(t.attempts for t in with_model),
    )


def usable(table: PassKTable, k: int) -> bool:
    """Whether some task has ``k`` attempts with a known outcome."""
    return any(entry.averaged.get(k) for entry in table.cells.values())


def footnotes(table: PassKTable) -> list[str]:
    """What the table leaves out, as sentences (none when nothing is)."""
    notes = []
    samples, tasks = table.no_model
    if samples:
        notes.append(
            f"{samples} samples ({tasks} tasks) without a model are left out of this per-model"
            " table."
        )
    if table.no_group and table.by:
        notes.append(f"{table.no_group} tasks without a {TITLES[table.by]} count only in {ALL}.")
    return notes


def _percent(value: float | None, precision: int) -> str:
    return "-" if value is None else f"{100 * value:.{precision}f}"


def _cell(table: PassKTable, model: str, group: str, k: int, precision: int, with_n: bool) -> str:
    value, n = table.value(model, group, k)
    text = _percent(value, precision)
    return f"{text} ({n})" if with_n and value is not None else text


def _caption(table: PassKTable) -> str:
    what = f"by {TITLES[table.by]}" if table.by else "per model"
    models = len(table.models)
    return (
        f"pass@k (%) {what}: {table.tasks} tasks, {table.attempts} model-samples"
        f" (attempts) of {models} model{'s' if models != 1 else ''}."
    )


def render_md(
    table: PassKTable,
    precision: int = 1,
    with_n: bool = False,
    level: int = 3,
    *,
    preamble: bool = True,
) -> str:
    """One Markdown table per k; ``preamble=False`` (the report, which states them once)
    leaves out the caption, the estimator and the samples-without-model note."""
    h = "#" * level
    lines: list[str] = []
    if preamble:
        lines += [_caption(table), "", ESTIMATOR]
        lines += [" Cells: pass@k (tasks averaged)." if with_n else "", ""]
        lines = [lines[0], "", lines[2] + lines[3], ""]
    notes = footnotes(table) if preamble else footnotes(table)[1 if table.no_model[0] else 0 :]
    if not table.models:
        return "\n".join([*lines, "No sample with a model carries a known outcome.", *notes]) + "\n"
    for k in table.ks:
        lines += [f"{h} pass@{k}" + (f" by {TITLES[table.by]}" if table.by else ""), ""]
        if not usable(table, k):
            lines += [f"No task has {k} attempts with a known outcome.", ""]
            continue
        lines.append(row("Model", *(cell(g) for g in table.groups)))
        lines.append("|---" + "|---:" * len(table.groups) + "|")
        for model in table.models:
            cells = [_cell(table, model, g, k, precision, with_n) for g in table.groups]
            lines.append(row(cell(table.name(model)), *cells))
        lines.append("")
    for note in notes:
        lines += [note, ""]
    return "\n".join(lines).rstrip("\n") + "\n"


def render_csv(
    table: PassKTable, precision: int = 1, with_n: bool = False, guard_formulas: bool = True
) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    header: list[str] = ["model", "model_name", "k"]
    for g in table.groups:
        header += [g, f"n {g}"] if with_n else [g]
    writer.writerow(guard_row(header, guard_formulas))
    for model in table.models:
        for k in table.ks:
            out: list[object] = [model, table.name(model), k]
            for g in table.groups:
                value, n = table.value(model, g, k)
                out.append("" if value is None else f"{100 * value:.{precision}f}")
                if with_n:
                    out.append(n)
            writer.writerow(guard_row(out, guard_formulas))
    return buffer.getvalue()


def as_dict(table: PassKTable, precision: int = 1) -> dict[str, Any]:
    return {
        "by": table.by,
        "k": list(table.ks),
        "estimator": ESTIMATOR,
        "tasks": table.tasks,
        "attempts": table.attempts,
        "groups": table.groups,
        "models": [
            {
                "model": model,
                "name": table.name(model),
                "cells": {
                    g: {
                        str(k): {
                            "percent": (
                                None
                                if (v := table.value(model, g, k)[0]) is None
                                else round(100 * v, precision)
                            ),
                            "n": table.value(model, g, k)[1],
                        }
                        for k in table.ks
                    }
                    for g in table.groups
                },
            }
            for model in table.models
        ],
        "left_out": {
            "samples_without_model": table.no_model[0],
            "tasks_without_model": table.no_model[1],
            "tasks_without_group": table.no_group,
        },
        "footnotes": footnotes(table),
    }


def render_json(table: PassKTable, precision: int = 1, with_n: bool = False) -> str:
    text = json.dumps(as_dict(table, precision), indent=2, ensure_ascii=False)
    return json_visible(text) + "\n"


def render_latex(table: PassKTable, precision: int = 1, with_n: bool = False) -> str:
    ncols = 1 + len(table.groups)
    missing = [f"pass@{k}: no task has {k} attempts." for k in table.ks if not usable(table, k)]
    notes = " ".join([ESTIMATOR, *footnotes(table), *missing])
    lines = [
        r"\begin{table}[htbp]",
        r"\centering",
        r"\small",
        rf"\caption{{{escape(_caption(table))} {escape(notes)}}}",
        r"\label{tab:pass-at-k" + (f"-{table.by.replace('_', '-')}" if table.by else "") + "}",
        r"\begin{tabular}{l" + "r" * len(table.groups) + "}",
        r"\toprule",
        "Model & " + " & ".join(escape(g) for g in table.groups) + r" \\",
    ]
    for k in table.ks:
        if not usable(table, k):
            continue
        lines.append(r"\midrule")
        lines.append(rf"\multicolumn{{{ncols}}}{{l}}{{\textit{{pass@{k}}}}} \\")
        for model in table.models:
            cells = [escape(_cell(table, model, g, k, precision, with_n)) for g in table.groups]
            lines.append(escape(table.name(model)) + " & " + " & ".join(cells) + r" \\")
    lines += [r"\bottomrule", r"\end{tabular}", r"\end{table}"]
    return "\n".join(lines) + "\n"


def read_names(path: Path) -> dict[str, str]:
    """Model id -> display name from ``path``: a CSV with the columns ``model`` and
    ``name`` (row order = row order of the table), or a JSON object."""
    text = read_file_text(path)
    if path.suffix.lower() == ".json":
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise UserError(f"not JSON: {exc.msg}", file=path, line=exc.lineno) from None
        if not isinstance(data, dict) or not all(isinstance(v, str) for v in data.values()):
            raise UserError('expected an object {"model id": "display name"}', file=path)
        return {str(k): v for k, v in data.items()}
    reader = csv.DictReader(io.StringIO(text, newline=""))
    if reader.fieldnames is None or not {"model", "name"} <= set(reader.fieldnames):
        raise UserError("expected the columns model and name", file=path, line=1)
    names: dict[str, str] = {}
    for record in reader:
        model, name = (record.get("model") or "").strip(), (record.get("name") or "").strip()
        if not model or not name:
            field_name = "model" if not model else "name"
            raise UserError("empty", file=path, line=reader.line_num, field=field_name)
        if model in names:
            raise UserError("model named twice", file=path, line=reader.line_num, field="model")
        names[model] = name
    return names


def read_file_text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", file=path) from None


PASSK_WRITERS: dict[str, Callable[..., str]] = {
    "md": render_md,
    "csv": render_csv,
    "json": render_json,
    "latex": render_latex,
}

__all__ = [
    "ALL",
    "BY_CHOICES",
    "DEFAULT_K",
    "PASSK_WRITERS",
    "PassKTable",
    "footnotes",
    "passk_table",
]
