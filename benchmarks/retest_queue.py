"""The labeling queue with test-retest at 100k samples: page + count, with and without re-shows.

Usage: python benchmarks/retest_queue.py [--n 100000] [--runs 5] [--keep DIR]

Builds a database of N samples (small texts: the queue never reads them; 70 % failing) in
which alice decided every failing sample, then measures, median over ``--runs``:

- ``store.queue`` page of 200 + ``queue_count`` (what ``benchmarks/scale.py`` measures; its
  SQL is unchanged by retest);
- the same through alice's blind view (``BlindView``) without a retest plan (the plain SQL;
  the view asks once per sitting whether a plan exists);
- through the blind view with a plan of 5 % after 20 (about 3.5k re-shows due: the queue
  joins alice's labels without them and their second answers instead), alternated with a
  view of the same sitting without re-shows, and that sitting's one-time computation of
  the due re-shows (``retest_due``).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from _env import print_header

from annotator.blind import BlindView
from annotator.models import LabelValue, SampleIn
from annotator.store import QueueRow, Store
from annotator.store.blind import Sitting
from annotator.store.labels import put_label


def build(path: Path, n: int) -> None:
    with Store.open(path) as store, store.transaction():
        for i in range(n):
            store.upsert_sample(
                SampleIn(id=f"sample-{i:06d}", generated_code=f"x = {i}", passed=i % 10 < 3)
            )
        for sid in store.sample_ids(failing_only=True):
            put_label(
                store._db,
                sid,
                "alice",
                LabelValue(category=1 + hash(sid) % 14),
                taxonomy_version="1.0",
                source="bench",
            )


def clock(fn: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--keep", type=Path, default=None)
    args = parser.parse_args()
    print_header("no suggestion cache (the queue never reads it)", f"{args.n:,} synthetic samples")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="retest-queue-"))
    db = folder / f"retest_{args.n}.db"
    if not db.exists():
        build(db, args.n)
    with Store.open(db) as store:
        store.set_retest_plan(0)

        def page(q: Callable[..., list[QueueRow]], c: Callable[..., int]) -> None:
            q(limit=200)
            c()

        rows = [
            (
                "store.queue page + count",
                clock(
                    lambda: page(
                        lambda **k: store.queue("alice", **k), lambda: store.queue_count("alice")
                    ),
                    args.runs,
                ),
            )
        ]
        view = BlindView(store, "alice")
        rows.append(
            ("blind view, no plan", clock(lambda: page(view.queue, view.queue_count), args.runs))
        )
        store.set_retest_plan(0.05, after=20, seed=1)
        rows.append(
            ("retest_due (once per sitting)", clock(lambda: store.retest_due("alice"), args.runs))
        )
        masked = BlindView(store, "alice")
        due = len(masked.hidden())
        plain = BlindView(store, "alice", Sitting(hidden=frozenset()))
        # Alternated (A B A B), so that the machine's load falls on both alike.
        times: dict[str, list[float]] = {"plain": [], "masked": []}
        for _ in range(args.runs):
            for name, one in (("plain", plain), ("masked", masked)):
                start = time.perf_counter()
                page(one.queue, one.queue_count)
                times[name].append((time.perf_counter() - start) * 1000)
        rows.append(("blind view, no re-show due (alternated)", statistics.median(times["plain"])))
        rows.append(
            (f"blind view, {due:,} re-shows due (alternated)", statistics.median(times["masked"]))
        )
        store.set_retest_plan(0)
    print("| step | median ms |\n|---|---|")
    for name, ms in rows:
        print(f"| {name} | {ms:.0f} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
