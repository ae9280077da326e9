"""SWE-bench import: a run folder shaped like the harness's logs/run_evaluation, hostile input."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from importcheck import check_golden, imported_view, refused

from annotator.failures.primary import report_of
from annotator.importers import import_path
from annotator.store import SampleFilter, Store

DATA = Path(__file__).parent / "data" / "swe-bench"
RUN = DATA / "run-7"
PREDICTIONS = DATA / "small-model.predictions.jsonl"


def test_golden(store: Store) -> None:
    summary = import_path(store, "swe-bench", RUN, predictions=PREDICTIONS)
    assert summary.samples["new"] == 3 and not summary.warnings
    check_golden("import_swebench.json", imported_view(store))


def test_fail_to_pass_tests_are_the_evidence(store: Store) -> None:
    import_path(store, "swe-bench", RUN / "small-model")
    sample = store.require_sample("small-model/octo__widgets-101")
    assert sample.passed is False and sample.metadata["status"] == "unresolved"
    assert sample.metadata["code_format"] == "diff"
    assert sample.generated_code.startswith("diff --git a/widgets/size.py")
    report = report_of(sample.test_output, sample.metadata)
    # the test output printed the assertion of the first; the second is known by name only
    assert [(f.test_id, f.exception_type) for f in report.failures] == [
        ("tests/test_size.py::test_clamp_upper", "AssertionError"),
        ("tests/test_size.py::test_clamp_lower", "PassToPass"),
    ]
    assert report.failures[0].details.startswith("FAIL_TO_PASS: should pass after the patch")
    assert report.failures[0].message == "assert 0 == 10"
    assert report.counts.passed == 1
    resolved = store.require_sample("small-model/octo__widgets-202")
    assert resolved.passed is True and resolved.metadata["status"] == "resolved"


def test_missing_patch_is_a_warning(store: Store) -> None:
    summary = import_path(store, "swe-bench", RUN)
    assert "1 instances have no patch.diff" in summary.warnings[0]


def test_patch_failed_status(store: Store) -> None:
    import_path(store, "swe-bench", RUN, predictions=PREDICTIONS)
    failed = store.queue("x", SampleFilter(harness_status="patch_failed"))
    assert [s.id for s in failed] == ["small-model/octo__gadgets-7"]
    assert store.require_sample("small-model/octo__gadgets-7").generated_code.startswith("diff")


def test_instance_without_report_has_unknown_outcome(store: Store, tmp_path: Path) -> None:
    run = tmp_path / "m"
    (run / "a__b-1").mkdir(parents=True)
    (run / "a__b-1" / "patch.diff").write_text("diff --git a/x b/x\n")
    summary = import_path(store, "swe-bench", run)
    sample = store.require_sample("m/a__b-1")
    assert sample.passed is None and sample.metadata["status"] == "no_report"
    assert summary.unknown_outcome


def _run_with_report(tmp_path: Path, content: str) -> Path:
    run = tmp_path / "run" / "m"
    shutil.copytree(RUN / "small-model" / "octo__widgets-101", run / "octo__widgets-101")
    (run / "octo__widgets-101" / "report.json").write_text(content)
    return run


@pytest.mark.parametrize(
    ("content", "fragments"),
    [
        ("[]", ("report.json", "expected a JSON object")),
        ('{"a": {}, "b": {}}', ("report.json", "expected one instance")),
        (
            '{"octo__widgets-101": {"patch_exists": true}}',
            ("(octo__widgets-101)", "field 'resolved'"),
        ),
        (
            '{"x": {"resolved": false, "tests_status": {"FAIL_TO_PASS": {"failure": "t"}}}}',
            ("field 'tests_status.FAIL_TO_PASS.failure'",),
        ),
        ('{"x": ', ("report.json", "invalid JSON")),
    ],
)
def test_hostile_report(tmp_path: Path, content: str, fragments: tuple[str, ...]) -> None:
    refused(tmp_path, ["swe-bench", str(_run_with_report(tmp_path, content))], *fragments)


def test_hostile_predictions(tmp_path: Path) -> None:
    bad = tmp_path / "preds.jsonl"
    bad.write_text(json.dumps({"instance_id": "", "model_patch": "x"}) + "\n")
    refused(
        tmp_path,
        ["swe-bench", str(RUN), "--predictions", str(bad)],
        f"{bad} (line 1) field 'instance_id'",
    )


def test_symlink_leaving_the_run_is_refused(tmp_path: Path) -> None:
    run = tmp_path / "run" / "m"
    (run / "a__b-1").mkdir(parents=True)
    outside = tmp_path / "secret.txt"
    outside.write_text("x")
    (run / "a__b-1" / "patch.diff").symlink_to(outside)
    refused(tmp_path, ["swe-bench", str(run)], "symlink leaving")


def test_not_a_run_folder(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    refused(tmp_path, ["swe-bench", str(tmp_path / "empty")], "no instance folders")
    file = tmp_path / "report.json"
    file.write_text("{}")
    refused(tmp_path, ["swe-bench", str(file)], "expected a SWE-bench run folder")


def test_fifo_in_the_run_is_refused_not_waited_on(tmp_path: Path) -> None:
    import os

    run = _run_with_report(
        tmp_path, (RUN / "small-model/octo__widgets-101/report.json").read_text()
    )
    output = run / "octo__widgets-101" / "test_output.txt"
    output.unlink()
    os.mkfifo(output)
    refused(tmp_path, ["swe-bench", str(run)], "test_output.txt", "not a regular file")


def test_patch_is_shown_as_a_diff(store: Store) -> None:
    from annotator.tui import render
    from annotator.tui.sample_data import load_view

    import_path(store, "swe-bench", RUN)
    view = load_view(store, "small-model/octo__widgets-101")
    assert view is not None
    patch = view.sample.generated_code
    as_diff = render.code_lines(patch, None, "diff")
    assert view.generated == as_diff != render.code_lines(patch, None)


def test_a_patch_is_not_read_as_python(store: Store) -> None:
    """A patch does not parse as Python and no traceback line is one of its lines:
    no syntax error, no undefined name and no marked line is claimed of it."""
    from annotator.llm.prompt import user_message
    from annotator.suggest.engine import suggestions_for
    from annotator.tui.sample_data import load_view

    import_path(store, "swe-bench", RUN)
    sid = "small-model/octo__widgets-101"
    said = " ".join(e for s in suggestions_for(store, sid, top=14) for e in s.evidence)
    assert "assert 0 == 10" in said  # the failure is still the evidence
    assert "SyntaxError" not in said and "undefined" not in said
    assert "of the generated code" not in said and "generated code, line" not in said
    view = load_view(store, sid)
    assert view is not None and view.failure.line is None and not view.marks
    assert "## Generated code\n```diff\n" in user_message(view.sample)


def test_a_huge_test_output_is_refused_unread(tmp_path: Path) -> None:
    run = _run_with_report(
        tmp_path, (RUN / "small-model/octo__widgets-101/report.json").read_text()
    )
    with (run / "octo__widgets-101" / "test_output.txt").open("wb") as handle:
        handle.truncate((16 << 20) + 1)  # a sample holds at most 16 Mi characters
    refused(tmp_path, ["swe-bench", str(run)], "test_output.txt", "larger than 16 MiB")
