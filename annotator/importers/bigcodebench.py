"""BigCodeBench importer: ``annotator import bigcodebench RESULTS_eval_results.json``.

Contract: RESULTS is what ``bigcodebench.evaluate`` writes: ``{"date", "eval":
{task_id: [entry, ...]}}``, one entry per sample of the task, each ``{task_id,
solution, status, details}``: ``status`` is ``pass``, ``fail`` or ``timeout``
and ``details`` maps the name of each failing unittest (``test_case_1``) to
its traceback. Each detail becomes a case of the parsed report (its traceback
parsed by the suggester as any Python traceback) and a block of the test
output. The detail ``ALL`` is not a test: BigCodeBench's whole run stopped
(``str()`` of what the code and the tests raised as one module: an import, a
syntax error), so it is a case with the status ``error`` and that text as its
message, no traceback.

- Every entry is one attempt (see :func:`~.benchfiles.attempt_sample`), its
  code the entry's ``solution``; ``status`` is kept for filtering.
- The model: ``--model``, else the file name without ``_eval_results.json``,
  else the folder's name.
- The file is read whole, bounded (:data:`~.benchfiles.MAX_DOCUMENT`); a bad
  entry fails the import naming file, JSON path and field. Nothing is executed.
"""

from __future__ import annotations

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
    as_text,
    attempt,
    count_key,
    expect,
    key_path,
    load_document,
    model_from,
    strip_suffixes,
    validate_at,
)
from .protocol import MODEL_OPTION
from .report import MAX_TEXT, cap, case_data, case_text, stored_report

OUTCOME: dict[str, bool] = {"pass": True, "fail": False, "timeout": False}
SUFFIXES = ("_eval_results.json", ".eval_results.json", "eval_results.json", ".json")


class BigCodeBenchEntry(BaseModel):
    """One sample's result in ``eval[task_id]``."""

    model_config = ConfigDict(extra="ignore")

    task_id: str | None = None
    solution: str = ""
    status: str = Field(min_length=1, max_length=100)
    details: dict[str, Any] = Field(default_factory=dict)


Entry = tuple[str, str, dict[str, Any]]
"""An entry's solution, status and details."""


def _entry(raw: Any, path: Path, where: str) -> Entry:
    """The fields of one entry: checked by hand when each has its plain JSON type
    (nearly always), else validated by :class:`BigCodeBenchEntry` (its coercions,
    its one-line refusals)."""
    if type(raw) is dict:
        get = raw.get
        task_id = get("task_id")
        solution = get("solution", "")
        status = get("status")
        details = get("details", _NONE)
        if (
            (task_id is None or type(task_id) is str)
            and type(solution) is str
            and type(status) is str
            and 0 < len(status) <= 100
            and type(details) is dict
        ):
            return solution, status, details
    entry = validate_at(BigCodeBenchEntry, raw, path, where)
    return entry.solution, entry.status, entry.details


_NONE: dict[str, Any] = {}  # (only read: no details)


def _cases(status: str, details: dict[str, Any]) -> tuple[list[dict[str, Any]], list[str]]:
    """The failing cases (:func:`~.report.case_data`) and their texts
    (:func:`~.report.case_text`): one per detail, or one for the tests when a
    failing entry has none."""
    kind, verdict = ("timeout", "Time Limit Exceeded") if status == "timeout" else _FAILED
    cases: list[dict[str, Any]] = []
    texts: list[str] = []
    for test, trace in details.items():
        text = trace if trace.__class__ is str else as_text(trace)
        if len(text) > MAX_TEXT:
            text = cap(text) or ""
        if test == _WHOLE_RUN:
            case = case_data(test, "error", "Error", message=text.strip())
            cases.append(case)
            texts.append(case_text(case))
        elif text:
            cases.append({"test": test, "status": kind, "verdict": verdict, "traceback": text})
            texts.append(f"{test}: {verdict}\n{text.rstrip(chr(10))}")
        else:
            cases.append({"test": test, "status": kind, "verdict": verdict})
            texts.append(f"{test}: {verdict}")
    if status != "pass" and not cases:
        cases.append({"test": "tests", "status": kind, "verdict": verdict})
        texts.append(f"tests: {verdict}")
    return cases, texts


_FAILED = ("failed", "Failed")
_WHOLE_RUN = "ALL"
"""The detail BigCodeBench writes when the module of code and tests raised as a whole."""


class BigCodeBenchImporter:
    """The ``bigcodebench`` format (see the module contract)."""

    name = "bigcodebench"
    help = "BigCodeBench *_eval_results.json (solution, status, details per sample)"
    usage = "RESULTS.json [--model NAME]"
    options = (MODEL_OPTION,)
    needs_sample_ids = False

    def estimate(self, path: Path, **_: Any) -> int | None:
        return count_key(path, b'"status"')

    def read(
        self,
        path: Path,
        taxonomy: Taxonomy,
        summary: ImportSummary,
        *,
        model: str | None = None,
        **_: Any,
    ) -> Iterator[SampleIn]:
        doc = expect(dict, load_document(path, "BigCodeBench results file"), path, "the document")
        results = expect(dict, doc.get("eval"), path, "eval")
        name = model_from(model, strip_suffixes(path.name, SUFFIXES) or path.parent.name)
        unknown: set[str] = set()
        count = 0
        for task_id, entries in results.items():
            task_path = key_path("eval", task_id)  # one JSON spelling of the task id
            expect(list, entries, path, task_path)
            if not task_id:
                raise UserError("an empty task id", file=path, where="eval")
            attempts = len(entries)
            for index, raw in enumerate(entries):
                where = f"{task_path}[{index}]"  # key_path("eval", task_id, index)
                solution, status, details = _entry(raw, path, where)
                if status not in OUTCOME:
                    unknown.add(status)
                if details or status != "pass":
                    cases, texts = _cases(status, details)
                    report, rendered = stored_report("bigcodebench", cases, texts)
                else:  # a passing entry (most)
                    report, rendered = {"format": "bigcodebench", "cases": []}, ""
                count += 1
                yield attempt(
                    name,
                    task_id,
                    index + 1,
                    attempts,
                    status,
                    OUTCOME.get(status),
                    path,
                    {REPORT_KEY: report},
                    generated_code=solution,
                    test_output=rendered,
                )
        if not count:
            raise UserError("no results under 'eval'", file=path, where="eval")
        if unknown:
            summary.warnings.append(
                f"statuses BigCodeBench does not write, imported with an unknown outcome:"
                f" {', '.join(sorted(unknown))}"
            )
