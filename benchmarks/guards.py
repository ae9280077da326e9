"""Quadratic-regression guards that used to be timed tests: each scenario, its time, its budget.

Usage: python benchmarks/guards.py [--runs N]

A timed assertion fails on a loaded machine for no fault of the code, so the tests keep only
what the scenario must compute (the answer at scale) and this script keeps the clock. Each
budget is an order of magnitude above what a linear algorithm needs here, and orders below what
a quadratic one would take, so a row over budget means an algorithm changed, not the machine.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests"))

from test_agreement_report import big_store  # noqa: E402
from test_fences import NEVER_CLOSED  # noqa: E402
from test_testoutput_hostile import REALISTIC  # noqa: E402

from annotator.agreement import agreement_report  # noqa: E402
from annotator.failures.fingerprint import cluster  # noqa: E402
from annotator.failures.testoutput import parse_test_output  # noqa: E402
from annotator.importers.fences import fenced_code  # noqa: E402
from annotator.stats import (  # noqa: E402
    gwet_ac1,
    krippendorff_alpha,
    pairwise_kappa,
    percent_agreement,
)


def agreement_20k(tmp: Path) -> Callable[[], object]:
    """agreement_report over 20k samples x (final, a, b)."""
    store = big_store(tmp / "big.db")
    return lambda: agreement_report(store, ["final", "a", "b"])


def statistics_100k(_tmp: Path) -> Callable[[], object]:
    """The four headline statistics on 100k items x 3 annotators."""
    rng = random.Random(0)
    labels = ["1", "2", "3", "4", "5", "6"]
    ratings = {
        i: {a: rng.choice(labels) for a in ("x", "y", "z") if rng.random() < 0.9}
        for i in range(100_000)
    }

    def run() -> object:
        percent_agreement(ratings)
        pairwise_kappa(ratings, ["x", "y", "z"])
        krippendorff_alpha(ratings)
        return gwet_ac1(ratings, labels)

    return run


def ten_mb_line(_tmp: Path) -> Callable[[], object]:
    """parse_test_output on one 10 MB line, with and without a failures header."""
    line = "E   " + "x" * (10 * 1024 * 1024)
    return lambda: (
        parse_test_output("=== FAILURES ===\n___ t ___\n" + line),
        parse_test_output(line),
    )


def four_thousand_failures(_tmp: Path) -> Callable[[], object]:
    """parse_test_output on 2.2 MB holding 4000 failures."""
    big = REALISTIC * 2000
    return lambda: parse_test_output(big)


def cluster_50k(_tmp: Path) -> Callable[[], object]:
    """Fingerprint clustering of 50k messages."""
    items = [(i, f"Error{i % 40}: message {i % 40}") for i in range(50_000)]
    return lambda: cluster(items)


def fences_never_closed(_tmp: Path) -> Callable[[], object]:
    """fenced_code on two 1 MB responses of 1,400 fences, none of which closes (5.2 s with the
    harness's former regular expression, which looked for a close from every fence)."""
    return lambda: [fenced_code(text) for text in NEVER_CLOSED]


# (name, set-up returning the timed call, budget in seconds)
GUARDS: list[tuple[str, Callable[[Path], Callable[[], object]], float]] = [
    ("agreement report, 20k x 3", agreement_20k, 5.0),
    ("four statistics, 100k x 3", statistics_100k, 10.0),
    ("test output, one 10 MB line", ten_mb_line, 2.0),
    ("test output, 4000 failures", four_thousand_failures, 3.0),
    ("cluster, 50k messages", cluster_50k, 2.0),
    ("fenced code, 1,400 open fences", fences_never_closed, 0.5),
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    over = 0
    print(f"{'guard':<30} {'median s':>9} {'max s':>7} {'budget s':>9}")
    for name, setup, budget in GUARDS:
        with tempfile.TemporaryDirectory() as tmp:
            call = setup(Path(tmp))
            times = []
            for _ in range(args.runs):
                start = time.perf_counter()
                call()
                times.append(time.perf_counter() - start)
        flag = "" if max(times) < budget else "  OVER BUDGET"
        over += bool(flag)
        print(f"{name:<30} {statistics.median(times):9.2f} {max(times):7.2f} {budget:9.1f}{flag}")
    return 1 if over else 0


if __name__ == "__main__":
    raise SystemExit(main())
