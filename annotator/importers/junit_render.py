"""A sample's JUnit testcases written out as verbose pytest text, for people.

Contract: :func:`render_output` turns one sample's :class:`~.junit_xml.JUnitCase`
list into the text the importer stores as its ``test_output``, in verbose
pytest style so that it reads like a real run: one
``path::name PASSED|FAILED|ERROR|SKIPPED`` line per testcase, an ``ERRORS``
section, a ``FAILURES`` section (message and body of each failure), a short
test summary and a final line such as ``=== 2 failed, 3 passed in 0.12s ===``.
:func:`case_counts` tallies the cases by status. The suggester and the error
panel do not parse this text: they read the models kept in the metadata.
"""

from __future__ import annotations

import re

from .junit_xml import JUnitCase

WIDTH = 80  # pytest's default terminal width, for the ===== banners


def _banner(title: str, fill: str = "=") -> str:
    return f" {title} ".center(WIDTH, fill) if title else fill * WIDTH


def case_counts(cases: list[JUnitCase]) -> dict[str, int]:
    counts = {"tests": len(cases), "failed": 0, "passed": 0, "skipped": 0, "errors": 0}
    key = {"FAILED": "failed", "PASSED": "passed", "SKIPPED": "skipped", "ERROR": "errors"}
    for case in cases:
        counts[key[case.status]] += 1
    return counts


def _tally(cases: list[JUnitCase]) -> str:
    counts = case_counts(cases)
    parts = [f"{counts[k]} {k}" for k in ("failed", "passed", "skipped") if counts[k]]
    if counts["errors"]:
        parts.append(f"{counts['errors']} error" + ("s" if counts["errors"] > 1 else ""))
    seconds = sum(c.time for c in cases)
    return f"{', '.join(parts) or 'no tests ran'} in {seconds:.2f}s"


_PHASE_MESSAGE = re.compile(r'^failed on (?:setup|teardown) with "(.*)"$', re.DOTALL)


def _message(case: JUnitCase) -> str:
    """The exception message, without pytest's 'failed on setup with "..."' wrapper."""
    message = case.outcome.message.strip() if case.outcome else ""
    wrapped = _PHASE_MESSAGE.match(message)
    return wrapped.group(1) if wrapped else message


SUMMARY_CHARS = 500
"""Characters of a message shown on its short-summary line (pytest cuts it to the terminal)."""
_FIRST_LINE = re.compile(rf"[^\s][^\n\r]{{0,{SUMMARY_CHARS - 1}}}")


def _first_line(text: str) -> str:
    """The first non-blank line of ``text``, at most :data:`SUMMARY_CHARS` characters
    (found without splitting the whole text: a 30 MB message costs no copy)."""
    match = _FIRST_LINE.search(text)
    return match.group().strip() if match else ""


def _section_body(case: JUnitCase) -> list[str]:
    assert case.outcome is not None
    lines = case.outcome.text.strip("\n").splitlines()
    message = _message(case)
    if message and message not in case.outcome.text:
        # pytest's longrepr normally repeats the message on its 'E' lines;
        # when a tool wrote only the message, keep it where a parser looks.
        lines += [f"E   {m}" for m in message.splitlines()]
    for title, text in (("stdout", case.system_out), ("stderr", case.system_err)):
        if text.strip():
            lines += [_banner(f"Captured {title} call", "-"), *text.rstrip("\n").splitlines()]
    return lines


def _error_title(case: JUnitCase) -> str:
    message = case.outcome.message if case.outcome else ""
    if "collection failure" in message:
        return f"ERROR collecting {case.file or case.classname.replace('.', '/') + '.py'}"
    phase = "teardown" if "teardown" in message else "setup"
    return f"ERROR at {phase} of {case.name}"


def render_output(cases: list[JUnitCase]) -> str:
    """Verbose pytest-like output for one sample's testcases."""
    lines = [_banner("test session starts"), f"collected {len(cases)} items", ""]
    lines += [f"{c.nodeid} {c.status}" for c in cases]
    failures = [c for c in cases if c.status == "FAILED"]
    errors = [c for c in cases if c.status == "ERROR"]
    for title, group in (("ERRORS", errors), ("FAILURES", failures)):
        if group:
            lines += ["", _banner(title)]
            for case in group:
                header = _error_title(case) if title == "ERRORS" else case.name
                lines += [_banner(header, "_"), "", *_section_body(case)]
    summary = []
    order = {"FAILED": 0, "ERROR": 1, "SKIPPED": 2, "PASSED": 3}
    for case in sorted(cases, key=lambda c: order[c.status]):
        if case.outcome is None:
            continue
        message = _first_line(_message(case)) or _first_line(case.outcome.text)
        if case.status == "SKIPPED":
            summary.append(f"SKIPPED [1] {_first_line(case.outcome.text) or message}")
        else:
            summary.append(f"{case.status} {case.nodeid}" + (f" - {message}" if message else ""))
    if summary:
        lines += [_banner("short test summary info"), *summary]
    lines.append(_banner(_tally(cases)))
    return "\n".join(lines) + "\n"
