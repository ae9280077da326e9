"""Merge at the stated caps, for ``hostile.py --only merge-caps`` (issue 23's done-when).

Builds other databases AT the merge's caps, read from the code at run time
(:data:`annotator.store.merge_rows.MAX_ROWS`, ``MAX_HISTORY``,
:data:`annotator.store.merge_study_rows.MAX_STUDY_ROWS`), so that the files follow
the caps when they change, and times one ``annotator merge`` process per case
(wall, CPU of that process, peak RSS), killed at the limit:

- a legitimate file into a database with the same samples, and into a new one
  (``benchmarks/merge_bench.py``'s data: every sample labeled by K annotators,
  K = labels cap / samples cap, one history entry per label);
- every study table full (``benchmarks/merge_study_bench.py``'s rows, as many as the
  caps allow: gold and round samples one per sample, the per-annotator tables K per
  sample) into a new database;
- the crafted files that used to go row by row: every timestamp in another ISO
  8601 spelling, a different one per column (basic format, ``+00:00``, a space and
  no zone: no two times of a row share a text); ours holding every key with another,
  older decision (a label conflict per key, theirs newer); both at once;
- one row over each row cap (labels, history, samples, a study table): refused,
  in well under a second (counts are read before rows).
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from merge_bench import add_labels, build_samples
from merge_study_bench import add_study_rows

from annotator.store import Store
from annotator.store.merge_rows import MAX_HISTORY, MAX_ROWS
from annotator.store.merge_study_rows import MAX_STUDY_ROWS


@dataclass
class CapsCase:
    name: str
    ours: Path | None
    """A database copied into place as ours first (None: a new database)."""
    theirs: Path
    expect_fail: bool = False


def caps() -> dict[str, int]:
    samples = MAX_ROWS["samples"]
    per_sample = min(MAX_ROWS["labels"], MAX_HISTORY) // samples
    study = min(MAX_STUDY_ROWS["gold"], MAX_STUDY_ROWS["round_samples"], samples)
    study_k = min(
        MAX_STUDY_ROWS[t]
        for t in (
            "training_answers",
            "retest_answers",
            "retest_history",
            "round_assignments",
            "discussions",
        )
    )
    return {
        "samples": samples,
        "annotators": per_sample,
        "study_samples": study,
        "study_annotators": study_k // study,
    }


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


_RESPELL_LABELS = (
    "DROP TRIGGER IF EXISTS labels_history_update",
    "UPDATE labels SET created_at = replace(replace(created_at, '-', ''), ':', ''),"
    " updated_at = replace(updated_at, 'Z', '+00:00')",
    "UPDATE label_history SET created_at = replace(replace(created_at, '-', ''), ':', ''),"
    " updated_at = replace(updated_at, 'Z', '+00:00'),"
    " changed_at = replace(replace(changed_at, 'T', ' '), 'Z', '')",
)
"""Every time of theirs in another spelling, a different one per column."""


def build(work: Path) -> list[CapsCase]:
    """The files of every case, in ``work`` (reused when already built there)."""
    c = caps()
    base, theirs = work / "base.db", work / "theirs.db"
    # Each file is built as partial.db and renamed when complete: one left by an
    # interrupted build is thrown away, a complete one reused.
    (work / "partial.db").unlink(missing_ok=True)
    if not theirs.exists():
        base.unlink(missing_ok=True)
        build_samples(base, c["samples"], 300)
        shutil.copyfile(base, work / "partial.db")
        add_labels(work / "partial.db", c["samples"], c["annotators"], 0)
        (work / "partial.db").rename(theirs)
    crafted = work / "crafted.db"
    if not crafted.exists():
        shutil.copyfile(theirs, work / "partial.db")
        _sql(work / "partial.db", *_RESPELL_LABELS)
        (work / "partial.db").rename(crafted)
    conflicting = work / "ours-conflicting.db"
    if not conflicting.exists():
        # Ours holds every key of theirs, an older and other decision (our own
        # triggers record the change, as an annotator's edits would).
        shutil.copyfile(theirs, work / "partial.db")
        _sql(
            work / "partial.db",
            "UPDATE labels SET note = 'ours differs', updated_at = '2026-10-01T00:00:00.000000Z'",
        )
        (work / "partial.db").rename(conflicting)
    study = work / "study.db"
    if not study.exists():
        names = [f"rater{i}" for i in range(c["study_annotators"])]
        shutil.copyfile(base, work / "partial.db")
        with Store.open(work / "partial.db") as store:
            for name in names:
                store.register_annotator(name)
        add_study_rows(work / "partial.db", c["study_samples"], names)
        (work / "partial.db").rename(study)
    cases = [
        CapsCase("legitimate, same samples", base, theirs),
        CapsCase("legitimate, new database", None, theirs),
        CapsCase("study tables full, new database", None, study),
        CapsCase("crafted: other spellings, same samples", base, crafted),
        CapsCase("crafted: every key ours, differing", conflicting, theirs),
        CapsCase("crafted: both at once", conflicting, crafted),
    ]
    return cases + _over_caps(work)


def _over_caps(work: Path) -> list[CapsCase]:
    """One row over each kind of row cap: ``table`` filled with cap + 1 bare rows."""
    over = {
        "labels": MAX_ROWS["labels"],
        "label_history": MAX_HISTORY,
        "samples": MAX_ROWS["samples"],
        "training_answers": MAX_STUDY_ROWS["training_answers"],
    }
    cases = []
    for table, cap in over.items():
        path = work / f"over-{table}.db"
        if not path.exists():
            Store.open(work / "partial.db").close()
            conn = sqlite3.connect(work / "partial.db")
            columns = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
            conn.execute("PRAGMA foreign_keys = OFF")
            for kind, name in conn.execute(
                "SELECT type, name FROM sqlite_master WHERE type IN ('trigger', 'view')"
            ).fetchall():
                conn.execute(f'DROP {kind.upper()} "{name}"')
            # Bare rows: the count is refused before any row is read.
            conn.execute(f"CREATE TABLE bare AS SELECT * FROM {table} WHERE 0")
            conn.execute(f"DROP TABLE {table}")
            conn.execute(f"ALTER TABLE bare RENAME TO {table}")
            conn.execute(
                f"INSERT INTO {table} ({columns[0]}) WITH RECURSIVE n(i) AS"
                f" (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i <= {cap}) SELECT i FROM n"
            )
            conn.commit()
            conn.close()
            (work / "partial.db").rename(path)
        cases.append(CapsCase(f"{table}: one row over its cap ({cap})", None, path, True))
    return cases


@dataclass
class Timed:
    code: int | None
    """Exit status, None: killed at the limit (a hang)."""
    wall: float
    cpu: float
    peak_mb: float
    output: str


PEAK = Path(__file__).with_name("_peak.py")


def run(command: list[str], limit: float) -> Timed:
    """``command`` in its own process group, killed at ``limit`` seconds; its CPU
    time (``wait4``: with :file:`_peak.py`'s, which starts it, ~30 ms), its own peak
    RSS and its output (kept in a file: a merge may print a conflict line per label).

    The peak is the one :file:`_peak.py` reads for its child: ``wait4``'s ``ru_maxrss``
    of a process forked from this one would count this process's image (Linux keeps
    the high-water mark across ``exec``), and ``hostile.py`` holds hundreds of MB by
    the time it runs these cases."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(
            [sys.executable, str(PEAK), *command],
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        code: int | None = None
        while True:
            pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
            if pid:
                code = os.waitstatus_to_exitcode(status)
                break
            if time.perf_counter() - started > limit:
                os.killpg(proc.pid, signal.SIGKILL)
                _, status, usage = os.wait4(proc.pid, 0)
                break
            time.sleep(0.02)
        wall = time.perf_counter() - started
        proc.returncode = -9 if code is None else code  # reaped here, not by Popen
        out.seek(0)
        text = out.read(64 << 10).decode(errors="replace")
        out.seek(max(0, out.seek(0, os.SEEK_END) - 256))
        last = out.read().decode(errors="replace").strip().splitlines()
    peak = float(last[-1].split()[-1]) if last and last[-1].startswith("PEAK_MB") else 0.0
    text = "\n".join(line for line in text.splitlines() if not line.startswith("PEAK_MB"))
    cpu = usage.ru_utime + usage.ru_stime
    return Timed(code, wall, cpu, peak, text)
