"""Import benchmark: `annotator import dlbench` against a bare sqlite-utils insert.

Usage: python benchmarks/import_bench.py [DLBENCH_DIR] [--repeat N]

The baseline reads the same files (generated, reference, result, labels.csv
rows) and inserts them with ``sqlite_utils`` ``insert_all`` into one table,
with no validation, hashing, history or label mapping. The target is that the
real import costs at most 3x the baseline. Prints median wall times.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import sys
import tempfile
import time
from pathlib import Path

import sqlite_utils
from _env import print_header

from annotator.importers import import_path
from annotator.store import Store

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dlbench"


def bare_insert(folder: Path, db_path: Path) -> None:
    db = sqlite_utils.Database(db_path)
    rows = []
    for gen in sorted((folder / "Generated").glob("*.py")):
        stem = gen.stem
        original = folder / "Original" / f"{stem}.py"
        result = folder / "Result" / f"{stem}.txt"
        rows.append(
            {
                "id": stem,
                "generated_code": gen.read_text(encoding="utf-8"),
                "reference_code": original.read_text(encoding="utf-8") if original.exists() else "",
                "test_output": result.read_bytes().decode("utf-8", "replace")
                if result.exists()
                else "",
            }
        )
    db.table("samples").insert_all(rows, pk="id", replace=True)
    sheet = folder / "labels.csv"
    if sheet.exists():
        with sheet.open(encoding="utf-8") as handle:
            db.table("labels").insert_all(csv.DictReader(handle))
    db.close()


def real_import(folder: Path, db_path: Path) -> None:
    with Store.open(db_path) as store:
        import_path(store, "dlbench", folder)


def timed(fn, folder: Path, repeat: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start = time.perf_counter()
            fn(folder, Path(tmp) / "bench.db")
            times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    print_header("cold: a fresh database for every import")
    if not (args.folder / "Generated").is_dir():
        print(f"no DL-Bench folder at {args.folder}", file=sys.stderr)
        return 1
    # Warm the page cache so both sides read from memory.
    timed(bare_insert, args.folder, 1)
    base = statistics.median(timed(bare_insert, args.folder, args.repeat))
    real = statistics.median(timed(real_import, args.folder, args.repeat))
    n = len(list((args.folder / "Generated").glob("*.py")))
    print(f"samples: {n}")
    print(f"bare sqlite-utils insert: {base * 1000:.0f} ms (median of {args.repeat})")
    print(f"annotator import dlbench: {real * 1000:.0f} ms (median of {args.repeat})")
    print(f"ratio: {real / base:.2f}x (target <= 3x)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
