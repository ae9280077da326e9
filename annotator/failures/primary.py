"""The primary error of a sample, from the one parse of its test output.

Contract: :func:`function_of` is the one answer to "which function did the
prompt ask for" (the sample's metadata ``function``, else ``entry_point``);
:func:`code_of` to "which Python source does the analysis read" (none for a
patch);
:func:`report_of` is the one parse of a sample's results (an importer's parsed
report or JUnit cases from their models, any other output by
:func:`~.testoutput.parse_test_output`).
:func:`primary_error` turns a :class:`~.outputmodels.TestReport` (from
:func:`~.testoutput.parse_test_output`, the only parser of test output) into
the :class:`PrimaryError` that the UI's error panel shows and the suggester
caches with the facts: exception, message, the generated-code line the
failure points at, its function, the 'E' details and the signature. Pure; no
regex over the raw output: lines come from the parsed frames.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from typing import Any

from ..imported import CASES_KEY, REPORT_KEY
from .frames import attribute
from .outputmodels import FailedTest, TestReport
from .testoutput import parse_test_output


def function_of(metadata: Mapping[str, Any] | None) -> str | None:
    """The requested function's name, from a sample's metadata."""
    if not metadata:
        return None
    name = metadata.get("function") or metadata.get("entry_point")
    return name if isinstance(name, str) and name else None


def is_patch(metadata: Mapping[str, Any] | None) -> bool:
    """Whether the generated code is a patch (SWE-bench's: ``code_format: diff``)."""
    return metadata is not None and metadata.get("code_format") == "diff"


def code_of(generated_code: str, metadata: Mapping[str, Any] | None) -> str:
    """The generated code as the analysis and the failure's attribution read it:
    empty for a patch, which is no Python file: it does not parse as one, and no
    line of a traceback is one of its lines."""
    return "" if is_patch(metadata) else generated_code


def report_of(test_output: str, metadata: Mapping[str, Any] | None) -> TestReport:
    """The one parse of a sample's test results: the parsed report its importer
    attached (:mod:`.importedoutput`: failing inputs, verdicts, FAIL_TO_PASS
    tests) or its JUnit cases (both read from their models), else its test output."""
    function = function_of(metadata)
    # The readers of an importer's models (the importers package, its pydantic
    # models, xml.etree) are loaded for the samples that carry them, not at the
    # start of every command (10-15 ms of the labeling UI's start).
    if metadata and REPORT_KEY in metadata:
        from .importedoutput import imported_report

        imported = imported_report(metadata, function, test_output)
        if imported is not None:
            return imported
    if metadata and CASES_KEY in metadata:
        from .junitoutput import cases_from_metadata, report_from_cases

        cases = cases_from_metadata(metadata)
        if cases is not None:
            return report_from_cases(cases, function)
    return parse_test_output(test_output, function)


@dataclass(frozen=True)
class PrimaryError:
    """What the error panel shows first."""

    exception: str = ""
    message: str = ""
    line: int | None = None
    """1-based line of the generated code that failed, when known."""
    function: str = ""
    details: str = ""
    signature: str = ""
    line_from: str = ""
    """When :attr:`line` is another failure's (the primary one's traceback
    does not reach the generated code): that failing test and its error."""

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> PrimaryError:
        return cls(**{k: data[k] for k in cls.__dataclass_fields__ if k in data})


def primary_failure(report: TestReport, code: str | None = None) -> FailedTest | None:
    """The failure the report's primary signature names (else the first one;
    with no failure of the tests, the first error printed before they ran).

    With ``code`` (the generated code), when that failure's traceback does
    not reach the code (:func:`~.frames.attribute`): the first failure with
    the same signature whose traceback does; else that failure."""
    failure = report.primary_failure()
    if failure is None:
        failures = report.all_failures() or report.pre_test_errors
        failure = failures[0] if failures else None
    if failure is None or code is None or attribute(failure, code).line is not None:
        return failure
    for other in report.all_failures():
        if other.signature == failure.signature and attribute(other, code).line is not None:
            return other
    return failure


def marked_failure(report: TestReport, code: str) -> FailedTest | None:
    """The failure whose traceback gives the marked line: the primary one
    (:func:`primary_failure`) when it reaches ``code``, else the first
    failure that does (the error panel says it is another one), else the
    primary one."""
    failure = primary_failure(report, code)
    if failure is None or attribute(failure, code).line is not None:
        return failure
    for other in report.all_failures():
        if attribute(other, code).line is not None:
            return other
    return failure


REALIGN_WINDOW = 200
"""How far (lines) from the traceback's line its text is looked for."""

_SPACE = re.compile(r"\s+")


def _squash(text: str) -> str:
    """A line compared without whitespace and quote style (what a formatter changes)."""
    return _SPACE.sub("", text).replace('"', "'")


def _same_text(line: str, wanted: str) -> bool:
    got = _squash(line)
    return bool(got) and (got.startswith(wanted) or (len(got) >= 10 and wanted.startswith(got)))


def realigned(code: str, line: int, text: str) -> int:
    """``line``, or the nearest line of ``code`` that reads as the frame's ``text``.

    The code that ran is not always the stored code: DL-Bench ran each
    generated function inside a copy of its project's file (``temp.py``), so
    the traceback's line numbers can be off by a few dozen lines; the frame's
    source text is not. Kept as is when the line already reads so, or no
    line near it does."""
    wanted = _squash(text)
    lines = code.split("\n")
    if not wanted or not 0 < line <= len(lines) or _same_text(lines[line - 1], wanted):
        return line
    for distance in range(1, REALIGN_WINDOW + 1):
        for candidate in (line - distance, line + distance):
            if 0 < candidate <= len(lines) and _same_text(lines[candidate - 1], wanted):
                return candidate
    return line


def _line_in_code(failure: FailedTest, code: str) -> tuple[int | None, str]:
    """The generated code's failing line: the deepest frame whose code line is
    found in ``code`` (:func:`~.frames.attribute`), and that frame's function."""
    found = attribute(failure, code)
    frame = found.frame
    return found.line, frame.function if frame is not None else ""


def primary_error(report: TestReport, code: str) -> PrimaryError:
    """The primary error of ``report`` and the line of ``code`` it points at:
    its own line, else the line another failure's traceback reaches
    (:func:`marked_failure`; :attr:`PrimaryError.line_from` names it)."""
    failure = primary_failure(report, code)
    if failure is None:
        return PrimaryError()
    line, function = _line_in_code(failure, code)
    line_from = ""
    other = marked_failure(report, code)
    if line is None and other is not None and other is not failure:
        line, function = _line_in_code(other, code)
        error = f"{other.exception_type}: {other.message}".strip(": ")[:100]
        line_from = f"{other.test_id.rsplit('::', 1)[-1]}, {error}"
    return PrimaryError(
        exception=failure.exception_type,
        message=failure.message,
        line=line,
        function=function,
        details=failure.details,
        signature=failure.signature,
        line_from=line_from,
    )
