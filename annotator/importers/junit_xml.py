"""The JUnit XML file format: one pydantic model per element, and its safe parser.

Contract: :func:`parse_junit` (a file) and :func:`parse_junit_bytes` (bytes
already read) accept what ``pytest --junitxml`` writes (``<testsuites>`` or a
bare ``<testsuite>`` root; ``<testcase classname name file line time>`` with an
optional ``<failure>``, ``<error>`` or ``<skipped>`` child, ``<properties>``,
``<system-out>`` and ``<system-err>``) and return a validated
:class:`JUnitReport`; anything else raises a :class:`~annotator.errors.UserError`
naming the file (and the line or testcase and field where known).

Safety: a file containing ``<!DOCTYPE`` or ``<!ENTITY`` is refused before
parsing (entity expansion bombs such as billion laughs need one); malformed XML
raises a UserError with the file and the line of
:attr:`xml.etree.ElementTree.ParseError.position`.

Used by the importer (:mod:`.junit`) and by the sample's failure, which reads a
sample's results from these models (:mod:`annotator.failures.junitoutput`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path
from typing import Literal
from xml.parsers.expat import ErrorString

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..errors import UserError
from .inputs import read_bytes

MAX_JUNIT_BYTES = 16 << 20
"""Largest JUnit XML file read (checked before reading; parsed, a file costs about 4 times
its size and a long message is stored twice, so the import of the largest stays
under 300 MB)."""

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
    data = read_bytes(path, "JUnit XML file", MAX_JUNIT_BYTES)
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
