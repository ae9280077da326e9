"""LiveCodeBench import: a fixture shaped like its ``_eval_all.json``, hostile input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from importcheck import check_golden, imported_view, refused

from annotator.export.passk import pass_table
from annotator.failures.primary import report_of
from annotator.importers import import_path
from annotator.store import SampleFilter, Store

RESULTS = (
    Path(__file__).parent
    / "data"
    / "livecodebench"
    / "small-model"
    / "Scenario.codegeneration_3_0.2_eval_all.json"
)


def test_golden(store: Store) -> None:
    summary = import_path(store, "livecodebench", RESULTS)
    assert summary.samples["new"] == 5 and not summary.warnings
    check_golden("import_livecodebench.json", imported_view(store))


def test_verdicts_are_statuses_and_evidence(store: Store) -> None:
    import_path(store, "livecodebench", RESULTS)
    statuses = {sid: store.require_sample(sid).metadata["status"] for sid in store.sample_ids()}
    assert statuses == {
        "small-model/3391#1": "pass",
        "small-model/3391#2": "wrong_answer",
        "small-model/3391#3": "time_limit",
        "small-model/1950B#1": "runtime_error",
        "small-model/1950B#2": "compile_error",
    }
    wrong = store.require_sample("small-model/3391#2")
    (failure,) = report_of(wrong.test_output, wrong.metadata).failures
    assert failure.exception_type == "WrongAnswer"
    assert failure.details == "input: [1, 2, 3, 4]\n5\nexpected: 2\ngot: 6"
    crash = store.require_sample("small-model/1950B#1")
    report = report_of(crash.test_output, crash.metadata)
    assert report.failures[0].exception_type == "ZeroDivisionError"
    assert report.failures[0].message == "integer division or modulo by zero"
    slow = store.require_sample("small-model/3391#3")
    assert report_of(slow.test_output, slow.metadata).timeout
    assert len(store.queue("x", SampleFilter(harness_status="wrong_answer"))) == 1


def test_pass_at_k_over_the_code_list(store: Store) -> None:
    import_path(store, "livecodebench", RESULTS)
    (row,) = pass_table(store.attempts(), ks=(1,))
    assert row.tasks == 2 and row.attempts == 5
    assert row.values[1] == pytest.approx((1 / 3 + 0) / 2)


def _question(**changes: Any) -> dict[str, Any]:
    question: dict[str, Any] = {
        "question_id": "q1",
        "question_content": "add",
        "code_list": ["print(1)"],
        "graded_list": [False],
        "metadata": [json.dumps({"error_code": -2, "error_message": "Wrong Answer"})],
    }
    question.update(changes)
    return question


@pytest.mark.parametrize(
    ("questions", "fragments"),
    [
        ({"q": 1}, ("the document", "expected a JSON list")),
        ([_question(code_list="print(1)")], ("([0])", "field 'code_list'")),
        ([_question(graded_list=[True, False])], ("([0])", "field 'graded_list'", "2 grades")),
        ([_question(metadata=["{not json"])], ("[0].metadata[0]", "not a JSON string")),
        ([_question(metadata=[json.dumps({"error_code": "x"})])], ("field 'error_code'",)),
        ([_question(), _question()], ("([1])", "field 'question_id'", "again")),
        ([_question(question_id=None)], ("field 'question_id'",)),
        ([], ("no questions",)),
    ],
)
def test_hostile_results(tmp_path: Path, questions: Any, fragments: tuple[str, ...]) -> None:
    path = tmp_path / "x_eval_all.json"
    path.write_text(json.dumps(questions))
    refused(tmp_path, ["livecodebench", str(path)], str(path), *fragments)


def test_unknown_error_code_kept(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "x_eval_all.json"
    path.write_text(json.dumps([_question(metadata=[json.dumps({"error_code": -9})])]))
    summary = import_path(store, "livecodebench", path, model="m")
    assert store.require_sample("m/q1").metadata["status"] == "error_-9"
    assert "error_-9" in summary.warnings[0]


def test_verdicts_become_suggestion_facts(store: Store) -> None:
    from annotator.failures.primary import function_of
    from annotator.suggest.features import sample_facts

    import_path(store, "livecodebench", RESULTS)

    def facts(sample_id: str) -> dict[str, str]:
        sample = store.require_sample(sample_id)
        report = report_of(sample.test_output, sample.metadata)
        found = sample_facts(
            sample.generated_code, "", sample.test_output, function_of(sample.metadata), report
        )
        return found.flags

    wrong = facts("small-model/3391#2")
    # both outputs, though the input runs over two lines, and the input's first line
    assert wrong["out:test_comparison"] == (
        "the benchmark judged the output wrong: expected 2, got 6; input: [1, 2, 3, 4] …"
    )
    assert "exc:WrongAnswer" in wrong
    assert "out:timeout" in facts("small-model/3391#3")
    assert "exc:SyntaxError" in facts("small-model/1950B#2")
    crashed = facts("small-model/1950B#1")
    assert "msg:zero_division" in crashed
    assert "out:in_test" not in crashed  # the code raised: no test's verdict, place unknown
