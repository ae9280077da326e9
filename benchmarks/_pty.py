"""Run ``annotator label`` (or review) in a pseudo-terminal, type keys, read everything it writes.

Used by hostile.py and for the memory figures: returns the bytes the app
wrote to the terminal, its peak resident memory (VmHWM, MB), its exit code
and whether it had to be killed (a hang).
"""

from __future__ import annotations

import fcntl
import os
import select
import struct
import subprocess
import sys
import termios
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class PtyRun:
    output: bytes
    peak_mb: float
    returncode: int | None
    hung: bool
    quit_seconds: float = 0.0
    """From the quit key to the process's exit."""


def _peak(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return 0.0


def run_tui(
    args: list[str],
    keys: list[bytes],
    settle: float = 3.0,
    key_gap: float = 0.3,
    quit_after: float = 20.0,
) -> PtyRun:
    command = Path(sys.executable).with_name("annotator")
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    env = dict(os.environ, TERM="xterm-256color", COLORTERM="truecolor")
    proc = subprocess.Popen(
        [str(command), *args],
        stdin=slave,
        stdout=slave,
        stderr=slave,
        env=env,
        start_new_session=True,
    )
    os.close(slave)
    out = bytearray()
    peak = 0.0

    def pump(seconds: float) -> None:
        nonlocal peak
        end = time.monotonic() + seconds
        while time.monotonic() < end and proc.poll() is None:
            peak = max(peak, _peak(proc.pid))
            if select.select([master], [], [], 0.05)[0]:
                try:
                    out.extend(os.read(master, 1 << 16))
                except OSError:
                    return

    hung = False
    try:
        pump(settle)
        for key in keys:
            if proc.poll() is not None:
                break
            os.write(master, key)
            pump(key_gap)
        quit_at = time.monotonic()
        if proc.poll() is None:
            os.write(master, b"q")
            pump(quit_after)
        try:
            proc.wait(max(0.1, quit_after - (time.monotonic() - quit_at)))
        except subprocess.TimeoutExpired:
            hung = True
            proc.kill()
            proc.wait(5)
        quit_seconds = time.monotonic() - quit_at
    finally:
        os.close(master)
    return PtyRun(bytes(out), peak, proc.returncode, hung, quit_seconds)


if __name__ == "__main__":
    run = run_tui(sys.argv[1:], [b"t", b"\x1b", b"n"])
    print(
        f"peak {run.peak_mb:.0f} MB, exit {run.returncode}, hung {run.hung},"
        f" quit in {run.quit_seconds:.1f} s, {len(run.output)} bytes"
    )
