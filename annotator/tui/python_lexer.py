"""Pygments' Python lexer without compiling its Unicode identifier classes at start.

Contract: :func:`python_lexer` returns a lexer whose tokens are exactly those of
Pygments' ``PythonLexer`` (as Rich's ``Syntax`` makes it for ``"python"``: no
newline stripped, one ensured, tabs of 4), for any text. Nothing here imports
Textual (it runs in workers too).

Why (issue 24): the Python lexer's rules are compiled when it is first made, and
two of them, an identifier and a decorator (``[xid_start][xid_continue]*``, with
``@`` before it), spell the Unicode identifier classes out as ~1,600 ranges:
compiling those two took 18 of the ~25 ms the lexer costs, before the labeling
screen's first frame could show the first sample's code. Here those two rules
match ASCII first (``[A-Z_a-z][0-9A-Z_a-z]*``) and compile and ask the full rule
only where a non-ASCII character decides (where the name would start, or right
after the ASCII part): Python code whose names are ASCII never compiles it. The
two agree exactly because the classes' ASCII members are ``A-Z_a-z`` and
``0-9A-Z_a-z`` (checked on the Pygments installed, else the full rules are used
as Pygments does: slower to start, the same colours);
``tests/test_python_lexer.py`` compares the tokens with ``PythonLexer``'s on
code with and without non-ASCII names.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import cache
from typing import Any

from pygments import unistring
from pygments.lexer import Lexer, RegexLexerMeta
from pygments.lexers.python import PythonLexer

ASCII_START = "A-Z_a-z"
ASCII_CONTINUE = "0-9A-Z_a-z"


def _ascii_part_is(char_class: str, ascii_part: str) -> bool:
    """Whether ``char_class`` (the inside of ``[...]``) starts with ``ascii_part``
    and names no other ASCII character (its other ranges run between non-ASCII
    characters)."""
    rest = char_class.removeprefix(ascii_part)
    return rest != char_class and all(not c.isascii() or c == "-" for c in rest)


ASCII_EXACT = _ascii_part_is(unistring.xid_start, ASCII_START) and _ascii_part_is(
    unistring.xid_continue, ASCII_CONTINUE
)
"""Whether the ASCII rules agree with the Unicode ones on this Pygments."""


class AsciiFirst:
    """``prefix + PythonLexer.uni_name``, matched ASCII first (see the module's docstring)."""

    __slots__ = ("_fast", "_full", "_prefix_length", "pattern", "flags")

    def __init__(self, prefix: str, flags: int) -> None:
        self.pattern = prefix + PythonLexer.uni_name
        self.flags = flags
        self._prefix_length = len(prefix)
        self._fast = re.compile(
            re.escape(prefix) + f"[{ASCII_START}][{ASCII_CONTINUE}]*", flags
        ).match
        self._full: Callable[[str, int], re.Match[str] | None] | None = None

    def full(self, text: str, pos: int) -> re.Match[str] | None:
        """The rule as Pygments compiles it (compiled on first use)."""
        if self._full is None:
            self._full = re.compile(self.pattern, self.flags).match
        return self._full(text, pos)

    def match(self, text: str, pos: int = 0) -> re.Match[str] | None:
        found = self._fast(text, pos)
        if found is None:
            # The prefix and the first character, all ASCII: the full rule fails too.
            if text[pos : pos + self._prefix_length + 1].isascii():
                return None
            return self.full(text, pos)
        end = found.end()
        if end < len(text) and not text[end].isascii():
            return self.full(text, pos)  # the name may go on in non-ASCII characters
        return found


class _AsciiFirstPythonLexer(PythonLexer):
    """PythonLexer with its identifier and decorator rules matched ASCII first."""

    @classmethod
    def _process_regex(cls, regex: Any, rflags: int, state: str) -> Any:
        if ASCII_EXACT and regex in (PythonLexer.uni_name, "@" + PythonLexer.uni_name):
            return AsciiFirst(regex[: len(regex) - len(PythonLexer.uni_name)], rflags).match
        # A metaclass method (Pygments'): not reachable through super().
        return RegexLexerMeta._process_regex(cls, regex, rflags, state)


@cache
def python_lexer(tab_size: int = 4) -> Lexer:
    """The Python lexer, as Rich's ``Syntax(code, "python", tab_size=...)`` would make it."""
    lexer: Lexer = _AsciiFirstPythonLexer(stripnl=False, ensurenl=True, tabsize=tab_size)
    return lexer
