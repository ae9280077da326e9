"""A diff of generated code against the reference that ignores noise.

Contract: :func:`code_diff` returns unified-diff lines between the reference
and the generated code after :func:`strip_noise` has removed comments and
docstrings with libcst (a concrete syntax tree keeps every other token and
the layout, so what remains diffs line by line as written). Code that libcst
cannot parse is diffed as it is. Nothing is executed.
"""

from __future__ import annotations

import difflib

import libcst as cst

MAX_CHARS = 200_000


class _StripNoise(cst.CSTTransformer):
    """Drop comments and docstrings; keep everything else byte for byte."""

    def leave_EmptyLine(  # noqa: N802 - libcst's visitor naming
        self, original_node: cst.EmptyLine, updated_node: cst.EmptyLine
    ) -> cst.EmptyLine | cst.RemovalSentinel:
        # A line that held only a comment goes away entirely.
        return cst.RemoveFromParent() if original_node.comment is not None else updated_node

    def leave_TrailingWhitespace(  # noqa: N802
        self, original_node: cst.TrailingWhitespace, updated_node: cst.TrailingWhitespace
    ) -> cst.TrailingWhitespace:
        if updated_node.comment is None:
            return updated_node
        return updated_node.with_changes(comment=None, whitespace=cst.SimpleWhitespace(""))

    def leave_SimpleStatementLine(  # noqa: N802
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.RemovalSentinel:
        body = updated_node.body
        if (
            len(body) == 1
            and isinstance(body[0], cst.Expr)
            and isinstance(body[0].value, cst.SimpleString | cst.ConcatenatedString)
        ):
            return cst.RemoveFromParent()
        return updated_node


def strip_noise(code: str) -> str:
    """The code without comments and docstrings (unchanged if it does not parse)."""
    if len(code) > MAX_CHARS:
        return code
    try:
        module = cst.parse_module(code)
        cleaned = module.visit(_StripNoise()).code
    except (cst.ParserSyntaxError, RecursionError, ValueError, TypeError):
        return code
    # A removed docstring can leave a blank line under its ``def``; drop blank
    # lines after a block opener and runs of them elsewhere.
    out: list[str] = []
    for line in (raw.rstrip() for raw in cleaned.splitlines()):
        if line or (out and out[-1] and not out[-1].endswith(":")):
            out.append(line)
    return "\n".join(out).strip("\n") + "\n"


def code_diff(
    generated: str, reference: str, *, ignore_noise: bool = True, context: int = 3
) -> list[str]:
    """Unified diff lines, reference -> generated."""
    old = strip_noise(reference) if ignore_noise else reference
    new = strip_noise(generated) if ignore_noise else generated
    return list(
        difflib.unified_diff(
            old.splitlines(),
            new.splitlines(),
            fromfile="reference",
            tofile="generated",
            lineterm="",
            n=context,
        )
    )
