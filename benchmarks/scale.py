"""Scale benchmark: synthetic samples and labels at N = 1k, 10k, 100k.

Usage: python benchmarks/scale.py [--sizes 1000,10000,100000] [--keep DIR]

For each N it writes a JSONL file of N synthetic samples (code of 1-5 KB;
test output of 1 KB-2 MB, mostly small: 90% 1-8 KB, 9% 8-64 KB, 1% 64 KB-2 MB),
then runs each step in a fresh subprocess and reports wall time and the peak
resident memory of that process:

- import: ``annotator import jsonl``
- labels: 3 annotators label every failing sample (one transaction)
- status: ``annotator status --json``
- queue page / filter: the first page of the labeling queue, and the queue
  filtered by category, as the UI asks for them
- suggest: incremental ``annotator suggest`` (only samples not cached yet)
- agreement: ``annotator agreement --json``
- export: ``annotator export counts --format json``
- ui: start-up to the first sample shown, and next-sample p95, under Pilot

Steps whose command does not exist yet print 'n/a'. Results are printed as a
Markdown table, ready for benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from _env import print_header

HERE = Path(__file__).resolve().parent
PY = sys.executable

CODE_LINES = [
    "    x = torch.matmul(inputs, weight.t())",
    "    if x.dim() != 3:",
    "        raise ValueError('expected a 3-D tensor')",
    "    out = torch.nn.functional.softmax(x / temperature, dim=-1)",
    "    for i in range(batch_size):",
    "        total += out[i].sum().item()",
    "    mask = (labels != ignore_index).float()",
    "    loss = -(targets * torch.log(probs + 1e-8)).sum(dim=1).mean()",
    "    return out.reshape(batch_size, -1, hidden)",
]
ERRORS = [
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied ({a}x{b} and {c}x{d})",
    "AttributeError: module 'torch' has no attribute 'foo{a}'",
    "IndexError: too many indices for tensor of dimension {a}",
    "TypeError: forward() got an unexpected keyword argument 'dim{a}'",
    "AssertionError: Tensor-likes are not close! Mismatched elements: {a} / {b}",
    "NameError: name 'helper{a}' is not defined",
]


def _code(rng: random.Random, size: int, name: str) -> str:
    lines = [f"import torch\n\ndef {name}(inputs, weight, temperature=1.0):"]
    total = len(lines[0])
    while total < size:
        line = rng.choice(CODE_LINES)
        lines.append(line)
        total += len(line) + 1
    return "\n".join(lines) + "\n"


def _output(rng: random.Random, size: int, name: str) -> str:
    err = rng.choice(ERRORS).format(**{k: rng.randint(2, 512) for k in "abcd"})
    head = (
        "============================= test session starts ==============================\n"
        f"collected 3 items\n\ntests/test_{name}.py::test_a FAILED\n\n"
        "=================================== FAILURES ===================================\n"
        f"_____ test_a _____\n\n    def test_a():\n>       {name}(x, w)\n\n"
        f"generated.py:12: in {name}\n    x = torch.matmul(inputs, weight.t())\nE   {err}\n"
    )
    filler = "captured log: step ok, loss=0.1234 lr=0.001 epoch=1\n"
    body = filler * max(0, (size - len(head)) // len(filler))
    return head + body + f"FAILED tests/test_{name}.py::test_a - {err}\n=== 1 failed in 0.5s ===\n"


def _output_size(rng: random.Random) -> int:
    r = rng.random()
    if r < 0.90:
        return rng.randint(1_000, 8_000)
    if r < 0.99:
        return rng.randint(8_000, 64_000)
    return rng.randint(64_000, 2_000_000)


def generate(path: Path, n: int, seed: int = 0) -> None:
    rng = random.Random(seed)
    models = ["gpt-4o", "llama-3-70b", "deepseek-coder"]
    with path.open("w", encoding="utf-8") as out:
        for i in range(n):
            name = f"fn_{i}"
            record = {
                "id": f"sample-{i:06d}",
                "prompt": f"Write {name} that computes a masked softmax over a batch.",
                "generated_code": _code(rng, rng.randint(1_000, 5_000), name),
                "reference_code": _code(rng, rng.randint(1_000, 3_000), name),
                "test_output": _output(rng, _output_size(rng), name),
                "passed": rng.random() < 0.3,
                "model": rng.choice(models),
                "stage": rng.choice(["function", "class"]),
                "data_type": rng.choice(["image", "text", "tabular"]),
                "task_type": rng.choice(["training", "inference", "preprocessing"]),
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
    for sid in ids:
        truth = rng.randint(1, 14)
        for who in ("alice", "bob", "carol"):
            cat = truth if rng.random() < 0.7 else rng.randint(1, 14)
            store.import_label(sid, who, LabelValue(category=cat), source="bench")
print(len(ids))
"""

QUEUE = """
import sys, time
from annotator.store import Store, SampleFilter
store = Store.open(sys.argv[1])
t = time.perf_counter()
page = store.queue("alice", limit=200)
total = store.queue_count("alice")
first = store.sample(page[0]["id"])
t1 = time.perf_counter()
filtered = store.queue("alice", SampleFilter(category=6, category_annotator="alice"), limit=200)
n = store.queue_count("alice", SampleFilter(category=6, category_annotator="alice"))
t2 = time.perf_counter()
print(f"{(t1 - t) * 1000:.0f} ms page+count+first sample; {(t2 - t1) * 1000:.0f} ms filter ({n})")
"""


def run(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, float, str]:
    """Wall seconds, peak RSS MB of the child, and its stdout."""
    start = time.perf_counter()
    proc = subprocess.run(cmd, capture_output=True, text=True, env=env)
    wall = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    if proc.returncode != 0:
        return wall, peak, "FAILED: " + (proc.stderr.strip().splitlines() or ["?"])[-1]
    return wall, peak, proc.stdout.strip()


def has_command(name: str) -> bool:
    proc = subprocess.run([PY, "-m", "annotator", name, "--help"], capture_output=True)
    return proc.returncode == 0


def _summary(name: str, out: str) -> str:
    """The last line of a step's output; for the UI, its medians and p95s."""
    if not name.startswith("ui"):
        return out.splitlines()[-1][:70] if out else ""
    parts = []
    for line in out.splitlines():
        words = line.split()
        if "median" in words and "p95" in words and not line.startswith("import"):
            label = line.split("n=")[0].strip()
            median = words[words.index("median") + 1]
            p95 = words[words.index("p95") + 1]
            parts.append(f"{label}: {median} ms (p95 {p95})")
    return "; ".join(parts)


def measure(n: int, work: Path) -> list[tuple[str, str, str, str]]:
    data = work / f"samples_{n}.jsonl"
    db = work / f"scale_{n}.db"
    if not data.exists():
        generate(data, n)
    if db.exists():
        db.unlink()
    cli = [PY, "-m", "annotator", "--db", str(db)]
    rows = []

    def step(name: str, cmd: list[str]) -> None:
        # A fresh process per step: ru_maxrss of RUSAGE_CHILDREN is the max
        # over all children so far, so each step runs in its own python
        # launched through a wrapper that reports its own peak.
        wrapped = [PY, str(HERE / "_peak.py"), *cmd]
        wall, _, out = run(wrapped)
        peak = "?"
        lines = out.splitlines()
        if lines and lines[-1].startswith("PEAK_MB "):
            peak = lines[-1].split()[1]
            out = "\n".join(lines[:-1])
        rows.append((name, f"{wall:.2f} s", f"{peak} MB", _summary(name, out)))

    step("import", [*cli, "import", "jsonl", str(data)])
    step("labels (3 annotators)", [PY, "-c", LABELS, str(db)])
    step("status", [*cli, "status", "--json"])
    step("queue page / filter", [PY, "-c", QUEUE, str(db)])
    for name, args in [
        ("suggest (all, cold)", ["suggest", "--json"]),
        ("suggest (incremental)", ["suggest", "--json"]),
        ("agreement", ["agreement", "--json"]),
        ("export counts", ["export", "counts", "--format", "json", "--source", "alice"]),
    ]:
        if has_command(args[0]):
            step(name, [*cli, *args])
        else:
            rows.append((name, "n/a", "", "command not built yet"))
    ui = HERE / "tui_bench.py"
    if ui.exists():
        # A fresh annotator: the queue starts at unlabeled samples, as for a new rater.
        step(
            "ui start-up / next",
            [PY, str(ui), "--db", str(db), "--annotator", "dave", "--steps", "60", "--starts", "3"],
        )
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="1000,10000,100000")
    parser.add_argument("--keep", type=Path, default=None, help="work folder to keep data in")
    args = parser.parse_args()
    print_header("cold: synthetic data written into a fresh folder (or --keep) per size")
    work = args.keep or Path(tempfile.mkdtemp(prefix="annotator-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    print(f"machine: {os.cpu_count()} cores, python {sys.version.split()[0]}; work folder {work}")
    for n in (int(s) for s in args.sizes.split(",")):
        print(f"\n### N = {n:,}\n")
        print("| step | wall | peak RSS | output |\n|---|---|---|---|")
        for name, wall, peak, out in measure(n, work):
            print(f"| {name} | {wall} | {peak} | {out.replace('|', '/')} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
