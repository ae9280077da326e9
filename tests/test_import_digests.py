"""The benchmark importers store byte-identical samples: golden digests.

What each of the five benchmark importers yields for a fixture - every sample's id,
source, small fields, content hash and stored metadata JSON (:meth:`SampleIn.hashed`)
- is hashed into one digest per fixture and compared with tests/golden/import_digests.json,
written from main's importers before they were rewritten for speed (8c66246). A
database made by those importers therefore reports every sample unchanged on a
re-import. Besides the fixtures of tests/data and the Inspect test's log, each
format has a generated fixture of the corners the report and its text have: every
status and error code, values that are not text, Unicode, texts over the cap, more
failing cases than are kept, missing and null fields.

Run with ``UPDATE_GOLDEN=1`` only after an intended change of the stored samples.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from test_import_inspect import SAMPLES, eval_log

from annotator.imported import REPORT_KEY
from annotator.importers import IMPORTERS, ImportSummary
from annotator.importers.report import (
    ImportedCase,
    case_data,
    case_text,
    make_report,
    render,
    stored_report,
    with_report,
)
from annotator.models import SampleIn
from annotator.store import Store

DATA = Path(__file__).parent / "data"
GOLDEN = Path(__file__).parent / "golden" / "import_digests.json"
LONG = "x" * 20_001
ODD = ["é€😀", "tab\there", "a'b\"c", "line\nbreak", "\x1b[31mred", "[bold]x[/bold]", "=1+2"]


def _values(rng: random.Random) -> list[Any]:
    """Values a benchmark records as an input or output, of every JSON kind."""
    return [
        "plain",
        rng.choice(ODD),
        [1, 2.5, True, None, "s"],
        {"b": 1, "a": [{"z": None}]},
        10**30,
        -0.0,
        1e-7,
        "",
        LONG,
        [LONG[:100]] * 3,
    ]


def _evalplus(folder: Path) -> tuple[Path, dict[str, Any]]:
    rng = random.Random(11)
    values = _values(rng)
    results: dict[str, list[dict[str, Any]]] = {}
    statuses = [("pass", "pass"), ("fail", None), ("pass", "fail"), ("timeout", "timeout")]
    statuses += [("fail", "fail"), ("error", "pass"), ("pass", None), ("pass", "weird")]
    for i in range(40):
        task = f'Human"Eval/{i // 3}' if i % 7 else f"Tâsk {ODD[i % len(ODD)]}/{i // 3}"
        base, plus = statuses[i % len(statuses)]
        entry: dict[str, Any] = {"task_id": task, "base_status": base}
        if plus is not None or i % 2:
            entry["plus_status"] = plus
        if base != "pass":
            entry["base_fail_tests"] = [values[(i + k) % len(values)] for k in range(i % 4)]
        if plus not in (None, "pass"):
            count = 205 if i == 12 else i % 5
            entry["plus_fail_tests"] = [values[(i * k) % len(values)] for k in range(count)]
        if i % 5 != 1:
            entry["solution"] = f"def f():\n    return {i}  # {ODD[i % len(ODD)]}\n"
        entry["extra"] = {"ignored": i}
        results.setdefault(task, []).append(entry)
    path = folder / "odd_temp_0.2.eval_results.json"
    path.write_text(json.dumps({"date": "d", "eval": results}), encoding="utf-8")
    lines = [
        json.dumps({"task_id": task, "completion": f"    return {task!r}\n"})
        for task, entries in results.items()
        for _ in entries
    ]
    (folder / "samples.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path, {}


def _bigcodebench(folder: Path) -> tuple[Path, dict[str, Any]]:
    rng = random.Random(12)
    values = _values(rng)
    results: dict[str, list[dict[str, Any]]] = {}
    for i in range(40):
        task = f"BigCodeBench/{i // 4}" if i % 9 else f"B/{ODD[i % len(ODD)]}"
        status = ["pass", "fail", "timeout", "error", "fail"][i % 5]
        entry: dict[str, Any] = {"task_id": task, "status": status}
        if status != "pass":
            count = 203 if i == 6 else i % 4
            entry["details"] = {
                f"test_{k}_{ODD[k % len(ODD)]}": values[(i + k) % len(values)] for k in range(count)
            }
        if i % 6:
            entry["solution"] = f"import os\nprint({i})  # {ODD[i % len(ODD)]}\n"
        results.setdefault(task, []).append(entry)
    path = folder / "odd_eval_results.json"
    path.write_text(json.dumps({"eval": results}), encoding="utf-8")
    return path, {"model": "the model é"}


def _livecodebench(folder: Path) -> tuple[Path, dict[str, Any]]:
    rng = random.Random(13)
    values = _values(rng)
    errors = [
        "ValueError('bad')",
        'KeyError("a\'b")',
        "Thing()",
        "no repr here",
        "",
        "a.b.C('x', 2)",
        "Err('''')",
        "Multi('line\nbreak')",
    ]
    questions = []
    for q in range(14):
        codes = [f"print({q}, {k})  # {ODD[k % len(ODD)]}\n" for k in range(1 + q % 4)]
        graded = [(q + k) % 3 == 0 for k in range(len(codes))]
        metadata: list[Any] = []
        for k, ok in enumerate(graded):
            if ok:
                metadata.append(json.dumps({"execution time": 0.5}))
                continue
            code = [-1, -2, -3, -4, -5, -9, None][(q + k) % 7]
            judged: dict[str, Any] = {"error_message": ["", "Wrong Answer", "TLE"][k % 3]}
            if code is not None:
                judged["error_code"] = code
            if (q + k) % 4:
                judged["error"] = errors[(q + k) % len(errors)]
            for n, name in enumerate(("inputs", "expected", "output")):
                if (q + k + n) % 5:
                    judged[name] = values[(q * 3 + k + n) % len(values)]
            metadata.append(judged if k % 2 else json.dumps(judged))
        question: dict[str, Any] = {
            "question_id": q if q % 3 == 0 else f"q{q}-{ODD[q % len(ODD)]}",
            "code_list": codes,
            "graded_list": graded,
            "metadata": metadata[: len(codes) - (q % 5 == 4)],
        }
        if q % 4:
            question.update(
                question_title=f"title {ODD[q % len(ODD)]}",
                question_content=f"Read.\n{ODD[q % len(ODD)]}",
                platform=None if q % 5 == 0 else "leetcode",
                difficulty=None if q % 6 == 0 else "hard",
                starter_code="class Solution:",
            )
        if q % 3 == 1:
            question["output_list"] = [f"```python\n{c}```" for c in codes][: 1 + q % 2]
        questions.append(question)
    path = folder / "odd-model" / "Scenario.codegeneration_1_0.2_eval_all.json"
    path.parent.mkdir()
    path.write_text(json.dumps(questions), encoding="utf-8")
    return path, {}


def _swebench(folder: Path) -> tuple[Path, dict[str, Any]]:
    run = folder / "run"
    for m, model in enumerate(("model-a", "model-b")):
        for i in range(6):
            instance = run / model / f"org__re.po-{m}{i}"
            instance.mkdir(parents=True)
            status: dict[str, Any] = {
                "FAIL_TO_PASS": {"success": ["t::a"] if i % 2 else [], "failure": ["t::b"] * i},
                "PASS_TO_PASS": {"success": ["t::c"], "failure": ["t::d é"] if i == 3 else []},
                "FAIL_TO_FAIL": {"success": [], "failure": ["t::e"]},
            }
            report = {
                "patch_is_None": i == 4,
                "patch_exists": i != 4,
                "patch_successfully_applied": i != 5,
                "resolved": i == 1,
                "tests_status": status,
            }
            if i != 2:
                (instance / "report.json").write_text(json.dumps({instance.name: report}))
            if i != 0:
                (instance / "patch.diff").write_text(f"diff --git a/x b/x\n+{ODD[i]}\n")
            if i % 3:
                (instance / "test_output.txt").write_bytes(f"ran {i} \xff".encode("latin-1"))
    (folder / "preds.jsonl").write_text(
        json.dumps({"instance_id": "org__re.po-00", "model_patch": "diff --git a/p b/p\n"}) + "\n"
    )
    return run, {"predictions": folder / "preds.jsonl"}


def _inspect(folder: Path) -> tuple[Path, dict[str, Any]]:
    samples: list[dict[str, Any]] = []
    scores: list[Any] = ["C", "I", "P", "N", 1, 0.5, 0, True, False, 2, "X", None]
    for i, value in enumerate(scores):
        sample: dict[str, Any] = {
            "id": i if i % 2 else f"T/{i} {ODD[i % len(ODD)]}",
            "epoch": 1 + i % 2,
            "input": (
                f"prompt {ODD[i % len(ODD)]}"
                if i % 3
                else [
                    {"role": "user", "content": "hi"},
                    {"role": "user", "content": [{"text": "a"}, "b", 3]},
                    "raw",
                    {"role": "system", "content": None},
                ]
            ),
            "target": ["one", "two"] if i % 4 == 0 else "ref",
            "output": {"completion": f"```python\nprint({i})\n```"},
            "metadata": {"entry_point": "f"} if i % 3 == 0 else ({"k": [1]} if i % 3 else {}),
        }
        if value is not None:
            score: dict[str, Any] = {"value": value, "explanation": f"why {ODD[i % len(ODD)]}"}
            if i % 2 == 0:
                score["answer"] = f"print({i})\n"
            sample["scores"] = {"first": score, "second": {"value": "C"}}
        if i in (3, 7):
            sample["error"] = {
                "message": "boom",
                "traceback": "Traceback\nE: boom\n" if i == 3 else "",
            }
        samples.append(sample)
    path = folder / "odd.eval"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "tsk", "model": "m/é"}}))
        for sample in samples:
            archive.writestr(
                f"samples/{sample['id']}_epoch_{sample['epoch']}.json", json.dumps(sample)
            )
    return path, {}


def _given(path: Path, **options: Any) -> Callable[[Path], tuple[Path, dict[str, Any]]]:
    return lambda _folder: (path, options)


CASES: dict[str, tuple[str, Callable[[Path], tuple[Path, dict[str, Any]]]]] = {
    "evalplus-data": (
        "evalplus",
        _given(DATA / "evalplus" / "humaneval" / "tiny-coder_temp_0.8.eval_results.json"),
    ),
    "evalplus-odd": ("evalplus", _evalplus),
    "bigcodebench-data": (
        "bigcodebench",
        _given(
            DATA
            / "bigcodebench"
            / "tiny-coder--main--bigcodebench-complete--vllm-0-1-sanitized-calibrated_eval_results.json"
        ),
    ),
    "bigcodebench-odd": ("bigcodebench", _bigcodebench),
    "livecodebench-data": (
        "livecodebench",
        _given(
            DATA / "livecodebench" / "small-model" / "Scenario.codegeneration_3_0.2_eval_all.json"
        ),
    ),
    "livecodebench-odd": ("livecodebench", _livecodebench),
    "swe-bench-data": (
        "swe-bench",
        _given(
            DATA / "swe-bench" / "run-7",
            predictions=DATA / "swe-bench" / "small-model.predictions.jsonl",
        ),
    ),
    "swe-bench-odd": ("swe-bench", _swebench),
    "inspect-test-log": ("inspect", lambda folder: (eval_log(folder / "t.eval", SAMPLES), {})),
    "inspect-odd": ("inspect", _inspect),
}


def _row(sample: SampleIn, root: Path) -> list[Any]:
    digest, meta = sample.hashed()
    source = sample.source or ""
    # The fixture's folder differs from run to run: the source is kept relative to it.
    relative = source[len(str(root)) :] if source.startswith(str(root)) else source
    small = [sample.passed, sample.model, sample.stage, sample.data_type, sample.task_type]
    return [sample.id, relative, *small, digest, meta]


def _digest(fmt: str, path: Path, options: dict[str, Any], store: Store) -> dict[str, Any]:
    summary = ImportSummary(source=fmt)
    rows = []
    for record in IMPORTERS[fmt].read(path, store.taxonomy, summary, **options):
        assert isinstance(record, SampleIn)
        rows.append(_row(record, path.parent.parent if fmt != "swe-bench" else path.parent))
    text = json.dumps(rows, ensure_ascii=False, sort_keys=True)
    said = [summary.warnings, summary.unknown_outcome, len(summary.skipped)]
    return {
        "samples": len(rows),
        "digest": hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest(),
        "summary": hashlib.sha256(json.dumps(said).encode()).hexdigest()[:16],
    }


@pytest.mark.parametrize("case", sorted(CASES))
def test_the_stored_samples_are_those_of_main(case: str, store: Store, tmp_path: Path) -> None:
    fmt, make = CASES[case]
    folder = tmp_path / "fixture"
    folder.mkdir()
    path, options = make(folder)
    found = _digest(fmt, path, options, store)
    golden = json.loads(GOLDEN.read_text(encoding="utf-8")) if GOLDEN.exists() else {}
    if os.environ.get("UPDATE_GOLDEN") == "1":
        golden[case] = found
        GOLDEN.write_text(json.dumps(golden, indent=2, sort_keys=True) + "\n", encoding="utf-8")
    assert golden.get(case) == found, f"{case}: the importer stores other samples than main's"


def _variants() -> list[ImportedCase]:
    return [
        ImportedCase(test="t", status="failed"),
        ImportedCase(test="t", status="timeout", verdict="TLE", message="slow"),
        ImportedCase(test="t é", status="error", traceback="Traceback\nE\n\n", inputs=""),
        ImportedCase(test="t", status="failed", inputs="1", expected="2", output="3"),
        ImportedCase(test="t", status="failed", message="m", expected="x\ny", traceback="tb"),
    ]


@pytest.mark.parametrize("count", [0, 1, 5, 201, 205])
@pytest.mark.parametrize("passed", [0, 3])
def test_the_one_pass_report_is_the_objects_report(count: int, passed: int) -> None:
    """stored_report of case_data/case_text: what with_report stores and render writes."""
    cases = [_variants()[i % 5] for i in range(count)]
    data = [
        case_data(
            c.test, c.status, c.verdict, c.message, c.traceback, c.inputs, c.expected, c.output
        )
        for c in cases
    ]
    stored, text = stored_report("f", data, [case_text(d) for d in data], passed)
    report = make_report("f", cases, passed)
    assert stored == with_report(SampleIn(id="x"), report).metadata[REPORT_KEY]
    assert text == render(report)
