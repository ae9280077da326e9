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


CASES: dict[str, tuple[Callable[[Path], tuple[str, Path]], str]] = {
    "evalplus: FIFO given as the results": (evalplus_fifo, "FIFO"),
    "bigcodebench: nested 100k deep": (bigcodebench_deep, "nested too deeply"),
    "livecodebench: NaN": (livecodebench_nan, "invalid JSON"),
    "swe-bench: patch symlink leaving the run": (swebench_symlink_out, "leaving the imported"),
    "inspect: member not UTF-8": (inspect_member_not_json, "samples/1_epoch_1.json"),
}
