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
from ..imported import REPORT_KEY
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .benchfiles import (
    MAX_DOCUMENT,
    as_text,
    attempt,
    expect,
    load_document,
    model_from,
    read_bounded,
    validate_at,
)
from .inputs import regular_file
from .protocol import MODEL_OPTION
from .report import MAX_TEXT, Status, cap

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


QuestionFields = tuple[
    str, str, str, "str | None", "str | None", list[str], list[bool], "list[str] | None", list[Any]
]
"""A question's task id, title, content, platform, difficulty, code_list,
graded_list, output_list and metadata."""


def _question(raw: Any, path: Path, where: str) -> QuestionFields:
    """The fields of one question: checked by hand when each has its plain JSON type
    (nearly always), else validated by :class:`Question` (its coercions, its
    one-line refusals)."""
    if type(raw) is dict:
        get = raw.get
        qid = get("question_id")
        title = get("question_title", "")
        content = get("question_content", "")
        platform = get("platform")
        difficulty = get("difficulty")
        starter = get("starter_code")
        codes = get("code_list")
        grades = get("graded_list")
        outputs = get("output_list")
        metadata = get("metadata", [])
        if (
            (type(qid) is str or type(qid) is int)
            and type(title) is str
            and type(content) is str
            and (platform is None or type(platform) is str)
            and (difficulty is None or type(difficulty) is str)
            and (starter is None or type(starter) is str)
            and type(codes) is list
            and codes
            and all(type(c) is str for c in codes)
            and type(grades) is list
            and all(g is True or g is False for g in grades)
            and (outputs is None or type(outputs) is list and all(type(o) is str for o in outputs))
            and type(metadata) is list
            and all(type(m) is str or type(m) is dict for m in metadata)
        ):
            return str(qid), title, content, platform, difficulty, codes, grades, outputs, metadata
    question = validate_at(Question, raw, path, where)
    return (
        str(question.question_id),
        question.question_title,
        question.question_content,
        question.platform,
        question.difficulty,
        question.code_list,
        question.graded_list,
        question.output_list,
        question.metadata,
    )


_NOT_JSON = object()
_scan = json.JSONDecoder().scan_once  # type: ignore[attr-defined]


def _parsed(text: str) -> Any:
    """``json.loads(text)``, or :data:`_NOT_JSON` where it raises. An object with no
    space around it (every judgement LiveCodeBench writes) is scanned directly:
    ``json.loads`` spends more than half of a judgement's parse finding that there
    is no space and no BOM; anything else takes ``json.loads`` itself."""
    if text[:1] == "{" and text[-1:] == "}":
        try:
            value, end = _scan(text, 0)
            if end == len(text):
                return value
        except (ValueError, StopIteration, RecursionError):
            pass
    try:
        return json.loads(text)
    except (json.JSONDecodeError, RecursionError):
        return _NOT_JSON


Judged = tuple["int | None", str, str, Any, Any, Any]
"""A judgement's error code, error message, error, inputs, expected and output."""


def _judgement(raw: str | dict[str, Any], path: Path, where: str) -> Judged:
    data: Any = raw
    if isinstance(raw, str):
        data = _parsed(raw)
        if data is _NOT_JSON:
            raise UserError("not a JSON string of an object", file=path, where=where) from None
    if type(data) is dict:  # checked by hand when plain (as _question)
        get = data.get
        code = get("error_code")
        message = get("error_message", "")
        error = get("error", "")
        if (code is None or type(code) is int) and type(message) is str and type(error) is str:
            return code, message, error, get("inputs"), get("expected"), get("output")
    judged = validate_at(Judgement, data, path, where)
    return (
        judged.error_code,
        judged.error_message,
        judged.error,
        judged.inputs,
        judged.expected,
        judged.output,
    )


def _status(passed: bool, judged: Judged | None) -> str:
    if passed:
        return "pass"
    if judged is None or judged[0] is None:
        return "fail"
    known = ERROR_CODES.get(judged[0])
    return known[0] if known else f"error_{judged[0]}"


def _case(judged: Judged) -> tuple[dict[str, Any], str]:
    """The failing case of a judgement (:func:`~.report.case_data`) and its text
    (:func:`~.report.case_text`), each value spelled once."""
    code, error_message, error, inputs, expected, output = judged
    case_status: Status = ERROR_CODES.get(code if code is not None else -2, ("", "failed"))[1]
    spelled = [None if v is None else as_text(v) for v in (inputs, expected, output)]
    message = error
    if not message and spelled[1] is not None and spelled[2] is not None:
        first = [v.split("\n", 1)[0][:80] for v in (spelled[1], spelled[2])]
        message = f"expected {first[0]}, got {first[1]}"
    match = _REPR.match(error) if error else None
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
    verdict = error_message or "Failed"
    message = cap(message) or ""
    case: dict[str, Any] = {"test": "first failing test", "status": case_status}
    case["verdict"] = verdict
    lines = [
        f"first failing test: {verdict} - {message}"
        if message
        else f"first failing test: {verdict}"
    ]
    if message:
        case["message"] = message
    for key, label, value in zip(_VALUES, _LABELS, spelled, strict=True):
        if value is not None:
            if len(value) > MAX_TEXT:
                value = cap(value) or ""
            case[key] = value
            lines.append(f"  {label}: {value}")
    return case, "\n".join(lines)


_VALUES = ("inputs", "expected", "output")
_LABELS = ("input", "expected", "got")


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
            where = f"[{index}]"  # key_path("", index)
            task_id, title, prompt, platform, difficulty, codes, grades, outputs, judgements = (
                _question(raw, path, where)
            )
            if task_id in seen:
                raise UserError(
                    f"question '{task_id}' again (first at [{seen[task_id]}])",
                    file=path,
                    where=where,
                    field="question_id",
                )
            seen[task_id] = index
            attempts = len(codes)
            if len(grades) != attempts:
                raise UserError(
                    f"{len(grades)} grades for {attempts} codes",
                    file=path,
                    where=where,
                    field="graded_list",
                )
            shared: dict[str, Any] = {"title": title}
            if platform is not None:
                shared["platform"] = platform
            if difficulty is not None:
                shared["difficulty"] = difficulty
            responses = len(outputs) if outputs is not None else 0
            for number, code in enumerate(codes):
                passed = grades[number]
                judged = None
                if number < len(judgements):
                    judged = _judgement(judgements[number], path, f"{where}.metadata[{number}]")
                status = _status(passed, judged)
                if status.startswith("error_"):
                    unknown.add(status)
                metadata = dict(shared)
                if number < responses:
                    metadata["response"] = outputs[number]  # type: ignore[index]
                if passed or judged is None:
                    metadata[REPORT_KEY] = {"format": "livecodebench", "cases": []}
                    text = ""
                else:
                    case, text = _case(judged)
                    metadata[REPORT_KEY] = {"format": "livecodebench", "cases": [case]}
                count += 1
                yield attempt(
                    name,
                    task_id,
                    number + 1,
                    attempts,
                    status,
                    passed,
                    path,
                    metadata,
                    prompt=prompt,
                    generated_code=code,
                    test_output=text,
                    task_type=difficulty,
                )
        if not count:
            raise UserError("no questions", file=path)
        if unknown:
            summary.warnings.append(
                f"error codes LiveCodeBench does not document, kept as statuses:"
                f" {', '.join(sorted(unknown))}"
            )
