"""Benchmark of the labeling UI on the real DL-Bench data.

Measures, with Textual's Pilot on a temporary copy of the data:

* start-up: from creating the app to the first sample painted (several runs),
  plus the Python import time of the UI modules in a fresh interpreter;
* end to end: ``annotator label`` started in a pseudo-terminal (--size, default 160x50) until
  a line of the first sample's generated code is on the terminal (what a
  person sees, interpreter start-up and imports included);
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
import fcntl
import os
import re
import select
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = REPO.parent / "shared" / "dlbench"
SIZE = (160, 50)
"""Terminal columns and rows (``--size``)."""


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
    from annotator.blind import BlindView
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.preload import first_page

    with Store.open(db) as store:
        start = time.perf_counter()
        # As `annotator label` does: the first page is read before the app runs.
        app = AnnotatorApp(store, annotator, preload=first_page(BlindView(store, annotator)))
        async with app.run_test(size=SIZE) as pilot:
            while not getattr(app.screen, "shown_at", None):
                await asyncio.sleep(0.002)
            elapsed = time.perf_counter() - start
            await pilot.pause()
    return elapsed


async def walk(db: Path, steps: int, annotator: str = "bench") -> tuple[list[float], list[float]]:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.label import LabelScreen

    painted: list[float] = []
    rendered: list[float] = []
    with Store.open(db) as store:
        app = AnnotatorApp(store, annotator)
        async with app.run_test(size=SIZE) as pilot:
            frames = _track_display(app)
            screen = app.screen
            assert isinstance(screen, LabelScreen)  # the default screen when not reviewing
            while not screen.shown_at:
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
                while target not in screen.viewer.cache or target not in screen.suggestions.cache:
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


_CSI = re.compile(rb"\x1b\[[0-9;?<=>]*[ -/]*[@-~]|\x1b[()][0-9A-Za-z]|\x1b[=>78]")


def _needle(db: Path, annotator: str) -> bytes:
    """A line of the first sample's generated code, as the terminal shows it."""
    from annotator.blind import BlindView
    from annotator.store import Store
    from annotator.tui.preload import first_page

    with Store.open(db) as store:
        view = first_page(BlindView(store, annotator)).view
    assert view is not None, "no sample to show"
    lines = [line.plain.strip() for line in view.generated[:12]]
    return max(lines, key=len)[:40].encode()


def end_to_end(db: Path, annotator: str, needle: bytes) -> float:
    """Seconds from starting ``annotator label`` in a pty to ``needle`` shown."""
    command = Path(sys.executable).with_name("annotator")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", SIZE[1], SIZE[0], 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    start = time.perf_counter()
    proc = subprocess.Popen(
        [str(command), "--db", str(db), "label", "--annotator", annotator],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    screen, found = b"", float("nan")
    try:
        while time.perf_counter() - start < 30:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            screen += os.read(master, 1 << 16)
            if needle in _CSI.sub(b"", screen):
                found = time.perf_counter() - start
                break
        os.write(master, b"q")
        # Keep draining: an app blocked on a full terminal cannot quit.
        deadline = time.perf_counter() + 10
        while proc.poll() is None and time.perf_counter() < deadline:
            if select.select([master], [], [], 0.05)[0]:
                try:
                    os.read(master, 1 << 16)
                except OSError:
                    break
        proc.wait(5)
    finally:
        if proc.poll() is None:
            proc.kill()
        os.close(master)
    return found


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
    parser.add_argument("--e2e", type=int, default=10, help="end-to-end starts in a pty")
    parser.add_argument("--db", type=Path, help="measure on this database instead (scale.py)")
    parser.add_argument("--annotator", default="bench")
    parser.add_argument("--size", default="160x50", help="terminal COLUMNSxROWS")
    args = parser.parse_args()
    global SIZE
    width, height = (int(part) for part in args.size.lower().split("x"))
    SIZE = (width, height)
    print(f"terminal {width}x{height}")
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
    if args.e2e:
        # As after `pip install`: bytecode compiled (this environment may set
        # PYTHONDONTWRITEBYTECODE, which would recompile every module per start).
        package = Path(__import__("annotator").__path__[0])
        subprocess.run([sys.executable, "-m", "compileall", "-q", str(package)], check=True)
        needle = _needle(db, args.annotator)
        e2e = [end_to_end(db, args.annotator, needle) for _ in range(args.e2e)]
        report("annotator label end to end", e2e)
    painted, rendered = asyncio.run(walk(db, args.steps, args.annotator))
    report("n -> next sample painted", painted)
    report("n -> next sample on screen", rendered)


if __name__ == "__main__":
    main()
