"""JUnit results read from their models, not from text written for humans.

Contract: :func:`report_from_cases` turns the importer's
:class:`~annotator.importers.junit.JUnitCase` models into a
:class:`~.outputmodels.TestReport`: one failure per ``<failure>``/``<error>``,
its exception from the element's ``type``/``message`` attributes, its frames
from the element's text (pytest's longrepr, read by the same entry parser as
a pytest run, or a plain traceback). :func:`parse_junit_xml` reads JUnit XML
found in a test output with the importer's parser (which refuses DTDs) and
never raises. :data:`CASES_KEY` is the metadata key under which the JUnit
importer keeps a sample's failing cases, so that the suggester and the error
panel read them from the models.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..errors import UserError
from ..imported import CASES_KEY
from ..importers.junit_xml import JUnitCase, parse_junit_bytes
from .outputfacts import EXCEPTION_LINE, MAX_DETAILS, MAX_LINE, message_facts
from .outputmodels import Counts, FailedTest, TestReport, primary_signature
from .pytestoutput import parse_entry


def _failure(case: JUnitCase, function: str | None) -> FailedTest:
    outcome = case.outcome
    assert outcome is not None
    test_id = "::".join(x for x in (case.classname, case.name) if x)
    phase = "call" if outcome.kind == "failure" else "setup"
    entry = parse_entry(test_id, phase, outcome.text.splitlines(), function)
    message = outcome.message.strip()
    exc_type = outcome.type
    m = EXCEPTION_LINE.match(message.split("\n", 1)[0])
    if m:  # pytest writes message="ValueError: text"; keep type and text apart
        exc_type = exc_type or m.group(1)
        message = m.group(2) or ""
    exc_type = exc_type or entry.exception_type
    first = (message.splitlines() or [""])[0][:MAX_LINE] or entry.message
    details = f"{message}\n{outcome.text[:MAX_DETAILS]}"[:MAX_DETAILS]
    facts = message_facts(first, details)
    return FailedTest(
        test_id=test_id,
        exception_type=exc_type.rsplit(".", 1)[-1],
        message=first,
        details=details,
        frames=entry.frames,
        generated_frame=entry.generated_frame,
        phase=phase,
        shapes=facts.shapes,
        assertion=facts.assertion,
        did_not_raise=facts.did_not_raise,
        timeout=facts.timeout,
    )


def report_from_cases(cases: Iterable[JUnitCase], function: str | None = None) -> TestReport:
    cases = list(cases)
    failures = [_failure(c, function) for c in cases if c.outcome and c.outcome.kind != "skipped"]
    passed = sum(c.outcome is None for c in cases)
    skipped = sum(c.outcome is not None and c.outcome.kind == "skipped" for c in cases)
    errors = sum(c.outcome is not None and c.outcome.kind == "error" for c in cases)
    return TestReport(
        failures=failures,
        counts=Counts(passed=passed, failed=len(failures) - errors, errors=errors, skipped=skipped),
        collected=len(cases),
        timeout=any(f.timeout for f in failures),
        did_not_raise=any(f.did_not_raise for f in failures),
        primary_error=primary_signature(failures),
        format="junit",
    )


def cases_from_metadata(metadata: Mapping[str, Any] | None) -> list[JUnitCase] | None:
    """The JUnit cases the importer kept in a sample's metadata (None: not JUnit)."""
    raw = (metadata or {}).get(CASES_KEY)
    if not isinstance(raw, list):
        return None
    try:
        return [JUnitCase.model_validate(item) for item in raw]
    except ValidationError:
        return None


def parse_junit_xml(text: str, function: str | None = None) -> TestReport:
    try:
        report = parse_junit_bytes(text.encode("utf-8", "replace"), Path("<test output>"))
    except UserError:
        return TestReport(format="junit")
    return report_from_cases(report.cases(), function)
