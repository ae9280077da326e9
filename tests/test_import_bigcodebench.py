"""BigCodeBench import: a fixture shaped like ``bigcodebench.evaluate``'s results, hostile input."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from importcheck import check_golden, imported_view, refused

from annotator.export.passk import pass_table
from annotator.failures.primary import primary_error, report_of
from annotator.importers import import_path
from annotator.importers.benchfiles import MAX_DOCUMENT
from annotator.store import SampleFilter, Store

RESULTS = next((Path(__file__).parent / "data" / "bigcodebench").glob("*_eval_results.json"))
MODEL = "tiny-coder--main--bigcodebench-complete--vllm-0-1-sanitized-calibrated"


def test_golden(store: Store) -> None:
    summary = import_path(store, "bigcodebench", RESULTS)
    assert summary.samples["new"] == 3 and not summary.warnings
    check_golden("import_bigcodebench.json", imported_view(store))


def test_tracebacks_are_the_evidence(store: Store) -> None:
    import_path(store, "bigcodebench", RESULTS, model="m")
    sample = store.require_sample("m/BigCodeBench/3#1")
    report = report_of(sample.test_output, sample.metadata)
    assert [f.test_id for f in report.failures] == ["test_case_2", "test_case_5"]
    assert {f.exception_type for f in report.failures} == {"AssertionError", "TypeError"}
    failure = primary_error(report, sample.generated_code)
    assert failure.line == 4  # "return items.sort()" in the generated code


def test_a_run_stopped_as_a_whole_is_an_error_not_a_test_verdict(
    store: Store, tmp_path: Path
) -> None:
    """BigCodeBench writes ``details["ALL"] = str(e)`` when the module of code and tests
    raised as a whole (here a missing library): its message, no traceback, no test."""
    from annotator.failures.primary import function_of
    from annotator.suggest.features import sample_facts

    code = "import foo\n\ndef task_func(x):\n    return foo.bar(x)\n"
    entry = {"task_id": "BigCodeBench/9", "solution": code, "status": "fail"}
    path = tmp_path / "m_eval_results.json"
    doc = {"eval": {"BigCodeBench/9": [{**entry, "details": {"ALL": "No module named 'foo'"}}]}}
    path.write_text(json.dumps(doc))
    import_path(store, "bigcodebench", path)
    sample = store.require_sample("m/BigCodeBench/9")
    assert sample.test_output == "ALL: Error - No module named 'foo'"
    report = report_of(sample.test_output, sample.metadata)
    (failure,) = report.failures
    assert (failure.exception_type, failure.message) == ("Error", "No module named 'foo'")
    flags = sample_facts(code, "", sample.test_output, function_of(sample.metadata), report).flags
    assert "msg:no_module" in flags
    assert "out:in_test" not in flags  # not "raised in the test itself (a wrong result)"


def test_attempts_and_statuses(store: Store) -> None:
    import_path(store, "bigcodebench", RESULTS)
    (row,) = pass_table(store.attempts(), ks=(1,))
    assert row.tasks == 2 and row.attempts == 3 and row.values[1] == pytest.approx(0.25)
    timeouts = store.queue("x", SampleFilter(harness_status="timeout"))
    assert [s.id for s in timeouts] == [f"{MODEL}/BigCodeBench/17"]
    assert store.require_sample(f"{MODEL}/BigCodeBench/17").metadata["status"] == "timeout"


def test_unknown_status_kept_with_warning(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r_eval_results.json"
    path.write_text('{"eval": {"T/1": [{"solution": "x", "status": "crashed"}]}}')
    summary = import_path(store, "bigcodebench", path)
    assert store.require_sample("r/T/1").passed is None
    assert "crashed" in summary.warnings[0]


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        (b'{"eval": {"T/1": [{"solution": "x"}]}}', ('eval["T/1"][0]', "field 'status'")),
        (b'{"eval": {"T/1": [{"status": "fail", "details": []}]}}', ("field 'details'",)),
        (b'{"eval": {"T/1": [{"status": "fail", "solution": 5}]}}', ("field 'solution'",)),
        (b'{"eval": {"T/1": ["fail"]}}', ('eval["T/1"][0]', "expected a JSON object")),
        (b'{"date": 1}', ("(eval)", "expected a JSON object, got null")),
        (b'{"eval": {"T/1": [', ("invalid JSON",)),
    ],
)
def test_hostile_results(tmp_path: Path, content: bytes, fragments: tuple[str, ...]) -> None:
    path = tmp_path / "x_eval_results.json"
    path.write_bytes(content)
    refused(tmp_path, ["bigcodebench", str(path)], str(path), *fragments)


def test_a_folder_or_fifo_is_refused(tmp_path: Path) -> None:
    refused(tmp_path, ["bigcodebench", str(tmp_path)], "is a folder")


def test_a_huge_document_is_refused_unread(tmp_path: Path) -> None:
    path = tmp_path / "huge_eval_results.json"
    with path.open("wb") as handle:  # sparse: no disk used, nothing read
        handle.truncate(MAX_DOCUMENT + 1)
    refused(
        tmp_path, ["bigcodebench", str(path)], str(path), f"larger than {MAX_DOCUMENT >> 20} MiB"
    )
