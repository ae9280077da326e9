"""Errors of DL-Bench's pre-test 'Error Cases' block.

Contract: :func:`error_cases` takes the whole test output and returns the
errors printed in the block between ``Error Cases:`` and ``Pass or Failed:``
(before the generated code's test run), each a :class:`FailedTest` with
``phase="pre-test"`` and :attr:`FailedTest.output_line` its 1-based line in
the output. An error starts at one of :data:`ERROR_STARTS` (a conftest or
module import error with its short traceback, a plain traceback, a pytest
usage error ``ERROR: ...``); log noise (TensorFlow ``E0000`` lines,
warnings, progress bars) and tracebacks Python itself ignored
(``Exception ignored in``) start none. Pure; never raises on odd input.
"""

from __future__ import annotations

import re
from dataclasses import replace

from .outputmodels import FailedTest
from .pytestoutput import parse_entry  # the one parser of a failure entry

BLOCK_START = "Error Cases:"
BLOCK_END = "Pass or Failed:"
MAX_BLOCK_LINES = 2000

# (kind, pattern) of the first line of one error; data, with examples in tests.
ERROR_STARTS: list[tuple[str, re.Pattern[str]]] = [
    # "ImportError while loading conftest '/x/conftest.py'." then short frames and 'E' lines
    ("entry", re.compile(r"^[A-Z]\w*(?:Error|Exception) while (?:loading|importing) ")),
    # "Traceback (most recent call last):" (unless Python ignored it)
    ("traceback", re.compile(r"^Traceback \(most recent call last\):")),
    # "ERROR: file or directory not found: tests/x.py" (pytest's usage errors)
    ("usage", re.compile(r"^ERROR: (.+)$")),
]
_IGNORED = "Exception ignored in"


def _block(text: str) -> tuple[int, list[str]]:
    """(1-based line of the block's first line, its lines)."""
    start = text.find(BLOCK_START)
    if start < 0:
        return 0, []
    end = text.find(BLOCK_END, start)
    if end < 0:
        return 0, []
    first = text.count("\n", 0, start) + 2
    body = text[start + len(BLOCK_START) : end]
    lines = body.split("\n")[1:] if body.startswith("\n") else body.split("\n")
    return first, lines[:MAX_BLOCK_LINES]


def error_cases(text: str, function: str | None = None) -> list[FailedTest]:
    """The errors of the 'Error Cases' block of a DL-Bench result, in order."""
    first, lines = _block(text)
    starts: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        for kind, pattern in ERROR_STARTS:
            if pattern.match(line):
                if kind == "traceback" and i and lines[i - 1].startswith(_IGNORED):
                    break
                starts.append((i, kind))
                break
    out: list[FailedTest] = []
    for n, (i, kind) in enumerate(starts):
        end = starts[n + 1][0] if n + 1 < len(starts) else len(lines)
        if kind == "usage":
            message = lines[i][len("ERROR: ") :].strip()
            failure = FailedTest(
                test_id="Error Cases", exception_type="UsageError", message=message
            )
        else:
            chunk = lines[i:end]
            failure = parse_entry("Error Cases", "pre-test", chunk, function)
            if not failure.exception_type and not failure.message:
                head = lines[i].split(" while ", 1)[0]
                failure = replace(failure, exception_type=head if kind == "entry" else "")
        out.append(replace(failure, phase="pre-test", output_line=first + i))
    return out
