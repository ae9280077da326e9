"""Import benchmark: `annotator import` against a bare sqlite-utils insert.

Usage: python benchmarks/import_bench.py [DLBENCH_DIR] [--repeat N]
       python benchmarks/import_bench.py --formats [NAME,...] [--n 10000] [--repeat N]

The baseline reads the same files (generated, reference, result, labels.csv
rows) and inserts them with ``sqlite_utils`` ``insert_all`` into one table,
with no validation, hashing, history or label mapping. The target is that the
real import costs at most 3x the baseline. Prints median wall times.

``--formats`` times the benchmark importers (evalplus, bigcodebench,
livecodebench, swe-bench, inspect) on synthetic files of ``--n`` samples
shaped like each benchmark's own (:mod:`_formats`) against three baselines:
*bare insert*, the files read with ``json``/``zipfile`` alone and their texts
inserted with ``sqlite_utils`` into one table; *store insert*, the same
samples already built written through the store (what storing them costs:
content hash, JSON metadata, the full-text search index); and *read + store*,
the bare read plus the store insert (what any importer through the store
pays: the ratio is the importer's own cost - validation, the parsed report,
building the samples). Each format runs in a process of its own. The issue's target is 1.5x; see benchmarks/README.md for
which baseline each format meets it against.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

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


def both(fn: Any, path: Path, repeat: int) -> tuple[float, float]:
    """Median wall and CPU seconds of ``fn`` (CPU time is steadier on a shared machine)."""
    walls, cpus = [], []
    for _ in range(repeat):
        with tempfile.TemporaryDirectory() as tmp:
            start, cpu = time.perf_counter(), time.process_time()
            fn(path, Path(tmp) / "bench.db")
            walls.append(time.perf_counter() - start)
            cpus.append(time.process_time() - cpu)
    return statistics.median(walls), statistics.median(cpus)


HEAD = "ms:             read     bare    store  import  vs read+store vs store vs bare  (cpu)"
CPU_HEAD = "cpu ms:         read     bare    store  import   floor vs bare  import vs bare"
"""*floor vs bare*: (read + store) / bare, what an importer doing no work of its own
(the bare read, then the store's write of the built samples) would score against the
bare insert: the part of the target the importer cannot act on."""


def bench_format(name: str, n: int, repeat: int) -> tuple[str, str]:
    """The wall row and the CPU row of one format (see the module's docstring)."""
    from _formats import FORMATS

    from annotator.importers import IMPORTERS, estimate
    from annotator.importers.base import ImportSummary, run_import

    write, bare_rows = FORMATS[name]
    with tempfile.TemporaryDirectory() as tmp:
        path = write(Path(tmp), n)
        with Store.open(Path(tmp) / "taxonomy.db") as store:
            taxonomy = store.taxonomy
        built = list(IMPORTERS[name].read(path, taxonomy, ImportSummary(name)))

        def bare(_: Path, db_path: Path, path: Path = path, rows: Any = bare_rows) -> None:
            db = sqlite_utils.Database(db_path)
            db.table("samples").insert_all(rows(path), pk="id", replace=True)
            db.close()

        def stored(_: Path, db_path: Path, name: str = name, built: Any = built) -> None:
            with Store.open(db_path) as store:
                run_import(store, iter(built), ImportSummary(name), expected=len(built))

        def real(_: Path, db_path: Path, path: Path = path, name: str = name) -> None:
            with Store.open(db_path) as store:
                import_path(store, name, path, expected=estimate(name, path))

        def read_only(_: Path, db_path: Path, path: Path = path, rows: Any = bare_rows) -> None:
            rows(path)

        timed(bare, path, 1)
        reading, reading_cpu = both(read_only, path, repeat)
        base, base_cpu = both(bare, path, repeat)
        floor, floor_cpu = both(stored, path, repeat)
        ours, ours_cpu = both(real, path, repeat)
    cpu_row = (
        f"{name:<14} {reading_cpu * 1000:6.0f} {base_cpu * 1000:8.0f}"
        f" {floor_cpu * 1000:8.0f} {ours_cpu * 1000:7.0f}"
        f" {(reading_cpu + floor_cpu) / base_cpu:13.2f}x {ours_cpu / base_cpu:14.2f}x"
    )
    row = (
        f"{name:<14} {reading * 1000:6.0f} {base * 1000:8.0f} {floor * 1000:8.0f}"
        f" {ours * 1000:7.0f}  {ours / (reading + floor):10.2f}x {ours / floor:7.2f}x"
        f" {ours / base:7.2f}x  (cpu {ours_cpu / (reading_cpu + floor_cpu):.2f}x"
        f" {ours_cpu / floor_cpu:.2f}x {ours_cpu / base_cpu:.2f}x)"
    )
    return row, cpu_row


def bench_formats(names: list[str], n: int, repeat: int) -> int:
    """Each format in a process of its own: what one format's imports leave behind (the
    garbage collector's generations above all) changed the next one's bare insert by
    up to a half when they shared a process."""
    print(f"samples: {n} per format; median of {repeat}; target <= 1.5x")
    print(HEAD)
    cpu_rows: list[str] = []
    for name in names:
        if len(names) == 1:
            row, cpu_row = bench_format(name, n, repeat)
        else:
            done = subprocess.run(
                [sys.executable, __file__, "--formats", name, "--n", str(n)]
                + ["--repeat", str(repeat), "--rows"],
                capture_output=True,
                text=True,
                check=True,
            )
            row, cpu_row = done.stdout.splitlines()[-2:]
        print(row, flush=True)
        cpu_rows.append(cpu_row)
    print(CPU_HEAD)
    print("\n".join(cpu_rows))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--formats", nargs="?", const="all", default=None)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rows", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.rows:  # one format's two rows, for the parent process (bench_formats)
        print("\n".join(bench_format(args.formats, args.n, args.repeat)))
        return 0
    print_header("cold: a fresh database for every import")
    if args.formats is not None:
        from _formats import FORMATS

        names = list(FORMATS) if args.formats == "all" else args.formats.split(",")
        return bench_formats(names, args.n, args.repeat)
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
