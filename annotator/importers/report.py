"""A sample's test results as a benchmark recorded them: the parsed report an
importer attaches to a sample.

Contract: :class:`ImportedReport` lists the tests (or judged inputs) of one
sample as :class:`ImportedCase` models: its name, its status, the benchmark's
verdict (``wrong answer``, ``time limit``, ``runtime error``,
``compile error``, ``FAIL_TO_PASS`` ...), the traceback when one was stored,
and the failing input with the expected and the actual output when the
benchmark judged outputs. :func:`with_report` stores it in the sample's
metadata under :data:`REPORT_KEY`; :func:`report_from_metadata` reads it back,
validated (None when absent or not a report). Passing tests are counted, not
listed. The sample's failure (for the failure panel and the suggester) reads
these models (``annotator.failures.importedoutput``), never the text rendered
for people by :func:`render`. Every text is capped at :data:`MAX_TEXT`
characters so that one huge input cannot bloat the database.

The benchmark importers build the stored report in one pass, without these
objects (they run for every sample of an import): each failing case as the dict
:func:`with_report` would store (:func:`case_data`) and its text as
:func:`render` would write it (:func:`case_text`), put together by
:func:`stored_report`. :func:`with_report` and :func:`render` write each case
through the same two functions, so the bytes are the same for cases that all
fail (tests/test_import_digests.py holds the counts and the cut to it).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import cache
from typing import Any, Literal

from pydantic import TypeAdapter, ValidationError

from ..imported import REPORT_KEY
from ..models import SampleIn

MAX_TEXT = 20_000
"""Characters kept of one input, output or traceback (the rest is cut, marked)."""
MAX_CASES = 200
"""Failing cases kept per sample (the count of the others is kept)."""

Status = Literal["passed", "failed", "error", "timeout", "skipped"]

OWN_HARNESS = frozenset({"evalplus", "bigcodebench", "livecodebench", "inspect"})
"""Report formats of benchmarks whose harness runs the generated code in a program of
its own, not inside a project's repository (as DL-Bench and SWE-bench do): code in a
traceback that is neither the generated code, the tests nor a library is the harness's."""


def cap(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """``text`` cut to ``limit`` characters, the cut marked."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}\n... ({len(text) - limit} more characters not kept)"


@dataclass(frozen=True, slots=True)
class ImportedCase:
    """One test (or judged input) of a sample."""

    test: str
    status: Status
    verdict: str = ""
    """What the benchmark called the outcome, e.g. ``Wrong Answer``, ``FAIL_TO_PASS``."""
    message: str = ""
    traceback: str = ""
    inputs: str | None = None
    expected: str | None = None
    output: str | None = None


@dataclass(frozen=True, slots=True)
class ImportedReport:
    """The tests of one sample, as its benchmark recorded them: the cases that did
    not pass (at most :data:`MAX_CASES`) and the counts of the others."""

    format: str
    cases: list[ImportedCase] = field(default_factory=list)
    passed: int = 0
    skipped: int = 0
    not_kept: int = 0
    """Failing cases left out beyond :data:`MAX_CASES`."""

    def failing(self) -> list[ImportedCase]:
        return [c for c in self.cases if c.status not in ("passed", "skipped")]


@cache
def _reader() -> TypeAdapter[ImportedReport]:
    """The report's validator, built on first use (not while the labeling UI starts)."""
    return TypeAdapter(ImportedReport)


def make_report(fmt: str, cases: list[ImportedCase], passed: int = 0) -> ImportedReport:
    """A report of ``cases``: the passing and skipped ones counted, the others
    kept (at most :data:`MAX_CASES`); ``passed`` more passed by name only."""
    if not cases:  # a passing sample (most): nothing to sort out
        return ImportedReport(format=fmt, passed=passed)
    failing: list[ImportedCase] = []
    skipped = 0
    for case in cases:  # one pass (it runs for every sample of an import)
        if case.status == "passed":
            passed += 1
        elif case.status == "skipped":
            skipped += 1
        else:
            failing.append(case)
    return ImportedReport(
        format=fmt,
        cases=failing[:MAX_CASES],
        passed=passed,
        skipped=skipped,
        not_kept=max(0, len(failing) - MAX_CASES),
    )


def _case_json(case: ImportedCase) -> dict[str, Any]:
    """The case as JSON, defaults left out (:func:`case_data`)."""
    return case_data(
        case.test,
        case.status,
        case.verdict,
        case.message,
        case.traceback,
        case.inputs,
        case.expected,
        case.output,
    )


def with_report(sample: SampleIn, report: ImportedReport) -> SampleIn:
    """``sample`` carrying ``report`` (in its metadata, as JSON)."""
    data: dict[str, Any] = {"format": report.format, "cases": [_case_json(c) for c in report.cases]}
    for name in ("passed", "skipped", "not_kept"):
        if getattr(report, name):
            data[name] = getattr(report, name)
    sample.metadata[REPORT_KEY] = data
    return sample


def report_from_metadata(metadata: Mapping[str, Any] | None) -> ImportedReport | None:
    raw = (metadata or {}).get(REPORT_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return _reader().validate_python(raw)
    except ValidationError:
        return None


def render(report: ImportedReport) -> str:
    """The report as text for people (the sample's ``test_output`` when the
    benchmark stored no output of its own)."""
    texts = [case_text(_case_json(case)) for case in report.cases]
    return _joined(texts, report.passed, report.not_kept)


def _joined(texts: list[str], passed: int, not_kept: int) -> str:
    """The cases' texts and the counts after them, as :func:`render` writes a report."""
    if passed:
        texts = [*texts, f"{passed} passed"]
    if not_kept:
        texts = [*texts, f"({not_kept} more failing tests not kept)"]
    return "\n\n".join(texts)


def case_data(
    test: str,
    status: Status,
    verdict: str = "",
    message: str = "",
    traceback: str = "",
    inputs: str | None = None,
    expected: str | None = None,
    output: str | None = None,
) -> dict[str, Any]:
    """A failing case as :func:`with_report` stores an :class:`ImportedCase` (defaults
    left out), built without the object."""
    data: dict[str, Any] = {"test": test, "status": status}
    if verdict:
        data["verdict"] = verdict
    if message:
        data["message"] = message
    if traceback:
        data["traceback"] = traceback
    if inputs is not None:
        data["inputs"] = inputs
    if expected is not None:
        data["expected"] = expected
    if output is not None:
        data["output"] = output
    return data


def case_text(case: Mapping[str, Any]) -> str:
    """One case of :func:`case_data` as :func:`render` writes it."""
    head = f"{case['test']}: {case.get('verdict') or case['status'].upper()}"
    message = case.get("message")
    lines = [f"{head} - {message}" if message else head]
    for label, key in (("input", "inputs"), ("expected", "expected"), ("got", "output")):
        value = case.get(key)
        if value is not None:
            lines.append(f"  {label}: {value}")
    traceback = case.get("traceback")
    if traceback:
        lines.append(traceback.rstrip("\n"))
    return "\n".join(lines)


def stored_report(
    fmt: str, cases: list[dict[str, Any]], texts: list[str], passed: int = 0
) -> tuple[dict[str, Any], str]:
    """The stored report (the metadata's :data:`REPORT_KEY`) and its text (:func:`render`)
    of failing ``cases`` (:func:`case_data`; none passed or skipped), ``texts`` the
    :func:`case_text` of each, and ``passed`` tests that passed: what
    ``with_report(sample, make_report(fmt, cases, passed))`` stores and ``render`` writes."""
    not_kept = max(0, len(cases) - MAX_CASES)
    data: dict[str, Any] = {"format": fmt, "cases": cases}
    if not_kept:
        data["cases"] = cases[:MAX_CASES]
        texts = texts[:MAX_CASES]
    if passed:
        data["passed"] = passed
    if not_kept:
        data["not_kept"] = not_kept
    return data, _joined(texts, passed, not_kept)
