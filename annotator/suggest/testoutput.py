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
compiled, anchored regexes over lines capped at :data:`MAX_LINE` characters, so
the cost is linear in the input size (a few MB parse in milliseconds).

Models live in :mod:`.outputmodels` (re-exported here); per-failure facts
(shapes, assertion numbers, generated frame) in :mod:`.outputfacts`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import NamedTuple

from annotator.suggest.errorcases import error_cases
from annotator.suggest.outputfacts import (
    _EXC,
    _HARD_TIMEOUT,
    _TIMEOUT,
    MAX_DETAILS,
    exception_from,
    generated_frame,
    is_library_file,
    is_test_file,
    message_facts,
    parse_shapes,
)
from annotator.suggest.outputmodels import (
    AssertionDetail,
    Counts,
    FailedTest,
    Frame,
    TestReport,
)
from annotator.suggest.shortoutput import short_failures

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

MAX_LINE = 4000  # longer lines (tensor reprs) are cut: only their start matters
MAX_FRAMES = 200  # per failure; recursion errors print thousands

# --- regexes (all anchored or bounded; applied to capped lines) ------------

_DLBENCH_START = "All Test Cases On Generated code:"
_DLBENCH_ENDS = ("Final Test Result:", "Initial Result:")
_SECTION = re.compile(r"^={3,} ?(.*?) ?={3,}$")
_SUBSECTION = re.compile(r"^-{3,} ?(.*?) ?-{3,}$")
_TEST_HEADER = re.compile(r"^_+ (.+?) _+$")
_ENTRY_SEP = re.compile(r"^_( _)+$")
_LOCATION = re.compile(r"^(\S[^:]*?\.py[cw]?|<[^>]+>):(\d+): ?(.*)$")
_E_LINE = re.compile(r"^E {1,}(.*)$|^E$")
_PY_FRAME = re.compile(r'^\s*File "([^"]*)", line (\d+)(?:, in (.+))?$')
_GENERIC_EXC = re.compile(r"^([A-Za-z_][\w.]*)(?:: (.*))?$")
_IDENT = re.compile(r"^[A-Za-z_][\w.]*$")
_DEF = re.compile(r"^\s*(?:async\s+)?def\s+(\w+)")
_SUMMARY_ITEM = re.compile(
    r"(\d+) (failed|passed|errors?|skipped|xfailed|xpassed|deselected|warnings?)\b"
)
_COLLECTED = re.compile(r"collected (\d+) items?")
_SHORT_SUMMARY = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")
_VERBOSE_RESULT = re.compile(r"^(\S+::\S+) (PASSED|FAILED|ERROR|SKIPPED|XFAIL|XPASS)\b")
_PYTEST_MARKERS = (
    "test session starts",
    "= FAILURES =",
    "= ERRORS =",
    "short test summary info",
)


class _Builder:
    """Mutable accumulator for one failing test while scanning."""

    def __init__(self, test_id: str, phase: str) -> None:
        self.test_id = test_id
        self.phase = phase
        self.frames: list[Frame] = []
        self.e_lines: list[str] = []
        self.block_e: list[str] = []  # 'E' lines of the current traceback entry
        self.block_code = ""
        self.block_def = ""
        self.exc_type = ""
        self.message = ""
        self.pending_short: tuple[str, int, str] | None = None  # short-style location

    def add_e(self, text: str) -> None:
        self.block_e.append(text)
        if len(self.e_lines) < 200:
            self.e_lines.append(text)

    def close_block(self, loc_type: str = "") -> None:
        """An entry ended: derive its exception (the last entry's wins)."""
        exc, msg = exception_from(self.block_e)
        if exc or msg:
            self.exc_type, self.message = exc, msg
        if loc_type and (not self.exc_type or not self.block_e):
            self.exc_type = loc_type
        elif loc_type and self.exc_type == "AssertionError" and loc_type != self.exc_type:
            self.exc_type = loc_type  # e.g. pytest.fail() raises Failed
        self.block_e = []
        self.block_def = ""
        self.block_code = ""

    def flush_short(self) -> None:
        """A short-style entry (location, code) is complete."""
        if self.pending_short:
            file, line, func = self.pending_short
            self.add_frame(Frame(file, line, func, self.block_code))
            self.pending_short = None
            self.block_code = ""
            self.block_def = ""

    def add_frame(self, frame: Frame) -> None:
        if len(self.frames) < MAX_FRAMES:
            self.frames.append(frame)
        elif len(self.frames) == MAX_FRAMES:  # keep the innermost frame too
            self.frames[-1] = frame


def _finish(b: _Builder, function: str | None) -> FailedTest:
    b.flush_short()
    b.close_block()
    details = "\n".join(b.e_lines)[:MAX_DETAILS]
    facts = message_facts(b.message[:MAX_LINE], details)
    return FailedTest(
        test_id=b.test_id,
        exception_type=b.exc_type,
        message=b.message[:MAX_LINE],
        details=details,
        frames=b.frames,
        generated_frame=generated_frame(b.frames, function),
        phase=b.phase,
        shapes=facts.shapes,
        assertion=facts.assertion,
        did_not_raise=facts.did_not_raise,
        timeout=facts.timeout,
    )


def _dlbench_section(text: str) -> str:
    start = text.find(_DLBENCH_START)
    if start < 0:
        return text
    start += len(_DLBENCH_START)
    ends = [i for i in (text.find(e, start) for e in _DLBENCH_ENDS) if i >= 0]
    return text[start : min(ends)] if ends else text[start:]


def _phase_of(header: str) -> tuple[str, str]:
    if header.startswith("ERROR collecting "):
        return "collect", header[len("ERROR collecting ") :]
    for phase in ("setup", "teardown"):
        prefix = f"ERROR at {phase} of "
        if header.startswith(prefix):
            return phase, header[len(prefix) :]
    return "call", header


def _feed(cur: _Builder, line: str, in_capture: bool) -> bool:
    """One line of a failure entry (not a header); returns whether a
    'Captured ...' section (log noise) is being read."""
    c = line[:1]
    if in_capture:
        return "captured" in line.lower() if c == "-" and _SUBSECTION.match(line) else True
    if c == " " or c == "":
        if cur.pending_short and not cur.block_code and line.startswith("    "):
            cur.block_code = line.strip()
        elif not cur.block_def and "def " in line:
            dm = _DEF.match(line)
            if dm:
                cur.block_def = dm.group(1)
    elif c == "E":
        em = _E_LINE.match(line)
        if em:
            cur.add_e(em.group(1) or "")
    elif c == ">":
        cur.block_code = line[1:].strip()
    elif c == "-":
        if _SUBSECTION.match(line):
            return "captured" in line.lower()
    elif ".py" in line or c == "<":
        lm = _LOCATION.match(line)
        if lm:
            file, lineno, rest = lm.group(1), int(lm.group(2)), lm.group(3).strip()
            cur.flush_short()  # a previous short-style entry is complete
            if rest.startswith("in "):  # --tb=short/auto: location precedes code
                cur.pending_short = (file, lineno, rest[3:].strip())
                cur.block_code = ""
            else:  # --tb=long: location follows the entry
                cur.add_frame(Frame(file, lineno, cur.block_def, cur.block_code))
                cur.close_block(rest if _IDENT.match(rest) else "")
    return False


class _PytestResult(NamedTuple):
    failures: list[FailedTest]
    collection_errors: list[FailedTest]
    counts: dict[str, int]
    collected: int | None


def _parse_pytest(lines: list[str], function: str | None) -> _PytestResult:
    failures: list[FailedTest] = []
    collect: list[FailedTest] = []
    counts: dict[str, int] = {}
    collected: int | None = None
    summary: list[tuple[str, str, str]] = []
    verbose: Counter[str] = Counter()
    section = ""
    cur: _Builder | None = None
    in_capture = False
    in_failures = False

    def flush() -> None:
        nonlocal cur
        if cur is not None:
            ft = _finish(cur, function)
            (collect if ft.phase == "collect" else failures).append(ft)
            cur = None

    for raw in lines:
        line = raw[:MAX_LINE].rstrip()
        if line.startswith("==="):
            m = _SECTION.match(line)
            if m:
                flush()
                section = m.group(1).lower()
                in_failures = section in ("failures", "errors")
                if " in " in section or "no tests ran" in section:
                    for n, what in _SUMMARY_ITEM.findall(section):
                        key = what.rstrip("s") if what.startswith(("error", "warning")) else what
                        counts[key] = counts.get(key, 0) + int(n)
                    if "no tests ran" in section:
                        counts.setdefault("no_tests", 1)
                continue
        if in_failures:
            # Dispatch on the first character: most lines here are source or
            # locals that match nothing, so they must cost one comparison.
            c = line[:1]
            if c == "_":
                if _ENTRY_SEP.match(line):  # '_ _ _' between traceback styles
                    if cur is not None:
                        cur.flush_short()
                    continue
                m = _TEST_HEADER.match(line)
                if m:
                    flush()
                    phase, name = _phase_of(m.group(1))
                    cur = _Builder(name, phase)
                    in_capture = False
                continue
            if cur is None:
                continue
            in_capture = _feed(cur, line, in_capture)
            continue
        if section == "short test summary info":
            sm = _SHORT_SUMMARY.match(line)
            if sm:
                summary.append((sm.group(1), sm.group(2), sm.group(3) or ""))
            continue
        if collected is None and line.startswith(("collect", "collected")):
            cm = _COLLECTED.search(line)
            if cm:
                collected = int(cm.group(1))
        vm = _VERBOSE_RESULT.match(line)
        if vm:
            verbose[vm.group(2)] += 1
    flush()

    failures = _attach_node_ids(failures, summary)
    # Truncated output (no FAILURES section): fall back to the summary lines.
    if not failures and not collect:
        for kind, node, msg in summary:
            exc, text = exception_from([msg]) if msg else ("", "")
            ft = FailedTest(test_id=node, exception_type=exc, message=text or msg)
            if kind == "ERROR" and "::" not in node:
                collect.append(replace(ft, phase="collect"))
            else:
                failures.append(ft)
    if not counts and verbose:
        counts = {
            "passed": verbose["PASSED"],
            "failed": verbose["FAILED"],
            "error": verbose["ERROR"],
            "skipped": verbose["SKIPPED"],
        }
    return _PytestResult(failures, collect, counts, collected)


def _attach_node_ids(
    failures: list[FailedTest], summary: list[tuple[str, str, str]]
) -> list[FailedTest]:
    """Replace 'Class.test[x]' headers by full node ids from the summary."""
    if not summary:
        return failures
    by_suffix: dict[str, str] = {}
    for _kind, node, _msg in summary:
        parts = node.split("::")
        for i in range(1, len(parts)):
            by_suffix.setdefault(".".join(parts[i:]), node)
    out = []
    for ft in failures:
        full = by_suffix.get(ft.test_id)
        out.append(replace(ft, test_id=full) if full else ft)
    return out


def _parse_tracebacks(lines: list[str], function: str | None, test_id: str) -> list[FailedTest]:
    """Plain ``Traceback (most recent call last):`` blocks."""
    out: list[FailedTest] = []
    cur: _Builder | None = None
    for raw in lines:
        line = raw[:MAX_LINE].rstrip()
        if line.lstrip().startswith("Traceback (most recent call last)"):
            cur = _Builder(test_id, "call")
            continue
        if cur is None:
            continue
        fm = _PY_FRAME.match(line)
        if fm:
            cur.add_frame(Frame(fm.group(1), int(fm.group(2)), (fm.group(3) or "").strip(), ""))
            continue
        if not line.strip():
            continue
        if line.startswith((" ", "\t")):
            if cur.frames and not cur.frames[-1].code:
                last = cur.frames[-1]
                cur.frames[-1] = Frame(last.file, last.line, last.function, line.strip())
            elif cur.block_e:
                cur.add_e(line)  # SyntaxError caret lines, continuation
            continue
        m = _EXC.match(line) or _GENERIC_EXC.match(line)
        if m and (cur.frames or _EXC.match(line)):
            cur.add_e(line)
            out.append(_finish(cur, function))
            cur = None
    return out


def parse_entry(
    test_id: str, phase: str, lines: list[str], function: str | None = None
) -> FailedTest:
    """One failure entry's lines (pytest's longrepr of one test, as JUnit
    keeps it), or a plain traceback when it holds no pytest entry."""
    cur = _Builder(test_id, phase)
    in_capture = False
    for raw in lines:
        line = raw[:MAX_LINE].rstrip()
        if line[:1] == "_" and _ENTRY_SEP.match(line):
            cur.flush_short()
            continue
        in_capture = _feed(cur, line, in_capture)
    entry = _finish(cur, function)
    if not entry.frames:
        tracebacks = _parse_tracebacks(lines, function, test_id)
        if tracebacks:
            return replace(tracebacks[-1], phase=phase)
    return entry


def primary_signature(failures: list[FailedTest]) -> str | None:
    """The most common failure signature (the earliest on ties)."""
    if not failures:
        return None
    sigs = Counter(f.signature for f in failures)
    # most_common keeps first-seen order on ties, so the earliest failure wins.
    return sigs.most_common(1)[0][0]


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
        failures, collect, counts, collected = _parse_pytest(lines, function)
    if not failures and not collect and "Traceback (most recent call last)" in section:
        failures = _parse_tracebacks(lines, function, "")
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
        ("Timeout +" in section or "Timeout >" in section) and _HARD_TIMEOUT.search(section)
        if fmt == "pytest"
        else _TIMEOUT.search(section[-MAX_DETAILS:])
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
