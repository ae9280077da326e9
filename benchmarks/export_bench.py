"""``annotator export counts`` at scale: 100k samples x 3 annotators, target under 2 s.

Usage: python benchmarks/export_bench.py [N]

Builds the random database of ``tests/test_export_scale.py`` (``build_db``: N
failing samples labeled by a, b and mostly final) in a temporary folder, then
times the counts export in a fresh process per source (start-up included),
three runs each.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from _env import print_header  # noqa: E402
from test_export_scale import build_db  # noqa: E402

TARGET_S = 2.0


def main() -> int:
    print_header("cold: synthetic labels written into a fresh database per size")
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    with tempfile.TemporaryDirectory() as tmp:
        db = build_db(Path(tmp) / "big.db", n)
        for source in ("auto", "majority", "final"):
            times = []
            for _ in range(3):
                start = time.perf_counter()
                subprocess.run(
                    [sys.executable, "-m", "annotator", "--db", str(db), "export", "counts"]
                    + ["--format", "json", "--source", source],
                    check=True,
                    capture_output=True,
                )
                times.append(time.perf_counter() - start)
            print(
                f"export counts --source {source:<8} n={n:,}: median"
                f" {statistics.median(times):.2f} s, max {max(times):.2f} s (target < {TARGET_S} s)"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
