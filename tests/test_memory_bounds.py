"""Memory is bounded by design (issue 13.8): huge samples are not analysed,
diffed or rendered whole, and an analyser failure is never stored as a fact."""

from __future__ import annotations

import ast

import pytest
from tui.conftest import TRACEBACK

from annotator.failures.testoutput import MAX_PARSED_CHARS, parse_test_output
from annotator.suggest.analysis import MAX_ANALYSED_CHARS, analyze_code
from annotator.suggest.features import sample_facts
from annotator.tui.render import MAX_DIFF_CHARS, MAX_SHOWN_CHARS, code_lines, diff_lines

OUTPUT = "E   NameError: name 'torch' is not defined\nFAILED t.py::test_x - NameError\n"


def _huge(size: int) -> str:
    line = "y = undefined_thing + 1  # padding padding padding\n"
    return line * (size // len(line) + 1)


def test_code_over_the_limit_is_not_analysed_and_yields_no_code_fact() -> None:
    code = _huge(MAX_ANALYSED_CHARS + 10)
    facts = analyze_code(code, code)
    assert facts.not_analysed is not None and "too large to analyse" in facts.not_analysed
    assert facts.syntax_error is None and not facts.undefined_names
    found = sample_facts(code, code, OUTPUT)
    assert not any(name.startswith("code:") for name in found.flags), found.flags


def test_an_analyser_memory_error_is_not_a_syntax_error(monkeypatch: pytest.MonkeyPatch) -> None:
    def out_of_memory(*args: object, **kwargs: object) -> ast.Module:
        raise MemoryError

    monkeypatch.setattr("annotator.suggest.analysis.ast.parse", out_of_memory)
    facts = analyze_code("x = 1\n")
    assert facts.syntax_error is None and facts.not_analysed is not None
    found = sample_facts("x = 1\n", "", OUTPUT)
    assert "code:syntax_error" not in found.flags
    assert all("MemoryError" not in evidence for evidence in found.flags.values())


def test_huge_test_output_is_parsed_by_its_ends() -> None:
    text = TRACEBACK.format(fn="f", n=3, exc="ValueError", msg="bad shape")
    head, tail = text.split("=== FAILURES ===", 1)
    noise = "captured noise line\n" * (MAX_PARSED_CHARS // 10)
    report = parse_test_output(head + noise + "=== FAILURES ===" + tail)
    assert report.failures and report.failures[0].exception_type.endswith("ValueError"), report


def test_views_show_a_first_page_and_say_what_is_left_out() -> None:
    code = _huge(5_000_000)
    lines = code_lines(code)
    shown = sum(len(line.plain) for line in lines)
    assert shown < MAX_SHOWN_CHARS * 1.2
    assert "not shown" in lines[-1].plain and "5.0 MB" in lines[-1].plain
    diff = diff_lines(code, "x = 1\n")
    assert len(diff) == 1 and "too large to diff" in diff[0].plain
    assert len(diff_lines("a = 1\n" * 10, "b = 1\n" * 10)) > 1
    assert MAX_DIFF_CHARS < MAX_SHOWN_CHARS
