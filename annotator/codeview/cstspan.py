"""Exact positions of expressions, from libcst, one statement at a time.

Contract: :class:`SourcePositions` wraps one source file. Its
:meth:`~SourcePositions.statement` finds the statement that holds a 1-based
line with :mod:`ast` (boundaries only), parses just that statement's text
with libcst (``PositionProvider``) and returns a :class:`Statement`: every
libcst node of it with its :class:`Span` in *file* coordinates (1-based
lines, 0-based columns in code points, as libcst and Python ``str`` count
them: a tab and an ``é`` are one column each). Parsing a whole file with
libcst costs ~7 ms median (p95 18 ms) on DL-Bench; one statement a fraction
of a millisecond.

Only parsing, never executing. Code that does not parse, statements over
:data:`MAX_STATEMENT_CHARS`, lone carriage returns (``ast`` and a split at
``\\n`` would count lines differently) and any other failure give no
statement (None), never an exception: a missing mark is the worst outcome.
"""

from __future__ import annotations

import ast
import re
import textwrap
import warnings
from dataclasses import dataclass
from typing import TypeVar

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

MAX_STATEMENT_CHARS = 8_000
"""Longer statements are not parsed (a minified line, a data literal)."""

MAX_FILE_CHARS = 500_000
"""Larger files are not parsed at all (as :mod:`annotator.suggest.analysis`)."""

N = TypeVar("N", bound=cst.CSTNode)

_LONE_CR = re.compile(r"\r(?!\n)")


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """A stretch of a file: from (start_line, start_col) up to, not including, (end_line, end_col)."""

    start_line: int
    start_col: int
    end_line: int
    end_col: int

    def holds_line(self, line: int) -> bool:
        return self.start_line <= line <= self.end_line


@dataclass(frozen=True, slots=True)
class Statement:
    """One parsed statement: its libcst nodes and where each is in the file."""

    lines: list[str]
    """The lines of the whole file (split at ``\\n``)."""
    positions: dict[cst.CSTNode, Span]
    module: cst.Module

    def nodes(self, kind: type[N]) -> list[tuple[N, Span]]:
        """The nodes of type ``kind``, in source order (outer before inner)."""
        found = [(n, s) for n, s in self.positions.items() if isinstance(n, kind)]
        found.sort(
            key=lambda item: (
                item[1].start_line,
                item[1].start_col,
                -item[1].end_line,
                -item[1].end_col,
            )
        )
        return found

    def span(self, node: cst.CSTNode) -> Span | None:
        """Where ``node`` is, if it is shown as written (a check of the mapping)."""
        span = self.positions.get(node)
        if span is None:
            return None
        if getattr(node, "lpar", None):  # the position leaves out the parentheses
            node = node.with_changes(lpar=(), rpar=())
        return span if self.text(span) == self.module.code_for_node(node) else None

    def text(self, span: Span) -> str:
        """The file's text in ``span``."""
        first, last = span.start_line - 1, span.end_line - 1
        if not 0 <= first <= last < len(self.lines):
            return ""
        if first == last:
            return self.lines[first][span.start_col : span.end_col]
        middle = self.lines[first + 1 : last]
        return "\n".join(
            [self.lines[first][span.start_col :], *middle, self.lines[last][: span.end_col]]
        )


def _chars(line: str, byte_col: int) -> int:
    """An ast column (UTF-8 bytes) as a column in code points."""
    return len(line.encode("utf-8", "surrogatepass")[:byte_col].decode("utf-8", "replace"))


_COMPOUND_FIELDS = ("body", "orelse", "finalbody")


def _children(stmt: ast.stmt) -> list[ast.stmt]:
    """The statements nested in ``stmt`` (bodies, handlers, cases), in source order."""
    out: list[ast.stmt] = []
    for name in _COMPOUND_FIELDS:
        value = getattr(stmt, name, None)
        if isinstance(value, list):
            out += [s for s in value if isinstance(s, ast.stmt)]
    for holder in [*getattr(stmt, "handlers", []), *getattr(stmt, "cases", [])]:
        out += [s for s in holder.body if isinstance(s, ast.stmt)]
    out.sort(key=lambda s: (s.lineno, s.col_offset))
    return out


def _enclosing(tree: ast.Module, line: int) -> tuple[ast.stmt, ast.stmt, bool] | None:
    """The innermost statements holding ``line`` (first and last: ``a = 1; b = f()``
    are two); True when only the first one's header does (the line opens a
    block: ``for ...:``, ``def ...(``, ``elif ...:``)."""
    body: list[ast.stmt] = tree.body
    parent: ast.stmt | None = None
    while True:
        holding = [s for s in body if s.lineno <= line <= (s.end_lineno or s.lineno)]
        if not holding:
            if parent is None:
                return None
            first = _children(parent)[0].lineno
            return (parent, parent, True) if line < first else None  # else/except: nothing
        stmt = holding[0]
        children = _children(stmt)
        if not children or children[0].lineno == stmt.lineno:
            # Simple statements, or a block on one line: all of it.
            return stmt, holding[-1], False
        parent, body = stmt, children


class SourcePositions:
    """Statement by statement positions in one file (each statement parsed once)."""

    def __init__(self, code: str) -> None:
        # A file too large to parse is not split whole either (a 15 MB file would
        # cost 30 MB of line strings for nothing): only its parseable head.
        self.lines = code[: MAX_FILE_CHARS + 1].split("\n")
        self._margin = 0
        self._tree = self._parse(code)
        self._cache: dict[tuple[int, int, int, int], Statement | None] = {}

    def _parse(self, code: str) -> ast.Module | None:
        if len(code) > MAX_FILE_CHARS or _LONE_CR.search(code):
            return None
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                return ast.parse(code)
            except IndentationError:
                # A method body stored indented (as :mod:`annotator.suggest.analysis` reads it).
                dedented = textwrap.dedent(code)
                first = next((ln for ln in self.lines if ln.strip()), "")
                self._margin = len(first) - len(first.lstrip())
                try:
                    return ast.parse(dedented) if dedented != code else None
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    return None
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                return None

    @property
    def parsed(self) -> bool:
        return self._tree is not None

    def ast_column(self, line: int, byte_col: int) -> int:
        """An ast column of ``line`` (1-based) as a file column in code points."""
        if not 0 < line <= len(self.lines):
            return -1
        text = self.lines[line - 1][self._margin :]
        return _chars(text, byte_col) + self._margin

    def statement(self, line: int) -> Statement | None:
        """The parsed statement holding ``line`` (1-based), or None."""
        if self._tree is None or not 0 < line <= len(self.lines):
            return None
        try:
            found = _enclosing(self._tree, line)
        except RecursionError:
            return None
        if found is None:
            return None
        stmt, final, header = found
        key = (stmt.lineno, stmt.col_offset, final.lineno, final.col_offset)
        if key not in self._cache:
            self._cache[key] = self._statement(stmt, final, header)
        return self._cache[key]

    def _statement(self, stmt: ast.stmt, final: ast.stmt, header: bool) -> Statement | None:
        first, last = stmt.lineno, final.end_lineno or final.lineno
        if header:
            last = _children(stmt)[0].lineno - 1
        rows = self.lines[first - 1 : last]
        offset = self.ast_column(first, stmt.col_offset)
        head = rows[0][offset:]
        if header and head.startswith("elif"):
            head, offset = head[2:], offset + 2  # 'elif x:' parses as 'if x:'
        if not header and final.end_col_offset is not None:
            end = self.ast_column(last, final.end_col_offset)
            if len(rows) == 1:
                head = head[: end - offset]
            else:
                rows = [*rows[:-1], rows[-1][:end]]
        source = "\n".join([head, *rows[1:]])
        if len(source) > MAX_STATEMENT_CHARS or "\x00" in source:
            return None
        if header:
            source += "\n pass"  # a body, so that the header parses alone
        try:
            module = cst.parse_module(source + "\n")
            ranges = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
        except Exception:  # libcst's parser errors, recursion, odd unicode: no marks
            return None
        kept = (source.removesuffix("\n pass") if header else source).split("\n")
        positions = {
            node: _to_file(rng, first, offset)
            for node, rng in ranges.items()
            if rng.end.line < len(kept)
            or (rng.end.line == len(kept) and rng.end.column <= len(kept[-1]))
        }
        return Statement(self.lines, positions, module)


def _to_file(rng: CodeRange, first: int, offset: int) -> Span:
    def column(line: int, col: int) -> int:
        return col + offset if line == 1 else col

    return Span(
        rng.start.line + first - 1,
        column(rng.start.line, rng.start.column),
        rng.end.line + first - 1,
        column(rng.end.line, rng.end.column),
    )
