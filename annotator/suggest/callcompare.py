"""The failing statement's calls against the reference's calls of the same name.

Contract: :func:`compare_calls` takes the generated code, the reference and
the 1-based generated-code line the primary error points at, and returns at
most one (fact, evidence) pair: ``code:call_differs`` when the reference
calls the same function or method (matched by its last name: ``torch.cat``
and ``cat``) with another callee, other positional arguments or another
keyword value (e.g. "reference calls torch.cat(..., dim=1), generated
dim=0"), or ``code:call_not_in_reference`` when the reference never calls
it. Whole files are not diffed: generated code is a rewrite, so only the
failing statement is compared. :func:`call_difference` gives the same answer
with where it is (:class:`CallDifference`: both calls' positions and which
part differs), for the code view's marks (:mod:`annotator.codeview.marks`). Uses :mod:`ast`
(one parse per file); code that does not parse gives nothing. Never raises.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass

CALL_FACTS: dict[str, str] = {
    "code:call_differs": "the failing call differs from the reference's call of the same name",
    "code:call_not_in_reference": "the reference does not make the failing call",
}
_MAX_SHOWN = 60


def _name(call: ast.Call) -> str:
    try:
        return ast.unparse(call.func)
    except Exception:  # unparse of odd trees
        return ""


def _last(name: str) -> str:
    return name.rsplit(".", 1)[-1]


def _calls(tree: ast.AST) -> list[ast.Call]:
    return [node for node in ast.walk(tree) if isinstance(node, ast.Call)]


def _text(node: ast.AST) -> str:
    return ast.unparse(node)[:_MAX_SHOWN]


Position = tuple[int, int]
"""(1-based line, column in UTF-8 bytes): where :mod:`ast` says a call starts."""


@dataclass(frozen=True, slots=True)
class CallDifference:
    """What :func:`compare_calls` found, and where."""

    fact: str
    evidence: str
    generated: Position
    """Start of the failing call in the generated code."""
    reference: Position | None = None
    """Start of the reference's call it was compared with (None: no call of that name)."""
    part: str = "call"
    """What differs: ``callee``, ``keyword`` (both have ``key``, other values),
    ``missing_keyword`` (only the reference has ``key``), ``extra_keyword``
    (only the generated call has ``key``), ``arg_count``, ``argument`` (the
    positional argument number ``key``, 0-based) or ``call`` (the whole call)."""
    key: str = ""


def _difference(gen: ast.Call, ref: ast.Call) -> tuple[str, str, str] | None:
    """The first difference of ``gen`` from ``ref``: ('reference ..., generated ...', part, key)."""
    gname, rname = _name(gen), _name(ref)
    if gname != rname:
        return f"reference calls {rname}(...), generated {gname}(...)", "callee", ""
    gkw = {k.arg: k.value for k in gen.keywords if k.arg}
    rkw = {k.arg: k.value for k in ref.keywords if k.arg}
    for key, value in rkw.items():
        if key not in gkw:
            return (
                f"reference calls {rname}(..., {key}={_text(value)}), generated has no {key}=",
                "missing_keyword",
                key,
            )
        if ast.dump(gkw[key]) != ast.dump(value):
            return (
                f"reference calls {rname}(..., {key}={_text(value)}),"
                f" generated {key}={_text(gkw[key])}",
                "keyword",
                key,
            )
    extra = [k for k in gkw if k not in rkw]
    if extra:
        return (
            f"generated passes {extra[0]}={_text(gkw[extra[0]])} to {gname}, the reference does not",
            "extra_keyword",
            extra[0],
        )
    if len(gen.args) != len(ref.args):
        return (
            f"reference calls {rname} with {len(ref.args)} positional arguments, generated {len(gen.args)}",
            "arg_count",
            "",
        )
    for i, (g, r) in enumerate(zip(gen.args, ref.args, strict=True)):
        if isinstance(r, ast.Constant) and ast.dump(g) != ast.dump(r):
            return (
                f"reference calls {rname} with argument {i + 1} = {_text(r)}, generated {_text(g)}",
                "argument",
                str(i),
            )
    return None


def _at(call: ast.Call) -> Position:
    return call.lineno, call.col_offset


def compare_calls(generated: str, reference: str, line: int | None) -> tuple[str, str] | None:
    """(fact, evidence) comparing the calls on ``line`` of ``generated`` with the reference."""
    found = call_difference(generated, reference, line)
    return None if found is None else (found.fact, found.evidence)


def call_difference(generated: str, reference: str, line: int | None) -> CallDifference | None:
    """:func:`compare_calls`'s finding with the positions of both calls."""
    if not line or not reference.strip():
        return None
    try:
        gen_tree, ref_tree = ast.parse(generated), ast.parse(reference)
    except (SyntaxError, ValueError, RecursionError):
        return None
    try:
        on_line = [c for c in _calls(gen_tree) if c.lineno <= line <= (c.end_lineno or c.lineno)]
        if not on_line:
            return None
        by_last: dict[str, list[ast.Call]] = {}
        for call in _calls(ref_tree):
            by_last.setdefault(_last(_name(call)), []).append(call)
        # Outermost call first: on 'return torch.cat(xs, dim=0)' that is torch.cat.
        on_line.sort(key=lambda c: (c.lineno, c.col_offset, -(c.end_col_offset or 0)))
        missing: ast.Call | None = None
        for call in on_line:
            name = _name(call)
            matches = by_last.get(_last(name), [])
            if not matches:
                missing = missing or call
                continue
            diffs = [(_difference(call, ref), ref) for ref in matches]
            if any(d is None for d, _ in diffs):
                continue  # the reference makes the very same call
            (text, part, key), ref = next((d, r) for d, r in diffs if d)
            return CallDifference(
                "code:call_differs", f"line {line}: {text}", _at(call), _at(ref), part, key
            )
        if missing is not None:
            return CallDifference(
                "code:call_not_in_reference",
                f"line {line}: the reference does not call {_name(missing)}",
                _at(missing),
            )
    except (RecursionError, ValueError):
        return None
    return None
