"""Marks: the exact expression a fact points at, in the generated code and the reference.

Contract: :func:`code_marks` takes a sample's generated code, its reference,
its primary failure (:func:`~annotator.failures.primary.primary_failure`), the generated-code
line that failure points at and the matching reference line, and returns
:class:`Mark` s: a side (``generated`` or ``reference``), a
:class:`~.cstspan.Span` (1-based lines, 0-based columns in code points), the
fact it shows and whether it is a finding of the code analysis (evidence of a
suggestion: hidden where suggestions are) rather than what the traceback
says. Marked, at most :data:`MAX_MARKS`:

- the failing expression on the failing line (fact ``out:own_raise``,
  ``out:library_call`` or ``out:in_generated``): the ``raise``; else the node
  the exception names (:data:`NAMED_BY_MESSAGE`: the missing attribute, the
  undefined name); else by exception type (:data:`BY_EXCEPTION`: the
  subscript of an ``IndexError``); else the call the traceback names (the
  next frame's function, ``cat()`` in the message); else the outermost call
  on the line. In the reference, the same call (or attribute, or name) on
  the matching line;
- the call that differs from the reference's call of the same name
  (:func:`~annotator.suggest.callcompare.call_difference`, the ``code:call_differs`` fact):
  the differing argument or keyword value, or the callee, in both codes;
- the undefined names (``code:undefined_module_alias`` / ``code:undefined_local``).

Positions come from libcst, one statement at a time (:mod:`.cstspan`); the
findings from the same functions that make the facts, so a mark and its
fact agree. Pure, never executes anything, never raises: any failure (bad
syntax, huge or odd input) gives fewer marks or none. A few milliseconds a
sample: the UI computes it in a worker, off the suggestion path.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node

from ..failures.frames import Attribution, attribute
from ..failures.outputmodels import FailedTest
from ..suggest.analysis import analyze_code
from ..suggest.callcompare import CallDifference, call_difference
from ..suggest.evidence import MODULE_ALIASES, where_raised
from .cstspan import SourcePositions, Span, Statement

GENERATED = "generated"
REFERENCE = "reference"
MAX_MARKS = 12
MAX_UNDEFINED = 6


@dataclass(frozen=True, slots=True)
class Mark:
    """One expression to mark in one of the two codes."""

    side: str
    """:data:`GENERATED` or :data:`REFERENCE`."""
    span: Span
    fact: str
    evidence: bool
    """True: a finding of the code analysis (a suggestion's evidence); False:
    the failure itself, as the error panel shows it."""


NAMED_BY_MESSAGE: tuple[tuple[re.Pattern[str], type[cst.CSTNode]], ...] = (
    (re.compile(r"has no attribute '(\w+)'"), cst.Attribute),
    (re.compile(r"name '(\w+)' is not defined"), cst.Name),
    (re.compile(r"local variable '(\w+)'"), cst.Name),
    (re.compile(r"cannot import name '(\w+)'"), cst.Name),
    (re.compile(r"No module named '([\w.]+)'"), cst.Attribute),
    (re.compile(r"No module named '(\w+)'"), cst.Name),
)
"""Messages that name the failing node: (pattern of its name, node type).
An attribute is named by its last part, or by its dotted name (``a.b``)."""

BY_EXCEPTION: dict[str, type[cst.CSTNode]] = {
    "IndexError": cst.Subscript,
    "KeyError": cst.Subscript,
    "ZeroDivisionError": cst.BinaryOperation,
}
"""The kind of expression an exception is raised by, when no call is named."""

_CALLED_IN_MESSAGE = re.compile(r"\b(\w+)\(\)")


def code_marks(
    generated: str,
    reference: str,
    failure: FailedTest | None,
    line: int | None,
    reference_line: int | None = None,
) -> tuple[Mark, ...]:
    """The marks of one sample (see the module's contract)."""
    gen = SourcePositions(generated)
    if not gen.parsed:
        return ()
    ref = SourcePositions(reference) if reference.strip() else None
    found: list[Mark] = []
    steps: list[Callable[[], Iterator[Mark]]] = [
        lambda: _failing(gen, ref, failure, attribute(failure, generated), line, reference_line),
        lambda: _call_marks(gen, ref, call_difference(generated, reference, line)),
        lambda: _undefined(gen, generated),
    ]
    for step in steps:
        try:
            found += step()
        except Exception:  # a bug or odd input here must never take the view down
            continue
    seen: set[tuple[str, Span]] = set()
    unique = []
    for mark in found:
        if (mark.side, mark.span) not in seen:
            seen.add((mark.side, mark.span))
            unique.append(mark)
    return tuple(unique[:MAX_MARKS])


# -- the failing expression ----------------------------------------------------
def _name_of(node: cst.CSTNode) -> str:
    """The name a node is known by: a call's callee, an attribute, a name."""
    if isinstance(node, cst.Call):
        node = node.func
    if isinstance(node, cst.Attribute):
        return node.attr.value
    if isinstance(node, cst.Name):
        return node.value
    return ""


def _called_names(failure: FailedTest, found: Attribution) -> set[str]:
    """Functions the traceback names: the frame after the generated code's, and ``f()`` in the message."""
    names = set(_CALLED_IN_MESSAGE.findall(failure.message))
    after = found.after
    if after is not None:
        names.add(after.function)
    return names - {"", "<module>"}


def _failing_node(
    statement: Statement, failure: FailedTest, found: Attribution, line: int
) -> cst.CSTNode | None:
    on_line = [(n, s) for n, s in statement.positions.items() if s.holds_line(line)]
    raises = [n for n, _ in on_line if isinstance(n, cst.Raise)]
    if raises:
        return raises[0]
    for pattern, kind in NAMED_BY_MESSAGE:
        named = pattern.search(failure.message)
        if named:
            nodes = [n for n, s in statement.nodes(kind) if s.holds_line(line)]
            wanted = named.group(1)
            match = [n for n in nodes if wanted in (_name_of(n), get_full_name_for_node(n))]
            if match:
                return match[0]
    by_type = BY_EXCEPTION.get(failure.exception_type.rsplit(".", 1)[-1])
    if by_type is not None:
        nodes = [n for n, s in statement.nodes(by_type) if s.holds_line(line)]
        if nodes:
            return nodes[0]
    calls = [n for n, s in statement.nodes(cst.Call) if s.holds_line(line)]
    called = _called_names(failure, found)
    named_calls = [c for c in calls if _name_of(c) in called]
    chosen = named_calls or calls
    return chosen[0] if chosen else None


def _failing(
    gen: SourcePositions,
    ref: SourcePositions | None,
    failure: FailedTest | None,
    found: Attribution,
    line: int | None,
    reference_line: int | None,
) -> Iterator[Mark]:
    if failure is None or not line:
        return
    statement = gen.statement(line)
    if statement is None:
        return
    node = _failing_node(statement, failure, found, line)
    span = statement.span(node) if node is not None else None
    if node is None or span is None:
        return
    where = where_raised(failure, found)
    fact = where[0] if where and where[0] != "out:test_comparison" else "out:in_generated"
    yield Mark(GENERATED, span, fact, evidence=False)
    name = _name_of(node)
    if ref is None or not reference_line or not name:
        return
    other = ref.statement(reference_line)
    if other is None:
        return
    for candidate, where_ in other.nodes(type(node)):
        if where_.holds_line(reference_line) and _name_of(candidate) == name:
            span_ = other.span(candidate)
            if span_ is not None:
                yield Mark(REFERENCE, span_, fact, evidence=False)
            return


# -- the call that differs from the reference --------------------------------
def _call_at(source: SourcePositions, at: tuple[int, int]) -> tuple[Statement, cst.Call] | None:
    line, col = at[0], source.ast_column(*at)
    statement = source.statement(line)
    if statement is None:
        return None
    for call, span in statement.nodes(cst.Call):
        if (span.start_line, span.start_col) == (line, col):
            return statement, call
    return None


def _part(call: cst.Call, part: str, key: str) -> cst.CSTNode:
    """The node of ``call`` that :class:`~annotator.suggest.callcompare.CallDifference` says differs."""
    if part == "callee":
        return call.func
    if part in ("keyword", "missing_keyword", "extra_keyword"):
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value == key:
                return arg.value if part == "keyword" else arg
        return call
    if part == "argument" and key.isdigit():
        positional = [a for a in call.args if a.keyword is None and not a.star]
        index = int(key)
        return positional[index].value if index < len(positional) else call
    return call


def _span_of(statement: Statement, node: cst.CSTNode) -> Span | None:
    """Where ``node`` is; an argument from its keyword to its value (without the comma after it)."""
    if isinstance(node, cst.Arg) and node.keyword is not None:
        first, last = statement.span(node.keyword), statement.span(node.value)
        if first is None or last is None:
            return None
        return Span(first.start_line, first.start_col, last.end_line, last.end_col)
    return statement.span(node)


def _call_marks(
    gen: SourcePositions, ref: SourcePositions | None, found: CallDifference | None
) -> Iterator[Mark]:
    if found is None:
        return
    sides = [(GENERATED, gen, found.generated)]
    if ref is not None and found.reference is not None:
        sides.append((REFERENCE, ref, found.reference))
    for side, source, at in sides:
        located = _call_at(source, at)
        if located is None:
            continue
        statement, call = located
        part = found.part
        # The side that lacks the keyword shows its whole call.
        if (part, side) in (("missing_keyword", GENERATED), ("extra_keyword", REFERENCE)):
            part = "call"
        span = _span_of(statement, _part(call, part, found.key))
        if span is not None:
            yield Mark(side, span, found.fact, evidence=True)


# -- undefined names -----------------------------------------------------------
def _undefined(gen: SourcePositions, generated: str) -> Iterator[Mark]:
    code = analyze_code(generated)
    for finding in code.undefined_names[:MAX_UNDEFINED]:
        statement = gen.statement(finding.line)
        if statement is None:
            continue
        for name, span in statement.nodes(cst.Name):
            if name.value == finding.code and span.start_line == finding.line:
                checked = statement.span(name)
                if checked is not None:
                    alias = finding.code.split(".")[0] in MODULE_ALIASES
                    fact = "code:undefined_module_alias" if alias else "code:undefined_local"
                    yield Mark(GENERATED, checked, fact, evidence=True)
                break
