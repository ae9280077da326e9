"""Run a command and print its peak resident memory (MB) as the last line.

Usage: python benchmarks/_peak.py CMD ... ; used by scale.py so that each
step's memory is its own, not the maximum over all earlier steps.
"""

from __future__ import annotations

import resource
import subprocess
import sys

proc = subprocess.run(sys.argv[1:], capture_output=True, text=True)
sys.stdout.write(proc.stdout)
sys.stderr.write(proc.stderr)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(f"PEAK_MB {peak:.0f}")
raise SystemExit(proc.returncode)
