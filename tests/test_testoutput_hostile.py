"""parse_test_output must never raise and must stay fast on hostile input."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings, strategies as st

from annotator.failures.testoutput import TestReport, parse_test_output

REALISTIC = """\
============================= test session starts ==============================
collected 2 items

=================================== FAILURES ===================================
_________________________________ test_forward _________________________________

    def test_forward():
>       out = model(torch.randn(64, 512))
E       RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)

project/temp.py:20: RuntimeError
__________________________________ test_other __________________________________
tests/t.py:3: in test_other
    f()
E   AssertionError: Tensor-likes are not close!
E   Mismatched elements: 3 / 4 (75.0%)
=========================== short test summary info ============================
FAILED tests/t.py::test_forward - RuntimeError: mat1
========================= 2 failed, 1 passed in 0.52s ==========================
"""

# Fragments that steer the parser into each of its states.
TOKENS = [
    "=== FAILURES ===",
    "=== ERRORS ===",
    "=== short test summary info ===",
    "___ test_x ___",
    "_ _ _ _",
    "E   ",
    "E       ValueError: ",
    "> ",
    "x.py:1: in f",
    "x.py:2: ",
    "x.py:3: RuntimeError",
    "Traceback (most recent call last):",
    '  File "a.py", line 1, in f',
    "<failure message='",
    "<testcase name=",
    "</failure>",
    "torch.Size([",
    "Mismatched elements: ",
    "\n",
    "\x00",
    "(((((",
    "]]]]",
    "9" * 30,
]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text())
def test_random_text_never_raises(text: str) -> None:
    assert isinstance(parse_test_output(text), TestReport)


@settings(max_examples=200, deadline=None)
@given(st.binary())
def test_binary_decoded_never_raises(data: bytes) -> None:
    for codec in ("utf-8", "latin-1"):
        assert isinstance(parse_test_output(data.decode(codec, "replace")), TestReport)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(TOKENS) | st.text(max_size=20), max_size=60))
def test_token_soup_never_raises(parts: list[str]) -> None:
    assert isinstance(parse_test_output("".join(parts)), TestReport)
    assert isinstance(parse_test_output("\n".join(parts)), TestReport)


@settings(max_examples=100, deadline=None)
@given(st.integers(min_value=0, max_value=len(REALISTIC)))
def test_truncated_real_output_is_partial_not_an_error(cut: int) -> None:
    report = parse_test_output(REALISTIC[:cut])
    assert isinstance(report, TestReport)
    if cut == len(REALISTIC):
        assert len(report.failures) == 2


def test_wrong_types_do_not_raise() -> None:
    assert parse_test_output(b"E   ValueError: x" * 3) is not None  # type: ignore[arg-type]
    assert parse_test_output(None) is not None  # type: ignore[arg-type]


def test_ten_mb_single_line_parses() -> None:
    # Its time is benchmarks/guards.py's.
    line = "E   " + "x" * (10 * 1024 * 1024)
    assert isinstance(parse_test_output("=== FAILURES ===\n___ t ___\n" + line), TestReport)
    assert isinstance(parse_test_output(line), TestReport)


def test_nul_bytes_and_nested_brackets() -> None:
    nested = "(" * 200_000 + ")" * 200_000
    text = REALISTIC.replace("RuntimeError: mat1", "RuntimeError: \x00mat1" + nested)
    report = parse_test_output(text + "\x00" * 1000)
    assert report.failures and report.failures[0].exception_type == "RuntimeError"
    assert isinstance(parse_test_output("[" * 100_000), TestReport)


def test_many_failures_are_all_found() -> None:
    # Its time (linear) is benchmarks/guards.py's.
    big = REALISTIC * 2000  # ~2.2 MB, 4000 failures
    assert len(parse_test_output(big).failures) == 4000
