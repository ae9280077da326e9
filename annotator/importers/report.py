"""A sample's test results as a benchmark recorded them: the parsed report an
importer attaches to a sample.

Contract: :class:`ImportedReport` lists the tests (or judged inputs) of one
sample as :class:`ImportedCase` models: its name, its status, the benchmark's
verdict (``wrong answer``, ``time limit``, ``runtime error``,
``compile error``, ``FAIL_TO_PASS`` ...), the traceback when one was stored,
and the failing input with the expected and the actual output when the
benchmark judged outputs. :func:`with_report` stores it in the sample's
metadata under :data:`REPORT_KEY`, a text the sample's test output already
holds as a reference into it (``traceback_at: [begin, end]``: stored, hashed and
dumped once); :func:`report_from_metadata` reads it back with the test output,
validated (None when absent or not a report; a report stored whole, as before
references, reads as it is). Passing tests are counted, not
listed. The sample's failure (for the failure panel and the suggester) reads
these models (``annotator.failures.importedoutput``), never the text rendered
for people by :func:`render`. Every text is capped at :data:`MAX_TEXT`
characters so that one huge input cannot bloat the database.
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


SHARED_FROM = 40
"""Characters from which a case's text that the sample's test output also holds is
stored as a reference to it (a shorter one is stored as is: a reference saves little)."""
_TEXTS = ("message", "traceback", "inputs", "expected", "output")
"""The case's texts a reference may stand for (``<name>_at`` in the stored JSON)."""
_AT = "_at"


def _shared(value: str, shared: str, start: int) -> list[Any] | None:
    """Where ``value`` is in ``shared`` (from ``start``): ``[begin, end]``, or
    ``[begin, end, tail]`` when only ``value`` without its trailing newlines is
    there (:func:`render` strips them); None when it is not there."""
    if len(value) < SHARED_FROM:
        return None
    begin = shared.find(value, start)
    if begin >= 0:
        return [begin, begin + len(value)]
    stripped = value.rstrip("\n")
    if len(stripped) == len(value) or len(stripped) < SHARED_FROM:
        return None
    begin = shared.find(stripped, start)
    if begin < 0:
        return None
    return [begin, begin + len(stripped), value[len(stripped) :]]


def _case_json(case: ImportedCase, shared: str, cursor: int) -> tuple[dict[str, Any], int]:
    """The case as JSON, defaults left out (written for every sample: kept plain); a
    text ``shared`` (the sample's test output) holds after ``cursor`` is stored as
    ``<name>_at`` (:func:`_shared`), not twice. Returns the JSON and the new cursor."""
    data: dict[str, Any] = {"test": case.test, "status": case.status}
    if case.verdict:
        data["verdict"] = case.verdict
    for name in _TEXTS:
        value = getattr(case, name)
        if value is None or (not value and name in ("message", "traceback")):
            continue
        at = _shared(value, shared, cursor) if shared else None
        if at is None:
            data[name] = value
        else:
            data[name + _AT] = at
            cursor = at[1]
    return data, cursor


def with_report(sample: SampleIn, report: ImportedReport) -> SampleIn:
    """``sample`` carrying ``report`` (in its metadata, as JSON). A case's text that
    the sample's test output already holds (the rendered report, a traceback the
    benchmark printed) is stored as a reference to it (``<name>_at``: where it is in
    the test output), not a second time: :func:`report_from_metadata`, given the
    test output, reads back the same report."""
    cases: list[dict[str, Any]] = []
    cursor = 0
    for case in report.cases:
        data, cursor = _case_json(case, sample.test_output, cursor)
        cases.append(data)
    data = {"format": report.format, "cases": cases}
    for name in ("passed", "skipped", "not_kept"):
        if getattr(report, name):
            data[name] = getattr(report, name)
    sample.metadata[REPORT_KEY] = data
    return sample


def report_from_metadata(
    metadata: Mapping[str, Any] | None, test_output: str = ""
) -> ImportedReport | None:
    """The report in ``metadata`` (None when absent or not a report), its references
    resolved in ``test_output`` (the same sample's; a reference that does not fit it
    leaves that text out). Reports stored whole (before references) read as they are."""
    raw = (metadata or {}).get(REPORT_KEY)
    if not isinstance(raw, dict):
        return None
    cases = raw.get("cases")
    if isinstance(cases, list) and any(
        isinstance(c, dict) and any(k.endswith(_AT) for k in c) for c in cases
    ):
        raw = {**raw, "cases": [_resolved(c, test_output) for c in cases]}
    try:
        return _reader().validate_python(raw)
    except ValidationError:
        return None


def _resolved(case: Any, shared: str) -> Any:
    """One stored case with its ``<name>_at`` references replaced by their text."""
    if not isinstance(case, dict):
        return case
    out = {k: v for k, v in case.items() if not k.endswith(_AT)}
    for name in _TEXTS:
        at = case.get(name + _AT)
        if at is None or name in out:
            continue
        text = _text_at(at, shared)
        if text is not None:
            out[name] = text
    return out


def _text_at(at: Any, shared: str) -> str | None:
    """The text a reference ``[begin, end]`` or ``[begin, end, tail]`` stands for."""
    if not isinstance(at, list) or len(at) not in (2, 3):
        return None
    begin, end = at[0], at[1]
    tail = at[2] if len(at) == 3 else ""
    if type(begin) is not int or type(end) is not int or not isinstance(tail, str):
        return None
    if not 0 <= begin <= end <= len(shared):
        return None
    return shared[begin:end] + tail


def render(report: ImportedReport) -> str:
    """The report as text for people (the sample's ``test_output`` when the
    benchmark stored no output of its own)."""
    parts: list[str] = []
    for case in report.cases:
        head = f"{case.test}: {case.verdict or case.status.upper()}"
        lines = [head + (f" - {case.message}" if case.message else "")]
        for label, value in (
            ("input", case.inputs),
            ("expected", case.expected),
            ("got", case.output),
        ):
            if value is not None:
                lines.append(f"  {label}: {value}")
        if case.traceback:
            lines.append(case.traceback.rstrip("\n"))
        parts.append("\n".join(lines))
    if report.passed:
        parts.append(f"{report.passed} passed")
    if report.not_kept:
        parts.append(f"({report.not_kept} more failing tests not kept)")
    return "\n\n".join(parts)
