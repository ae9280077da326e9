"""Synthetic result files of the benchmark formats, and the bare reading of them.

For each format: ``write(folder, n)`` writes n samples (tasks of 5 attempts,
code of 0.5-2 KB, a failure of 0.3-1 KB, 60% failing) shaped like the
benchmark's own files and returns the PATH to import; ``bare(path)`` reads the
same files with ``json``/``zipfile`` alone and returns the rows a bare insert
stores (id, code, failure text, and any other text of the file the import keeps,
such as Inspect's raw completion), with no validation or report.
"""

from __future__ import annotations

import json
import random
import zipfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ATTEMPTS = 5
Row = dict[str, Any]


def _code(rng: random.Random) -> str:
    lines = [f"def solve_{rng.randrange(10**6)}(values, limit):"]
    for i in range(rng.randrange(12, 50)):
        lines.append(f"    total_{i} = sum(v * {i} for v in values if v < limit)  # step {i}")
    lines.append("    return total_0")
    return "\n".join(lines) + "\n"


def _trace(rng: random.Random, test: str) -> str:
    frames = "".join(
        f'  File "__test__.py", line {rng.randrange(1, 60)}, in helper_{k}\n    value = helper_{k + 1}(x)\n'
        for k in range(rng.randrange(2, 8))
    )
    return f"Traceback (most recent call last):\n{frames}AssertionError: {rng.randrange(999)} != 7 in {test}\n"


def _failing(rng: random.Random) -> bool:
    return rng.random() < 0.6


# --------------------------------------------------------------------------- evalplus


def write_evalplus(folder: Path, n: int) -> Path:
    rng = random.Random(1)
    results: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        entries = results.setdefault(f"HumanEval/{i // ATTEMPTS}", [])
        bad = _failing(rng)
        inputs = [[[rng.random() for _ in range(8)], rng.randrange(9)] for _ in range(3)]
        entries.append(
            {
                "task_id": f"HumanEval/{i // ATTEMPTS}",
                "solution": _code(rng),
                "base_status": "fail" if bad else "pass",
                "plus_status": "fail" if bad else "pass",
                "base_fail_tests": inputs[:1] if bad else [],
                "plus_fail_tests": inputs if bad else [],
            }
        )
    path = folder / "bench_temp_0.8.eval_results.json"
    path.write_text(json.dumps({"date": "2026-12-06", "hash": "0", "eval": results}))
    return path


def bare_evalplus(path: Path) -> list[Row]:
    rows = []
    for task, entries in json.loads(path.read_bytes())["eval"].items():
        for i, e in enumerate(entries):
            failure = "\n".join(json.dumps(x) for x in e["base_fail_tests"] + e["plus_fail_tests"])
            rows.append(
                {"id": f"{task}#{i}", "generated_code": e["solution"], "test_output": failure}
            )
    return rows


# --------------------------------------------------------------------------- bigcodebench


def write_bigcodebench(folder: Path, n: int) -> Path:
    rng = random.Random(2)
    results: dict[str, list[dict[str, Any]]] = {}
    for i in range(n):
        bad = _failing(rng)
        details = {f"test_case_{k}": _trace(rng, f"test_case_{k}") for k in range(2)} if bad else {}
        results.setdefault(f"BigCodeBench/{i // ATTEMPTS}", []).append(
            {
                "task_id": f"BigCodeBench/{i // ATTEMPTS}",
                "solution": _code(rng),
                "status": "fail" if bad else "pass",
                "details": details,
            }
        )
    path = folder / "bench_eval_results.json"
    path.write_text(json.dumps({"date": "2026-12-06", "eval": results}))
    return path


def bare_bigcodebench(path: Path) -> list[Row]:
    rows = []
    for task, entries in json.loads(path.read_bytes())["eval"].items():
        for i, e in enumerate(entries):
            failure = "\n".join(f"{k}\n{v}" for k, v in e["details"].items())
            rows.append(
                {"id": f"{task}#{i}", "generated_code": e["solution"], "test_output": failure}
            )
    return rows


# --------------------------------------------------------------------------- livecodebench


def write_livecodebench(folder: Path, n: int) -> Path:
    rng = random.Random(3)
    questions = []
    for q in range(n // ATTEMPTS):
        graded = [not _failing(rng) for _ in range(ATTEMPTS)]
        metadata = [
            json.dumps({"execution time": 0.1})
            if ok
            else json.dumps(
                {
                    "output": str(rng.randrange(99)),
                    "inputs": " ".join(str(rng.randrange(99)) for _ in range(40)),
                    "expected": str(rng.randrange(99)),
                    "error_code": -2,
                    "error_message": "Wrong Answer",
                }
            )
            for ok in graded
        ]
        questions.append(
            {
                "question_id": f"q{q}",
                "question_title": f"question {q}",
                "question_content": "Read n numbers and print their sum. " * 10,
                "platform": "atcoder",
                "difficulty": "easy",
                "code_list": [_code(rng) for _ in range(ATTEMPTS)],
                "graded_list": graded,
                "metadata": metadata,
            }
        )
    path = folder / "model" / "Scenario.codegeneration_5_0.2_eval_all.json"
    path.parent.mkdir()
    path.write_text(json.dumps(questions))
    return path


def bare_livecodebench(path: Path) -> list[Row]:
    rows = []
    for q in json.loads(path.read_bytes()):
        for i, code in enumerate(q["code_list"]):
            rows.append(
                {
                    "id": f"{q['question_id']}#{i}",
                    "prompt": q["question_content"],
                    "generated_code": code,
                    "test_output": q["metadata"][i],
                }
            )
    return rows


# --------------------------------------------------------------------------- swe-bench


def write_swebench(folder: Path, n: int) -> Path:
    rng = random.Random(4)
    run = folder / "run" / "model"
    for i in range(n):
        instance = run / f"org__repo-{i}"
        instance.mkdir(parents=True)
        bad = _failing(rng)
        status = {
            "FAIL_TO_PASS": {
                "success": [] if bad else ["tests/t.py::test_a"],
                "failure": ["tests/t.py::test_a"] if bad else [],
            },
            "PASS_TO_PASS": {
                "success": [f"tests/t.py::test_{k}" for k in range(10)],
                "failure": [],
            },
        }
        report = {
            "patch_is_None": False,
            "patch_exists": True,
            "patch_successfully_applied": True,
            "resolved": not bad,
            "tests_status": status,
        }
        (instance / "report.json").write_text(json.dumps({instance.name: report}))
        (instance / "patch.diff").write_text(
            "diff --git a/x.py b/x.py\n+" + _code(rng).replace("\n", "\n+")
        )
        (instance / "test_output.txt").write_text(_trace(rng, "test_a") * 2)
    return run


def bare_swebench(run: Path) -> list[Row]:
    rows = []
    for instance in sorted(run.iterdir()):
        report = json.loads((instance / "report.json").read_bytes())
        rows.append(
            {
                "id": instance.name,
                "generated_code": (instance / "patch.diff").read_text(),
                "test_output": (instance / "test_output.txt").read_text(),
                "metadata": json.dumps(report),
            }
        )
    return rows


# --------------------------------------------------------------------------- inspect


def write_inspect(folder: Path, n: int) -> Path:
    rng = random.Random(5)
    path = folder / "bench.eval"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            "header.json", json.dumps({"version": 2, "eval": {"task": "humaneval", "model": "m"}})
        )
        for i in range(n):
            task, epoch = i // ATTEMPTS, i % ATTEMPTS + 1
            bad = _failing(rng)
            code = _code(rng)
            sample = {
                "id": f"HumanEval/{task}",
                "epoch": epoch,
                "input": "Complete the function. " * 10,
                "target": "return 1",
                "output": {"completion": f"```python\n{code}```"},
                "scores": {
                    "verify": {
                        "value": "I" if bad else "C",
                        "answer": code,
                        "explanation": _trace(rng, "check") if bad else "ok",
                    }
                },
                "metadata": {},
            }
            archive.writestr(f"samples/HumanEval/{task}_epoch_{epoch}.json", json.dumps(sample))
    return path


def bare_inspect(path: Path) -> list[Row]:
    rows = []
    with zipfile.ZipFile(path) as archive:
        for name in archive.namelist():
            if name.startswith("samples/"):
                s = json.loads(archive.read(name))
                score = s["scores"]["verify"]
                # The raw completion too: the import keeps it (in the metadata), so a
                # bare insert of the same texts stores it as well.
                rows.append(
                    {
                        "id": name,
                        "prompt": s["input"],
                        "generated_code": score["answer"],
                        "test_output": score["explanation"],
                        "completion": s["output"]["completion"],
                    }
                )
    return rows


FORMATS: dict[str, tuple[Callable[[Path, int], Path], Callable[[Path], list[Row]]]] = {
    "evalplus": (write_evalplus, bare_evalplus),
    "bigcodebench": (write_bigcodebench, bare_bigcodebench),
    "livecodebench": (write_livecodebench, bare_livecodebench),
    "swe-bench": (write_swebench, bare_swebench),
    "inspect": (write_inspect, bare_inspect),
}
