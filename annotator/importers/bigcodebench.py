"""BigCodeBench importer: ``annotator import bigcodebench RESULTS_eval_results.json``.

Contract: RESULTS is what ``bigcodebench.evaluate`` writes: ``{"date", "eval":
{task_id: [entry, ...]}}``, one entry per sample of the task, each ``{task_id,
solution, status, details}``: ``status`` is ``pass``, ``fail`` or ``timeout``
and ``details`` maps the name of each failing unittest (``test_case_1``) to
its traceback. Each detail becomes a case of the parsed report (its traceback
parsed by the suggester as any Python traceback) and a block of the test
output.

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
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .benchfiles import (
    as_text,
    attempt_sample,
    count_key,
    expect,
    key_path,
    load_document,
    model_from,
    strip_suffixes,
    validate_at,
)
from .protocol import MODEL_OPTION
from .report import ImportedCase, cap, make_report, render, with_report

OUTCOME: dict[str, bool] = {"pass": True, "fail": False, "timeout": False}
SUFFIXES = ("_eval_results.json", ".eval_results.json", "eval_results.json", ".json")


class BigCodeBenchEntry(BaseModel):
    """One sample's result in ``eval[task_id]``."""

    model_config = ConfigDict(extra="ignore")

    task_id: str | None = None
    solution: str = ""
    status: str = Field(min_length=1, max_length=100)
    details: dict[str, Any] = Field(default_factory=dict)


def _cases(entry: BigCodeBenchEntry) -> list[ImportedCase]:
    timeout = entry.status == "timeout"
    cases = [
        ImportedCase(
            test=test,
            status="timeout" if timeout else "failed",
            verdict="Time Limit Exceeded" if timeout else "Failed",
            traceback=cap(as_text(trace)) or "",
        )
        for test, trace in entry.details.items()
    ]
    if entry.status != "pass" and not cases:
        cases.append(
            ImportedCase(
                test="tests",
                status="timeout" if timeout else "failed",
                verdict="Time Limit Exceeded" if timeout else "Failed",
            )
        )
    return cases


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
            for index, raw in enumerate(entries):
                where = f"{task_path}[{index}]"  # key_path("eval", task_id, index)
                entry = validate_at(BigCodeBenchEntry, raw, path, where)
                if entry.status not in OUTCOME:
                    unknown.add(entry.status)
                report = make_report("bigcodebench", _cases(entry))
                sample = attempt_sample(
                    model=name,
                    task_id=task_id,
                    attempt=index + 1,
                    attempts=len(entries),
                    status=entry.status,
                    passed=OUTCOME.get(entry.status),
                    source=path,
                    generated_code=entry.solution,
                    test_output=render(report),
                )
                count += 1
                yield with_report(sample, report)
        if not count:
            raise UserError("no results under 'eval'", file=path, where="eval")
        if unknown:
            summary.warnings.append(
                f"statuses BigCodeBench does not write, imported with an unknown outcome:"
                f" {', '.join(sorted(unknown))}"
            )
