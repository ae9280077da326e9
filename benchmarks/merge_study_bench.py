"""Merge benchmark for the study tables: a file heavy in gold, training, retest and discussions.

Usage: python benchmarks/merge_study_bench.py [--samples 20000] [--annotators 3] [--keep DIR]

Builds ``theirs.db`` with N samples, each a gold training item and all in one round, and
for each of ``--annotators`` annotators an assignment, a training answer, a discussion and
a retest answer (with the history entry its trigger writes) per sample: 2 N + 5 K N + 1
study rows, merged row by row by :mod:`annotator.store.merge_study`. Then it times ``annotator --db ours.db merge
theirs.db`` into a new database in its own process (wall, CPU, peak RSS), as
``merge_bench.py`` does for samples and labels.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from merge_bench import timed_merge  # noqa: E402

from annotator.models import SampleIn  # noqa: E402
from annotator.store import Store  # noqa: E402

STAMP = "2026-12-01T00:00:00.000000Z"


def build(theirs: Path, samples: int, annotators: int) -> None:
    names = [f"rater{i}" for i in range(annotators)]
    with Store.open(theirs) as store:
        for i in range(samples):
            store.upsert_sample(SampleIn(id=f"s{i:06d}", passed=False, generated_code=f"x = {i}"))
        for name in names:
            store.register_annotator(name)
    add_study_rows(theirs, samples, names)


def add_study_rows(theirs: Path, samples: int, names: list[str]) -> None:
    """The study rows of :func:`build` for samples ``s000000``... already in ``theirs``
    and annotators ``names`` already registered (``hostile.py --only merge-caps``
    adds them to a file of its own samples)."""
    ids = [f"s{i:06d}" for i in range(samples)]
    conn = sqlite3.connect(theirs)
    conn.executemany(
        "INSERT INTO gold VALUES (?, 'training', 'bug', 1, NULL, 'import:x', '1.0', ?, ?)",
        [(s, STAMP, STAMP) for s in ids],
    )
    conn.execute("INSERT INTO rounds VALUES (1, 'round 1', 7, NULL, 'all', ?)", (STAMP,))
    conn.executemany(
        "INSERT INTO round_samples VALUES (?, 1, ?)", [(s, i) for i, s in enumerate(ids)]
    )
    for who in names:
        conn.executemany("INSERT INTO round_assignments VALUES (?, ?, 1)", [(s, who) for s in ids])
        conn.executemany(
            "INSERT INTO training_answers VALUES (?, ?, 'bug', 2, NULL, 'bug', 1, NULL, '1.0', ?)",
            [(s, who, STAMP) for s in ids],
        )
        conn.executemany(
            "INSERT INTO discussions VALUES (?, ?, NULL, ?)", [(s, who, STAMP) for s in ids]
        )
        conn.executemany(
            "INSERT INTO retest_answers (sample_id, annotator, first_history_id, kind, category,"
            " taxonomy_version, source, revision, created_at, updated_at)"
            " VALUES (?, ?, NULL, 'bug', 3, '1.0', 'ui', 1, ?, ?)",
            [(s, who, STAMP, STAMP) for s in ids],
        )
    conn.commit()
    conn.close()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--samples", type=int, default=20_000)
    parser.add_argument("--annotators", type=int, default=3)
    parser.add_argument("--keep", type=Path, help="build (or reuse) the files here")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="merge-study-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    theirs, ours = work / "theirs.db", work / "ours.db"
    if not theirs.exists():
        build(theirs, args.samples, args.annotators)
    for suffix in ("", "-wal", "-shm"):
        Path(f"{ours}{suffix}").unlink(missing_ok=True)
    rows = args.samples * (2 + 5 * args.annotators) + 1
    code, line, wall, cpu, peak = timed_merge(ours, theirs)
    print(f"study rows {rows}; load {os.getloadavg()[0]:.1f}")
    print(f"exit {code}  wall {wall:.1f} s  cpu {cpu:.1f} s  peak {peak:.0f} MB  {line}")
    if not args.keep:
        shutil.rmtree(work)
    return code


if __name__ == "__main__":
    sys.exit(main())
