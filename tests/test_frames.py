"""Frames attributed honestly: a line of the generated code only where its code line is found.

DL-Bench ran each generated function inside a copy of its repository's file,
so a traceback names that file's lines: "temp.py:871" for a 48-line
generated function, and frames of the repository's own code called from it.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.demo import DEMO_PATH
from annotator.failures.frames import attribute
from annotator.failures.primary import primary_error, primary_failure
from annotator.failures.testoutput import parse_test_output
from annotator.suggest.features import sample_facts

GENERATED = """\
import torch


def init_hessian(model, device):
    n = sum(p.numel() for p in model.parameters())
    h = torch.zeros(n, n, device=device)
    return h.reshape(n, n)
"""

# The repository file (temp.py) holds the generated function at line 870;
# the error is raised in the repository's own code it calls (line 1557).
OUTPUT = """\
=================================== FAILURES ===================================
_______________________________ test_hessian _______________________________

    def test_hessian():
>       h = fit(model)

tests/test_laplace.py:12:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def init_hessian(model, device):
        n = sum(p.numel() for p in model.parameters())
>       h = torch.zeros(n, n, device=device)

laplace/temp.py:871:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def _make(self, n):
>       out = torch.zeros(self.n_params, self.n_params, device=self._device)
E       TypeError: zeros() received an invalid combination of arguments

laplace/temp.py:1557: TypeError
=========================== short test summary info ============================
FAILED tests/test_laplace.py::test_hessian - TypeError: zeros() received an invalid combination
============================== 1 failed in 0.10s ===============================
"""

_LINE = re.compile(r"(?<!test )(?<!output )\bline (\d+)")


def _lines_named(flags: dict[str, str]) -> set[int]:
    return {int(n) for text in flags.values() for n in _LINE.findall(text)}


def test_a_frame_is_the_generated_code_only_where_its_line_is_found() -> None:
    report = parse_test_output(OUTPUT, "init_hessian")
    failure = primary_failure(report)
    assert failure is not None
    found = attribute(failure, GENERATED)
    # temp.py:871 reads as line 6 of the generated code; temp.py:1557 reads as
    # nothing in it: the repository's code, though the file is "temp.py".
    assert found.lines == (None, 6, None)
    assert found.line == 6 and not found.raised_in_generated
    assert found.where() == (
        "in the repository's code at laplace/temp.py:1557,"
        " reached from line 6 of the generated code"
    )


def test_evidence_names_the_marked_line_and_no_line_past_the_code() -> None:
    facts = sample_facts(GENERATED, "", OUTPUT, "init_hessian")
    marked = primary_error(parse_test_output(OUTPUT, "init_hessian"), GENERATED).line
    assert marked == 6 and facts.line == 6
    assert _lines_named(facts.flags) <= {6}, facts.flags
    assert "raised in the generated code" not in " ".join(facts.flags.values())
    assert "repository's code at laplace/temp.py:1557" in facts.flags["out:in_generated"]


def test_a_library_frame_is_named_with_its_file_and_line() -> None:
    output = OUTPUT.replace(
        "laplace/temp.py:1557", "/venv/lib/python3.11/site-packages/torch/x.py:9"
    )
    facts = sample_facts(GENERATED, "", output, "init_hessian")
    assert facts.flags["out:library_call"].startswith(
        "raised inside torch/x.py:9 called from line 6 of the generated code"
    )


def test_no_frame_in_the_code_marks_no_line_and_names_files() -> None:
    other = "def init_hessian(model, device):\n    return make(model)\n"
    facts = sample_facts(other, "", OUTPUT, "init_hessian")
    assert primary_error(parse_test_output(OUTPUT, "init_hessian"), other).line is None
    assert "out:in_generated" not in facts.flags
    assert facts.flags["out:in_repository"] == (
        "raised in the repository's code at laplace/temp.py:1557"
    )
    assert _lines_named(facts.flags) <= {2}  # only code facts of the 2-line code


def test_the_generated_file_under_a_tests_folder_is_still_the_generated_code() -> None:
    output = OUTPUT.replace("laplace/temp.py:871", "tests/torch/temp.py:871")
    report = parse_test_output(output, "init_hessian")
    assert primary_error(report, GENERATED).line == 6


def test_another_failure_marks_the_line_when_the_primary_one_does_not_reach_the_code() -> None:
    first = OUTPUT.split("=========================== short")[0]
    no_code = (
        first.replace("test_hessian", "test_other")
        .replace(
            ">       h = torch.zeros(n, n, device=device)\n\nlaplace/temp.py:871:",
            ">       h = helper(model)\n\nlaplace/other.py:5:",
        )
        .replace(
            "TypeError: zeros() received an invalid combination of arguments", "ValueError: bad"
        )
    )
    both = no_code + first.split("=== FAILURES ===")[1].split("\n", 1)[1] + "== 2 failed ==\n"
    report = parse_test_output(both, "init_hessian")
    assert len(report.failures) == 2
    shown = primary_error(report, GENERATED)
    assert shown.line == 6
    assert shown.line_from.startswith("test_hessian, TypeError: zeros()")


def _demo() -> list[dict[str, object]]:
    return [json.loads(line) for line in Path(DEMO_PATH).read_text().splitlines() if line]


@pytest.mark.parametrize("record", _demo(), ids=lambda r: str(r["id"]))
def test_every_demo_sample_names_only_lines_of_its_code_and_the_marked_one(
    record: dict[str, object],
) -> None:
    code, output = str(record["generated_code"]), str(record.get("test_output", ""))
    facts = sample_facts(code, str(record.get("reference_code", "")), output)
    count = code.count("\n") + 1
    assert all(0 < n <= count for n in _lines_named(facts.flags)), facts.flags
    marked = primary_error(parse_test_output(output), code).line
    for name in ("out:in_generated", "out:library_call", "out:own_raise"):
        if name in facts.flags:
            assert set(map(int, _LINE.findall(facts.flags[name]))) <= {marked}, facts.flags
