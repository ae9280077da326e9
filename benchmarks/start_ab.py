"""`annotator label` end to end, this checkout against another, start by start.

On a shared machine the load moves from second to second, so two versions are compared
by alternating them: A B A B ..., each start ``annotator label`` in a pseudo-terminal
until a line of the first sample's code is shown (:func:`tui_bench.end_to_end`), with
the process's CPU time (all threads) by then. The other version is a source tree
(``git archive main | tar -x -C /tmp/main``) run with this interpreter and its
libraries (``PYTHONPATH``), so only the code differs. Both trees are compiled first,
as ``pip install`` does, and each is started once untimed (a version that keeps its
compiled dataclass methods, :mod:`annotator.codecache`, has them by then, as from
its second run on). One database, imported once from DL-Bench into a temporary
folder (caches cold), serves every start.

Usage: ``.venv/bin/python benchmarks/start_ab.py /tmp/main [--starts 20] [--size 120x40]``.
Prints the conditions, then wall and CPU median / p95 / min per version, in ms.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

import tui_bench
from _env import print_header

REPO = Path(__file__).resolve().parents[1]


def figures(name: str, wall: list[float], cpu: list[float]) -> str:
    def line(values: list[float]) -> str:
        ms = [v * 1000 for v in values]
        return f"{statistics.median(ms):5.0f} / {tui_bench.p95(ms):5.0f} / {min(ms):5.0f}"

    return f"{name:<8} wall {line(wall)}   CPU {line(cpu)}   (median / p95 / min ms)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("other", type=Path, help="the other version's source tree (A)")
    parser.add_argument("--data", type=Path, default=tui_bench.DEFAULT_DATA)
    parser.add_argument("--starts", type=int, default=20, help="starts of each version")
    parser.add_argument("--size", default="120x40", help="terminal COLUMNSxROWS")
    parser.add_argument("--annotator", default="bench")
    args = parser.parse_args()
    width, height = (int(part) for part in args.size.lower().split("x"))
    tui_bench.SIZE = (width, height)
    trees = {"A": args.other.resolve(), "B": REPO}
    for tree in trees.values():
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(tree / "annotator")])
    command = Path(sys.executable).with_name("annotator")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        subprocess.run(
            [str(command), "--db", str(db), "import", "dlbench", str(args.data)],
            check=True,
            capture_output=True,
        )
        print_header("cold: suggestion cache as imported", f"{args.data} (imported once)")
        print(f"terminal   {width}x{height}; A = {trees['A']}, B = {trees['B']}")
        needle = tui_bench._needle(db, args.annotator)
        # One start of each, not timed: as from the second run on (a version with
        # annotator/codecache.py has its compiled dataclass methods kept by then).
        for tree in trees.values():
            os.environ["PYTHONPATH"] = str(tree)
            tui_bench.end_to_end(db, args.annotator, needle)
        tui_bench.E2E_CPU.clear()
        load = [os.getloadavg()[0]]
        wall: dict[str, list[float]] = {"A": [], "B": []}
        cpu: dict[str, list[float]] = {"A": [], "B": []}
        for _ in range(args.starts):
            for name, tree in trees.items():
                os.environ["PYTHONPATH"] = str(tree)
                wall[name].append(tui_bench.end_to_end(db, args.annotator, needle))
                # Nothing appended when the sample never showed (then the wall is NaN too).
                cpu[name].append(tui_bench.E2E_CPU.pop() if tui_bench.E2E_CPU else float("nan"))
            load.append(os.getloadavg()[0])
        os.environ.pop("PYTHONPATH")
    print(f"load (1 min) {min(load):.2f}-{max(load):.2f}")
    for name in trees:
        print(figures(f"{name} {'other' if name == 'A' else 'this'}", wall[name], cpu[name]))


if __name__ == "__main__":
    main()
