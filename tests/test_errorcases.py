"""The pre-test 'Error Cases' block of a DL-Bench result: its errors, each with its line."""

from __future__ import annotations

from annotator.failures.primary import primary_error, report_of
from annotator.failures.testoutput import parse_test_output
from annotator.suggest.features import sample_facts


def _result(block: str, run: str = "") -> str:
    return (
        "output file:\nx.json\nfunction:\nscale\nError Cases:\n"
        f"{block}\nPass or Failed: 1\n\nRelated Failed Test Cases:\nset()\n\n"
        f"All Test Cases On Generated code:\n{run}\n\nFinal Test Result:\n"
        "============================= test session starts ==============================\n"
        "==================== 1 passed in 0.1s ====================\n"
    )


CONFTEST = """ImportError while loading conftest '/src/pkg/conftest.py'.
../src/pkg/conftest.py:10: in <module>
    import pkg
../src/pkg/pkg/ops.py:58: in Ops
    def scale(self, x: torch.Tensor) -> torch.Tensor:
E   NameError: name 'torch' is not defined"""

NOISE = """2025-01-09 18:43:16.678066: E external/local_xla/cuda_fft.cc:477] Unable to register cuFFT factory
E0000 00:00:1736466196.689610 2792293 cuda_dnn.cc:8310] Unable to register cuDNN factory
/src/pkg/checkpoint.py:16: DeprecationWarning: `TorchScript` support is deprecated
Exception ignored in: <function Pool.__del__ at 0x7465>
Traceback (most recent call last):
  File "/usr/lib/python3.11/multiprocessing/pool.py", line 271, in __del__
    self._change_notifier.put(None)
OSError: [Errno 9] Bad file descriptor"""


def test_conftest_error_is_read_with_its_line_and_frame() -> None:
    report = parse_test_output(_result(CONFTEST))
    [error] = report.pre_test_errors
    assert (error.exception_type, error.message) == ("NameError", "name 'torch' is not defined")
    assert error.output_line == 6 and error.phase == "pre-test"
    assert error.frames[-1].line == 58


def test_usage_errors_are_read_and_log_noise_is_not() -> None:
    block = f"{NOISE}\nERROR: file or directory not found: tests/test_ops.py::TestScale\n"
    [error] = parse_test_output(_result(block)).pre_test_errors
    assert error.exception_type == "UsageError"
    assert error.message == "file or directory not found: tests/test_ops.py::TestScale"
    assert error.output_line == 6 + block.splitlines().index(block.splitlines()[-1])
    assert parse_test_output(_result(NOISE)).pre_test_errors == []


def test_an_empty_test_run_takes_the_pre_test_error_as_primary() -> None:
    text = _result(CONFTEST)
    report = report_of(text, {"function": "scale"})
    assert report.failures == [] and report.collection_errors == []
    primary = primary_error(report, "import numpy\n")
    assert primary.exception == "NameError"


def test_evidence_names_each_pre_test_error_with_its_line() -> None:
    facts = sample_facts("def scale(x):\n    return x\n", "", _result(CONFTEST), "scale")
    evidence = facts.flags["out:pre_test_error"]
    assert evidence.startswith("before the tests ran, output line 6: NameError: name 'torch'")
    assert "ops.py:58: def scale(self" in evidence


def test_no_block_no_pre_test_errors() -> None:
    assert parse_test_output(CONFTEST).pre_test_errors == []
    assert parse_test_output("Error Cases:\nERROR: x\n").pre_test_errors == []
