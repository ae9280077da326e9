"""DL-Bench harness importer: ``annotator import dlbench-harness RESULTS.jsonl``.

Contract: RESULTS.jsonl holds one :class:`~.harness_models.HarnessResult` per
line. Options: ``code_dir`` (``--code DIR``: the code each attempt produced,
``<task>.py`` where ``<task>`` is the task id with ``/`` as ``_``, e.g.
``DLBench_104.py``; an attempt ``i`` of several takes ``<task>_<i>.py`` when it
exists), ``tasks_dir`` (``--tasks DIR``: task JSON files ``<task>.json`` or
``<n>.json``, whose ``result`` is the raw model response: the fenced code block
becomes the generated code unless a code file exists, and the raw response is
kept in the metadata under ``response``) and ``model`` (``--model NAME``).

- One model per results file: ``--model``, else the ``model`` (or ``agent``)
  named by the lines, which must all agree, else the file's stem.
- Every attempt is one sample, ``<model>/<task id>`` (``#<i>`` appended, from 1,
  when the task has several attempts: a ``statuses`` list of at most 10,000, or
  the task on several lines, in file order). The work is linear in the
  attempts: a line's text and fields are built once and shared by its attempts,
  and its ``statuses`` are copied into each attempt's metadata only up to 100. The metadata holds ``task_id``, ``attempt``,
  ``attempts``, ``status`` and the line's other fields; ``passed`` follows
  :data:`~.harness_models.OUTCOME`. pass@k groups the attempts by task.
- ``stage``, ``data_type`` and ``task_type`` come from the line's ``metadata``
  (``stage``, ``data``, ``task``), else its top level, else the task file.
- A line carries ``status`` (one attempt), ``statuses`` (the attempts of one
  task: the harness's pass@k files have no ``status``) or both (``status`` is
  then the task's summary, kept as ``task_status``); neither is an error.
  ``n_pass`` and ``pass_at_5``, where given, must be what the statuses give
  (:func:`_check_reported`), else the import fails naming the line and field.
- The whole file is read and checked before anything is written; a bad line
  fails the import with file, line and field. Files are only looked up among
  those listed in the folders (a task id never becomes a path); a symlink in
  ``--code`` or ``--tasks`` that leaves its folder is refused, as in a
  DL-Bench folder (:func:`annotator.safefiles.folder_files`); a code file over
  16 MiB or a task file over 64 MiB is refused before it is read. Nothing is
  executed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import SampleIn
from ..stats.passk import pass_at_k
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .fences import fenced_code
from .harness_models import OUTCOME, HarnessResult, HarnessTask, outcome
from .inputs import bounded_lines, folder_files, open_regular, read_bytes, read_text
from .jsondata import load_json, validate

NAME = "dlbench-harness"
HELP = "a DL-Bench harness results JSONL file (--code DIR, --tasks DIR, --model NAME)"

MAX_JSON_BYTES = 16 << 20
"""Largest task file read: one sample's record, as a JSONL line (a 63 MiB task file took
362 MB, and its sample was more than a sample may hold)."""
MAX_LINE_BYTES = 16 << 20
"""Longest results line read (one task's attempts)."""
STATUSES_KEPT = 100
"""A line's ``statuses`` are kept in each attempt's metadata up to this many attempts
(beyond, each attempt keeps its own status: the work stays linear in the attempts)."""
MAX_CODE_BYTES = 16 << 20
"""Largest code file read (``--code``)."""
_LINE_OWN = {"task_id", "status", "statuses", "stdout_tail", "stderr_tail", "metadata"}


@dataclass
class _Line:
    number: int
    result: HarnessResult


def estimate(path: Path, **_: Any) -> int | None:
    with open_regular(path, "results file") as handle:
        return sum(1 for raw in handle if raw.strip())


def _read_lines(path: Path) -> list[_Line]:
    lines: list[_Line] = []
    with open_regular(path, "results file") as handle:
        for number, raw in enumerate(bounded_lines(handle, path, MAX_LINE_BYTES), start=1):
            if raw.strip():
                result = validate(HarnessResult, load_json(path, raw, number), path, number)
                if result.status is None and result.statuses is None:
                    raise UserError(
                        "a status (or a list of statuses) is required",
                        file=path,
                        line=number,
                        field="status",
                    )
                line = _Line(number, result)
                _check_reported(path, line)
                lines.append(line)
    if not lines:
        raise UserError("no result lines", file=path)
    return lines


def _model_name(path: Path, lines: list[_Line], model: str | None) -> str:
    if model is not None:
        if not model.strip():
            raise UserError("--model must not be empty", field="model")
        return model
    named: tuple[str, int] | None = None
    for line in lines:
        name = line.result.named_model()
        if name is None:
            continue
        if named is not None and name != named[0]:
            raise UserError(
                f"a second model '{name}' (line {named[1]} has '{named[0]}'); one model per"
                " results file, or give --model",
                file=path,
                line=line.number,
                field="model" if line.result.model else "agent",
            )
        named = named or (name, line.number)
    return named[0] if named else path.stem


def _files(folder: Path | None, suffix: str, option: str) -> dict[str, Path]:
    """The files of ``--code`` / ``--tasks``; a symlink leaving the folder is refused."""
    if folder is None:
        return {}
    if not folder.is_dir():
        raise UserError(f"not a folder ({option})", file=folder)
    return {p.stem: p for p in folder_files(folder, (suffix,))}


def _read_task(file: Path) -> HarnessTask:
    raw = read_bytes(file, "task file", MAX_JSON_BYTES)
    return validate(HarnessTask, load_json(file, raw), file)


def _stem(task_id: str) -> str:
    return task_id.replace("/", "_")


def _lookup(files: dict[str, Path], task_id: str, attempt: int, several: bool) -> Path | None:
    stem = _stem(task_id)
    keys = [f"{stem}_{attempt}"] if several else []
    keys += [stem, task_id.rsplit("/", 1)[-1]]
    return next((files[k] for k in keys if k in files), None)


def _test_output(result: HarnessResult) -> str:
    parts = [result.stdout_tail or ""]
    if result.stderr_tail:
        parts.append(f"--- stderr ---\n{result.stderr_tail}")
    if result.error:
        parts.append(f"--- harness error ---\n{result.error}")
    return "\n".join(p for p in parts if p)


def _check_reported(path: Path, line: _Line) -> None:
    """Refuse a line whose own ``n_pass`` / ``pass_at_5`` its statuses do not give.

    The harness writes ``n_pass`` (attempts with status ``pass``) and ``pass_at_5``
    (``true`` when some attempt passed) beside ``statuses``; a disagreement means the
    file was edited or mixed up, and its pass@k would not be the harness's.
    """
    result = line.result
    statuses = result.attempt_statuses()
    known = [s for s in statuses if outcome(s) is not None]
    passed = sum(1 for s in statuses if outcome(s))
    if result.n_pass is not None and result.n_pass != passed:
        raise UserError(
            f"n_pass is {result.n_pass} but {passed} of the {len(statuses)} statuses are pass",
            file=path,
            line=line.number,
            field="n_pass",
        )
    reported = result.pass_at_5
    if isinstance(reported, bool):
        if reported != (passed > 0):
            raise UserError(
                f"pass_at_5 is {str(reported).lower()} but {passed} of the"
                f" {len(statuses)} statuses are pass",
                file=path,
                line=line.number,
                field="pass_at_5",
            )
    elif reported is not None and len(known) >= 5:
        ours = pass_at_k(len(known), passed, 5)
        if ours is not None and abs(ours - reported) > 1e-6:
            raise UserError(
                f"pass_at_5 is {reported} but the statuses give {ours:.4f}"
                f" ({passed} pass of {len(known)} attempts)",
                file=path,
                line=line.number,
                field="pass_at_5",
            )


def read(
    path: Path,
    taxonomy: Taxonomy,
    summary: ImportSummary,
    *,
    code_dir: Path | None = None,
    tasks_dir: Path | None = None,
    model: str | None = None,
    **_: Any,
) -> Iterator[SampleIn]:
    lines = _read_lines(path)
    name = _model_name(path, lines, model)
    code = _files(code_dir, ".py", "--code")
    tasks = _files(tasks_dir, ".json", "--tasks")
    by_task: dict[str, list[tuple[_Line, str]]] = defaultdict(list)
    for line in lines:
        for status in line.result.attempt_statuses():
            by_task[line.result.task_id].append((line, status))
    samples: list[SampleIn] = []
    unknown: set[str] = set()
    no_code: list[str] = []
    no_fence: list[str] = []
    repeated: list[str] = []
    used_tasks: set[Path] = set()
    per_line: dict[int, tuple[dict[str, Any], str]] = {}
    for task_id, attempts in by_task.items():
        several = len(attempts) > 1
        line_numbers = sorted({line.number for line, _ in attempts})
        if len(line_numbers) > 1:
            repeated.append(f"{task_id} on lines {', '.join(map(str, line_numbers))}")
        for attempt, (line, status) in enumerate(attempts, start=1):
            result = line.result
            if status not in OUTCOME:
                unknown.add(status)
            task_file = _lookup(tasks, task_id, attempt, several)
            task = _read_task(task_file) if task_file is not None else None
            if task_file is not None:
                used_tasks.add(task_file)
            code_file = _lookup(code, task_id, attempt, several)
            generated = (
                read_text(code_file, what="code file", cap=MAX_CODE_BYTES)
                if code_file is not None
                else None
            )
            if line.number not in per_line:  # once per line, not per attempt
                per_line[line.number] = (
                    result.model_dump(exclude=_LINE_OWN, exclude_none=True, by_alias=True),
                    _test_output(result),
                )
            line_metadata, test_output = per_line[line.number]
            metadata: dict[str, Any] = dict(line_metadata)
            metadata.update(
                task_id=task_id,
                attempt=attempt,
                attempts=len(attempts),
                status=status,
                line=line.number,
            )
            if result.statuses is not None and len(result.statuses) <= STATUSES_KEPT:
                metadata["statuses"] = result.statuses
                if result.status is not None:
                    metadata["task_status"] = result.status
            if code_file is not None:
                metadata["code_file"] = code_file.name
            if task is not None:
                metadata.update(task.kept())
                if generated is None:
                    generated = fenced_code(task.result)
                    if generated is None and task.result.strip():
                        no_fence.append(task_file.name if task_file else task_id)
            if generated is None and (code or tasks):
                no_code.append(task_id if not several else f"{task_id}#{attempt}")
            sample_id = f"{name}/{task_id}" + (f"#{attempt}" if several else "")
            samples.append(
                SampleIn(
                    id=sample_id,
                    prompt=task.prompt if task else "",
                    generated_code=generated or "",
                    test_output=test_output,
                    passed=outcome(status),
                    model=name,
                    stage=result.where("stage") or (task.stage if task else None),
                    data_type=result.where("data") or (task.data if task else None),
                    task_type=result.where("task") or (task.task if task else None),
                    metadata=metadata,
                    source=str(path),
                )
            )
    if repeated:
        summary.duplicates.append(
            f"{len(repeated)} tasks are on several lines, imported as attempts of one task"
            f" (first: {repeated[0]})"
        )
    if unknown:
        summary.warnings.append(
            f"statuses the harness does not document, imported with an unknown outcome:"
            f" {', '.join(sorted(unknown))}"
        )
    if no_code:
        summary.warnings.append(
            f"{len(no_code)} attempts have no code file or task response (first: {no_code[0]})"
        )
    if no_fence:
        summary.warnings.append(
            f"{len(no_fence)} task responses have no fenced code block (raw response kept;"
            f" first: {no_fence[0]})"
        )
    unused = sorted(p.name for p in tasks.values() if p not in used_tasks)
    if unused:
        summary.skipped.append(
            f"{len(unused)} task files match no result line (first: {unused[0]})"
        )
    yield from samples
