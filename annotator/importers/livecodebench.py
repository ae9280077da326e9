"""LiveCodeBench importer: ``annotator import livecodebench RESULTS_eval_all.json``.

Contract: RESULTS is what LiveCodeBench's runner writes for code generation
(``..._eval_all.json``): a JSON list with one object per question
(``question_id``, ``question_title``, ``question_content``, ``platform``,
``difficulty``, ``starter_code`` ...) holding ``code_list`` (the extracted code
of each sample), ``graded_list`` (whether each passed), ``output_list`` (the
raw model responses) and ``metadata`` (per sample a JSON string - or object -
with ``error_code``, ``error_message``, ``error``, ``inputs``, ``expected`` and
``output`` of the first failing test).

- Every code of ``code_list`` is one attempt of the question
  (:func:`~.benchfiles.attempt_sample`); ``passed`` is its ``graded_list``
  value. The status is ``pass`` or the error code's name: ``compile_error``
  (-1), ``wrong_answer`` (-2), ``time_limit`` (-3), ``runtime_error`` (-4),
  ``runner_error`` (-5); an error code it does not know is kept as
  ``error_<code>`` with a warning.
- The failing input, expected and actual output and the error become the
  parsed report and the failure text; the question is the prompt; the raw
  response is kept in the metadata (``response``).
- The model: ``--model``, else the folder's name (LiveCodeBench writes
  ``output/<model>/<scenario>_eval_all.json``).
- The file is read whole, bounded; a bad question fails the import naming file,
  JSON path and field. Nothing is executed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import UserError
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .benchfiles import (
    MAX_DOCUMENT,
    as_text,
    attempt_sample,
    expect,
    key_path,
    load_document,
    model_from,
    read_bounded,
    validate_at,
)
from .inputs import regular_file
from .protocol import MODEL_OPTION
from .report import ImportedCase, Status, cap, make_report, render, with_report

ERROR_CODES: dict[int, tuple[str, Status]] = {
    -1: ("compile_error", "error"),
    -2: ("wrong_answer", "failed"),
    -3: ("time_limit", "timeout"),
    -4: ("runtime_error", "error"),
    -5: ("runner_error", "error"),
}
"""LiveCodeBench's error code -> our status and the case's status."""

_GRADES = re.compile(rb'"graded_list"\s*:\s*\[([^\]]*)\]')
_GRADE = re.compile(rb"true|false")
_REPR = re.compile(r"^([A-Za-z_][\w.]*)\((.*)\)$", re.DOTALL)


class Question(BaseModel):
    """One question of an ``_eval_all.json`` list."""

    model_config = ConfigDict(extra="ignore")

    question_id: str | int
    question_title: str = ""
    question_content: str = ""
    platform: str | None = None
    difficulty: str | None = None
    starter_code: str | None = None
    code_list: list[str] = Field(min_length=1)
    graded_list: list[bool]
    output_list: list[str] | None = None
    metadata: list[str | dict[str, Any]] = Field(default_factory=list)


class Judgement(BaseModel):
    """One sample's metadata: why it failed (empty when it passed)."""

    model_config = ConfigDict(extra="ignore")

    error_code: int | None = None
    error_message: str = ""
    error: str = ""
    inputs: Any = None
    expected: Any = None
    output: Any = None


def _judgement(raw: str | dict[str, Any], path: Path, where: str) -> Judgement:
    data: Any = raw
    if isinstance(raw, str):
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, RecursionError):
            raise UserError("not a JSON string of an object", file=path, where=where) from None
    return validate_at(Judgement, data, path, where)


def _status(passed: bool, judged: Judgement | None) -> str:
    if passed:
        return "pass"
    if judged is None or judged.error_code is None:
        return "fail"
    known = ERROR_CODES.get(judged.error_code)
    return known[0] if known else f"error_{judged.error_code}"


def _case(judged: Judgement) -> ImportedCase:
    code = judged.error_code if judged.error_code is not None else -2
    case_status: Status = ERROR_CODES.get(code, ("", "failed"))[1]
    message = judged.error
    if not message and judged.expected is not None and judged.output is not None:
        first = [as_text(v).split("\n", 1)[0][:80] for v in (judged.expected, judged.output)]
        message = f"expected {first[0]}, got {first[1]}"
    match = _REPR.match(judged.error)
    if match:  # repr(e): "ValueError('bad')" -> "ValueError: bad"
        args = match.group(2)
        if (
            len(args) >= 2
            and args[0] == args[-1]
            and args[0] in "'\""
            and args[0] not in args[1:-1]
        ):
            args = args[1:-1]
        message = f"{match.group(1)}: {args}".rstrip(": ")
    return ImportedCase(
        test="first failing test",
        status=case_status,
        verdict=judged.error_message or "Failed",
        message=cap(message) or "",
        inputs=cap(None if judged.inputs is None else as_text(judged.inputs)),
        expected=cap(None if judged.expected is None else as_text(judged.expected)),
        output=cap(None if judged.output is None else as_text(judged.output)),
    )


class LiveCodeBenchImporter:
    """The ``livecodebench`` format (see the module contract)."""

    name = "livecodebench"
    help = "LiveCodeBench *_eval_all.json (code_list, graded_list, metadata per question)"
    usage = "RESULTS_eval_all.json [--model NAME]"
    options = (MODEL_OPTION,)
    needs_sample_ids = False

    def estimate(self, path: Path, **_: Any) -> int | None:
        """The grades of every ``graded_list`` (one per code), counted in the bytes."""
        regular_file(path, "LiveCodeBench results file")
        if path.stat().st_size > MAX_DOCUMENT:
            return None
        raw = read_bounded(path, MAX_DOCUMENT)
        return sum(len(_GRADE.findall(m.group(1))) for m in _GRADES.finditer(raw))

    def read(
        self,
        path: Path,
        taxonomy: Taxonomy,
        summary: ImportSummary,
        *,
        model: str | None = None,
        **_: Any,
    ) -> Iterator[SampleIn]:
        doc = expect(list, load_document(path, "LiveCodeBench results file"), path, "the document")
        name = model_from(model, path.parent.name)
        unknown: set[str] = set()
        count = 0
        seen: dict[str, int] = {}
        for index, raw in enumerate(doc):
            where = key_path("", index) or f"[{index}]"
            question = validate_at(Question, raw, path, where)
            task_id = str(question.question_id)
            if task_id in seen:
                raise UserError(
                    f"question '{task_id}' again (first at [{seen[task_id]}])",
                    file=path,
                    where=where,
                    field="question_id",
                )
            seen[task_id] = index
            attempts = len(question.code_list)
            if len(question.graded_list) != attempts:
                raise UserError(
                    f"{len(question.graded_list)} grades for {attempts} codes",
                    file=path,
                    where=where,
                    field="graded_list",
                )
            for number, code in enumerate(question.code_list):
                passed = question.graded_list[number]
                judged = None
                if number < len(question.metadata):
                    judged = _judgement(
                        question.metadata[number], path, f"{where}.metadata[{number}]"
                    )
                status = _status(passed, judged)
                if status.startswith("error_"):
                    unknown.add(status)
                cases = [] if passed or judged is None else [_case(judged)]
                report = make_report("livecodebench", cases)
                metadata: dict[str, Any] = {
                    "title": question.question_title,
                    "platform": question.platform,
                    "difficulty": question.difficulty,
                }
                if question.output_list is not None and number < len(question.output_list):
                    metadata["response"] = question.output_list[number]
                sample = attempt_sample(
                    model=name,
                    task_id=task_id,
                    attempt=number + 1,
                    attempts=attempts,
                    status=status,
                    passed=passed,
                    source=path,
                    metadata={k: v for k, v in metadata.items() if v is not None},
                    prompt=question.question_content,
                    generated_code=code,
                    test_output=render(report),
                    task_type=question.difficulty,
                )
                count += 1
                yield with_report(sample, report)
        if not count:
            raise UserError("no questions", file=path)
        if unknown:
            summary.warnings.append(
                f"error codes LiveCodeBench does not document, kept as statuses:"
                f" {', '.join(sorted(unknown))}"
            )
