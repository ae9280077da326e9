"""Marks in the code view: milliseconds per sample and what gets marked.

Usage: python benchmarks/marks_bench.py [DLBENCH_DIR] [--runs N]

Imports the folder into a temporary database, then for every failing sample
times :func:`annotator.codeview.marks.code_marks` (what the code view's worker
computes when a sample is shown: libcst positions of the statements the
facts point at, the call comparison, the undefined names), given the parsed
test output and the matching reference line as the view has them. Prints
median and p95 (the UI computes marks in a worker, off the suggestion path
and off ``n``; a few ms is the aim) and how many samples got which marks.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections import Counter
from pathlib import Path

from _env import failing_dlbench_samples, print_header

from annotator.codeview.marks import code_marks
from annotator.failures.primary import marked_failure, primary_error, report_of
from annotator.tui.render import matching_line

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "dlbench"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print_header("cold: data imported into a fresh database, marks computed from scratch")
    if not (args.data / "Generated").is_dir():
        print(f"no DL-Bench folder at {args.data}")
        return 1
    samples = failing_dlbench_samples(args.data)
    inputs = []
    for sample in samples:
        if sample is None:
            continue
        report = report_of(sample.test_output, sample.metadata)
        line = primary_error(report, sample.generated_code).line
        ref_line = matching_line(sample.generated_code, sample.reference_code, line)
        inputs.append((sample, marked_failure(report, sample.generated_code), line, ref_line))
    times: list[float] = []
    facts: Counter[str] = Counter()
    marked = 0
    for run in range(args.runs):
        for sample, failure, line, ref_line in inputs:
            start = time.perf_counter()
            marks = code_marks(
                sample.generated_code, sample.reference_code, failure, line, ref_line
            )
            times.append((time.perf_counter() - start) * 1000)
            if run == 0:
                marked += bool(marks)
                facts.update(f"{m.side}: {m.fact}" for m in marks)
    print(f"failing samples: {len(inputs)}, {args.runs} runs")
    print(
        f"ms per sample: median {statistics.median(times):.2f}, p95 {p95(times):.2f},"
        f" max {max(times):.1f}"
    )
    print(f"samples with a mark: {marked} of {len(inputs)}")
    for name, count in sorted(facts.items()):
        print(f"  {name:<45} {count}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
