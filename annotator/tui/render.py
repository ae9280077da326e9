"""Turning sample text into safe, display-ready Rich ``Text`` lines.

Contract: every function here takes untrusted sample text (code, test output,
prompts, notes, ids) and returns :class:`rich.text.Text` objects or plain
strings in which Rich markup is *not* interpreted and control characters
(ANSI escapes, carriage returns, bidi overrides) are replaced by visible
escapes such as ``\\x1b``. Nothing here imports Textual, so it is testable and
usable from worker threads.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable, Sequence
from functools import lru_cache
from typing import TYPE_CHECKING

from rich.style import Style
from rich.syntax import Syntax
from rich.text import Span, Text

from ..textsafe import visible as visible
from .python_lexer import python_lexer

if TYPE_CHECKING:
    from pygments.lexer import Lexer

    from ..codeview.cstspan import Span as CodeSpan  # libcst loads when marks are first computed

HIGHLIGHT_LIMIT = 100_000
"""Code longer than this (characters) is shown without syntax colours: the
highlighter is linear but a multi-MB file would delay the first paint."""

MAX_LINE_CELLS = 2_000
"""Lines are cut after this many characters for display (minified tensors)."""

MAX_SHOWN_CHARS = 300_000
"""Code views show the first this many characters of a larger file, then a line
saying how much is left out (memory and first paint stay bounded)."""

MAX_DIFF_CHARS = 200_000
"""Larger code is not diffed (difflib is quadratic in the worst case)."""

CODE_THEME = "monokai"
MARK_STYLE = "on #5f1f1f"


def plain_line(text: str, style: str = "") -> Text:
    """One literal line (markup-looking text stays text)."""
    return Text(visible(text[:MAX_LINE_CELLS]), style=style, no_wrap=True, end="")


def plain_lines(text: str, style: str = "") -> list[Text]:
    return [plain_line(line, style) for line in text.splitlines()] or [Text("")]


def code_lines(code: str, marked: int | None = None, lexer: str = "python") -> list[Text]:
    """Syntax-highlighted code (Python, or ``lexer``: ``diff`` for a SWE-bench
    patch) with line numbers; line ``marked`` (1-based) gets a red background and
    a ``▶`` in the gutter. Only the first :data:`MAX_SHOWN_CHARS` characters are
    shown, followed by a notice."""
    cut = _too_large_notice(code, MAX_SHOWN_CHARS)
    if cut is not None:
        code = code[:MAX_SHOWN_CHARS].rsplit("\n", 1)[0]
    safe = "\n".join(line[:MAX_LINE_CELLS] for line in visible(code).split("\n"))
    if not safe.strip():
        return [Text("(empty)", style="dim italic")]
    if len(safe) <= HIGHLIGHT_LIMIT:
        # Python through our lexer: the same colours, the start without Unicode classes compiled.
        chosen: str | Lexer = python_lexer() if lexer == "python" else lexer
        body = Syntax(safe, chosen, theme=CODE_THEME, background_color="default").highlight(safe)
        body.rstrip()
        # Drop the theme's background so the code blends with the app theme.
        body.spans = [Span(sp.start, sp.end, _fg_only(sp.style)) for sp in body.spans]
        body.style = ""
        rows: list[Text] = list(body.split("\n", allow_blank=True))
    else:
        rows = [Text(line) for line in safe.split("\n")]
    width = len(str(len(rows)))
    out: list[Text] = []
    for number, row in enumerate(rows, start=1):
        is_marked = number == marked
        gutter = Text(
            f"{'▶' if is_marked else ' '}{number:>{width}} ",
            style="bold red" if is_marked else "dim",
        )
        line = Text.assemble(gutter, row, no_wrap=True, end="")
        if is_marked:
            line.stylize(MARK_STYLE)
        out.append(line)
    if cut is not None:
        out.append(cut)
    return out


def mark_offsets(
    code: str, lines: Sequence[Text], spans: Iterable[CodeSpan]
) -> dict[int, list[tuple[int, int]]]:
    """Where ``spans`` of ``code`` (1-based lines, columns in code points) are
    in its :func:`code_lines`: {0-based row: [(start, end) offsets into that
    row's text]}. Columns go through :func:`visible` as the text did (a tab
    is four cells, an escape several), past the gutter; a span on a line
    that is not shown as ``code`` has it (cut, placeholder) marks nothing."""
    # Only the shown head of the code has rows (code_lines shows MAX_SHOWN_CHARS).
    rows = code[: MAX_SHOWN_CHARS + 1].split("\n")
    out: dict[int, list[tuple[int, int]]] = {}
    for span in spans:
        for number in range(span.start_line, span.end_line + 1):
            index = number - 1
            if not 0 <= index < min(len(rows), len(lines)):
                continue
            source = rows[index]
            start = (
                span.start_col if number == span.start_line else len(source) - len(source.lstrip())
            )
            end = span.end_col if number == span.end_line else len(source.rstrip())
            shown = visible(source)[:MAX_LINE_CELLS]
            plain = lines[index].plain
            if not plain.endswith(shown) or not 0 <= start < end <= len(source):
                continue
            gutter = len(plain) - len(shown)
            first = gutter + len(visible(source[:start]))
            last = min(gutter + len(visible(source[:end])), len(plain))
            if first < last:
                out.setdefault(index, []).append((first, last))
    return out


def _too_large_notice(text: str, limit: int) -> Text | None:
    if len(text) <= limit:
        return None
    return Text(
        f"… the rest is not shown: {len(text) / 1e6:.1f} MB is more than the"
        f" {limit / 1000:.0f} KB display limit (annotator export / the database has all of it)",
        style="yellow italic",
    )


def diff_lines(generated: str, reference: str) -> list[Text]:
    """Diff of the generated code against the reference, comments and docstrings
    left out (libcst, :mod:`annotator.codeview.codediff`; slow: tens of ms a file,
    so call it from a worker); not for huge code."""
    if max(len(generated), len(reference)) > MAX_DIFF_CHARS:
        return [
            Text(
                f"too large to diff (more than {MAX_DIFF_CHARS / 1000:.0f} KB)",
                style="yellow italic",
            )
        ]
    from ..codeview.codediff import code_diff  # libcst loads when first needed

    styles = {"+": "green", "-": "red", "@": "cyan"}
    out = [
        Text(visible(line)[:MAX_LINE_CELLS], style=styles.get(line[:1], ""), no_wrap=True, end="")
        for line in code_diff(generated, reference)
    ]
    return out or [Text("(no differences but comments and docstrings)", style="dim italic")]


MATCH_LIMIT = 5_000
"""Files longer than this (lines) are not matched line by line (quadratic worst case)."""

_HUNK = re.compile(r"^@@ -\d+(?:,\d+)? \+(\d+)")


def matching_line(generated: str, reference: str, line: int | None) -> int | None:
    """The 1-based reference line that corresponds to generated ``line``:
    the matching line of the longest common blocks, else the nearest one
    before it, scaled to the reference's length."""
    if line is None:
        return None
    gen, ref = generated.splitlines(), reference.splitlines()
    if not ref:
        return None
    if len(gen) > MATCH_LIMIT or len(ref) > MATCH_LIMIT:
        return min(line, len(ref))
    best: int | None = None
    matcher = difflib.SequenceMatcher(None, gen, ref, autojunk=False)
    for a, b, size in matcher.get_matching_blocks():
        if size == 0:
            continue
        if a < line <= a + size:
            return b + (line - a)
        if a + size < line:
            best = b + size + (line - a - size)
    return min(best or line, len(ref))


def diff_line(diff: Sequence[Text], line: int | None) -> int | None:
    """The 1-based line of a unified diff (of :func:`diff_lines`) that shows
    generated ``line``, or the hunk nearest before it."""
    if line is None:
        return None
    found: int | None = None
    new = 0
    for index, text in enumerate(diff, start=1):
        plain = text.plain
        hunk = _HUNK.match(plain)
        if hunk:
            new = int(hunk.group(1))
            if new > line:
                break
            found = index
            continue
        if not new:  # the file header
            continue
        if plain.startswith(("+", " ")):
            if new == line:
                return index
            new += 1
    return found


def error_lines(
    summary: Sequence[tuple[str, str]], details: str, fallback: str, limit: int = 200
) -> list[Text]:
    """The traceback panel: ``summary`` (label, value) pairs first, then the
    failure details, else the tail of ``fallback`` (the raw output)."""
    out: list[Text] = []
    seen = {f"{label}: {value}".strip() for label, value in summary}
    for label, value in summary:
        out.append(Text.assemble((f"{label}: ", "bold"), (visible(value), "bold red"), end=""))
    tail = fallback[-limit * MAX_LINE_CELLS :]  # the last lines, without splitting all
    body = details.strip() or "\n".join(tail.strip().splitlines()[-limit:])
    lines = body.splitlines()
    if lines and lines[0].strip() in seen:
        lines = lines[1:]  # the summary already says it
    out += [plain_line(line) for line in lines[:limit]]
    return out


@lru_cache(maxsize=512)
def _fg_only(style: str | Style) -> str | Style:
    if isinstance(style, Style):
        return Style(color=style.color, bold=style.bold, italic=style.italic)
    return style
