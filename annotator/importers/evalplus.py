"""EvalPlus importer: ``annotator import evalplus RESULTS.eval_results.json``.

Contract: RESULTS is what ``evalplus.evaluate`` writes: ``{"date", "hash",
"eval": {task_id: [entry, ...]}}``, one entry per sample of the task, each
``{task_id, solution, base_status, plus_status, base_fail_tests,
plus_fail_tests}`` (statuses ``pass``/``fail``/``timeout``; the fail tests are
the failing inputs, as JSON values). EvalPlus stores no traceback: the failing
inputs become the failure text and the parsed report (one case per input).

- Every entry is one attempt (see :func:`~.benchfiles.attempt_sample`); the
  status is ``pass`` when base and plus passed (plus may be absent: base only),
  else the first failing one's; ``base_status`` and ``plus_status`` are kept.
- The code is the entry's ``solution``; an entry without one takes the matching
  line (same task, same position) of the samples file: ``--samples FILE``, else
  ``<name>.jsonl`` or ``samples.jsonl`` beside RESULTS (``task_id`` and
  ``solution`` or ``completion`` per line).
- The model: ``--model``, else the file name without ``.eval_results.json`` /
  ``_eval_results.json``, else the folder's name.
- The file is read whole, bounded (:data:`~.benchfiles.MAX_DOCUMENT`); a bad
  entry fails the import naming file, JSON path and field. Nothing is executed.
"""

from __future__ import annotations

from collections import defaultdict
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
    attempt,
    count_key,
    expect,
    json_text,
    key_path,
    load_document,
    model_from,
    strip_suffixes,
    validate_at,
)
from .inputs import bounded_lines, inside, open_regular, regular_file
from .jsondata import load_json
from .jsonl import MAX_LINE_BYTES
from .protocol import MODEL_OPTION, Option
from .report import MAX_TEXT, cap, stored_report

OUTCOME: dict[str, bool] = {"pass": True, "fail": False, "timeout": False}
SUFFIXES = (".eval_results.json", "_eval_results.json", "eval_results.json", ".json")


class EvalPlusEntry(BaseModel):
    """One sample's result in ``eval[task_id]``."""

    model_config = ConfigDict(extra="ignore")

    task_id: str | None = None
    solution: str | None = None
    base_status: str = Field(min_length=1, max_length=100)
    plus_status: str | None = Field(default=None, max_length=100)
    base_fail_tests: list[Any] = Field(default_factory=list)
    plus_fail_tests: list[Any] = Field(default_factory=list)


class SampleLine(BaseModel):
    """One line of ``samples.jsonl``."""

    model_config = ConfigDict(extra="ignore")

    task_id: str = Field(min_length=1)
    solution: str | None = None
    completion: str | None = None


Entry = tuple["str | None", str, "str | None", list[Any], list[Any]]
"""An entry's solution, base status, plus status, base and plus failing inputs."""


def _entry(raw: Any, path: Path, where: str) -> Entry:
    """The fields of one entry: checked by hand when each has its plain JSON type
    (nearly always), else validated by :class:`EvalPlusEntry` (its coercions, its
    one-line refusals)."""
    if type(raw) is dict:
        get = raw.get
        task_id = get("task_id")
        solution = get("solution")
        base = get("base_status")
        plus = get("plus_status")
        base_fail = get("base_fail_tests", _NONE)
        plus_fail = get("plus_fail_tests", _NONE)
        if (
            (task_id is None or type(task_id) is str)
            and (solution is None or type(solution) is str)
            and type(base) is str
            and 0 < len(base) <= 100
            and (plus is None or type(plus) is str and len(plus) <= 100)
            and type(base_fail) is list
            and type(plus_fail) is list
        ):
            return solution, base, plus, base_fail, plus_fail
    entry = validate_at(EvalPlusEntry, raw, path, where)
    return (
        entry.solution,
        entry.base_status,
        entry.plus_status,
        entry.base_fail_tests,
        entry.plus_fail_tests,
    )


_NONE: list[Any] = []  # (only read: a missing list of failing inputs)


def _status(base: str, plus: str | None) -> str:
    if base != "pass":
        return base
    if plus not in (None, "pass"):
        return plus
    return "pass"


_TIMEOUT = ("timeout", "Time Limit Exceeded")
_FAILED = ("failed", "Failed")


def _cases(entry: Entry) -> tuple[list[dict[str, Any]], list[str]]:
    """The failing cases (:func:`~.report.case_data`) and their texts (:func:`~.report.case_text`):
    one per failing input of each suite that ran, or one for the suite when it
    failed naming none."""
    _, base, plus, base_fail, plus_fail = entry
    cases: list[dict[str, Any]] = []
    texts: list[str] = []
    for suite, status, failing in (("base", base, base_fail), ("plus", plus, plus_fail)):
        if status is None:
            continue
        timeout = status == "timeout"
        kind, verdict = _TIMEOUT if timeout else _FAILED
        message = (
            f"{suite} tests: no answer within the time limit on this input"
            if timeout
            else f"{suite} tests: wrong output or an exception on this input"
        )
        between = f": {verdict} - {message}\n  input: "  # case_text's, after the test
        for number, inputs in enumerate(failing, start=1):
            text = inputs if inputs.__class__ is str else json_text(inputs)
            if len(text) > MAX_TEXT:
                text = cap(text) or ""
            test = f"{suite} input {number}"
            cases.append(
                {
                    "test": test,
                    "status": kind,
                    "verdict": verdict,
                    "message": message,
                    "inputs": text,
                }
            )
            texts.append(f"{test}{between}{text}")
        if status != "pass" and not failing:
            cases.append({"test": f"{suite} tests", "status": kind, "verdict": verdict})
            texts.append(f"{suite} tests: {verdict}")
    return cases, texts


def _samples_file(path: Path, given: Path | None) -> Path | None:
    if given is not None:
        return regular_file(given, "samples file (--samples)")
    stem = strip_suffixes(path.name, SUFFIXES)
    for candidate in (path.with_name(f"{stem}.jsonl"), path.with_name("samples.jsonl")):
        if candidate != path and (candidate.is_symlink() or candidate.exists()):
            # Found, not named: it must stay in the results' folder and be a file
            # (a link out would store another file as code; a FIFO would block).
            inside(candidate, path.parent)
            return regular_file(candidate, "samples file")
    return None


def _read_samples(file: Path) -> dict[str, list[str]]:
    """Task id -> the code of its samples, in file order (streamed line by line)."""
    code: dict[str, list[str]] = defaultdict(list)
    with open_regular(file, "samples file", MAX_DOCUMENT) as handle:
        for number, raw in enumerate(bounded_lines(handle, file, MAX_LINE_BYTES), start=1):
            if not raw.strip():
                continue
            data = load_json(file, raw, number)
            line = validate_at(SampleLine, data, file, f"line {number}")
            code[line.task_id].append(line.solution or line.completion or "")
    return code


class EvalPlusImporter:
    """The ``evalplus`` format (see the module contract)."""

    name = "evalplus"
    help = "EvalPlus *eval_results.json (+ samples.jsonl beside it or --samples FILE)"
    usage = "RESULTS.json [--samples FILE] [--model NAME]"
    options = (
        Option(
            "samples",
            "--samples",
            "the samples JSONL the results are of",
            kind="path",
            metavar="FILE",
        ),
        MODEL_OPTION,
    )
    needs_sample_ids = False

    def estimate(self, path: Path, **_: Any) -> int | None:
        return count_key(path, b'"base_status"')

    def read(
        self,
        path: Path,
        taxonomy: Taxonomy,
        summary: ImportSummary,
        *,
        samples: Path | None = None,
        model: str | None = None,
        **_: Any,
    ) -> Iterator[SampleIn]:
        doc = expect(dict, load_document(path, "EvalPlus results file"), path, "the document")
        results = expect(dict, doc.get("eval"), path, "eval")
        name = model_from(model, strip_suffixes(path.name, SUFFIXES) or path.parent.name)
        sample_file = _samples_file(path, samples)
        codes = _read_samples(sample_file) if sample_file is not None else {}
        unknown: set[str] = set()
        no_code: list[str] = []
        count = 0
        for task_id, entries in results.items():
            task_path = key_path("eval", task_id)  # one JSON spelling of the task id
            expect(list, entries, path, task_path)
            if not task_id:
                raise UserError("an empty task id", file=path, where="eval")
            attempts = len(entries)
            for index, raw in enumerate(entries):
                where = f"{task_path}[{index}]"  # key_path("eval", task_id, index)
                entry = _entry(raw, path, where)
                code, base, plus = entry[0], entry[1], entry[2]
                status = _status(base, plus)
                if status not in OUTCOME:
                    unknown.add(status)
                if code is None:
                    task_codes = codes.get(task_id, [])
                    code = task_codes[index] if index < len(task_codes) else None
                if code is None:
                    no_code.append(f"{task_id}#{index + 1}")
                cases, texts = (
                    _cases(entry)
                    if base != "pass" or plus not in (None, "pass") or entry[3] or entry[4]
                    else ([], [])
                )
                report, rendered = stored_report("evalplus", cases, texts)
                count += 1
                yield attempt(
                    name,
                    task_id,
                    index + 1,
                    attempts,
                    status,
                    OUTCOME.get(status),
                    path,
                    {"base_status": base, "plus_status": plus, REPORT_KEY: report},
                    generated_code=code or "",
                    test_output=(
                        f"base tests: {base}; plus tests: {plus or 'not run'}\n\n{rendered}"
                    ).rstrip("\n"),
                )
        if not count:
            raise UserError("no results under 'eval'", file=path, where="eval")
        if unknown:
            summary.warnings.append(
                f"statuses EvalPlus does not write, imported with an unknown outcome:"
                f" {', '.join(sorted(unknown))}"
            )
        if no_code:
            summary.warnings.append(
                f"{len(no_code)} results have no solution and no samples line (first: {no_code[0]})"
            )
