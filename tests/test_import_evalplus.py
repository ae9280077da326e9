"""EvalPlus import: fixtures shaped like what ``evalplus.evaluate`` writes, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importcheck import check_golden, imported_view, refused

from annotator.export.passk import pass_table
from annotator.importers import import_path
from annotator.store import SampleFilter, Store

DATA = Path(__file__).parent / "data" / "evalplus" / "humaneval"
RESULTS = DATA / "tiny-coder_temp_0.8.eval_results.json"


def test_golden(store: Store) -> None:
    summary = import_path(store, "evalplus", RESULTS)
    assert summary.samples["new"] == 3
    check_golden("import_evalplus.json", imported_view(store))


def test_attempts_make_pass_at_k_and_statuses_filter(store: Store) -> None:
    import_path(store, "evalplus", RESULTS)
    first = store.require_sample("tiny-coder_temp_0.8/HumanEval/0#2")
    assert first.metadata["task_id"] == "HumanEval/0" and first.metadata["attempts"] == 2
    (row,) = pass_table(store.attempts(), ks=(1, 2))
    assert row.tasks == 2 and row.values[1] == pytest.approx(0.25)
    assert len(store.queue("x", SampleFilter(harness_status="timeout"))) == 1


def test_failing_inputs_are_the_failure(store: Store) -> None:
    import_path(store, "evalplus", RESULTS)
    sample = store.require_sample("tiny-coder_temp_0.8/HumanEval/0#2")
    assert "base input 1: Failed" in sample.test_output
    assert "input: [[1.0, 2.0, 3.0], 0.5]" in sample.test_output


def test_the_failing_input_is_in_the_evidence(store: Store) -> None:
    from annotator.failures.primary import function_of, report_of
    from annotator.suggest.features import sample_facts

    import_path(store, "evalplus", RESULTS)
    sample = store.require_sample("tiny-coder_temp_0.8/HumanEval/0#2")
    report = report_of(sample.test_output, sample.metadata)
    facts = sample_facts(
        sample.generated_code, "", sample.test_output, function_of(sample.metadata), report
    )
    # the primary failure (the most common: plus) and its input
    assert facts.flags["exc:Failed"] == (
        "Failed: plus tests: wrong output or an exception on this input (input: [[4.5, 9.25], 0.1])"
    )


def test_code_from_the_samples_file_when_results_lack_it(store: Store) -> None:
    import_path(store, "evalplus", RESULTS, model="m")
    assert (
        store.require_sample("m/HumanEval/12").generated_code == "    while True:\n        pass\n"
    )


def test_samples_option(store: Store, tmp_path: Path) -> None:
    results = tmp_path / "eval_results.json"
    results.write_text(RESULTS.read_text())
    samples = tmp_path / "other.jsonl"
    samples.write_text(
        json.dumps({"task_id": "HumanEval/12", "completion": "    return 1\n"}) + "\n"
    )
    import_path(store, "evalplus", results, samples=samples)
    assert store.require_sample(f"{tmp_path.name}/HumanEval/12").generated_code == "    return 1\n"


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b"[1, 2]", ("the document", "expected a JSON object")),
        (b'{"eval": []}', ("(eval)", "expected a JSON object")),
        (b'{"eval": {"T/1": {}}}', ('eval["T/1"]', "expected a JSON list")),
        (
            b'{"eval": {"T/1": [{"solution": "x"}]}}',
            ('eval["T/1"][0]', "field 'base_status'"),
        ),
        (
            b'{"eval": {"T/1": [{"base_status": "fail", "base_fail_tests": 3}]}}',
            ("field 'base_fail_tests'",),
        ),
        (b'{"eval": {}}', ("no results",)),
        (b'{"eval": {"T/1": [{"base_status": NaN}]}}', ("invalid JSON",)),
        (b"\xff\xfe", ("not UTF-8",)),
    ],
)
def test_hostile_results(tmp_path: Path, content: bytes, fragments: tuple[str, ...]) -> None:
    path = tmp_path / "x_eval_results.json"
    path.write_bytes(content)
    refused(tmp_path, ["evalplus", str(path)], str(path), *fragments)


def test_hostile_samples_line(tmp_path: Path) -> None:
    samples = tmp_path / "s.jsonl"
    samples.write_text('{"task_id": "HumanEval/0", "solution": "x"}\n{"solution": "y"}\n')
    refused(
        tmp_path,
        ["evalplus", str(RESULTS), "--samples", str(samples)],
        f"{samples} (line 2) field 'task_id'",
    )


def test_option_of_another_format_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, ["evalplus", str(RESULTS), "--tasks", "x"], "takes no --tasks option")
