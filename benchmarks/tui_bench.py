"""Benchmark of the labeling UI on the real DL-Bench data.

Measures, with Textual's Pilot on a temporary copy of the data:

* start-up: from creating the app to the first sample painted (several runs),
  plus the Python import time of the UI modules in a fresh interpreter;
* end to end: ``annotator label`` started in a pseudo-terminal (--size, default 160x50) until
  a line of the first sample's generated code is on the terminal (what a
  person sees, interpreter start-up and imports included), and the process's
  CPU time (all threads) by then, after one untimed start (as from the second run
  on: the command's compiled dataclass methods kept, ``annotator/codecache.py``);
* ``n``: from the key press to the next sample painted (the screen's
  ``shown_at``), and to the sample on screen: the first frame written after the
  paint by which the sample's header and its code view have both been drawn
  again (a frame that only moves the queue's highlight does not count), over a
  walk through the queue, waiting for background prefetch between presses as
  a person reading the sample would. The key is posted to the app as a
  terminal's driver posts it (``--pilot``: with Pilot's ``press``, which also
  sends every widget a callback and waits for them: about 13 ms of CPU per
  press that a terminal does not add, competing with the frame).

Every run starts from a fresh copy of the data: DL-Bench imported into a
temporary database, or a copy of ``--db`` (``--in-place`` measures that file
itself). Caches are cold unless ``--warm`` (``annotator suggest`` on the copy
first). The conditions (versions, commit, cores, load, caches) are printed first.
``--profile FILE`` writes a pyinstrument profile of the key presses (from each
press to its sample on screen) to FILE and prints its top entries.

Usage: ``.venv/bin/python benchmarks/tui_bench.py [DLBENCH_DIR] [--steps N]``.
Prints median and p95 in milliseconds, and for ``n`` also the UI thread's CPU time
from the key to the frame (``time.thread_time``): on a shared machine the wall
clock measures the other processes too, the CPU time the work of a press. Targets: ``annotator label`` end to end
p95 < 500 ms, ``n`` on screen p95 <= 16.7 ms (one 60 Hz frame).
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

from _env import fresh_copy, print_header
from textual import events

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


FRAME_CPU: dict[float, float] = {}
"""The UI thread's CPU clock (``time.thread_time``) at each frame, by its wall time."""


def _track_display(app: Any) -> list[float]:
    """Record when the app writes a frame to the (headless) terminal."""
    frames: list[float] = []
    original = app._display

    def display(screen: Any, renderable: Any) -> None:
        original(screen, renderable)
        now = time.perf_counter()
        FRAME_CPU[now] = time.thread_time()
        frames.append(now)

    app._display = display
    return frames


def _track_drawn(widgets: dict[str, Any]) -> dict[str, list[float]]:
    """Record when each of ``widgets`` (name: widget) drew its lines."""
    drawn: dict[str, list[float]] = {name: [] for name in widgets}
    for name, widget in widgets.items():
        original = widget.render_lines

        def render_lines(crop: Any, _name: str = name, _original: Any = original) -> Any:
            lines = _original(crop)
            drawn[_name].append(time.perf_counter())
            return lines

        widget.render_lines = render_lines
    return drawn


def _on_screen(frames: list[float], drawn: dict[str, list[float]], shown: float) -> float:
    """When the frame that first shows the sample painted at ``shown`` was
    written: every tracked widget (its header and code view) drawn since."""
    firsts = [next((t for t in times if t > shown), 0.0) for times in drawn.values()]
    if not all(firsts):
        return 0.0
    ready = max(firsts)
    return next((f for f in frames if f >= ready), 0.0)


async def startup_once(db: Path, annotator: str = "bench") -> float:
    from annotator.blind import BlindView
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.preload import first_page

    with Store.open(db) as store:
        start = time.perf_counter()
        _as_the_command()
        # As `annotator label` does: the first page is read before the app runs.
        app = AnnotatorApp(store, annotator, preload=first_page(BlindView(store, annotator)))
        async with app.run_test(size=SIZE) as pilot:
            while not getattr(app.screen, "shown_at", None):
                await asyncio.sleep(0.002)
            elapsed = time.perf_counter() - start
            await pilot.pause()
    return elapsed


async def walk(
    db: Path, steps: int, annotator: str = "bench"
) -> tuple[list[float], list[float], list[float]]:
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.screens.label import LabelScreen

    painted: list[float] = []
    rendered: list[float] = []
    cpu: list[float] = []
    with Store.open(db) as store:
        app = AnnotatorApp(store, annotator)
        async with app.run_test(size=SIZE) as pilot:
            frames = _track_display(app)
            screen = app.screen
            assert isinstance(screen, LabelScreen)  # the default screen when not reviewing
            while not screen.shown_at:
                await asyncio.sleep(0.002)
            await pilot.pause()
            viewer = screen.viewer
            # The code view on screen: the left pane when split, else the active tab.
            code = "generated-split" if viewer.split else viewer.active
            drawn = _track_drawn(
                {"meta": viewer.query_one("#meta"), code: viewer.query_one(f"#{code}")}
            )
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
                if PROFILER is not None:
                    PROFILER.start()
                start, start_cpu = time.perf_counter(), time.thread_time()
                # The key reaches the app as a terminal's does (the driver posts
                # a Key event); Pilot's press (--pilot) also posts a callback to
                # every widget and waits for them, work a terminal does not add,
                # which competes with the frame (13 ms of CPU per press here).
                # The clock stops at the paint and at the frame that shows the sample.
                if PILOT:
                    await pilot.press("n")
                else:
                    app.post_message(events.Key("n", "n"))
                # Polled every POLL seconds: the figures are the app's own time
                # stamps (the paint, the frame written), not when the poll sees them.
                while target not in screen.shown_at:
                    await asyncio.sleep(POLL)
                shown = screen.shown_at[target]
                painted.append(shown - start)
                deadline = time.perf_counter() + 10
                while not (seen := _on_screen(frames, drawn, shown)):
                    if time.perf_counter() > deadline:
                        raise RuntimeError(f"{target} painted but never drawn")
                    await asyncio.sleep(POLL)
                if PROFILER is not None:
                    PROFILER.stop()
                rendered.append(seen - start)
                cpu.append(FRAME_CPU[seen] - start_cpu)
    return painted, rendered, cpu


POLL = 0.004
"""Seconds between the walk's checks for the paint and the frame (each check wakes the
app's event loop: fewer of them disturb the measured press less)."""

PILOT = False
"""Press ``n`` with Pilot's ``press`` (--pilot) rather than as a terminal's driver does."""

PROFILER: Any = None
"""A pyinstrument Profiler running from each key press to its sample on screen (--profile)."""


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


def _process_cpu(pid: int) -> float:
    """CPU seconds the process ``pid`` has run so far, all its threads (Linux's
    /proc schedstat, in nanoseconds; NaN elsewhere)."""
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return float("nan")
    total = 0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as stat:
                total += int(stat.read().split()[0])
        except (OSError, ValueError, IndexError):
            continue
    return total / 1e9


E2E_CPU: list[float] = []
"""The started process's CPU seconds when ``needle`` was shown, one per :func:`end_to_end`."""


def end_to_end(db: Path, annotator: str, needle: bytes) -> float:
    """Seconds from starting ``annotator label`` in a pty to ``needle`` shown (the
    process's CPU seconds by then are appended to :data:`E2E_CPU`)."""
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
                E2E_CPU.append(_process_cpu(proc.pid))
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


def _as_the_command() -> None:
    """Hold the garbage collector as the console script does until the app mounts
    (annotator/startup.py; a version without it: nothing)."""
    from annotator import startup

    getattr(startup, "pause_collection", lambda: None)()


def import_time() -> float:
    # As the `annotator` command does it (annotator/startup.py: sqlite-utils without
    # pandas/numpy, and the garbage collector held while it loads).
    code = (
        "import time; t=time.perf_counter(); from annotator import startup;"
        " getattr(startup, 'pause_collection', lambda: None)();"
        " import annotator.cli, annotator.tui.app; print(time.perf_counter()-t)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return float(out.stdout.strip())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--steps", type=int, default=150)
    parser.add_argument("--starts", type=int, default=5)
    parser.add_argument("--e2e", type=int, default=10, help="end-to-end starts in a pty")
    parser.add_argument("--db", type=Path, help="measure on a copy of this database instead")
    parser.add_argument(
        "--in-place", action="store_true", help="with --db: measure that file, not a copy"
    )
    parser.add_argument(
        "--warm", action="store_true", help="run `annotator suggest` first (warm suggestion cache)"
    )
    parser.add_argument("--annotator", default="bench")
    parser.add_argument("--size", default="160x50", help="terminal COLUMNSxROWS")
    parser.add_argument("--profile", type=Path, help="write a pyinstrument profile of `n` here")
    parser.add_argument(
        "--pilot",
        action="store_true",
        help="press n with Pilot.press (the figures before 2026-12-06 07:00)",
    )
    args = parser.parse_args()
    global SIZE, PROFILER, PILOT
    PILOT = args.pilot
    width, height = (int(part) for part in args.size.lower().split("x"))
    SIZE = (width, height)
    if args.profile is not None:
        from pyinstrument import Profiler

        PROFILER = Profiler(interval=0.0005, async_mode="disabled")
    command = Path(sys.executable).with_name("annotator")
    with tempfile.TemporaryDirectory() as folder:
        if args.db is not None:
            db = args.db if args.in_place else fresh_copy(args.db, Path(folder))
            data = f"{args.db}" + (" (in place)" if args.in_place else " (a fresh copy)")
        else:
            if not (args.data / "Generated").is_dir():
                sys.exit(f"no DL-Bench data at {args.data}")
            db = Path(folder) / "bench.db"
            subprocess.run(
                [str(command), "--db", str(db), "import", "dlbench", str(args.data)],
                check=True,
                capture_output=True,
            )
            data = f"{args.data} (imported into a fresh database)"
        if args.warm:
            subprocess.run(
                [str(command), "--db", str(db), "suggest"], check=True, capture_output=True
            )
        caches = (
            "warm: `annotator suggest` run first"
            if args.warm
            else ("as found in --db" if args.in_place else "cold: suggestion cache as imported")
        )
        print_header(caches, data)
        how = "Pilot.press" if PILOT else "posted as the terminal driver does"
        print(f"terminal   {width}x{height}, {args.steps} steps of n ({how})")
        run(db, args)
    if PROFILER is not None:
        args.profile.write_text(PROFILER.output_text(unicode=False, color=False, show_all=True))
        print(PROFILER.output_text(unicode=False, color=False))


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
        # As from the second run on: one start, not timed, fills the compiled dataclass
        # methods' cache (annotator/codecache.py), as compileall fills __pycache__.
        end_to_end(db, args.annotator, needle)
        E2E_CPU.clear()
        e2e = [end_to_end(db, args.annotator, needle) for _ in range(args.e2e)]
        report("annotator label end to end", e2e)
        # Its CPU by then (all threads): what other processes on the machine stretch less.
        report("  process CPU to the sample", E2E_CPU)
    painted, rendered, cpu = asyncio.run(walk(db, args.steps, args.annotator))
    report("n -> next sample painted", painted)
    report("n -> next sample on screen", rendered)
    # The UI thread's CPU over the same span: what load on a shared machine
    # (other processes taking turns on the cores) does not stretch.
    report("  UI-thread CPU to screen", cpu)


if __name__ == "__main__":
    main()
