"""A benchmark's recorded results read from the importer's models, not from text.

Contract: :func:`report_from_imported` turns the
:class:`~annotator.importers.report.ImportedReport` an importer attached to a
sample (EvalPlus failing inputs, BigCodeBench tracebacks, LiveCodeBench
verdicts, SWE-bench FAIL_TO_PASS / PASS_TO_PASS tests, Inspect errors) into a
:class:`~.outputmodels.TestReport`: one failure per failing case. A case with
a traceback takes its exception, message and frames from that traceback
(parsed by :func:`~.testoutput.parse_test_output`, the one parser of test
output); otherwise the benchmark's verdict is the exception
(:data:`VERDICTS`: ``WrongAnswer``, ``TimeLimitExceeded``, ``RuntimeError``,
``CompileError``, ``FailToPass``, ``PassToPass``) and the failing input, the
expected and the actual output are the details, so the failure panel shows
them and the suggester's message facts see them. A failing test known by name
only (SWE-bench) takes the exception and message the test output printed for
it, its verdict leading the details. :func:`other_code` names the code of a
traceback that is none of the generated code, the tests and a library;
:func:`judged_input` reads the input back out of the details. Pure; never raises.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..importers.report import OWN_HARNESS, ImportedCase, ImportedReport, report_from_metadata
from .outputfacts import EXCEPTION_LINE, MAX_DETAILS, MAX_LINE, message_facts
from .outputmodels import Counts, FailedTest, TestReport, primary_signature
from .testoutput import parse_test_output

VERDICTS: dict[str, str] = {
    "wrong answer": "WrongAnswer",
    "time limit exceeded": "TimeLimitExceeded",
    "runtime error": "RuntimeError",
    "compilation error": "CompileError",
    "compile error": "CompileError",
    "fail_to_pass": "FailToPass",
    "pass_to_pass": "PassToPass",
    "failed": "Failed",
    "error": "Error",
}
"""A verdict (lower case, the part before any parenthesis) -> the exception shown."""


def _verdict_exception(verdict: str) -> str:
    key = verdict.split("(", 1)[0].strip().lower()
    return VERDICTS.get(key, "".join(w.capitalize() for w in key.split()) or "Failed")


def judged_input(details: str) -> tuple[str, bool]:
    """The first line of the input a failure's details name, as :func:`_details` spells it
    (``input: ...``, at most 80 characters; empty when they name none), and whether the
    input runs on over more lines (a stdin input does)."""
    lines = details.splitlines()
    if not lines or not lines[0].startswith("input: "):
        return "", False
    return lines[0][:80], len(lines) > 1 and not lines[1].startswith(("expected: ", "got: "))


def _details(case: ImportedCase) -> str:
    lines = []
    for label, value in (("input", case.inputs), ("expected", case.expected), ("got", case.output)):
        if value is not None:
            lines.append(f"{label}: {value}")
    return "\n".join(lines)[:MAX_DETAILS]


def _failure(case: ImportedCase, function: str | None) -> FailedTest:
    timeout = case.status == "timeout"
    if case.traceback:
        parsed = parse_test_output(case.traceback, function)
        failures = parsed.all_failures() or parsed.pre_test_errors
        if failures and failures[0].exception_type:
            first = failures[0]
            return FailedTest(
                test_id=case.test,
                exception_type=first.exception_type,
                message=first.message,
                details=first.details or _details(case),
                frames=first.frames,
                generated_frame=first.generated_frame,
                shapes=first.shapes,
                assertion=first.assertion,
                did_not_raise=first.did_not_raise,
                timeout=timeout or first.timeout,
            )
    text = case.message or case.verdict
    message = text.splitlines()[0][:MAX_LINE] if text else ""
    exception = _verdict_exception(case.verdict or case.status)
    raised = EXCEPTION_LINE.match(message) if case.status == "error" else None
    if raised:  # a runtime or compile error names the exception the code raised
        exception, message = raised.group(1).rsplit(".", 1)[-1], raised.group(2) or ""
    details = _details(case) or case.traceback[:MAX_DETAILS]
    facts = message_facts(message, details)
    return FailedTest(
        test_id=case.test,
        exception_type=exception,
        message=message,
        details=details,
        shapes=facts.shapes,
        assertion=facts.assertion,
        did_not_raise=facts.did_not_raise,
        timeout=timeout or facts.timeout,
    )


def _named_only(case: ImportedCase) -> bool:
    """A failing test known by name only (SWE-bench's FAIL_TO_PASS lists)."""
    return not case.traceback and case.inputs is None and case.output is None


def _with_output(
    report: ImportedReport, failures: list[FailedTest], test_output: str, function: str | None
) -> list[FailedTest]:
    """Failures known by name only take the exception, message and frames the
    test output printed for the same test; the verdict leads the details."""
    printed = parse_test_output(test_output, function).all_failures()
    if not printed:
        return failures
    out = []
    for case, failure in zip(report.failing(), failures, strict=True):
        same = next(
            (p for p in printed if _named_only(case) and _same_test(p.test_id, case.test)), None
        )
        if same is None or not same.exception_type:
            out.append(failure)
            continue
        verdict = f"{case.verdict}: {case.message}" if case.message else case.verdict
        out.append(
            FailedTest(
                test_id=case.test,
                exception_type=same.exception_type,
                message=same.message,
                details=f"{verdict}\n{same.details}"[:MAX_DETAILS],
                frames=same.frames,
                generated_frame=same.generated_frame,
                shapes=same.shapes,
                assertion=same.assertion,
                did_not_raise=same.did_not_raise,
                timeout=failure.timeout or same.timeout,
            )
        )
    return out


def _same_test(printed: str, named: str) -> bool:
    printed, named = printed.replace("::", "."), named.replace("::", ".")
    return printed == named or named.endswith(printed) or printed.endswith(named)


def report_from_imported(
    report: ImportedReport, function: str | None = None, test_output: str = ""
) -> TestReport:
    failures = [_failure(c, function) for c in report.failing()]
    if test_output and any(_named_only(c) for c in report.failing()):
        failures = _with_output(report, failures, test_output, function)
    passed, skipped = report.passed, report.skipped
    errors = sum(c.status == "error" for c in report.cases)
    return TestReport(
        failures=failures,
        counts=Counts(passed=passed, failed=len(failures) - errors, errors=errors, skipped=skipped),
        collected=len(report.cases) + passed + skipped + report.not_kept,
        timeout=any(f.timeout for f in failures),
        did_not_raise=any(f.did_not_raise for f in failures),
        primary_error=primary_signature(failures),
        format=report.format,
    )


def imported_report(
    metadata: Mapping[str, Any] | None, function: str | None, test_output: str = ""
) -> TestReport | None:
    """The report an importer attached to a sample's metadata; None when there is none.
    Tests it knows by name only are matched with the failures ``test_output`` printed."""
    report = report_from_metadata(metadata)
    return None if report is None else report_from_imported(report, function, test_output)


def other_code(report_format: str) -> str:
    """What the code of a frame outside the generated code, the tests and the libraries
    is, by the report's format (:attr:`~.outputmodels.TestReport.format`): the harness's
    for a benchmark that runs the code in a program of its own, else the repository's."""
    return "the harness's code" if report_format in OWN_HARNESS else "the repository's code"
