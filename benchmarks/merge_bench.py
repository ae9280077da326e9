"""Merge benchmark: a legitimate other database at the merge's row caps.

Usage: python benchmarks/merge_bench.py [--samples 30000] [--annotators 3]
[--updates 0] [--text 300] [--scenario fresh,shared] [--keep DIR] [--profile FILE]

Builds ``theirs.db`` with N samples (texts of about ``--text`` characters each),
one label per sample for each of ``--annotators`` annotators (3 x 30,000 =
90,000 labels, the caps of :mod:`annotator.store.merge_rows`; they were 200,000 and
600,000 until 2026-12-06, which ``--samples 200000`` still builds, refused by the merge),
and their history (one insert each, written by the store's own triggers; ``--updates``
labels per annotator are edited once more, so history = labels + updates,
capped at 90,000 too). Then it times ``annotator --db ours.db merge theirs.db``
in its own process, wall and CPU time and peak RSS, for each scenario:

- fresh: ours is a new, empty database (every sample and label is new);
- shared: ours holds the same samples (the usual case: every annotator imported
  the same benchmark) and no labels.

``--profile FILE`` runs the merge under cProfile instead and prints its top
entries (times are then inflated by the profiler). The issue-23 limits: under
10 s and 300 MB for a file up to the caps.
"""

from __future__ import annotations

import argparse
import json
import os
import pstats
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from annotator.models import SampleIn
from annotator.store import Store
from annotator.store.merge_rows import MAX_ROWS

ROOT = Path(__file__).resolve().parent.parent
TAXONOMY_VERSION = "1.0"
_MAIN = "from annotator._entry import main; main()"


def _texts(i: int, size: int) -> tuple[str, str, str, str]:
    code = f"def f{i}(x):\n    return torch.matmul(x, w{i % 97}.t())\n"
    code += "    # filler\n" * max(0, (size // 2 - len(code)) // 13)
    output = f"RuntimeError: mat1 and mat2 shapes cannot be multiplied ({i}x3 and 4x{i % 7})\n"
    output += "  line\n" * max(0, (size // 2 - len(output)) // 7)
    return f"Write f{i}.", code, "", output


def build_samples(path: Path, n: int, size: int) -> None:
    """A database of ``n`` samples (no labels), written as an import would."""
    store = Store.open(path)
    store.close()
    conn = sqlite3.connect(path)
    stamp = "2026-11-01T10:00:00.000000Z"
    rows, texts = [], []
    for i in range(n):
        prompt, code, ref, out = _texts(i, size)
        meta = {"task_id": f"t{i // 5}"}
        sample = SampleIn(
            id=f"s{i:06d}",
            prompt=prompt,
            generated_code=code,
            reference_code=ref,
            test_output=out,
            passed=False,
            model="m1",
            metadata=meta,
        )
        rows.append(
            (sample.id, 0, "m1", None, None, None, None, sample.content_hash(),
             json.dumps(meta, sort_keys=True), stamp, stamp)
        )  # fmt: skip
        texts.append((sample.id, prompt, code, ref, out))
    with conn:
        conn.executemany("INSERT INTO samples VALUES (?,?,?,?,?,?,?,?,?,?,?)", rows)
        conn.executemany(
            "INSERT INTO sample_texts (sample_id, prompt, generated_code, reference_code,"
            " test_output) VALUES (?,?,?,?,?)",
            texts,
        )
    conn.close()


def add_labels(path: Path, n: int, annotators: int, updates: int) -> None:
    """One label per sample and annotator (history by the store's triggers)."""
    conn = sqlite3.connect(path)
    names = ["alice", "bob", "carol", "dana", "erin"][:annotators]
    with conn:
        for name in names:
            conn.execute(
                "INSERT INTO annotators (name, created_at) VALUES (?, ?)",
                (name, "2026-11-01T10:00:00.000000Z"),
            )
        for a, name in enumerate(names):
            conn.executemany(
                "INSERT INTO labels (sample_id, annotator, kind, category, subcategory, note,"
                " taxonomy_version, source, revision, created_at, updated_at, raw)"
                " VALUES (?, ?, ?, ?, NULL, ?, ?, 'ui', 1, ?, ?, ?)",
                (
                    (
                        f"s{i:06d}",
                        name,
                        "pass" if i % 10 == 0 else "bug",
                        None if i % 10 == 0 else 1 + (i + a) % 9,
                        "shape mismatch" if i % 7 == 0 else "",
                        TAXONOMY_VERSION,
                        f"2026-11-{1 + i % 28:02d}T{a + 8:02d}:00:00.{i % 1000000:06d}Z",
                        f"2026-11-{1 + i % 28:02d}T{a + 8:02d}:00:00.{i % 1000000:06d}Z",
                        '{"cell": "x"}' if i % 50 == 0 else None,
                    )
                    for i in range(n)
                ),
            )
            if updates:
                conn.execute(
                    "UPDATE labels SET revision = 2, note = 'second look',"
                    " updated_at = '2026-11-30T12:00:00.000000Z'"
                    " WHERE annotator = ? AND sample_id < ?",
                    (name, f"s{updates:06d}"),
                )
    conn.close()


def timed_merge(ours: Path, theirs: Path) -> tuple[int, str, float, float, float]:
    """(exit status, last line of output, wall s, CPU s, peak MB) of one merge process."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-c", _MAIN, "--db", str(ours), "merge", str(theirs)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=ROOT,
    )
    assert proc.stdout is not None
    output = proc.stdout.read().decode(errors="replace")
    _, status, usage = os.wait4(proc.pid, 0)  # this process's own rusage, not all children's
    proc.returncode = os.waitstatus_to_exitcode(status)
    wall = time.perf_counter() - started
    cpu = usage.ru_utime + usage.ru_stime
    lines = output.strip().splitlines()
    return proc.returncode, lines[0][:160] if lines else "", wall, cpu, usage.ru_maxrss / 1024


def profiled_merge(ours: Path, theirs: Path, out: Path) -> None:
    code = (
        "import cProfile, sys;"
        "from annotator._entry import main;"
        f"sys.argv = ['annotator', '--db', {str(ours)!r}, 'merge', {str(theirs)!r}];"
        f"cProfile.run('main()', {str(out)!r})"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=False)
    stats = pstats.Stats(str(out))
    stats.sort_stats("tottime").print_stats(20)
    stats.sort_stats("cumulative").print_stats(30)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=MAX_ROWS["samples"])
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--updates", type=int, default=0)
    parser.add_argument("--text", type=int, default=300, help="characters of texts per sample")
    parser.add_argument("--scenario", default="fresh,shared")
    parser.add_argument("--keep", type=Path, help="build (or reuse) the files here")
    parser.add_argument("--profile", type=Path, help="cProfile the merge into this file")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="merge-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    base, theirs = work / "base.db", work / "theirs.db"
    if not theirs.exists():
        started = time.perf_counter()
        build_samples(base, args.samples, args.text)
        shutil.copyfile(base, theirs)
        add_labels(theirs, args.samples, args.annotators, args.updates)
        print(f"built in {time.perf_counter() - started:.1f} s: {theirs}", file=sys.stderr)
    conn = sqlite3.connect(f"file:{theirs}?mode=ro", uri=True)
    counts = {
        t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
        for t in ("samples", "labels", "label_history")
    }
    conn.close()
    size = os.path.getsize(theirs) >> 20
    print(f"theirs: {counts} ({size} MB); load {os.getloadavg()[0]:.1f}")
    print(f"{'scenario':10} {'exit':>4} {'wall s':>7} {'cpu s':>6} {'peak MB':>8}  output")
    for scenario in args.scenario.split(","):
        ours = work / f"ours-{scenario}.db"
        for suffix in ("", "-wal", "-shm"):
            Path(f"{ours}{suffix}").unlink(missing_ok=True)
        if scenario == "shared":
            shutil.copyfile(base, ours)
        if args.profile:
            profiled_merge(ours, theirs, args.profile)
            continue
        code, line, wall, cpu, peak = timed_merge(ours, theirs)
        print(f"{scenario:10} {code:>4} {wall:>7.1f} {cpu:>6.1f} {peak:>8.0f}  {line}")
    if not args.keep:
        shutil.rmtree(work)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
