"""Suggestion speed: milliseconds per sample, cold (parse + analyse + rank).

Usage: python benchmarks/suggest_bench.py [DLBENCH_DIR]

Imports the folder into a temporary database, then for every failing sample
times the whole path from texts to ranked suggestions: parsing the test
output, analysing the generated code against the reference, and ranking with
the rules and the votes of the labeled samples. Target: under 20 ms per
sample. Also prints the leave-one-out accuracy against the 'final' labels.
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from pathlib import Path

from _env import print_header

from annotator.importers import import_path
from annotator.store import Store
from annotator.suggest.engine import Engine, _compute
from annotator.suggest.evaluate import evaluate
from annotator.suggest.features import Facts
from annotator.suggest.rank import rank

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dlbench"


def main() -> int:
    print_header("cold: data imported into a fresh database, every sample analysed from scratch")
    folder = Path(sys.argv[1]) if len(sys.argv) > 1 else DEFAULT
    if not (folder / "Generated").is_dir():
        print(f"no DL-Bench folder at {folder}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        import_path(store, "dlbench", folder)
        engine = Engine(store)
        votes = engine.votes()  # builds the labeled samples' facts once
        rows = list(store.fact_inputs(store.sample_ids(failing_only=True)))
        times = []
        for row in rows:
            start = time.perf_counter()
            sid, data = _compute(row)
            rank(Facts.from_json(data), engine.rules, store.taxonomy, votes, sid)
            times.append((time.perf_counter() - start) * 1000)
        times.sort()
        p95 = times[min(len(times) - 1, int(len(times) * 0.95))]
        print(f"failing samples: {len(times)}")
        print(
            f"ms per sample: median {statistics.median(times):.1f}, p95 {p95:.1f}, max {times[-1]:.1f}"
        )
        print("target: under 20 ms per sample")
        result = evaluate(engine, "final")
        print(
            f"leave-one-out vs final ({result.n} samples): top-1 {result.top1 / result.n:.1%},"
            f" top-3 {result.top3 / result.n:.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
