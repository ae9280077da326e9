"""Bad input to the benchmark importers, run by test_bad_input (and hostile.py) like
every other importer's: one clear line, exit 1, nothing changed, no hang."""

from __future__ import annotations

import json
import os
import zipfile
from collections.abc import Callable
from pathlib import Path


def evalplus_fifo(tmp: Path) -> tuple[str, Path]:
    os.mkfifo(tmp / "x_eval_results.json")
    return "evalplus", tmp / "x_eval_results.json"


def bigcodebench_deep(tmp: Path) -> tuple[str, Path]:
    path = tmp / "deep_eval_results.json"
    path.write_text('{"eval": ' + "[" * 100_000 + "]" * 100_000 + "}")
    return "bigcodebench", path


def livecodebench_nan(tmp: Path) -> tuple[str, Path]:
    path = tmp / "x_eval_all.json"
    path.write_text('[{"question_id": "q", "code_list": ["x"], "graded_list": [NaN]}]')
    return "livecodebench", path


def swebench_symlink_out(tmp: Path) -> tuple[str, Path]:
    instance = tmp / "run" / "m" / "a__b-1"
    instance.mkdir(parents=True)
    secret = tmp / "secret.txt"
    secret.write_text("TOKEN = 'do not import me'\n")
    (instance / "report.json").write_text(json.dumps({"a__b-1": {"resolved": False}}))
    (instance / "patch.diff").symlink_to(secret)
    return "swe-bench", tmp / "run" / "m"


def inspect_member_not_json(tmp: Path) -> tuple[str, Path]:
    path = tmp / "log.eval"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/1_epoch_1.json", b"\xff{")
    return "inspect", path


def _results(tmp: Path, task: str, solution: str = "x = 1\n") -> dict[str, object]:
    entry = {"task_id": task, "solution": solution, "status": "fail", "details": {}}
    return {"eval": {task: [entry]}}


def bigcodebench_nul_task(tmp: Path) -> tuple[str, Path]:
    path = tmp / "nul_eval_results.json"
    path.write_text(json.dumps(_results(tmp, "BigCodeBench/\u00001")))
    return "bigcodebench", path


def evalplus_nul_task(tmp: Path) -> tuple[str, Path]:
    path = tmp / "nul.eval_results.json"
    entry = {"task_id": "HumanEval/\u00000", "solution": "x", "base_status": "fail"}
    path.write_text(json.dumps({"eval": {"HumanEval/\u00000": [entry]}}))
    return "evalplus", path


def livecodebench_nul_task(tmp: Path) -> tuple[str, Path]:
    path = tmp / "x_eval_all.json"
    question = {"question_id": "q\u00000", "code_list": ["x"], "graded_list": [False]}
    path.write_text(json.dumps([question]))
    return "livecodebench", path


def swebench_nul_instance(tmp: Path) -> tuple[str, Path]:
    instance = tmp / "run" / "m" / "a__b-1"
    instance.mkdir(parents=True)
    (instance / "report.json").write_text(json.dumps({"a__b-1\u0000x": {"resolved": False}}))
    (instance / "patch.diff").write_text("+x\n")
    return "swe-bench", tmp / "run" / "m"


def inspect_nul_id(tmp: Path) -> tuple[str, Path]:
    path = tmp / "log.eval"
    sample = {"id": "t\u00001", "epoch": 1, "input": "x", "output": {"completion": "x"},
              "scores": {"s": {"value": "I"}}}  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/1_epoch_1.json", json.dumps(sample))
    return "inspect", path


def bigcodebench_sample_over_cap(tmp: Path) -> tuple[str, Path]:
    path = tmp / "big_eval_results.json"
    path.write_text(json.dumps(_results(tmp, "BigCodeBench/1", "x" * ((16 << 20) + 1))))
    return "bigcodebench", path


def _evalplus_beside(tmp: Path) -> tuple[Path, Path]:
    (tmp / "run").mkdir()
    path = tmp / "run" / "m.eval_results.json"
    entry = {"task_id": "HumanEval/0", "base_status": "fail"}  # its code: the samples file's
    path.write_text(json.dumps({"eval": {"HumanEval/0": [entry]}}))
    return path, tmp / "run" / "m.jsonl"


def evalplus_samples_link_out(tmp: Path) -> tuple[str, Path]:
    path, samples = _evalplus_beside(tmp)
    secret = tmp / "secret.jsonl"
    secret.write_text(json.dumps({"task_id": "HumanEval/0", "solution": "TOKEN = 1"}) + "\n")
    samples.symlink_to(secret)
    return "evalplus", path


def evalplus_samples_fifo(tmp: Path) -> tuple[str, Path]:
    path, samples = _evalplus_beside(tmp)
    os.mkfifo(samples)
    return "evalplus", path


CASES: dict[str, tuple[Callable[[Path], tuple[str, Path]], str]] = {
    "bigcodebench: NUL in a task id": (bigcodebench_nul_task, "field 'id': a sample id"),
    "evalplus: NUL in a task id": (evalplus_nul_task, "NUL character"),
    "livecodebench: NUL in a question id": (livecodebench_nul_task, "NUL character"),
    "swe-bench: NUL in an instance id": (swebench_nul_instance, "NUL character"),
    "inspect: NUL in a sample id": (inspect_nul_id, "NUL character"),
    "bigcodebench: a sample over 16 Mi characters": (
        bigcodebench_sample_over_cap,
        "more than a sample",
    ),
    "evalplus: samples file beside, linking out": (
        evalplus_samples_link_out,
        "leaving the imported",
    ),
    "evalplus: samples file beside, a FIFO": (evalplus_samples_fifo, "FIFO"),
    "evalplus: FIFO given as the results": (evalplus_fifo, "FIFO"),
    "bigcodebench: nested 100k deep": (bigcodebench_deep, "nested too deeply"),
    "livecodebench: NaN": (livecodebench_nan, "invalid JSON"),
    "swe-bench: patch symlink leaving the run": (swebench_symlink_out, "leaving the imported"),
    "inspect: member not UTF-8": (inspect_member_not_json, "samples/1_epoch_1.json"),
}
