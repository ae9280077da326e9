"""What every benchmark prints first, and the fresh copy of data it runs on.

A figure means little without the conditions it was measured in: the same
code is several times slower on a loaded machine, with another Textual, or
with the suggestion cache already filled. :func:`header` prints them as one
block (date, commit, Python and UI library versions, cores and load average,
whether caches were warm); :func:`fresh_copy` gives a benchmark its own copy
of a database, so that a run never measures what an earlier run left behind
(filled caches, labels, a grown WAL).
"""

from __future__ import annotations

import importlib.util
import os
import platform
import shutil
import subprocess
import sys
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.models import Sample

REPO = Path(__file__).resolve().parents[1]

LIBRARIES = ("textual", "rich", "libcst", "sqlite-utils", "pydantic")
"""The libraries whose versions are printed (the UI's first)."""


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def measured_repo() -> Path:
    """The checkout whose ``annotator`` package this interpreter imports (a
    benchmark script may be run against another checkout's environment)."""
    spec = importlib.util.find_spec("annotator")
    if spec is None or spec.origin is None:
        return REPO
    return Path(spec.origin).resolve().parents[1]


def commit() -> str:
    """The commit of the measured checkout, with ``+changes`` when it has uncommitted ones."""
    repo = measured_repo()
    try:
        head = subprocess.run(
            ["git", "-C", str(repo), "rev-parse", "--short", "HEAD"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "-C", str(repo), "status", "--porcelain", "--untracked-files=no"],
            capture_output=True,
            text=True,
            check=True,
        ).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return f"unknown ({repo} is not a git checkout)"
    return f"{head}{' +changes' if dirty else ''} ({repo})"


def header(caches: str, data: str = "") -> str:
    """The conditions of this run, one line each; ``caches`` says whether
    caches were warm (e.g. ``"cold: fresh import, suggestion cache empty"``)."""
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg())
    libraries = " ".join(f"{name} {_version(name)}" for name in LIBRARIES)
    lines = [
        f"date       {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"commit     {commit()}",
        f"python     {platform.python_version()} ({sys.executable})",
        f"libraries  {libraries}",
        f"machine    {os.cpu_count()} cores, load average {load} (1, 5, 15 min)",
        f"caches     {caches}",
    ]
    if data:
        lines.append(f"data       {data}")
    return "\n".join(lines)


def print_header(caches: str, data: str = "") -> None:
    print(header(caches, data), flush=True)


def fresh_copy(db: Path, folder: Path) -> Path:
    """A copy of the database ``db`` (with its WAL, if any) in ``folder``."""
    target = folder / db.name
    shutil.copyfile(db, target)
    for suffix in ("-wal", "-shm"):
        side = db.with_name(db.name + suffix)
        if side.exists():
            shutil.copyfile(side, target.with_name(target.name + suffix))
    return target


def failing_dlbench_samples(folder: Path) -> list[Sample]:
    """The failing samples of the DL-Bench folder ``folder``, imported into a throwaway
    database (as stored: realigned, hashed); the benchmark then works on these rows."""
    import tempfile

    from annotator.importers import import_path
    from annotator.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "bench.db")
        import_path(store, "dlbench", folder)
        found = (store.sample(i) for i in store.sample_ids(failing_only=True))
        samples = [s for s in found if s is not None]
        store.close()
    return samples
