"""The fenced code block of a model response, in one pass over its lines.

:func:`fenced_code` must find the blocks the regular expression that the harness
importer used before finds (the oracle below), on texts made of the characters
that matter (fences, indents, info strings, line ends); and no block of the responses
that made the expression quadratic (``benchmarks/guards.py`` times them).
"""

from __future__ import annotations

import re

from hypothesis import given, settings, strategies as st

from annotator.importers.fences import fenced_code

_ORACLE = re.compile(
    r"^(?P<indent> {0,3})(?P<fence>`{3,}|~{3,})[ \t]*(?P<info>[^\n`]*)\n(?P<body>.*?)"
    r"^ {0,3}(?P=fence)[`~]*[ \t]*$",
    re.MULTILINE | re.DOTALL,
)


def _oracle(response: str) -> str | None:
    blocks = [
        (m.group("info").strip().split(" ")[0].lower(), m.group("body"))
        for m in _ORACLE.finditer(response)
    ]
    for info, body in blocks:
        if info in {"python", "py", "python3", "py3"}:
            return body
    return blocks[0][1] if blocks else None


def test_the_rules() -> None:
    assert fenced_code("text\n```\nx = 1\n```\n```python\ny = 2\n```\n") == "y = 2\n"
    assert fenced_code("```js\nlet a\n```\n") == "let a\n"
    assert fenced_code("~~~py\nz = 3\n~~~\n") == "z = 3\n"
    assert fenced_code("````python\nprint('```')\n````\n") == "print('```')\n"
    assert fenced_code("no fence here") is None
    assert fenced_code("```python\nx = 1\n") is None  # never closed
    assert fenced_code("```python\n```") == ""  # closed on the last line
    assert fenced_code("~~~~~ python\nx\n~~~\n") == "x\n"  # '~~~' + info '~~ python'


_PIECES = st.sampled_from(
    ["```", "````", "~~~", "~~~~", "`", "~", " ", "   ", "\t", "\n", "\n", "\n", "\r"]
    + ["python", "py", "js", "x = 1", "a`b"]
)


@settings(max_examples=3000, deadline=None)
@given(st.lists(_PIECES, max_size=40).map("".join))
def test_the_same_blocks_as_the_expression(text: str) -> None:
    assert fenced_code(text) == _oracle(text)


NEVER_CLOSED = (
    "".join("`" * k + "\nx\n" for k in range(1400, 2, -1)),
    "".join("~" * k + " py\nx\n" for k in range(1400, 2, -1)),
)
"""Each line a shorter fence than the one before: none closes an earlier one (the
expression looked for a close from every line to the end: 5 s a MB). benchmarks/guards.py
keeps the clock on them."""


def test_fences_that_never_close_are_no_block() -> None:
    assert [fenced_code(text) for text in NEVER_CLOSED] == [None, None]
    cut = NEVER_CLOSED[1][:20_000]  # its last line a run of tildes, which closes the first fence
    assert fenced_code(cut) == _oracle(cut) is not None
