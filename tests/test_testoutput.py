"""parse_test_output on hand-written fixtures and on the real DL-Bench Result files."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.failures.testoutput import parse_test_output

DLBENCH = Path(__file__).resolve().parents[2] / "shared" / "dlbench"

MATMUL = """\
============================= test session starts ==============================
collecting ... collected 2 items

tests/test_model.py::test_forward FAILED                                 [ 50%]
tests/test_model.py::test_shape PASSED                                   [100%]

=================================== FAILURES ===================================
_________________________________ test_forward _________________________________

    def test_forward():
        model = Net()
>       out = model(torch.randn(64, 512))

tests/test_model.py:12: 
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 
venv/lib/python3.11/site-packages/torch/nn/modules/module.py:1747: in _call_impl
    return forward_call(*args, **kwargs)
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ 

self = Net(), x = tensor([[...]])

    def forward(self, x):
>       return self.fc(x)
E       RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)

project/temp.py:20: RuntimeError
=========================== short test summary info ============================
FAILED tests/test_model.py::test_forward - RuntimeError: mat1 and mat2 shapes...
========================= 1 failed, 1 passed in 0.52s ==========================
"""

ATTRIBUTE = """\
============================= test session starts ==============================
collected 1 item

tests/test_ops.py F                                                      [100%]

=================================== FAILURES ===================================
___________________________________ test_op ____________________________________
tests/test_ops.py:5: in test_op
    y = my_op(x)
src/temp.py:3: in my_op
    return torch.foo(x)
E   AttributeError: module 'torch' has no attribute 'foo'
=========================== short test summary info ============================
FAILED tests/test_ops.py::test_op - AttributeError: module 'torch' has no att...
============================== 1 failed in 0.10s ===============================
"""

ASSERT_CLOSE = """\
============================= test session starts ==============================
collected 1 item

=================================== FAILURES ===================================
_______________________________ TestRgb.test_hls _______________________________

self = <test_color.TestRgb object at 0x7f0011223344>

    def test_hls(self):
>       torch.testing.assert_close(rgb_to_hls(img), expected)
E       AssertionError: Tensor-likes are not close!
E       
E       Mismatched elements: 3 / 4 (75.0%)
E       Greatest absolute difference: 0.5 at index (0, 1) (up to 1e-05 allowed)
E       Greatest relative difference: 0.25 at index (0, 1) (up to 1.3e-06 allowed)

tests/test_color.py:9: AssertionError
=========================== short test summary info ============================
FAILED tests/test_color.py::TestRgb::test_hls - AssertionError: Tensor-likes ...
============================== 1 failed in 0.10s ===============================
"""

DID_NOT_RAISE = """\
============================= test session starts ==============================
collected 1 item

=================================== FAILURES ===================================
______________________________ test_bad_input ________________________________

    def test_bad_input():
        with pytest.raises(ValueError):
>           draw_point2d(img, pts, color)
E           Failed: DID NOT RAISE <class 'ValueError'>

tests/test_draw.py:30: Failed
============================== 1 failed in 0.10s ===============================
"""

TIMEOUT = """\
============================= test session starts ==============================
collected 1 item

tests/test_slow.py::test_loop FAILED                                     [100%]

=================================== FAILURES ===================================
__________________________________ test_loop ___________________________________

    def test_loop():
>       slow_fn()
E       Failed: Timeout >10.0s

tests/test_slow.py:4: Failed
============================== 1 failed in 10.02s ==============================
"""

COLLECTION_SYNTAX = """\
============================= test session starts ==============================
collected 0 items / 1 error

==================================== ERRORS ====================================
_____________________ ERROR collecting tests/test_util.py ______________________
venv/lib/python3.11/site-packages/_pytest/python.py:617: in _importtestmodule
    mod = import_path(self.path, mode=importmode, root=self.config.rootpath)
tests/test_util.py:3: in <module>
    from pkg.temp import helper
E     File "/repo/pkg/temp.py", line 7
E       def helper(x:
E                    ^
E   SyntaxError: '(' was never closed
=========================== short test summary info ============================
ERROR tests/test_util.py
!!!!!!!!!!!!!!!!!!!! Interrupted: 1 error during collection !!!!!!!!!!!!!!!!!!!!
=============================== 1 error in 0.20s ===============================
"""

PLAIN = """\
Traceback (most recent call last):
  File "/work/run.py", line 10, in <module>
    main()
  File "/work/solution.py", line 4, in normalize
    return x / x.sum(dim=1, keepdims=True)
TypeError: sum() received an invalid combination of arguments
"""

JUNIT = """<?xml version="1.0" encoding="utf-8"?>
<testsuites><testsuite name="pytest" errors="0" failures="1" tests="2">
<testcase classname="tests.test_loss" name="test_focal" time="0.01">
<failure message="ValueError: not enough values to unpack (expected 2, got 1)" type="ValueError">\
def test_focal():
&gt;       a, b = focal_loss(x)
E       ValueError: not enough values to unpack (expected 2, got 1)

tests/test_loss.py:8: ValueError</failure></testcase>
<testcase classname="tests.test_loss" name="test_ok" time="0.01"/>
</testsuite></testsuites>
"""


def test_matmul_shapes_counts_and_generated_frame() -> None:
    r = parse_test_output(MATMUL, function="forward")
    assert r.format == "pytest"
    assert (r.counts.failed, r.counts.passed, r.collected) == (1, 1, 2)
    [f] = r.failures
    assert f.test_id == "tests/test_model.py::test_forward"
    assert f.exception_type == "RuntimeError"
    assert (64, 512) in f.shapes and (256, 10) in f.shapes
    assert [fr.file for fr in f.frames][-1] == "project/temp.py"
    assert f.generated_frame is not None and f.generated_frame.function == "forward"
    assert f.generated_frame.line == 20 and f.generated_frame.code == "return self.fc(x)"
    assert (
        r.primary_error
        == "RuntimeError: mat1 and mat2 shapes cannot be multiplied (<shape> and <shape>)"
    )


def test_attribute_error_short_style() -> None:
    r = parse_test_output(ATTRIBUTE)
    [f] = r.failures
    assert f.exception_type == "AttributeError"
    assert f.message == "module 'torch' has no attribute 'foo'"
    assert [(fr.function, fr.line) for fr in f.frames] == [("test_op", 5), ("my_op", 3)]
    assert f.generated_frame is not None and f.generated_frame.code == "return torch.foo(x)"


def test_assert_close_numbers() -> None:
    r = parse_test_output(ASSERT_CLOSE)
    [f] = r.failures
    assert f.test_id == "tests/test_color.py::TestRgb::test_hls"
    assert f.assertion is not None
    a = f.assertion
    assert (a.kind, a.mismatched, a.total, a.mismatch_pct) == ("assert_close", 3, 4, 75.0)
    assert (a.max_abs_diff, a.max_rel_diff, a.atol, a.rtol) == (0.5, 0.25, 1e-05, 1.3e-06)
    assert f.generated_frame is None  # only the test file is on the stack


def test_did_not_raise() -> None:
    r = parse_test_output(DID_NOT_RAISE)
    assert r.did_not_raise and r.failures[0].did_not_raise
    assert r.failures[0].exception_type == "Failed"
    assert not r.timeout


def test_timeout() -> None:
    r = parse_test_output(TIMEOUT)
    assert r.timeout and r.failures[0].timeout
    assert not r.did_not_raise


def test_collection_syntax_error() -> None:
    r = parse_test_output(COLLECTION_SYNTAX)
    assert not r.failures
    [c] = r.collection_errors
    assert c.phase == "collect" and c.test_id == "tests/test_util.py"
    assert c.exception_type == "SyntaxError"
    assert c.message == "'(' was never closed"
    assert r.counts.errors == 1 and r.collected == 0
    assert r.primary_error == "SyntaxError: <q> was never closed"


def test_no_tests_ran() -> None:
    r = parse_test_output("===== test session starts =====\n===== no tests ran in 0.01s =====\n")
    assert r.no_tests_ran and not r.all_failures()


def test_plain_traceback() -> None:
    r = parse_test_output(PLAIN, function="normalize")
    assert r.format == "traceback"
    [f] = r.failures
    assert f.exception_type == "TypeError"
    assert f.generated_frame is not None
    assert (f.generated_frame.file, f.generated_frame.line) == ("/work/solution.py", 4)
    assert f.generated_frame.code.startswith("return x / x.sum")


def test_junit_failure_body() -> None:
    r = parse_test_output(JUNIT)
    assert r.format == "junit"
    [f] = r.failures
    assert f.test_id == "tests.test_loss::test_focal"
    assert f.exception_type == "ValueError"
    assert f.message == "not enough values to unpack (expected 2, got 1)"
    assert f.frames and f.frames[-1].code == "a, b = focal_loss(x)"
    assert r.primary_error == "ValueError: not enough values to unpack (expected <n>, got <n>)"


def test_dlbench_header_uses_first_run_only() -> None:
    text = (
        "output file:\nx.json\nfunction:\nforward\nError Cases:\n\nPass or Failed: 0\n\n"
        "All Test Cases On Generated code:\n"
        + ATTRIBUTE
        + "\n\nFinal Test Result:\n"
        + MATMUL
        + "\n\nInitial Result:\n"
        + MATMUL
    )
    r = parse_test_output(text)
    assert [f.exception_type for f in r.failures] == ["AttributeError"]


def _result_files() -> list[Path]:
    if not (DLBENCH / "Result").is_dir():
        pytest.skip("DL-Bench data not available")
    return sorted((DLBENCH / "Result").glob("*.txt"))


def test_every_dlbench_result_parses_and_failures_are_found() -> None:
    files = _result_files()
    failing = found = 0
    missed: list[str] = []
    for path in files:
        text = path.read_text(errors="replace")
        report = parse_test_output(text)
        if "Pass or Failed: 0" not in text:
            continue
        failing += 1
        if report.all_failures():
            found += 1
        else:
            missed.append(path.name)
    print(f"failing samples with a recorded failure: {found}/{failing}; missed: {missed}")
    assert failing > 100
    # Measured: 164/164 on the DL-Bench snapshot used to build this.
    assert found / failing >= 0.95


def test_dlbench_exception_types_mostly_known() -> None:
    files = _result_files()
    typed = total = 0
    for path in files:
        text = path.read_text(errors="replace")
        if "Pass or Failed: 0" not in text:
            continue
        primary = parse_test_output(text).primary_failure()
        total += 1
        typed += bool(primary and primary.exception_type)
    assert typed / total >= 0.95


# -- short outputs (#15.3): one line still names a failure ---------------------


def test_a_short_summary_line_alone_is_a_failure_with_a_fingerprint() -> None:
    from annotator.suggest.features import sample_facts

    text = "FAILED test_x.py::test_f - AssertionError: assert 1 == 2"
    report = parse_test_output(text)
    (failure,) = report.failures
    assert (failure.test_id, failure.exception_type, failure.message) == (
        "test_x.py::test_f",
        "AssertionError",
        "assert 1 == 2",
    )
    facts = sample_facts("def f():\n    return 1\n", "", text)
    assert facts.exception == "AssertionError"
    assert facts.fingerprint == "AssertionError: assert <n> == <n>"
    assert not facts.has("out:no_failure")


def test_a_lone_e_line_is_a_failure() -> None:
    report = parse_test_output("E   ValueError: expected 4 channels, got 3")
    (failure,) = report.failures
    assert (failure.exception_type, failure.message) == ("ValueError", "expected 4 channels, got 3")
    assert report.primary_error == "ValueError: expected <n> channels, got <n>"


def test_a_bare_exception_line_is_a_failure_but_a_warning_is_not() -> None:
    assert parse_test_output("RuntimeError: CUDA out of memory").failures[0].exception_type == (
        "RuntimeError"
    )
    assert parse_test_output("UserWarning: deprecated").failures == []
    assert parse_test_output("all good").failures == []


def test_a_short_error_line_without_node_is_a_collection_error() -> None:
    report = parse_test_output("ERROR test_x.py - ModuleNotFoundError: No module named 'foo'")
    (error,) = report.collection_errors
    assert (error.phase, error.exception_type) == ("collect", "ModuleNotFoundError")


def test_the_error_panel_and_the_suggester_read_the_same_parse() -> None:
    from annotator.suggest.features import sample_facts
    from annotator.tui.sample_data import analyse_failure

    output = (
        "Traceback (most recent call last):\n"
        '  File "/x/run.py", line 3, in <module>\n'
        "    main()\n"
        '  File "/x/generated.py", line 2, in f\n'
        "    return 1 / 0\n"
        "ZeroDivisionError: division by zero\n"
    )
    code = "def f():\n    return 1 / 0\n"
    panel = analyse_failure(output, code)
    facts = sample_facts(code, "", output)
    assert (panel.exception, panel.line, panel.function) == ("ZeroDivisionError", 2, "f")
    assert facts.primary == panel.to_json()
    assert facts.line == 2


def test_function_of_reads_function_then_entry_point() -> None:
    from annotator.failures.primary import function_of

    assert function_of({"function": "f", "entry_point": "g"}) == "f"
    assert function_of({"entry_point": "g"}) == "g"
    assert function_of({"function": 3}) is None
    assert function_of(None) is None
