"""The labeling screen's Python lexer colours code exactly as Pygments' own (issue 24).

:mod:`annotator.tui.python_lexer` matches identifiers ASCII first and compiles
Pygments' Unicode identifier rules only where a non-ASCII character decides; the
tokens must be ``PythonLexer``'s for any text, and the highlighted lines
:func:`annotator.tui.render.code_lines` makes the same as with Rich's own lexer.
"""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st
from pygments import unistring
from pygments.lexers.python import PythonLexer

from annotator.tui import python_lexer as module
from annotator.tui.python_lexer import AsciiFirst, python_lexer

REPO = Path(__file__).resolve().parents[1]


def pygments_tokens(code: str) -> list[tuple[object, str]]:
    return list(PythonLexer(stripnl=False, ensurenl=True, tabsize=4).get_tokens(code))


def test_the_ascii_rules_are_the_unicode_rules_on_ascii() -> None:
    """The premise, on every ASCII character: start and continue classes agree."""
    assert module.ASCII_EXACT
    start = re.compile(f"[{unistring.xid_start}]")
    go_on = re.compile(f"[{unistring.xid_continue}]")
    for code in range(128):
        char = chr(code)
        assert bool(start.fullmatch(char)) == bool(re.fullmatch(f"[{module.ASCII_START}]", char))
        assert bool(go_on.fullmatch(char)) == bool(re.fullmatch(f"[{module.ASCII_CONTINUE}]", char))


UNICODE_CODE = """\
naïve = 1
@décor
@ascii.then_é
def f(x_é, é2, _ß, ñ_):
    return αβ + x·y + ℘ + x² + 𝔘nicode + a1é + ©
class Ωmega(Base): pass
import ünïcode.mod as ñ
from .é import ü
print(f"{naïve!r} {é}")
"""


@pytest.mark.parametrize(
    "code",
    [
        UNICODE_CODE,
        "",
        "x",
        "@",
        "@é",
        "é",
        "aé",
        "a\u0301b",  # a combining accent (continue, not start)
        (REPO / "annotator" / "tui" / "render.py").read_text(),
        (REPO / "annotator" / "tui" / "widgets" / "sample_list.py").read_text(),
    ],
)
def test_tokens_are_pygments_tokens(code: str) -> None:
    assert list(python_lexer().get_tokens(code)) == pygments_tokens(code)


CHARS = st.sampled_from(
    list(string.ascii_letters + string.digits + "_@.()=:\n \"'#+*")
    + ["é", "ß", "·", "²", "℘", "©", "\u0301", "𝔘", "α", "一", "٣", "\u00a0"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=40).map("".join))
def test_tokens_are_pygments_tokens_on_any_text(code: str) -> None:
    assert list(python_lexer().get_tokens(code)) == pygments_tokens(code)


@settings(max_examples=300, deadline=None)
@given(st.lists(CHARS, max_size=12).map("".join), st.integers(0, 12))
def test_a_rule_matches_as_the_full_rule(text: str, pos: int) -> None:
    for prefix in ("", "@"):
        rule = AsciiFirst(prefix, re.MULTILINE)
        full = re.compile(prefix + PythonLexer.uni_name, re.MULTILINE).match(text, pos)
        ours = rule.match(text, pos)
        assert (ours and ours.group()) == (full and full.group())


def test_ascii_code_never_compiles_the_unicode_rules() -> None:
    rule = AsciiFirst("", re.MULTILINE)
    code = "def f(x):\n    return x + y_2\n"
    for pos in range(len(code)):
        rule.match(code, pos)
    assert rule._full is None


def test_code_lines_are_riches_own(monkeypatch: pytest.MonkeyPatch) -> None:
    """The lines as Rich colours them with the lexer it finds by name."""
    from rich.syntax import Syntax

    from annotator.tui import render

    code = UNICODE_CODE
    ours = render.code_lines(code)
    monkeypatch.setattr(render, "python_lexer", lambda: Syntax(code, "python").lexer)
    theirs = render.code_lines(code)
    assert [(t.plain, t.spans) for t in ours] == [(t.plain, t.spans) for t in theirs]
