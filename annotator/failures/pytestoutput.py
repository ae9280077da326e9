"""Scan pytest's terminal output and plain tracebacks into :class:`FailedTest` entries.

Contract: :func:`parse_pytest` reads the lines of one pytest run (any
``--tb`` style, with or without ``-v``) into its failures, collection errors,
summary counts and collected count; :func:`parse_tracebacks` reads plain
``Traceback (most recent call last):`` blocks; :func:`parse_entry` reads one
failure entry (pytest's longrepr of one test, as JUnit keeps it). None of them
raises on odd input: what is not recognised is skipped. Lines are capped at
:data:`MAX_LINE` characters and every regex is anchored or bounded, so the cost
is linear in the input. Used by :mod:`.testoutput` (which picks the format and
builds the :class:`~.outputmodels.TestReport`), :mod:`.junitoutput` and
:mod:`.errorcases`.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import replace
from typing import NamedTuple

from annotator.failures.outputfacts import (
    EXCEPTION_LINE,
    MAX_DETAILS,
    MAX_LINE,
    exception_from,
    generated_frame,
    message_facts,
)
from annotator.failures.outputmodels import FailedTest, Frame

MAX_FRAMES = 200  # per failure; recursion errors print thousands

# --- regexes (all anchored or bounded; applied to capped lines) ------------

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


class PytestResult(NamedTuple):
    failures: list[FailedTest]
    collection_errors: list[FailedTest]
    counts: dict[str, int]
    collected: int | None


def parse_pytest(lines: list[str], function: str | None) -> PytestResult:
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
    return PytestResult(failures, collect, counts, collected)


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


def parse_tracebacks(lines: list[str], function: str | None, test_id: str) -> list[FailedTest]:
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
        m = EXCEPTION_LINE.match(line) or _GENERIC_EXC.match(line)
        if m and (cur.frames or EXCEPTION_LINE.match(line)):
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
        tracebacks = parse_tracebacks(lines, function, test_id)
        if tracebacks:
            return replace(tracebacks[-1], phase=phase)
    return entry
