"""Inspect import: .eval logs built here the way ``inspect eval`` lays them out
(a zip of header.json and samples/<id>_epoch_<n>.json), hostile archives."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from importcheck import check_golden, imported_view, refused

from annotator.export.passk import pass_table
from annotator.failures.primary import report_of
from annotator.importers import import_path
from annotator.store import SampleFilter, Store
from annotator.suggest.engine import suggestions_for

PROMPT = (
    'def below_zero(ops: list[int]) -> bool:\n    """True when the balance drops below zero."""\n'
)
GOOD = "    total = 0\n    for op in ops:\n        total += op\n        if total < 0:\n            return True\n    return False\n"
BAD = "    return sum(ops) < 0\n"
RAISES = "    return ops[len(ops)] < 0\n"


def _explanation(code: str, stderr: str | None) -> str:
    text = f"The following verification code was executed:\n\n```python\n\n{PROMPT}{code}\n```\n"
    return text + (f"\nThe submission was incorrect\n\n{stderr}" if stderr else "")


def _sample(
    sid: str, epoch: int, code: str, value: Any, stderr: str | None = None
) -> dict[str, Any]:
    return {
        "id": sid,
        "epoch": epoch,
        "input": f"Complete the function.\n\n{PROMPT}",
        "target": GOOD,
        "messages": [{"role": "user", "content": PROMPT}],
        "output": {
            "model": "mini-model",
            "choices": [{"message": {"role": "assistant", "content": f"```python\n{code}```"}}],
            "completion": f"```python\n{code}```",
        },
        "scores": {
            "verify": {"value": value, "answer": code, "explanation": _explanation(code, stderr)}
        },
        "metadata": {"entry_point": "below_zero"},
        "store": {},
        "events": [],
    }


ASSERTION = (
    "Traceback (most recent call last):\n"
    '  File "<string>", line 14, in <module>\n'
    '  File "<string>", line 11, in check\n'
    "AssertionError: [1, 2, -4, 5]\n"
)
SAMPLES = [
    _sample("HumanEval/3", 1, GOOD, "C"),
    _sample("HumanEval/3", 2, BAD, "I", ASSERTION),
    _sample("HumanEval/9", 1, RAISES, "I"),
]
SAMPLES[2].update(
    scores=None,
    error={
        "message": "IndexError('list index out of range')",
        "traceback": (
            "Traceback (most recent call last):\n"
            '  File "/app/solver.py", line 40, in solve\n'
            "    result = run(code)\n"
            "IndexError: list index out of range\n"
        ),
        "traceback_ansi": "",
    },
)
HEADER = {
    "version": 2,
    "status": "success",
    "eval": {"task": "humaneval", "model": "openai/mini-model", "created": "2026-11-05T09:00:00"},
    "plan": {"steps": []},
    "results": {"total_samples": 3},
}


def eval_log(path: Path, samples: list[dict[str, Any]], header: Any = HEADER) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("_journal/start.json", json.dumps({"version": 2, **HEADER}))
        for sample in samples:
            archive.writestr(
                f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample)
            )
        archive.writestr("summaries.json", json.dumps([{"id": s["id"]} for s in samples]))
        if header is not None:
            archive.writestr("header.json", json.dumps(header))
    return path


def test_golden(store: Store, tmp_path: Path) -> None:
    summary = import_path(store, "inspect", eval_log(tmp_path / "run.eval", SAMPLES))
    assert summary.samples["new"] == 3
    assert summary.unknown_outcome == [
        "1 samples raised in Inspect (status 'error': imported with outcome unknown,"
        " as Inspect leaves them out of its metrics)"
    ]
    check_golden("import_inspect.json", imported_view(store))


def test_epochs_are_attempts_and_statuses_filter(store: Store, tmp_path: Path) -> None:
    import_path(store, "inspect", eval_log(tmp_path / "run.eval", SAMPLES))
    ids = store.sample_ids()
    assert ids == [
        "openai/mini-model/humaneval/HumanEval/3#1",
        "openai/mini-model/humaneval/HumanEval/3#2",
        "openai/mini-model/humaneval/HumanEval/9",
    ]
    (row,) = pass_table(store.attempts(), ks=(1,))
    # The sample that raised in Inspect is no verdict on the code: as in Inspect's own
    # accuracy (1 of the 2 scored samples), it counts nowhere.
    assert (row.tasks, row.attempts, row.known) == (2, 3, 2)
    assert row.values[1] == pytest.approx(0.5)
    assert len(store.queue("x", SampleFilter(harness_status="error"))) == 1


def test_extracted_code_and_errors_are_the_evidence(store: Store, tmp_path: Path) -> None:
    import_path(store, "inspect", eval_log(tmp_path / "run.eval", SAMPLES))
    wrong = store.require_sample("openai/mini-model/humaneval/HumanEval/3#2")
    assert wrong.generated_code == BAD and wrong.reference_code == GOOD
    assert (
        report_of(wrong.test_output, wrong.metadata).failures[0].exception_type == "AssertionError"
    )
    crashed = store.require_sample("openai/mini-model/humaneval/HumanEval/9")
    assert crashed.passed is None and crashed.metadata["status"] == "error"
    failure = report_of(crashed.test_output, crashed.metadata).failures[0]
    assert (failure.exception_type, failure.message) == ("IndexError", "list index out of range")
    # No score, so no extracted answer: the completion's fenced block is the code (not
    # the fence lines, which no parser reads as Python); the completion is kept as it was.
    assert crashed.generated_code == RAISES
    assert crashed.metadata["completion"] == f"```python\n{RAISES}```"


def test_the_evidence_of_a_completion_claims_only_what_it_shows(
    store: Store, tmp_path: Path
) -> None:
    """A HumanEval completion is a function's body run after the prompt's def line,
    by ``python -c`` (frames in ``<string>``); a sample that raised did so in Inspect."""
    import_path(store, "inspect", eval_log(tmp_path / "run.eval", SAMPLES))
    said = {
        sid: " ".join(e for s in suggestions_for(store, sid, top=14) for e in s.evidence)
        for sid in (
            "openai/mini-model/humaneval/HumanEval/3#2",
            "openai/mini-model/humaneval/HumanEval/9",
        )
    }
    wrong, crashed = said.values()
    assert "in the test at <string>:11" in wrong
    assert "'ops' is never defined" not in wrong and "undefined" not in wrong
    assert "SyntaxError" not in crashed
    assert "in the harness's code at app/solver.py:40" in crashed
    assert "repository" not in wrong + crashed


def test_scorer_option_and_a_log_without_header(store: Store, tmp_path: Path) -> None:
    log = eval_log(tmp_path / "partial.eval", SAMPLES[:2], header=None)
    summary = import_path(store, "inspect", log, scorer="other")
    assert all(store.require_sample(s).passed is None for s in store.sample_ids())
    assert "no score 'other'" in summary.unknown_outcome[0]


@pytest.mark.parametrize(
    ("samples", "header", "fragments"),
    [
        (SAMPLES, {"eval": {"task": "t"}}, ("header.json", "field 'eval.model'")),
        (
            [{**SAMPLES[0], "target": 5}],
            HEADER,
            ("samples/HumanEval/3_epoch_1.json", "field 'target'"),
        ),
        ([{**SAMPLES[0], "scores": []}], HEADER, ("field 'scores'",)),
        ([], HEADER, ("no samples/*.json",)),
    ],
)
def test_hostile_logs(
    tmp_path: Path, samples: list[dict[str, Any]], header: Any, fragments: tuple[str, ...]
) -> None:
    log = eval_log(tmp_path / "bad.eval", samples, header)
    refused(tmp_path, ["inspect", str(log)], str(log), *fragments)


def test_not_a_zip_and_bad_member_json(tmp_path: Path) -> None:
    text = tmp_path / "text.eval"
    text.write_text('{"eval": {}}')
    refused(tmp_path, ["inspect", str(text)], "not an Inspect .eval log")
    log = tmp_path / "member.eval"
    with zipfile.ZipFile(log, "w") as archive:
        archive.writestr("header.json", json.dumps(HEADER))
        archive.writestr("samples/1_epoch_1.json", "{not json")
    refused(tmp_path, ["inspect", str(log)], "samples/1_epoch_1.json", "invalid JSON")


def test_zip_bomb_member_is_refused_unread(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("annotator.importers.inspect_log.MAX_MEMBER", 1000)
    log = tmp_path / "bomb.eval"
    with zipfile.ZipFile(log, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps(HEADER))
        archive.writestr("samples/1_epoch_1.json", json.dumps({"id": 1, "pad": " " * 5000}))
    refused(tmp_path, ["inspect", str(log)], "samples/1_epoch_1.json", "unpacked: refusing it")
