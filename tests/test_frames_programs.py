"""Frames of benchmarks that run the generated code inside a larger program.

BigCodeBench compiles ``code + "\\n" + tests`` as one module, ``__test__.py``, so a
traceback's line up to the code's end is the code's own line and any later one is
the tests'. Inspect's HumanEval scorer runs the prompt, the code and the tests with
``python -c``: its frames are in ``<string>`` at lines offset by what came before the
code. Neither is "the repository's code" nor a library, and no evidence may say so.
Both compile from text, so their tracebacks show no code lines.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from annotator.failures.frames import Attribution, attribute
from annotator.failures.importedoutput import other_code
from annotator.failures.primary import primary_failure, report_of
from annotator.failures.testoutput import parse_test_output
from annotator.imported import REPORT_KEY
from annotator.suggest.features import sample_facts

CODE = """\
import math

def task_func(values):
    total = 0
    for v in values:
        total += math.log(v)
    return total
"""


def _trace(*frames: tuple[str, int, str], error: str) -> str:
    lines = ["Traceback (most recent call last):"]
    lines += [f'  File "{file}", line {line}, in {function}' for file, line, function in frames]
    return "\n".join([*lines, error]) + "\n"


def _found(trace: str, code: str = CODE, function: str = "task_func") -> Attribution:
    failure = primary_failure(parse_test_output(trace, function))
    assert failure is not None
    return attribute(failure, code)


# -- BigCodeBench: __test__.py ---------------------------------------------------


def test_a_line_within_the_code_of_the_module_is_the_codes_own_line() -> None:
    trace = _trace(
        ("__test__.py", 14, "test_case_1"),
        ("__test__.py", 6, "task_func"),
        error="ValueError: math domain error",
    )
    found = _found(trace)
    assert found.lines == (None, 6)
    assert found.place == "generated"
    assert found.where() == "in the generated code, line 6"


def test_a_line_past_the_code_is_the_test_not_the_repository() -> None:
    trace = _trace(("__test__.py", 12, "test_case_2"), error="AssertionError: 3 != 4")
    found = _found(trace)
    assert found.lines == (None,)
    assert found.place == "test"
    assert found.where() == "in the test at __test__.py:12"
    facts = sample_facts(CODE, "", trace, "task_func")
    assert "out:in_test" in facts.flags and "out:in_repository" not in facts.flags
    assert "repository" not in " ".join(facts.flags.values())


def test_a_blank_line_or_a_shown_line_the_code_does_not_hold_is_not_the_code() -> None:
    blank = _trace(("__test__.py", 2, "task_func"), error="ValueError: x")
    assert _found(blank).lines == (None,)
    shown = (
        "Traceback (most recent call last):\n"
        '  File "__test__.py", line 6, in task_func\n'
        "    total += math.sqrt(v)\n"
        "ValueError: math domain error\n"
    )
    found = _found(shown)
    assert found.lines == (None,)  # line 6 reads otherwise: not this code
    # nor the test: the module's line 6 is the code's place; said as that, no more
    assert found.place == "unplaced"
    assert found.where() == (
        "at __test__.py:6, where the module holds the generated code, but it shows other code"
    )
    facts = sample_facts(CODE, "", shown, "task_func")
    assert not {"out:in_generated", "out:in_test", "out:in_repository"} & set(facts.flags)
    assert _found(shown.replace("sqrt", "log")).lines == (6,)


# -- Inspect's HumanEval scorer: <string> ---------------------------------------


def test_a_program_run_from_text_is_the_test_where_no_function_of_the_code_ran() -> None:
    trace = _trace(("<string>", 14, "<module>"), ("<string>", 11, "check"), error="AssertionError")
    found = _found(trace)
    assert found.lines == (None, None)
    assert found.place == "test"
    assert found.where() == "in the test at <string>:11"
    facts = sample_facts(CODE, "", trace, "task_func")
    assert "out:in_test" in facts.flags and "out:in_library" not in facts.flags


def test_a_function_of_the_code_in_a_program_run_from_text_names_no_line() -> None:
    trace = _trace(
        ("<string>", 20, "<module>"),
        ("<string>", 17, "check"),
        ("<string>", 9, "task_func"),  # line 9 of the program: the code's line 6
        error="ValueError: math domain error",
    )
    found = _found(trace)
    assert found.line is None  # the program's line 9 is not the code's line 9 (nor any)
    assert found.place == "generated_function"
    assert found.where().startswith("in the generated code's task_func(), at a line")
    facts = sample_facts(CODE, "", trace, "task_func")
    assert "out:in_generated" in facts.flags and not facts.line  # 0: no line
    assert "line 9" not in " ".join(facts.flags.values())


def test_the_task_function_of_a_completed_body_is_the_codes() -> None:
    # A HumanEval completion: the body of the prompt's def, which the code does not hold.
    trace = _trace(
        ("<string>", 20, "<module>"),
        ("<string>", 17, "check"),
        ("<string>", 4, "below_zero"),
        error="IndexError: list index out of range",
    )
    found = _found(trace, "    return ops[len(ops)] < 0\n", "below_zero")
    assert found.place == "generated_function"
    assert found.where().startswith("in the generated code's below_zero(), at a line")
    other = _found(trace, "    return ops[len(ops)] < 0\n", "above_zero")  # not the task's
    assert other.place == "test"


def test_a_library_raise_names_the_function_of_the_code_that_reached_it() -> None:
    trace = _trace(
        ("<string>", 20, "<module>"),
        ("<string>", 9, "task_func"),
        ("/usr/lib/python3.11/json/decoder.py", 337, "decode"),
        error="json.decoder.JSONDecodeError: Expecting value",
    )
    found = _found(trace)
    assert found.place == "library"
    assert found.where() == (
        "inside json/decoder.py:337, reached from the generated code's task_func()"
    )


def test_a_shown_code_line_places_a_frame_of_a_program_run_from_text() -> None:
    trace = (
        "Traceback (most recent call last):\n"
        '  File "<string>", line 9, in task_func\n'
        "    total += math.log(v)\n"
        "ValueError: math domain error\n"
    )
    found = _found(trace)
    assert found.lines == (6,)
    assert found.where() == "in the generated code, line 6"


# -- through the CLI: a BigCodeBench results file -------------------------------


def test_the_suggester_names_the_test_for_a_bigcodebench_assertion(tmp_path: Path) -> None:
    trace = _trace(("__test__.py", 12, "test_case_2"), error="AssertionError: 3 != 4")
    results = tmp_path / "m_eval_results.json"
    entry = {"task_id": "BigCodeBench/7", "solution": CODE, "status": "fail"}
    results.write_text(
        json.dumps({"eval": {"BigCodeBench/7": [{**entry, "details": {"test_case_2": trace}}]}})
    )
    db = tmp_path / "b.db"
    cli = [sys.executable, "-m", "annotator", "--db", str(db)]
    subprocess.run([*cli, "import", "bigcodebench", str(results)], check=True, capture_output=True)
    shown = subprocess.run(
        [*cli, "suggest", "--json"], check=True, capture_output=True, text=True
    ).stdout
    assert "in the test at __test__.py:12" in shown
    assert "repository" not in shown


def test_other_code_is_the_harness_for_a_benchmark_that_runs_the_code_itself() -> None:
    # Inspect keeps the traceback of a sample that raised in its own solver.
    trace = _trace(("/app/solver.py", 40, "solve"), error="IndexError: list index out of range")
    failure = primary_failure(parse_test_output(trace, "task_func"))
    assert failure is not None
    found = attribute(failure, CODE)
    assert found.place == "repository"
    assert found.where(other_code("inspect")) == "in the harness's code at app/solver.py:40"
    assert found.where(other_code("swe-bench")) == "in the repository's code at app/solver.py:40"
    report = report_of(trace, {REPORT_KEY: {"format": "inspect", "cases": [_case(trace)]}})
    facts = sample_facts(CODE, "", trace, "task_func", report)
    assert facts.flags["out:in_repository"] == "raised in the harness's code at app/solver.py:40"


def _case(trace: str) -> dict[str, str]:
    return {"test": "sample", "status": "error", "verdict": "Error", "traceback": trace}
