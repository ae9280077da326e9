"""The parsed report stored without the text it shares with the test output.

A case's traceback, input or output that the sample's ``test_output`` already holds
is stored as ``<name>_at: [begin, end(, tail)]`` (importers/report.py): the report
read back with the test output is the report the importer made, for every benchmark
format; a report stored whole (databases written before) reads as it did; a
reference that does not fit the test output leaves that text out, never raises.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from annotator.imported import REPORT_KEY
from annotator.importers import IMPORTERS, import_path
from annotator.importers.base import ImportSummary
from annotator.importers.report import (
    ImportedCase,
    ImportedReport,
    make_report,
    render,
    report_from_metadata,
    with_report,
)
from annotator.models import SampleIn
from annotator.store import Store

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))
from _formats import FORMATS  # noqa: E402

DATA = Path(__file__).parent / "data"
FIXTURES = {
    "evalplus": DATA / "evalplus" / "humaneval" / "tiny-coder_temp_0.8.eval_results.json",
    "bigcodebench": next((DATA / "bigcodebench").glob("*_eval_results.json")),
    "livecodebench": DATA
    / "livecodebench"
    / "small-model"
    / "Scenario.codegeneration_3_0.2_eval_all.json",
    "swe-bench": DATA / "swe-bench" / "run-7",
}

TRACE = 'Traceback (most recent call last):\n  File "t.py", line 3, in test\nValueError: bad\n'


def _whole(report: ImportedReport) -> dict[str, object]:
    """The report as stored before references: every text in full."""
    sample = with_report(SampleIn(id="x"), report)  # no test output: nothing shared
    stored = sample.metadata[REPORT_KEY]
    assert not any(k.endswith("_at") for case in stored["cases"] for k in case)
    return dict(stored)


def _read_back(
    path: Path, name: str, tmp_path: Path
) -> list[tuple[SampleIn, ImportedReport | None]]:
    """Each sample an importer makes and its report as read from the stored JSON."""
    with Store.open(tmp_path / f"{name}-taxonomy.db") as store:
        taxonomy = store.taxonomy
    out = []
    for sample in IMPORTERS[name].read(path, taxonomy, ImportSummary(name)):
        assert isinstance(sample, SampleIn)
        stored = json.loads(json.dumps(sample.metadata))
        out.append((sample, report_from_metadata(stored, sample.test_output)))
    return out


@pytest.mark.parametrize("name", sorted(FORMATS))
def test_each_format_reads_back_the_report_it_made(tmp_path: Path, name: str) -> None:
    """The synthetic benchmark files: every text a reference stands for is the one the
    importer had, and the report shares (does not repeat) the long ones."""
    path = FORMATS[name][0](tmp_path, 40)
    shared = 0
    for sample, report in _read_back(path, name, tmp_path):
        stored = sample.metadata[REPORT_KEY]
        shared += sum(k.endswith("_at") for case in stored["cases"] for k in case)
        assert report is not None
        whole = report_from_metadata({REPORT_KEY: _whole(report)})
        assert report == whole
        for case in report.cases:
            for text in (case.traceback, case.inputs, case.message):
                shown = None if text is None else text.rstrip("\n")  # render strips them
                assert shown is None or shown in sample.test_output or len(shown) < 40
    if name != "swe-bench":  # its report holds test names only
        assert shared > 0


@pytest.mark.parametrize("name", sorted(FIXTURES))
def test_fixtures_store_no_traceback_twice(tmp_path: Path, name: str) -> None:
    """The golden fixtures: no stored case text of 40 characters or more that the
    test output holds."""
    for sample, report in _read_back(FIXTURES[name], name, tmp_path):
        assert report is not None
        for case in sample.metadata[REPORT_KEY]["cases"]:
            for key, value in case.items():
                if isinstance(value, str) and len(value) >= 40:
                    assert value not in sample.test_output, (key, value)


def test_a_report_stored_whole_reads_as_before(store: Store) -> None:
    """A database written before references: its report (full texts) reads the same
    with or without the test output."""
    report = make_report(
        "bigcodebench",
        [ImportedCase(test="test_a", status="failed", verdict="Failed", traceback=TRACE * 3)],
    )
    stored = _whole(report)
    assert report_from_metadata({REPORT_KEY: stored}) == report
    assert report_from_metadata({REPORT_KEY: stored}, "unrelated output") == report


def test_a_traceback_with_its_newlines_stripped_in_the_output_reads_whole() -> None:
    case = ImportedCase(test="t", status="failed", verdict="Failed", traceback=TRACE * 2 + "\n")
    report = make_report("bigcodebench", [case])
    sample = with_report(SampleIn(id="x", test_output=render(report)), report)
    (stored,) = sample.metadata[REPORT_KEY]["cases"]
    assert "traceback" not in stored and stored["traceback_at"][2] == "\n\n"
    assert report_from_metadata(sample.metadata, sample.test_output) == report


@pytest.mark.parametrize(
    "at", [[5, 2], [-1, 3], [0, 10_000], ["0", 3], [0], [0, 3, 4], None, {"a": 1}, [0.0, 3]]
)
def test_a_reference_that_does_not_fit_leaves_the_text_out(at: object) -> None:
    stored = {
        "format": "bigcodebench",
        "cases": [{"test": "t", "status": "failed", "traceback_at": at}],
    }
    report = report_from_metadata({REPORT_KEY: stored}, "some test output")
    assert report is not None and report.cases[0].traceback == ""


def test_import_stores_the_report_once_and_the_failure_panel_reads_it(
    store: Store, tmp_path: Path
) -> None:
    """Through the store: the traceback is stored once (in the test output) and the
    failure panel's report is the one read from a report stored whole."""
    from annotator.failures.importedoutput import report_from_imported
    from annotator.failures.primary import report_of

    import_path(store, "bigcodebench", FIXTURES["bigcodebench"], model="m")
    sample = store.require_sample("m/BigCodeBench/3#1")
    assert "Traceback" not in json.dumps(sample.metadata)
    report = report_from_metadata(sample.metadata, sample.test_output)
    assert report is not None
    whole = report_from_metadata({REPORT_KEY: _whole(report)})
    assert whole is not None
    assert report_of(sample.test_output, sample.metadata) == report_from_imported(
        whole, None, sample.test_output
    )
    assert replace(whole) == report
