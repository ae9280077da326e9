"""Benchmark of the labeling UI on the real DL-Bench data.

Measures, with Textual's Pilot on a temporary copy of the data:

* start-up: from creating the app to the first sample painted (several runs),
  plus the Python import time of the UI modules in a fresh interpreter;
* ``n``: from the key press to the next sample painted (its id in the header
  line), over a walk through the queue, waiting for background prefetch
  between presses as a person reading the sample would.

Usage: ``.venv/bin/python benchmarks/tui_bench.py [DLBENCH_DIR] [--steps N]``.
Prints median and p95 in milliseconds. Targets: start-up < 1500 ms,
``n`` p95 < 50 ms.
"""

from __future__ import annotations

import argparse
import asyncio
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "dlbench"


def p95(values: list[float]) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]


def report(name: str, seconds: list[float]) -> None:
    ms = [s * 1000 for s in seconds]
    print(
        f"{name:<28} n={len(ms):<4} median {statistics.median(ms):7.1f} ms"
        f"   p95 {p95(ms):7.1f} ms   max {max(ms):7.1f} ms"
    )


def _track_display(app: Any) -> list[float]:
    """Record when the app writes a frame to the (headless) terminal."""
    frames: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        frames.append(time.perf_counter())

    app._display = display
    return frames


async def startup_once(db: Path, annotator: str = "bench") -> float:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    with Store.open(db) as store:
        start = time.perf_counter()
        app = AnnotatorApp(store, annotator)
        async with app.run_test(size=(160, 50)) as pilot:
            while not getattr(app.screen, "shown_at", None):
                await asyncio.sleep(0.002)
            elapsed = time.perf_counter() - start
            await pilot.pause()
    return elapsed


async def walk(db: Path, steps: int, annotator: str = "bench") -> tuple[list[float], list[float]]:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    painted: list[float] = []
    rendered: list[float] = []
    with Store.open(db) as store:
        app = AnnotatorApp(store, annotator)
        async with app.run_test(size=(160, 50)) as pilot:
            frames = _track_display(app)
            screen = app.screen
            while not getattr(screen, "shown_at", None):
                await asyncio.sleep(0.002)
            for _ in range(steps):
                queue = screen.queue
                index = queue.highlighted
                if index is None or index + 1 >= queue.option_count:
                    break
                target = queue.get_option_at_index(index + 1).id
                # Read the sample as a person would: background prefetch of
                # the next one (started a moment after the paint) finishes.
                deadline = time.perf_counter() + 10
                while target not in screen.cache or target not in screen.suggest_cache:
                    if time.perf_counter() > deadline:
                        break
                    await asyncio.sleep(0.01)
                await app.workers.wait_for_complete()
                await pilot.pause()
                start = time.perf_counter()
                # Pilot's press also waits for the app to go idle; the clock
                # stops at the paint and at the first frame written after it.
                await pilot.press("n")
                while target not in screen.shown_at:
                    await asyncio.sleep(0.001)
                shown = screen.shown_at[target]
                painted.append(shown - start)
                while not any(f > shown for f in frames):
                    await asyncio.sleep(0.001)
                rendered.append(next(f for f in frames if f > shown) - start)
    return painted, rendered


def import_time() -> float:
    # As the `annotator` command does it: pandas/numpy hidden (see annotator/_entry.py).
    code = (
        "import time; t=time.perf_counter(); from annotator._entry import hide_unused;"
        " hide_unused(); import annotator.cli, annotator.tui.app; print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--db", type=Path, help="measure on this database instead (scale.py)")
    parser.add_argument("--annotator", default="bench")
    args = parser.parse_args()
    if args.db is not None:
        run(args.db, args)
        return
    if not (args.data / "Generated").is_dir():
        sys.exit(f"no DL-Bench data at {args.data}")
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "bench.db"
        annotator = Path(sys.executable).with_name("annotator")
        subprocess.run(
            [str(annotator), "--db", str(db), "import", "dlbench", str(args.data)],
            check=True,
            capture_output=True,
        )
        run(db, args)


def run(db: Path, args: argparse.Namespace) -> None:
    imports = [import_time() for _ in range(3)]
    report("import annotator.tui.app", imports)
    starts = [asyncio.run(startup_once(db, args.annotator)) for _ in range(args.starts)]
    report("start-up to first sample", starts)
    painted, rendered = asyncio.run(walk(db, args.steps, args.annotator))
    report("n -> next sample painted", painted)
    report("n -> next sample on screen", rendered)


if __name__ == "__main__":
    main()
