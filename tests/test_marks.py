"""Marks: the exact expression a fact points at (source + failure -> marked spans).

Each example is a small sample: generated code, reference, the failing
line's exception and message (and the frame after the generated code's, when
the error is raised in a library), and the marks expected as (side, fact,
marked text). Then: columns with tabs and non-ASCII down to the drawn Text,
hostile input, and the realigned failing line.
"""

from __future__ import annotations

import time

import pytest
from hypothesis import given, settings, strategies as st

from annotator.codeview.cstspan import SourcePositions, Span
from annotator.codeview.marks import GENERATED, REFERENCE, Mark, code_marks
from annotator.failures.outputmodels import FailedTest, Frame
from annotator.failures.primary import realigned
from annotator.tui.render import code_lines, mark_offsets, visible

HEAD = "import torch\nimport torch.nn.functional as F\n\ndef f(a, b):\n"
LINE = 5  # the function's first body line

Expected = tuple[str, str, str]

EXAMPLES: list[tuple[str, str, str, str, str, str, list[Expected]]] = [
    (
        "a keyword value differs",
        "    return torch.cat([a, b], dim=0)\n",
        "    return torch.cat([a, b], dim=1)\n",
        "RuntimeError",
        "Sizes of tensors must match",
        "",
        [
            (GENERATED, "out:in_generated", "torch.cat([a, b], dim=0)"),
            (REFERENCE, "out:in_generated", "torch.cat([a, b], dim=1)"),
            (GENERATED, "code:call_differs", "0"),
            (REFERENCE, "code:call_differs", "1"),
        ],
    ),
    (
        "a positional constant differs",
        "    return a.sum(0)\n",
        "    return a.sum(1) + b\n",
        "RuntimeError",
        "shape",
        "",
        [
            (GENERATED, "out:in_generated", "a.sum(0)"),
            (REFERENCE, "out:in_generated", "a.sum(1)"),
            (GENERATED, "code:call_differs", "0"),
            (REFERENCE, "code:call_differs", "1"),
        ],
    ),
    (
        "a keyword only the reference passes (not the last one)",
        "    return F.softmax(a)\n",
        "    return F.softmax(a, dim=-1, dtype=None)\n",
        "RuntimeError",
        "boom",
        "",
        [
            (GENERATED, "out:in_generated", "F.softmax(a)"),
            (REFERENCE, "out:in_generated", "F.softmax(a, dim=-1, dtype=None)"),
            (REFERENCE, "code:call_differs", "dim=-1"),
        ],
    ),
    (
        "another callee of the same name",
        "    return np.concatenate([a, b], axis=0)\n",
        "    return torch.concatenate([a, b], axis=0)\n",
        "TypeError",
        "expected np.ndarray",
        "",
        [
            (GENERATED, "out:in_generated", "np.concatenate([a, b], axis=0)"),
            (REFERENCE, "out:in_generated", "torch.concatenate([a, b], axis=0)"),
            (GENERATED, "code:call_differs", "np.concatenate"),
            (REFERENCE, "code:call_differs", "torch.concatenate"),
            (GENERATED, "code:undefined_module_alias", "np"),
        ],
    ),
    (
        "the call the library frame names, not the outermost one",
        "    return helper(a) + torch.sum(b, dim=2)\n",
        "    return torch.sum(b, dim=2)\n",
        "IndexError",
        "Dimension out of range",
        "sum",
        [
            (GENERATED, "out:library_call", "torch.sum(b, dim=2)"),
            (REFERENCE, "out:library_call", "torch.sum(b, dim=2)"),
            (GENERATED, "code:call_not_in_reference", "helper(a)"),
            (GENERATED, "code:undefined_local", "helper"),
        ],
    ),
    (
        "the missing attribute",
        "    y = a + 1\n",
        "    y = a + 1\n",
        "AttributeError",
        "'Tensor' object has no attribute 'reshape_as1'",
        "",
        [],
    ),
    (
        "the subscript of an IndexError",
        "    return a[0] + b[5]\n",
        "    return a[0]\n",
        "IndexError",
        "index 5 is out of bounds",
        "",
        [(GENERATED, "out:in_generated", "a[0]")],
    ),
    (
        "the undefined name of a NameError (one mark for two facts)",
        "    return np.zeros(3) + a\n",
        "    return torch.zeros(3) + a\n",
        "NameError",
        "name 'np' is not defined",
        "",
        [
            (GENERATED, "out:in_generated", "np"),
            (GENERATED, "code:call_differs", "np.zeros"),
            (REFERENCE, "code:call_differs", "torch.zeros"),
        ],
    ),
    (
        "the module an ImportError names",
        "    from torch_sparse import coalesce\n",
        "    return a\n",
        "ModuleNotFoundError",
        "No module named 'torch_sparse'",
        "",
        [(GENERATED, "out:in_generated", "torch_sparse")],
    ),
    (
        "the raise statement, with a tab and non-ASCII text",
        "\tif a:\n\t\traise ValueError('tenseur vidé')\n",
        "    return a\n",
        "ValueError",
        "tenseur vidé",
        "",
        [
            (GENERATED, "out:own_raise", "raise ValueError('tenseur vidé')"),
            (GENERATED, "code:call_not_in_reference", "ValueError('tenseur vidé')"),
        ],
    ),
]


def _failure(code: str, line: int, exception: str, message: str, callee: str) -> FailedTest:
    lines = code.split("\n")
    text = lines[line - 1].strip() if 0 < line <= len(lines) else ""
    frame = Frame("/tmp/generated.py", line, "f", text)
    frames = [frame]
    if callee:
        frames.append(Frame("/usr/lib/python3/site-packages/torch/x.py", 10, callee, "..."))
    return FailedTest("test_f", exception, message, frames=frames, generated_frame=frame)


def _marked(marks: tuple[Mark, ...], generated: str, reference: str) -> list[Expected]:
    out = []
    for mark in marks:
        source = SourcePositions(generated if mark.side == GENERATED else reference)
        assert source.parsed
        statement = source.statement(mark.span.start_line)
        assert statement is not None
        out.append((mark.side, mark.fact, statement.text(mark.span)))
    return out


@pytest.mark.parametrize(
    ("generated", "reference", "exception", "message", "callee", "expected"),
    [pytest.param(*example[1:], id=example[0]) for example in EXAMPLES],
)
def test_the_expression_a_fact_points_at_is_marked(
    generated: str,
    reference: str,
    exception: str,
    message: str,
    callee: str,
    expected: list[Expected],
) -> None:
    gen, ref = HEAD + generated, HEAD + reference
    line = LINE + generated.count("\n") - 1  # the last line of the example
    failure = _failure(gen, line, exception, message, callee)
    marks = code_marks(gen, ref, failure, line, LINE + reference.count("\n") - 1)
    assert _marked(marks, gen, ref) == expected


def test_the_missing_attribute_is_marked() -> None:
    code = HEAD + "    return a.reshape_as1(b).sum()\n"
    failure = _failure(code, LINE, "AttributeError", "object has no attribute 'reshape_as1'", "")
    marks = code_marks(code, "", failure, LINE)
    assert _marked(marks, code, "")[0] == (GENERATED, "out:in_generated", "a.reshape_as1")


def test_the_analysis_findings_say_they_are_evidence() -> None:
    gen = HEAD + "    return torch.cat([a, b], dim=0)\n"
    ref = HEAD + "    return torch.cat([a, b], dim=1)\n"
    marks = code_marks(gen, ref, _failure(gen, LINE, "RuntimeError", "x", ""), LINE, LINE)
    assert {m.fact: m.evidence for m in marks} == {
        "out:in_generated": False,
        "code:call_differs": True,
    }


def test_without_a_failing_line_only_code_findings_are_marked() -> None:
    code = HEAD + "    return np.zeros(3)\n"
    assert [(m.fact, m.span) for m in code_marks(code, "", None, None)] == [
        ("code:undefined_module_alias", Span(LINE, 11, LINE, 13))
    ]


def test_an_indented_method_body_is_marked_in_its_own_columns() -> None:
    code = "    def f(self, a):\n        return torch.cat([a], dim=0)\n"
    failure = _failure(code, 2, "RuntimeError", "x", "")
    (mark,) = [m for m in code_marks(code, "", failure, 2) if m.fact == "out:in_generated"]
    assert code.split("\n")[1][mark.span.start_col : mark.span.end_col] == "torch.cat([a], dim=0)"


# -- columns down to the drawn text ---------------------------------------------
COLUMN_CASES = [
    ("def f(x):\n\tyé = torch.cat([x, x], dim=0)  # ü\n", "torch.cat([x, x], dim=0)"),
    ("def f(x):\n    s = '日本語\t🙂'; t = torch.cat([x], dim=0)\n", "torch.cat([x], dim=0)"),
    ("def f(x):\n    s = '\x1b[31m\u202e'; t = torch.cat([x], dim=0)\n", "torch.cat([x], dim=0)"),
    (
        "def f(x):\n\treturn torch.cat([x,\n\t\tx], dim=0)\n",
        "torch.cat([x,\n\t\tx], dim=0)",
    ),
]


@pytest.mark.parametrize(
    ("code", "expression"), COLUMN_CASES, ids=["tab-accent", "cjk-emoji", "escapes", "two-lines"]
)
def test_columns_are_code_points_and_land_on_the_drawn_text(code: str, expression: str) -> None:
    """libcst columns count code points, as Python and Rich Text do; tabs and
    escapes widen the drawn line and the offsets follow them."""
    failure = _failure(code, 2, "RuntimeError", "x", "")
    (mark,) = [m for m in code_marks(code, "", failure, 2) if m.fact == "out:in_generated"]
    lines = code_lines(code, marked=2)
    offsets = mark_offsets(code, lines, [mark.span])
    drawn = [lines[row].plain[a:b] for row, spans in sorted(offsets.items()) for a, b in spans]
    wanted = [visible(part.lstrip()) for part in expression.split("\n")]
    assert drawn == wanted


def test_offsets_skip_lines_not_shown_as_written() -> None:
    code = "x = 1\n"
    lines = code_lines(code)
    assert mark_offsets(code, lines, [Span(1, 0, 1, 1)]) == {0: [(len(lines[0].plain) - 5, 4)]}
    assert mark_offsets(code, lines, [Span(3, 0, 3, 1)]) == {}  # past the end
    assert mark_offsets("   \n", code_lines("   \n"), [Span(1, 0, 1, 2)]) == {}  # '(empty)'


# -- hostile input ----------------------------------------------------------------
HOSTILE_IDS = [
    "syntax-error",
    "huge-line",
    "deep-nesting",
    "nul",
    "lone-cr",
    "lone-surrogate",
    "form-feed",
    "else-line",
    "odd-indent",
]
HOSTILE = [
    "def f(:\n    return torch.cat(\n",  # a syntax error
    "x = [" + "1, " * 400_000 + "]\n",  # a 1.2 MB line
    "x = " + "(" * 3000 + "1" + ")" * 3000 + "\n",  # nesting past the parser's limits
    "def f():\n\x00    return 1\n",  # NUL
    "def f():\r    return g(x)\r",  # lone carriage returns: other line numbers
    "def f():\n    return g('\ud800')\n",  # a lone surrogate
    "def f():\n\f    return g(x)\n",  # form feed in the indentation
    "if x:\n    pass\nelse:\n    g(x)\n",
    "\t  \tdef f():\n\t  \t\treturn g(x)\n",
]


@pytest.mark.parametrize("code", HOSTILE, ids=HOSTILE_IDS)
def test_hostile_code_gives_no_mark_rather_than_a_crash(code: str) -> None:
    start = time.perf_counter()
    for line in (1, 2, 3, 4, 10**6):
        failure = _failure(code + "\n" * 5, line, "NameError", "name 'g' is not defined", "g")
        for mark in code_marks(code, code, failure, line, line):
            lines = code.split("\n")
            assert 0 <= mark.span.start_col <= len(lines[mark.span.start_line - 1])
            mark_offsets(code, code_lines(code), [mark.span])
    assert time.perf_counter() - start < 30  # no quadratic blow-up (a hang, not a timing)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("ab(),=:[]\t\n #'\"é\x1b\r\\.0")), max_size=80))
def test_any_text_marks_without_raising(code: str) -> None:
    failure = _failure(code + "\n\n", 1, "IndexError", "index 0 is out of range", "")
    for mark in code_marks(code, code, failure, 1, 1):
        assert mark.span.start_line >= 1


# -- the failing line --------------------------------------------------------------
def test_the_failing_line_is_the_nearest_one_that_reads_as_the_frame() -> None:
    code = "import torch\n\n\ndef f(x):\n    y = x\n    return torch.cat([y], dim=0)\n"
    assert realigned(code, 6, "return torch.cat([y], dim=0)") == 6  # already right
    assert realigned(code, 2, "return torch.cat( [y], dim=0 )") == 6  # off, other spacing
    assert realigned(code, 2, "return something_else()") == 2  # nowhere: kept
