"""JUnit XML importer: ``annotator import junit FILE.xml --code DIR``.

Contract: FILE.xml is what ``pytest --junitxml`` writes (``<testsuites>`` or a
bare ``<testsuite>`` root; ``<testcase classname name file line time>`` with an
optional ``<failure>``, ``<error>`` or ``<skipped>`` child, ``<properties>``,
``<system-out>`` and ``<system-err>``). DIR holds the generated code, one file
per sample: ``<id>.py`` or ``<id>.txt`` (the sample id is the file stem; two
files with the same stem are an error). The files are read as text and never
executed; a file that is not UTF-8 raises a :class:`~annotator.errors.UserError`
naming it.

Joining rules:

* a ``<property name="sample" value="X"/>`` on a testcase assigns it to sample
  X and takes precedence over everything else;
* otherwise a testcase belongs to sample X when X occurs in its ``classname``,
  ``name`` or ``file`` attribute; when several ids occur, the longest wins (so
  ``foo_1`` beats ``foo``), ties going to the alphabetically first id;
* a testcase that matches no code file is left out and listed in
  ``summary.skipped`` with the reason;
* a code file that no testcase refers to is imported with ``passed=None``,
  an empty test output and a warning in ``summary.warnings``.

Each sample's ``test_output`` is synthesized in verbose pytest style so that
:mod:`annotator.suggest.testoutput` reads it like a real run: one
``path::name PASSED|FAILED|ERROR|SKIPPED`` line per testcase, a ``FAILURES``
section (message and body of each failure), an ``ERRORS`` section, a short
test summary and a final line such as ``=== 2 failed, 3 passed in 0.12s ===``.
``passed`` is True when the sample has testcases and none failed or errored.

Safety: a file containing ``<!DOCTYPE`` or ``<!ENTITY`` is refused before
parsing (entity expansion bombs such as billion laughs need one); malformed XML
raises a UserError with the file and the line of
:attr:`xml.etree.ElementTree.ParseError.position`.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Any, Literal
from xml.parsers.expat import ErrorString

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UserError
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .inputs import folder_files, read_text, regular_file

NAME = "junit"
HELP = "what `pytest --junitxml` writes, joined with the generated code files of --code DIR"

CODE_SUFFIXES = (".py", ".txt")
SAMPLE_PROPERTY = "sample"
WIDTH = 80  # pytest's default terminal width, for the ===== banners

# Byte patterns that need a DTD: refusing them rules out entity expansion.
# NUL bytes are dropped first so that UTF-16/32 files cannot hide them.
_FORBIDDEN = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)

Status = Literal["PASSED", "FAILED", "ERROR", "SKIPPED"]
OutcomeKind = Literal["failure", "error", "skipped"]
_STATUS: dict[str, Status] = {"failure": "FAILED", "error": "ERROR", "skipped": "SKIPPED"}


class JUnitOutcome(BaseModel):
    """A ``<failure>``, ``<error>`` or ``<skipped>`` child of a testcase."""

    model_config = ConfigDict(frozen=True)

    kind: OutcomeKind
    message: str = ""
    type: str = ""
    text: str = ""
    """The element's text: the traceback (pytest's longrepr) or skip location."""


class JUnitCase(BaseModel):
    """One ``<testcase>``."""

    model_config = ConfigDict(frozen=True)

    classname: str = ""
    name: str = Field(min_length=1)
    file: str = ""
    line: int | None = None
    time: float = 0.0
    properties: dict[str, str] = Field(default_factory=dict)
    outcome: JUnitOutcome | None = None
    system_out: str = ""
    system_err: str = ""

    @property
    def status(self) -> Status:
        return "PASSED" if self.outcome is None else _STATUS[self.outcome.kind]

    @property
    def nodeid(self) -> str:
        """pytest's node id (``path::Class::name``), rebuilt from the attributes."""
        module = self.file.removesuffix(".py").replace("/", ".").replace("\\", ".")
        path = self.file
        rest = ""
        if self.file and self.classname.startswith(module + "."):
            rest = self.classname[len(module) + 1 :]
        elif not self.file and self.classname:
            # xunit2 (pytest's default) writes no file: split 'pkg.test_mod.TestCls'
            # into the module path and the trailing class names (capitalised).
            names = self.classname.split(".")
            cut = len(names)
            while cut > 1 and names[cut - 1][:1].isupper():
                cut -= 1
            path = "/".join(names[:cut]) + ".py"
            rest = ".".join(names[cut:])
        parts = [p for p in (path, *rest.split("."), self.name) if p]
        return "::".join(parts)

    def haystacks(self) -> tuple[str, str, str]:
        return (self.classname, self.name, self.file)


class JUnitSuite(BaseModel):
    """One ``<testsuite>`` with its direct testcases."""

    model_config = ConfigDict(frozen=True)

    name: str = ""
    time: float = 0.0
    properties: dict[str, str] = Field(default_factory=dict)
    cases: tuple[JUnitCase, ...] = ()


class JUnitReport(BaseModel):
    """A whole JUnit XML file."""

    model_config = ConfigDict(frozen=True)

    suites: tuple[JUnitSuite, ...] = ()

    def cases(self) -> Iterator[JUnitCase]:
        for suite in self.suites:
            yield from suite.cases


# --------------------------------------------------------------------------- parsing


def parse_junit(path: Path) -> JUnitReport:
    """Read and validate a JUnit XML file (refusing DTDs)."""
    regular_file(path, "JUnit XML file")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", file=path) from None
    return parse_junit_bytes(data, path)


def parse_junit_bytes(data: bytes, path: Path) -> JUnitReport:
    """Validate JUnit XML given as bytes; ``path`` names it in errors."""
    found = _FORBIDDEN.search(data.replace(b"\x00", b""))
    if found:
        raise UserError(
            f"refusing XML with <!{found.group(1).decode().upper()}> (entity expansion is not allowed)",
            file=path,
        )
    try:
        root = ET.fromstring(data)
    except ET.ParseError as exc:
        line, column = exc.position
        raise UserError(
            f"malformed XML: {ErrorString(exc.code)} (column {column + 1})", file=path, line=line
        ) from None
    if root.tag not in ("testsuites", "testsuite"):
        raise UserError(
            f"expected a <testsuites> or <testsuite> root, found <{root.tag}>", file=path
        )
    # iter() includes the root and nested suites; each suite keeps only its
    # direct testcases, so nothing is counted twice.
    suites = root.iter("testsuite")
    return JUnitReport(suites=tuple(_suite(path, s, i) for i, s in enumerate(suites, start=1)))


def _properties(element: ET.Element) -> dict[str, str]:
    props: dict[str, str] = {}
    for holder in element.findall("properties"):
        for prop in holder.findall("property"):
            name = prop.get("name")
            if name:
                props[name] = prop.get("value", prop.text or "")
    return props


def _suite(path: Path, element: ET.Element, number: int) -> JUnitSuite:
    cases = []
    for index, case in enumerate(element.findall("testcase"), start=1):
        where = f"testsuite #{number}, testcase #{index}"
        if case.get("name"):
            where += f" '{case.get('name')}'"
        cases.append(_case(path, case, where))
    try:
        # Attributes are strings: model_validate converts and checks them.
        return JUnitSuite.model_validate(
            {
                "name": element.get("name", ""),
                "time": element.get("time") or 0.0,
                "properties": _properties(element),
                "cases": tuple(cases),
            }
        )
    except ValidationError as exc:
        raise _validation_error(path, exc, f"testsuite #{number}") from None


def _case(path: Path, element: ET.Element, where: str) -> JUnitCase:
    outcome = None
    kinds: tuple[OutcomeKind, ...] = ("failure", "error", "skipped")
    for kind in kinds:
        child = element.find(kind)
        if child is not None:
            outcome = JUnitOutcome(
                kind=kind,
                message=child.get("message", ""),
                type=child.get("type", ""),
                text=child.text or "",
            )
            break
    try:
        return JUnitCase.model_validate(
            {
                "classname": element.get("classname", ""),
                "name": element.get("name", ""),
                "file": element.get("file", ""),
                "line": element.get("line") or None,
                "time": element.get("time") or 0.0,
                "properties": _properties(element),
                "outcome": outcome,
                "system_out": "".join(e.text or "" for e in element.findall("system-out")),
                "system_err": "".join(e.text or "" for e in element.findall("system-err")),
            }
        )
    except ValidationError as exc:
        raise _validation_error(path, exc, where) from None


def _validation_error(path: Path, exc: ValidationError, where: str) -> UserError:
    err = exc.errors()[0]
    field = ".".join(str(p) for p in err["loc"]) or None
    return UserError(str(err["msg"]), file=path, where=where, field=field)


# --------------------------------------------------------------------------- code files


def code_files(code_dir: Path) -> dict[str, Path]:
    """Sample id -> code file, for the ``.py``/``.txt`` files directly in DIR."""
    if not code_dir.is_dir():
        raise UserError("not a folder (--code)", file=code_dir)
    found: dict[str, Path] = {}
    for file in folder_files(code_dir, CODE_SUFFIXES):
        if file.stem in found:
            raise UserError(
                f"two code files for sample '{file.stem}': {found[file.stem].name} and {file.name}",
                file=code_dir,
            )
        found[file.stem] = file
    if not found:
        raise UserError(f"no {'/'.join(CODE_SUFFIXES)} code files (--code)", file=code_dir)
    return found


def _code_dir(options: dict[str, Any]) -> Path:
    code_dir = options.get("code_dir")
    if code_dir is None:
        raise UserError(
            "the junit format needs --code DIR (the folder of generated code files, one per sample)"
        )
    return Path(code_dir)


# --------------------------------------------------------------------------- joining


def match_sample(case: JUnitCase, ids: list[str]) -> str | None:
    """The sample a testcase belongs to (see the module rules); None if none."""
    if SAMPLE_PROPERTY in case.properties:
        return case.properties[SAMPLE_PROPERTY]
    best: str | None = None
    for sample_id in ids:
        if any(sample_id in text for text in case.haystacks()):
            if best is None or len(sample_id) > len(best):
                best = sample_id
    return best


def estimate(path: Path, **options: Any) -> int | None:
    return len(code_files(_code_dir(options)))


def read(
    path: Path, taxonomy: Taxonomy, summary: ImportSummary, **options: Any
) -> Iterator[SampleIn]:
    code_dir = _code_dir(options)
    files = code_files(code_dir)
    report = parse_junit(path)
    # Sorted so that, among ids of equal length, the alphabetically first wins.
    ids = sorted(files)
    by_sample: dict[str, list[JUnitCase]] = {sample_id: [] for sample_id in ids}
    for case in report.cases():
        sample_id = match_sample(case, ids)
        if sample_id is None:
            summary.skipped.append(
                f"{case.nodeid}: no code file in {code_dir} matches its classname, name or file"
            )
        elif sample_id not in by_sample:
            summary.skipped.append(
                f"{case.nodeid}: property {SAMPLE_PROPERTY}='{sample_id}' names no code file"
                f" in {code_dir}"
            )
        else:
            by_sample[sample_id].append(case)
    for sample_id in ids:
        file = files[sample_id]
        code = read_text(file)
        cases = by_sample[sample_id]
        if not cases:
            summary.warnings.append(
                f"{sample_id}: no testcase in {path.name} refers to it; imported with passed unknown"
            )
        yield SampleIn(
            id=sample_id,
            generated_code=code,
            test_output=render_output(cases) if cases else "",
            passed=(all(c.status in ("PASSED", "SKIPPED") for c in cases) if cases else None),
            metadata={
                "code_file": file.name,
                "junit": _counts(cases),
                # The suggester and the error panel read the results from
                # these models, not from the text above (written for people).
                "junit_cases": [c.model_dump() for c in cases],
            },
            source=str(path),
        )


# --------------------------------------------------------------------------- rendering


def _banner(title: str, fill: str = "=") -> str:
    return f" {title} ".center(WIDTH, fill) if title else fill * WIDTH


def _counts(cases: list[JUnitCase]) -> dict[str, int]:
    counts = {"tests": len(cases), "failed": 0, "passed": 0, "skipped": 0, "errors": 0}
    key = {"FAILED": "failed", "PASSED": "passed", "SKIPPED": "skipped", "ERROR": "errors"}
    for case in cases:
        counts[key[case.status]] += 1
    return counts


def _tally(cases: list[JUnitCase]) -> str:
    counts = _counts(cases)
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


def _first_line(text: str) -> str:
    return next((line.strip() for line in text.splitlines() if line.strip()), "")


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
