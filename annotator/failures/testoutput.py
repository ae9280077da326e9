"""Parse test-run output into a structured :class:`TestReport`.

Contract: :func:`parse_test_output` accepts any ``str`` (verbose pytest output,
a DL-Bench Result file, a plain Python traceback, JUnit XML, a lone summary or
``E`` line) and returns a report; it never raises. JUnit XML is read into the
importer's models and converted by :mod:`.junitoutput`; unstructured short
output by :mod:`.shortoutput`; a sample's results as a whole by
:func:`~.primary.report_of` (the one entry point for the UI and the
suggester). Unrecognised, truncated or binary input gives an empty
or partial report. When the DL-Bench header (``All Test Cases On Generated
code:``) is present only that first run is parsed, because the later sections
re-run the *reference* code; the errors of its pre-test 'Error Cases' block
are :attr:`TestReport.pre_test_errors` (:mod:`.errorcases`). Parsing is a single line-by-line pass with
compiled, anchored regexes over lines capped at :data:`.pytestoutput.MAX_LINE` characters, so
the cost is linear in the input size (a few MB parse in milliseconds); the
scanning of pytest output and tracebacks is :mod:`.pytestoutput`.

Models live in :mod:`.outputmodels` (re-exported here); per-failure facts
(shapes, assertion numbers, generated frame) in :mod:`.outputfacts`.
"""

from __future__ import annotations

from annotator.failures.errorcases import error_cases
from annotator.failures.outputfacts import (
    HARD_TIMEOUT,
    MAX_DETAILS,
    TIMEOUT,
    is_library_file,
    is_test_file,
    parse_shapes,
)
from annotator.failures.outputmodels import (
    AssertionDetail,
    Counts,
    FailedTest,
    Frame,
    TestReport,
    primary_signature,
)
from annotator.failures.pytestoutput import parse_pytest, parse_tracebacks
from annotator.failures.shortoutput import short_failures

__all__ = [
    "AssertionDetail",
    "Counts",
    "FailedTest",
    "Frame",
    "TestReport",
    "is_library_file",
    "is_test_file",
    "parse_shapes",
    "parse_test_output",
]

_DLBENCH_START = "All Test Cases On Generated code:"
_DLBENCH_ENDS = ("Final Test Result:", "Initial Result:")
_PYTEST_MARKERS = (
    "test session starts",
    "= FAILURES =",
    "= ERRORS =",
    "short test summary info",
)


def _dlbench_section(text: str) -> str:
    start = text.find(_DLBENCH_START)
    if start < 0:
        return text
    start += len(_DLBENCH_START)
    ends = [i for i in (text.find(e, start) for e in _DLBENCH_ENDS) if i >= 0]
    return text[start : min(ends)] if ends else text[start:]


def _parse(text: str, function: str | None) -> TestReport:
    if "<testsuite" in text[:10_000] or "<testcase" in text[:10_000]:
        from .junitoutput import parse_junit_xml

        return parse_junit_xml(text, function)
    section = _dlbench_section(text)
    lines = section.splitlines()
    fmt = "unknown"
    failures: list[FailedTest] = []
    collect: list[FailedTest] = []
    counts: dict[str, int] = {}
    collected: int | None = None
    if any(marker in section for marker in _PYTEST_MARKERS):
        fmt = "pytest"
        failures, collect, counts, collected = parse_pytest(lines, function)
    if not failures and not collect and "Traceback (most recent call last)" in section:
        failures = parse_tracebacks(lines, function, "")
        if failures and fmt == "unknown":
            fmt = "traceback"
    if fmt == "unknown":  # a pasted summary line, a lone 'E' line
        failures, collect = short_failures(lines)
        if failures or collect:
            fmt = "short"
    everything = [*collect, *failures]
    # Inside pytest output 'timed out' may be mere log noise; only the
    # pytest-timeout banners count there.
    timeout = any(f.timeout for f in everything) or bool(
        ("Timeout +" in section or "Timeout >" in section) and HARD_TIMEOUT.search(section)
        if fmt == "pytest"
        else TIMEOUT.search(section[-MAX_DETAILS:])
    )
    return TestReport(
        failures=failures,
        collection_errors=collect,
        counts=Counts(
            passed=counts.get("passed", 0),
            failed=counts.get("failed", 0),
            errors=counts.get("error", 0),
            skipped=counts.get("skipped", 0),
            xfailed=counts.get("xfailed", 0),
            xpassed=counts.get("xpassed", 0),
            deselected=counts.get("deselected", 0),
            warnings=counts.get("warning", 0),
        ),
        collected=collected,
        timeout=timeout,
        did_not_raise=any(f.did_not_raise for f in everything),
        no_tests_ran="no_tests" in counts,
        primary_error=primary_signature(everything),
        format=fmt,
        pre_test_errors=error_cases(text, function) if _DLBENCH_START in text else [],
    )


MAX_PARSED_CHARS = 2_000_000
"""Longer test output is parsed by its first and last million characters."""


def parse_test_output(text: str, function: str | None = None) -> TestReport:
    """Parse ``text``; ``function`` (the generated function's name) helps
    pick :attr:`FailedTest.generated_frame`. Never raises."""
    try:
        if not isinstance(text, str):
            text = bytes(text).decode("utf-8", "replace") if text else ""
        if len(text) > MAX_PARSED_CHARS:
            # pytest reports the failure at the start and the summary at the end.
            half = MAX_PARSED_CHARS // 2
            text = text[:half] + "\n" + text[-half:]
        return _parse(text, function)
    except Exception:  # a parser bug must not take the annotation UI down
        return TestReport()
