"""SWE-bench importer: ``annotator import swe-bench RUN_DIR [--predictions FILE]``.

Contract: RUN_DIR is a folder the SWE-bench harness writes
(``logs/run_evaluation/<run id>/<model>/``, or the ``<run id>`` folder above
one or more model folders). Each instance has a folder of its own holding
``report.json`` (``{instance_id: {patch_is_None, patch_exists,
patch_successfully_applied, resolved, tests_status: {FAIL_TO_PASS: {success,
failure}, PASS_TO_PASS: {...}, ...}}}``), ``test_output.txt`` (what the tests
printed) and ``patch.diff`` (the prediction's ``model_patch``).

- Every instance is one sample, ``<model>/<instance id>``: its generated code is
  the patch (``code_format: diff`` in the metadata; shown as a diff), from
  ``patch.diff``, else from ``--predictions FILE`` (the predictions JSONL or
  JSON list: ``instance_id``, ``model_name_or_path``, ``model_patch``).
- ``passed`` is ``resolved``; the status is ``resolved``, ``unresolved``,
  ``patch_failed`` (not applied) or ``empty_patch``, or ``no_report`` when the
  harness wrote no report (outcome unknown).
- The parsed report has one case per test of ``tests_status``: a failing
  FAIL_TO_PASS test (the issue is not fixed) or PASS_TO_PASS test (a
  regression) is a failing case whose verdict names its group.
- Files are found by listing the folders (an instance id never becomes a path),
  each read bounded; symlinks leaving RUN_DIR are refused. Nothing is executed.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import UserError
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .benchfiles import (
    MAX_DOCUMENT,
    built_sample,
    expect,
    load_document,
    read_inside,
    text_of,
    validate_at,
)
from .inputs import inside, readable_folder, regular_file
from .jsondata import load_json
from .protocol import Option
from .report import ImportedCase, ImportedReport, make_report, with_report

REPORT = "report.json"
OUTPUT = "test_output.txt"
PATCH = "patch.diff"
MUST_PASS = {
    "FAIL_TO_PASS": "should pass after the patch and fails",
    "PASS_TO_PASS": "passed before the patch and fails after it",
}
"""The test groups of ``tests_status`` that decide ``resolved``, and what a failure there means."""


class TestGroup(BaseModel):
    model_config = ConfigDict(extra="ignore")

    success: list[str] = Field(default_factory=list)
    failure: list[str] = Field(default_factory=list)


class InstanceReport(BaseModel):
    """The value under the instance id in ``report.json``."""

    model_config = ConfigDict(extra="ignore")

    patch_is_None: bool | None = None  # noqa: N815 (the harness's key)
    patch_exists: bool | None = None
    patch_successfully_applied: bool | None = None
    resolved: bool
    tests_status: dict[str, TestGroup] = Field(default_factory=dict)


class Prediction(BaseModel):
    model_config = ConfigDict(extra="ignore")

    instance_id: str = Field(min_length=1)
    model_name_or_path: str | None = None
    model_patch: str | None = None


def _folders(folder: str, run: Path) -> list[str]:
    """The folders directly in ``folder`` (one scandir; symlinks only inside ``run``),
    as strings: a run holds tens of thousands."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as exc:
        raise UserError(f"cannot read the folder: {exc.strerror}", file=folder) from None
    found = []
    for entry in entries:
        if entry.name.startswith("."):
            continue
        if entry.is_symlink():
            inside(Path(entry.path), run)
        if entry.is_dir():
            found.append(entry.path)
    return found


def _is_instance(folder: str) -> bool:
    return os.path.exists(os.path.join(folder, REPORT)) or os.path.exists(
        os.path.join(folder, PATCH)
    )


def _instance_dirs(run: Path) -> list[tuple[str, str]]:
    """(model, instance folder) for every instance below RUN_DIR: its folders when
    the first is an instance (a model folder), else the folders of its folders."""
    readable_folder(run)
    subs = _folders(str(run), run)
    if subs and _is_instance(subs[0]):
        return [(run.name, d) for d in subs]
    found = [
        (os.path.basename(model), d)
        for model in subs
        for i, d in enumerate(_folders(model, run))
        if i or _is_instance(d)
    ]
    if not found:
        raise UserError(
            f"no instance folders with {REPORT} or {PATCH} (expected a SWE-bench"
            " logs/run_evaluation/<run id>[/<model>] folder)",
            file=run,
        )
    return found


def _predictions(file: Path) -> dict[str, str]:
    regular_file(file, "predictions file (--predictions)")
    patches: dict[str, str] = {}
    try:
        with file.open("rb") as handle:
            head = handle.read(4096).lstrip()[:1]
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", file=file) from None
    if head == b"[":
        data = expect(list, load_document(file, "predictions file"), file, "the document")
        rows = [(f"[{i}]", item) for i, item in enumerate(data)]
    else:
        rows = []
        with file.open("rb") as handle:
            for number, raw in enumerate(handle, start=1):
                if raw.strip():
                    rows.append((f"line {number}", load_json(file, raw, number)))
    for where, item in rows:
        prediction = validate_at(Prediction, item, file, where)
        if prediction.model_patch is not None:
            patches[prediction.instance_id] = prediction.model_patch
    return patches


def _status(report: InstanceReport | None, patch: str) -> str:
    if report is None:
        return "no_report"
    if report.resolved:
        return "resolved"
    if report.patch_is_None or not patch.strip() and report.patch_exists is False:
        return "empty_patch"
    if report.patch_successfully_applied is False:
        return "patch_failed"
    return "unresolved"


def _report(report: InstanceReport, status: str) -> ImportedReport:
    """The failing FAIL_TO_PASS and PASS_TO_PASS tests as cases; the others counted."""
    cases: list[ImportedCase] = []
    if status in ("patch_failed", "empty_patch"):
        why = "the patch did not apply" if status == "patch_failed" else "the patch is empty"
        verdict = "Patch Failed" if status == "patch_failed" else "Empty Patch"
        cases.append(ImportedCase(test="patch", status="error", verdict=verdict, message=why))
    passed = 0
    for group, tests in report.tests_status.items():
        if group not in MUST_PASS:  # FAIL_TO_FAIL, PASS_TO_FAIL: not about the patch
            passed += len(tests.success) + len(tests.failure)
            continue
        passed += len(tests.success)
        for test in tests.failure:
            cases.append(
                ImportedCase(test=test, status="failed", verdict=group, message=MUST_PASS[group])
            )
    return make_report("swe-bench", cases, passed=passed)


class SweBenchImporter:
    """The ``swe-bench`` format (see the module contract)."""

    name = "swe-bench"
    help = "a SWE-bench run folder (report.json, test_output.txt, patch.diff per instance)"
    usage = "RUN_DIR [--predictions FILE]"
    options = (
        Option(
            "predictions",
            "--predictions",
            "the predictions JSONL (instance_id, model_patch) when patch.diff is missing",
            kind="path",
            metavar="FILE",
        ),
    )
    needs_sample_ids = False

    def estimate(self, path: Path, **_: Any) -> int | None:
        return len(_instance_dirs(path)) if path.is_dir() else None

    def read(
        self,
        path: Path,
        taxonomy: Taxonomy,
        summary: ImportSummary,
        *,
        predictions: Path | None = None,
        **_: Any,
    ) -> Iterator[SampleIn]:
        if not path.is_dir():
            raise UserError("expected a SWE-bench run folder", file=path)
        instances = _instance_dirs(path)
        patches = _predictions(predictions) if predictions is not None else {}
        no_patch: list[str] = []
        for model, folder in instances:
            report_raw = read_inside(folder, REPORT, path, MAX_DOCUMENT, missing_ok=True)
            patch_raw = read_inside(folder, PATCH, path, missing_ok=True)
            if report_raw is None and patch_raw is None:
                summary.skipped.append(f"{folder}: no {REPORT} and no {PATCH}")
                continue
            report: InstanceReport | None = None
            instance_id = os.path.basename(folder)
            if report_raw is not None:
                report_file = os.path.join(folder, REPORT)
                try:
                    data = load_json(path, report_raw)
                except UserError as exc:  # name the report, not the run
                    raise UserError(exc.reason, file=report_file) from None
                doc = expect(dict, data, report_file, "the document")
                if len(doc) != 1:
                    raise UserError(f"expected one instance, found {len(doc)}", file=report_file)
                instance_id, value = next(iter(doc.items()))
                report = validate_at(InstanceReport, value, report_file, instance_id)
            else:
                summary.unknown_outcome.append(f"{model}/{instance_id}: no {REPORT}")
            if patch_raw is not None:
                patch = text_of(patch_raw, os.path.join(folder, PATCH))
            else:
                patch = patches.get(instance_id, "")
                if instance_id not in patches:
                    no_patch.append(f"{model}/{instance_id}")
            output_raw = read_inside(folder, OUTPUT, path, missing_ok=True)
            output = "" if output_raw is None else output_raw.decode("utf-8", errors="replace")
            status = _status(report, patch)
            sample = built_sample(  # every field checked above: not validated again
                f"{model}/{instance_id}",
                generated_code=patch,
                test_output=output,
                passed=report.resolved if report is not None else None,
                model=model,
                metadata={
                    "task_id": instance_id,
                    "attempt": 1,
                    "attempts": 1,
                    "status": status,
                    "code_format": "diff",
                    "repo": instance_id.rsplit("-", 1)[0].replace("__", "/"),
                },
                source=folder,
            )
            if report is not None:
                sample = with_report(sample, _report(report, status))
            yield sample
        if no_patch:
            summary.warnings.append(
                f"{len(no_patch)} instances have no {PATCH} and no prediction (first: {no_patch[0]})"
            )
