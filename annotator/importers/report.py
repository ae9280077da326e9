"""A sample's test results as a benchmark recorded them: the parsed report an
importer attaches to a sample.

Contract: :class:`ImportedReport` lists the tests (or judged inputs) of one
sample as :class:`ImportedCase` models: its name, its status, the benchmark's
verdict (``wrong answer``, ``time limit``, ``runtime error``,
``compile error``, ``FAIL_TO_PASS`` ...), the traceback when one was stored,
and the failing input with the expected and the actual output when the
benchmark judged outputs. :func:`with_report` stores it in the sample's
metadata under :data:`REPORT_KEY`; :func:`report_from_metadata` reads it back
(None when absent or not a report). The failure panel and the suggester read
these models (``annotator.suggest.importedoutput``), never the text rendered
for people by :func:`render`. Every text is capped at :data:`MAX_TEXT`
characters so that one huge input cannot bloat the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, ValidationError

from ..models import SampleIn

REPORT_KEY = "test_report"
MAX_TEXT = 20_000
"""Characters kept of one input, output or traceback (the rest is cut, marked)."""
MAX_CASES = 200
"""Cases kept per sample (the count of the others is kept)."""

Status = Literal["passed", "failed", "error", "timeout", "skipped"]


def cap(text: str | None, limit: int = MAX_TEXT) -> str | None:
    """``text`` cut to ``limit`` characters, the cut marked."""
    if text is None or len(text) <= limit:
        return text
    return f"{text[:limit]}\n... ({len(text) - limit} more characters not kept)"


class ImportedCase(BaseModel):
    """One test (or judged input) of a sample."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    test: str
    status: Status
    verdict: str = ""
    """What the benchmark called the outcome, e.g. ``Wrong Answer``, ``FAIL_TO_PASS``."""
    message: str = ""
    traceback: str = ""
    inputs: str | None = None
    expected: str | None = None
    output: str | None = None


class ImportedReport(BaseModel):
    """The tests of one sample, as its benchmark recorded them."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    format: str
    cases: list[ImportedCase]
    not_kept: int = 0
    """Cases left out beyond :data:`MAX_CASES`."""

    def failing(self) -> list[ImportedCase]:
        return [c for c in self.cases if c.status not in ("passed", "skipped")]


def make_report(fmt: str, cases: list[ImportedCase]) -> ImportedReport:
    """A report of ``cases``, failing cases first, at most :data:`MAX_CASES`."""
    ordered = sorted(cases, key=lambda c: c.status in ("passed", "skipped"))
    return ImportedReport(
        format=fmt, cases=ordered[:MAX_CASES], not_kept=max(0, len(cases) - MAX_CASES)
    )


def with_report(sample: SampleIn, report: ImportedReport) -> SampleIn:
    """``sample`` carrying ``report`` (in its metadata, as JSON)."""
    sample.metadata[REPORT_KEY] = report.model_dump(exclude_defaults=True)
    return sample


def report_from_metadata(metadata: Mapping[str, Any] | None) -> ImportedReport | None:
    raw = (metadata or {}).get(REPORT_KEY)
    if not isinstance(raw, dict):
        return None
    try:
        return ImportedReport.model_validate(raw)
    except ValidationError:
        return None


def render(report: ImportedReport) -> str:
    """The report as text for people (the sample's ``test_output`` when the
    benchmark stored no output of its own)."""
    parts: list[str] = []
    for case in report.failing():
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
    passed = sum(c.status == "passed" for c in report.cases)
    if passed:
        parts.append(f"{passed} passed")
    if report.not_kept:
        parts.append(f"({report.not_kept} more tests not kept)")
    return "\n\n".join(parts)
