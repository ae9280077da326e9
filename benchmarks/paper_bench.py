"""Paper outputs at scale: ``report``, ``report --format html``, ``export passk``, Table 6,
``figures`` (both widths) and cross tables.

Usage: python benchmarks/paper_bench.py [--sizes 1000,100000] [--keep DIR]

For each N it writes N synthetic attempts as JSONL (4 models, 5 attempts of
each task per model, so N / 20 tasks; a stage, data type and task type per
task; small code and test output, since these commands never read sample
texts), imports them, has three raters label every failing sample (each one
two thirds of them, so pairs overlap on about a third) and ``final`` label
half, then times each command in its own process (wall time and peak RSS).
The report's bootstrap follows its default (none above 20,000 samples).
Prints a Markdown table for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _env import print_header

HERE = Path(__file__).resolve().parent
PY = sys.executable
MODELS = ["gpt-4o", "llama-3-70b", "deepseek-coder", "claude"]
STAGES = [
    "pre/post processing",
    "model construction",
    "training",
    "inference",
    "evaluation&metrics",
]
ATTEMPTS = 5


def generate(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    tasks = max(1, n // (len(MODELS) * ATTEMPTS))
    skill = {m: 0.3 + 0.1 * i for i, m in enumerate(MODELS)}
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            model = MODELS[i % len(MODELS)]
            task = (i // (len(MODELS) * ATTEMPTS)) % tasks
            trng = random.Random(task)
            record = {
                "id": f"{model}/DLBench/{task}#{(i // len(MODELS)) % ATTEMPTS + 1}-{i}",
                "task_id": f"DLBench/{task}",
                "generated_code": f"def f{i}(x):\n    return x + {i}\n",
                "test_output": f"E   RuntimeError: shape mismatch {i % 97}\n",
                "passed": rng.random() < skill[model],
                "model": model,
                "stage": trng.choice(STAGES),
                "data_type": trng.choice(["image", "text", "tabular"]),
                "task_type": trng.choice(["general", "classification", "regression"]),
            }
            out.write(json.dumps(record) + "\n")


LABELS = """
import random, sys
from annotator.models import LabelValue
from annotator.store import Store
rng = random.Random(1)
store = Store.open(sys.argv[1])
ids = store.sample_ids(failing_only=True)
with store.transaction():
    for k, sid in enumerate(ids):
        truth = rng.randint(1, 14)
        for j, who in enumerate(("alice", "bob", "carol")):
            if k % 3 == j:
                continue
            cat = truth if rng.random() < 0.7 else rng.randint(1, 14)
            store.import_label(sid, who, LabelValue(category=cat), source="bench")
        if k % 2 == 0:
            store.import_label(sid, "final", LabelValue(category=truth), source="bench")
print(len(ids))
"""


def step(name: str, cmd: list[str]) -> tuple[str, str, str, str]:
    start = time.perf_counter()
    proc = subprocess.run([PY, str(HERE / "_peak.py"), *cmd], capture_output=True, text=True)
    wall = time.perf_counter() - start
    lines = proc.stdout.strip().splitlines()
    peak = lines[-1].split()[1] if lines and lines[-1].startswith("PEAK_MB ") else "?"
    note = (
        "ok"
        if proc.returncode == 0
        else "FAILED: " + (proc.stderr.strip().splitlines() or ["?"])[-1]
    )
    return name, f"{wall:.2f} s", f"{peak} MB", note


def measure(n: int, work: Path) -> list[tuple[str, str, str, str]]:
    data = work / f"paper_{n}.jsonl"
    db = work / f"paper_{n}.db"
    if not data.exists():
        generate(data, n)
    if db.exists():
        db.unlink()
    cli = [PY, "-m", "annotator", "--db", str(db)]
    rows = [
        step("import jsonl", [*cli, "import", "jsonl", str(data)]),
        step("labels (3 raters + final)", [PY, "-c", LABELS, str(db)]),
        step("report (md)", [*cli, "report", "--out", str(work / f"report_{n}.md")]),
        step(
            "report --format html",
            [*cli, "report", "--format", "html", "--out", str(work / f"report_{n}.html")],
        ),
        step(
            "export passk --k 1,5 (latex)",
            [
                *cli,
                "export",
                "passk",
                "--k",
                "1,5",
                "--format",
                "latex",
                "--out",
                str(work / f"passk_{n}.tex"),
            ],
        ),
        step(
            "export counts --layout paper (latex)",
            [
                *cli,
                "export",
                "counts",
                "--layout",
                "paper",
                "--format",
                "latex",
                "--out",
                str(work / f"table6_{n}.tex"),
            ],
        ),
        step("figures (svg, both widths)", [*cli, "figures", "--out", str(work / f"figures_{n}")]),
        step(
            "figures (pdf)",
            [*cli, "figures", "--format", "pdf", "--out", str(work / f"figures_{n}")],
        ),
        step(
            "export counts --by model",
            [*cli, "export", "counts", "--by", "model", "--out", str(work / f"by_model_{n}.md")],
        ),
        step(
            "export counts --by stage (latex)",
            [
                *cli,
                "export",
                "counts",
                "--by",
                "stage",
                "--format",
                "latex",
                "--out",
                str(work / f"by_stage_{n}.tex"),
            ],
        ),
        step(
            "export labels --format sheet",
            [*cli, "export", "labels", "--format", "sheet", "--out", str(work / f"sheet_{n}.csv")],
        ),
        step(
            "import labels (sheet back, no change)",
            [*cli, "import", "labels", str(work / f"sheet_{n}.csv")],
        ),
    ]
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,100000")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep data in")
    args = parser.parse_args()
    print_header("cold: synthetic data written into a fresh folder per size")
    sizes = [int(s) for s in args.sizes.split(",")]
    work_ctx = tempfile.TemporaryDirectory() if args.keep is None else None
    work = args.keep or Path(work_ctx.name)  # type: ignore[union-attr]
    work.mkdir(parents=True, exist_ok=True)
    print("| N | step | wall | peak RSS | result |")
    print("|---:|---|---:|---:|---|")
    for n in sizes:
        for name, wall, peak, note in measure(n, work):
            print(f"| {n:,} | {name} | {wall} | {peak} | {note} |", flush=True)
    if work_ctx is not None:
        work_ctx.cleanup()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
