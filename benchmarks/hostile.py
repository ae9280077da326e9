"""Hostile-input runner: every attack case through every importer, merge, CLI command and the TUI.

Usage: python benchmarks/hostile.py [--examples N] [--only merge|merge-caps|issue23-h23b|surfaces|keys]

Replays the cases of the hardening issue (the builders live in the tests, so the
runner and the tests cannot drift apart): bad files for every importer
(tests/test_bad_input.py), hostile other databases for merge
(tests/test_merge_untrusted.py), escape sequences in every field for every CLI
command (tests/test_terminal_safety.py), the hypothesis strategies of
tests/test_hostile_imports.py (N examples each, in process), and the TUI in a
pseudo-terminal: escape- and markup-laden samples through the label, review,
agreement, training and output screens, keys typed faster than the screen repaints
(alone, beside another process writing the database, 0.25 s after ``n`` under a held
write lock and under another process's imports), and 5 and 15 MB samples. Then issue
23's blocks (merge sources, read commands, blind ``S``; H23_CASES) and its kinds on
the surfaces added since (benchmarks/_hostile_surfaces.py: the benchmark importers,
rounds, gold, retest, negotiate, the outputs, one input at each cap), and merge at
the stated caps (benchmarks/_merge_caps.py: legitimate files, every study table full,
the crafted files that used to go row by row, one row over each cap).

Prints, per group and in total: cases tried, clean errors, tracebacks, hangs,
escapes written (ESC/BEL/C1 from data reaching the terminal), data changed (a
failed command that changed the database), wrong-sample labels, and the peak
memory of the largest sample in the UI and in ``suggest``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "tests"), str(ROOT / "benchmarks")]

from _env import print_header  # noqa: E402
from _pty import run_tui  # noqa: E402

from annotator.errors import UserError  # noqa: E402
from annotator.importers import import_path  # noqa: E402
from annotator.models import LabelValue, SampleIn  # noqa: E402
from annotator.store import Store  # noqa: E402
from annotator.textsafe import TERMINAL_UNSAFE  # noqa: E402

ANNOTATOR = str(Path(sys.executable).with_name("annotator"))
TIMEOUT = 60.0
KEYS = (
    "tried", "clean errors", "tracebacks", "hangs", "escapes written", "data changed",
    "wrong-sample labels", "labels lost",
)  # fmt: skip


class Tally:
    def __init__(self) -> None:
        self.groups: dict[str, Counter[str]] = {}
        self.notes: list[str] = []

    def add(self, group: str, key: str, what: str = "") -> None:
        self.groups.setdefault(group, Counter())[key] += 1
        if key not in ("tried", "clean errors") and what:
            self.notes.append(f"{group}: {key}: {what}")

    def print(self) -> None:
        width = max(len(g) for g in self.groups)
        extra = sorted({k for c in self.groups.values() for k in c} - set(KEYS))
        columns = [*KEYS, *extra]
        print(f"{'group':<{width}}  " + "  ".join(columns))
        total: Counter[str] = Counter()
        for group, counts in self.groups.items():
            total.update(counts)
            print(f"{group:<{width}}  " + "  ".join(f"{counts[k]:>{len(k)}}" for k in columns))
        print(f"{'TOTAL':<{width}}  " + "  ".join(f"{total[k]:>{len(k)}}" for k in columns))
        for note in self.notes:
            print("  -", note)


def fingerprint(db: Path) -> str:
    """A digest of the data (a missing file and an empty database count as the same)."""
    if not db.exists():
        return hashlib.sha256().hexdigest()
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        digest = hashlib.sha256()
        for table in ("samples", "sample_texts", "labels", "label_history", "annotators"):
            try:
                for row in conn.execute(f"SELECT * FROM {table} ORDER BY 1, 2"):
                    digest.update(f"{table}{row!r}".encode())
            except sqlite3.Error:
                pass
        return digest.hexdigest()
    finally:
        conn.close()


def cli(
    tally: Tally, group: str, name: str, db: Path, args: list[str], expect_fail: bool | None
) -> subprocess.CompletedProcess[str] | None:
    """Run the real CLI; count a hang, traceback, escape or (on failure) a changed database."""
    before = fingerprint(db)
    tally.add(group, "tried")
    try:
        proc = subprocess.run(
            [ANNOTATOR, "--db", str(db), *args], capture_output=True, text=True, timeout=TIMEOUT
        )
    except subprocess.TimeoutExpired:
        tally.add(group, "hangs", name)
        return None
    output = proc.stdout + proc.stderr
    if "Traceback (most recent call last)" in output:
        tally.add(group, "tracebacks", f"{name}: {output.strip().splitlines()[-1][:120]}")
    elif proc.returncode == 1 and output.strip().startswith("Error:"):
        tally.add(group, "clean errors")
    elif proc.returncode not in (0, 1) or (expect_fail and proc.returncode == 0):
        tally.add(group, "unexpected exit", f"{name}: exit {proc.returncode}")
    if TERMINAL_UNSAFE.search(output):
        tally.add(group, "escapes written", name)
    if proc.returncode != 0 and fingerprint(db) != before:
        tally.add(group, "data changed", name)
    return proc


def seeded(db: Path) -> None:
    with Store.open(db) as store:
        store.upsert_sample(SampleIn(id="keep", generated_code="x = 1"))
        store.set_label("keep", "final", LabelValue(category=3))


# --------------------------------------------------------------------------- groups


def importers(tally: Tally, work: Path) -> None:
    from test_bad_input import CASES

    for name, (make, _) in CASES.items():
        folder = work / f"imp-{len(tally.notes)}-{abs(hash(name))}"
        folder.mkdir()
        db = folder / "keep.db"
        seeded(db)
        fmt, path = make(folder)
        cli(tally, "importers", name, db, ["import", fmt, str(path)], expect_fail=True)


def merges(tally: Tally, work: Path) -> None:
    from test_merge_untrusted import HOSTILE, _other

    for name, (spoil, _) in HOSTILE.items():
        folder = work / f"merge-{abs(hash(name))}"
        folder.mkdir()
        db = folder / "mine.db"
        seeded(db)
        other = _other(folder)
        spoil(other)
        cli(tally, "merge", name, db, ["merge", str(other)], expect_fail=True)
    for odd in ("alice#1.db", "carol#x.db"):
        folder = work / f"merge-name-{abs(hash(odd))}"
        folder.mkdir()
        with Store.open(folder / odd) as store:
            store.upsert_sample(SampleIn(id="s", generated_code="y = 2"))
            store.set_label("s", "carol", LabelValue(category=4))
        db = folder / "mine.db"
        seeded(db)
        proc = cli(tally, "merge", odd, db, ["merge", str(folder / odd)], expect_fail=False)
        stray = (folder / odd.split("#")[0]).exists()
        with Store.open(db) as store:
            if proc is None or store.label("s", "carol") is None or stray:
                tally.add("merge", "data changed", f"{odd}: merged the wrong file")


def commands(tally: Tally, work: Path) -> None:
    from test_terminal_safety import COMMANDS, ESC, TAXONOMY, _build, _sample

    tax = work / "evil.yaml"
    tax.write_text(TAXONOMY, encoding="utf-8")
    db = work / "evil.db"
    _build(db, tax)
    for args in COMMANDS:
        cli(tally, "cli commands", " ".join(args)[:40], db, list(args), expect_fail=None)
    cli(
        tally, "cli commands", "taxonomy", work / "t.db", ["--taxonomy", str(tax), "taxonomy"], None
    )
    bad = work / f"bad{ESC}.jsonl"
    bad.write_text('{"id": "a"}\n{not json\n', encoding="utf-8")
    cli(tally, "cli commands", "import error", work / "i.db", ["import", "jsonl", str(bad)], True)
    other = work / "other.db"
    with Store.open(other) as store:
        store.upsert_sample(_sample(0))
        store.set_label(_sample(0).id, f"ann{ESC}", LabelValue(category=2, note=ESC))
    cli(tally, "cli commands", "merge summary", db, ["merge", str(other)], None)


def strategies(tally: Tally, work: Path, examples: int) -> None:
    """The hypothesis strategies of tests/test_hostile_imports.py, in process."""
    from hypothesis import strategies as st
    from hypothesis.errors import NonInteractiveExampleWarning
    from test_hostile_imports import json_values

    def jsonl_bytes(folder: Path, data: bytes) -> tuple[str, Path]:
        (folder / "r.jsonl").write_bytes(data)
        return "jsonl", folder / "r.jsonl"

    def jsonl_records(folder: Path, records: list[dict[str, object]]) -> tuple[str, Path]:
        (folder / "r.jsonl").write_text("".join(json.dumps(r) + "\n" for r in records))
        return "jsonl", folder / "r.jsonl"

    def sheet(folder: Path, text: str) -> tuple[str, Path]:
        for sub in ("Generated", "Original", "Result"):
            (folder / "d" / sub).mkdir(parents=True, exist_ok=True)
        (folder / "d" / "Generated" / "s0.py").write_text("x = 1\n")
        (folder / "d" / "Result" / "s0.txt").write_text("Pass or Failed: 0\n")
        head = "sample,prompt,final_cat1,final_note1,final_cat2,final_note2\n"
        (folder / "d" / "labels.csv").write_text(head + "s0," + text)
        return "dlbench", folder / "d"

    record = st.dictionaries(
        st.sampled_from(["id", "prompt", "generated_code", "passed", "model", "metadata", "x"]),
        json_values,
        max_size=6,
    )
    plans: list[
        tuple[str, Callable[[Path, object], tuple[str, Path]], st.SearchStrategy[object]]
    ] = [
        ("jsonl random bytes", jsonl_bytes, st.binary(max_size=2000)),  # type: ignore[list-item]
        ("jsonl random records", jsonl_records, st.lists(record, max_size=6)),  # type: ignore[list-item]
        ("labels.csv random text", sheet, st.text(st.characters(codec="utf-8"), max_size=400)),  # type: ignore[list-item]
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", NonInteractiveExampleWarning)
        for name, make, strategy in plans:
            for i in range(examples):
                folder = Path(tempfile.mkdtemp(dir=work))
                db = folder / "keep.db"
                seeded(db)
                fmt, path = make(folder, strategy.example())
                before = fingerprint(db)
                tally.add("hypothesis", "tried")
                with Store.open(db) as store:
                    try:
                        import_path(store, fmt, path)
                    except UserError as exc:
                        tally.add("hypothesis", "clean errors")
                        if "\n" in str(exc) or TERMINAL_UNSAFE.search(str(exc)):
                            tally.add("hypothesis", "escapes written", f"{name} #{i}")
                        if fingerprint(db) != before:
                            tally.add("hypothesis", "data changed", f"{name} #{i}")
                    except Exception as exc:  # noqa: BLE001 - that is what is counted
                        tally.add("hypothesis", "tracebacks", f"{name} #{i}: {exc!r}"[:160])
                shutil.rmtree(folder, ignore_errors=True)


# --------------------------------------------------------------------------- the TUI in a pty

DATA_ESCAPES = (
    b"\x1b]0;PWNED", b"PWNED\x07", b"\x1b]52;", b"ZXZpbA==\x07", b"\xc2\x9b", b"\x1b]8;;http://evil",
)  # fmt: skip
"""Sequences only the data holds (Textual itself writes ESC sequences and rings BEL)."""


def tui(
    tally: Tally,
    name: str,
    args: list[str],
    keys: list[bytes],
    db: Path,
    gap: float = 0.4,
    shown: bytes = b"",
) -> None:
    tally.add("tui (pty)", "tried")
    # Escape closes whatever screen the keys left open, so that q quits.
    run = run_tui(["--db", str(db), *args], [*keys, b"\x1b", b"\x1b"], settle=4.0, key_gap=gap)
    if run.hung:
        tally.add("tui (pty)", "hangs", name)
    if b"Traceback" in run.output or (run.returncode not in (0, None) and not run.hung):
        tally.add("tui (pty)", "tracebacks", f"{name}: exit {run.returncode}")
    if shown and shown not in run.output:  # the case must really have shown the data
        tally.add("tui (pty)", "data not shown", name)
    found = [m for m in DATA_ESCAPES if m in run.output]
    if found:
        tally.add("tui (pty)", "escapes written", f"{name}: {found}")


def tui_cases(tally: Tally, work: Path) -> dict[str, float]:
    from test_terminal_safety import ESC, _build
    from tui.conftest import make_sample
    from tui.test_hostile_markup import BAD_IDS

    evil = work / "tui-evil.db"
    tax = work / "tui-evil.yaml"
    from test_terminal_safety import TAXONOMY

    tax.write_text(TAXONOMY, encoding="utf-8")
    _build(evil, tax)
    with Store.open(evil) as store:  # a clickable link as well
        store.upsert_sample(make_sample(90).model_copy(update={"id": "[link=http://evil]x"}))
    everything = [b"t", b"\x1b", b"e", b"\x1b", b"n", b"2", b"?", b"\x1b", b"/", b"\x1b", b"f"]
    tui(
        tally,
        "label, escapes everywhere",
        ["label", "--annotator", f"ann{ESC}"],
        everything,
        evil,
        shown=b"PWNED",
    )
    review_keys = [b"1", b"t", b"\x1b", b"g", b"\r", b"\x1b", b"\x1b", b"S", b"\x1b"]
    tui(
        tally,
        "review, escapes everywhere",
        ["review", "--annotator", "rev"],
        review_keys,
        evil,
        shown=b"PWNED",
    )

    # The study's screens added since: training with feedback (a gold item whose sample,
    # source and note hold escapes) and a round's progress.
    from annotator.store.gold import GoldItem

    with Store.open(evil) as store:
        first = store.sample_ids()[0]
        store.put_gold([GoldItem(first, "bug", 1, None, "training", f"annotator:ann{ESC}")])
    tui(
        tally,
        "label --training, escapes in the gold item",
        ["label", "--annotator", "trainee", "--training"],
        [b"3", b"\x1b", b"n", b"1", b"t", b"\x1b"],
        evil,
        shown=b"PWNED",
    )
    # Issue 23 item 4 in a database an older version merged: a revision of 2^63-1.
    old = work / "tui-old-revision.db"
    with Store.open(old) as store:
        for i in (1, 2):
            store.upsert_sample(make_sample(i))
        store.set_label(make_sample(1).id, "me", LabelValue(category=1))
        conn = store._db.conn  # the bad state on purpose, as tests/rawsql.py's tamper()
        conn.execute("UPDATE labels SET revision = 9223372036854775807")
        conn.execute("UPDATE label_history SET revision = 9223372036854775807")
        conn.commit()
    tui(tally, "a category on a revision of 2^63-1", ["label", "--annotator", "me"],
        [b"p", b"2"], old, gap=0.6)  # fmt: skip
    with Store.open(old) as store:
        label = store.label(make_sample(1).id, "me")
    if label is None or label.category != 2:
        tally.add("tui (pty)", "labels lost", "a category on a revision of 2^63-1")
    markup = work / "tui-markup.db"
    with Store.open(markup) as store:
        for i, sid in enumerate([*BAD_IDS, "plain"], start=1):
            store.upsert_sample(make_sample(i).model_copy(update={"id": sid}))
            store.set_label(sid, "[/]mallory", LabelValue(category=1))
            store.set_label(sid, "bob", LabelValue(category=2))
    tui(
        tally,
        "label, markup ids",
        ["label", "--annotator", "me"],
        [b"t", b"\x1b", b"n", b"t"],
        markup,
        shown=b"x[/] [bold",
    )
    agreement = [b"1", b"1", b"g", b"\x1b[B", b"\r", b"\x1b", b"\x1b"]
    tui(
        tally,
        "review, markup ids and names",
        ["review", "--annotator", "rev"],
        agreement,
        markup,
        shown=b"[/]mallory",
    )

    figures: dict[str, float] = {}
    for size in (5, 15):
        db = work / f"big{size}.db"
        unit = "def f(x):\n    return x.view(1, -1) + torch.zeros(3)\n"
        code = unit * (size * 1_000_000 // len(unit))
        with Store.open(db) as store:
            store.upsert_sample(
                SampleIn(
                    id=f"big{size}",
                    generated_code=code,
                    reference_code=code[: len(code) // 3],
                    test_output="E   RuntimeError: shape '[1, -1]' is invalid\n" * 20_000,
                    passed=False,
                )
            )
        tally.add("tui (pty)", "tried")
        run = run_tui(["--db", str(db), "label", "--annotator", "me"], [b"t", b"\x1b", b"d"])
        figures[f"label peak MB, {size} MB sample"] = run.peak_mb
        if run.hung:
            tally.add("tui (pty)", "hangs", f"{size} MB sample")
        peak = subprocess.run(
            [
                sys.executable,
                str(ROOT / "benchmarks" / "_peak.py"),
                ANNOTATOR,
                "--db",
                str(db),
                "suggest",
            ],
            capture_output=True,
            text=True,
            timeout=300,
        )
        figures[f"suggest peak MB, {size} MB sample"] = float(peak.stdout.split()[-1])
        if "SyntaxError" in peak.stdout or "MemoryError" in peak.stdout:
            tally.add("tui (pty)", "exception as a fact", f"suggest on {size} MB")
    return figures


IMPORTER = """
import subprocess, sys, time
from pathlib import Path
db, exe, end = sys.argv[1], sys.argv[2], time.monotonic() + float(sys.argv[3])
print("ready", flush=True)
turn = 0
while time.monotonic() < end:  # changed content each time: every import writes
    turn += 1
    Path(db + ".load.jsonl").write_text("".join(
        '{"id": "z%04d", "passed": false, "generated_code": "x = %d"}\\n' % (i, turn)
        for i in range(2000)))
    subprocess.run([exe, "--db", db, "import", "jsonl", db + ".load.jsonl"],
                   capture_output=True, check=False)
"""
"""Issue 23 item 5's import load: another process importing 2000 samples again and again."""


def key_order(tally: Tally, work: Path) -> None:
    """'2n' typed 30 times as one burst into the pty, alone and beside another writer; and
    (issue 23 item 5) '2' pressed 0.25 s after each 'n' while a writer holds the lock
    0.3 s at a time, and while another process imports."""
    from tui.conftest import make_sample
    from tui.test_key_order import WRITER

    loads = {
        "none": ([b"2n"] * 30, 0.0),
        "writer": ([b"2", b"n"] * 30, 0.12),
        "lock, 2 at 0.25 s after n": ([b"2", b"n"] * 30, 0.25),
        "import, 2 at 0.25 s after n": ([b"2", b"n"] * 30, 0.25),
    }
    for load, (keys, gap) in loads.items():
        db = work / f"keys-{load.split(',')[0]}.db"
        with Store.open(db) as store:
            for i in range(1, 33):
                store.upsert_sample(make_sample(i))
        other = None
        if load in ("writer", "lock, 2 at 0.25 s after n"):
            hold = "0.15" if load == "writer" else "0.3"
            seconds = "8" if load == "writer" else "16"
            other = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db), seconds, hold],
                stdout=subprocess.PIPE,
                text=True,
            )
        elif load.startswith("import"):
            other = subprocess.Popen(
                [sys.executable, "-c", IMPORTER, str(db), ANNOTATOR, "20"],
                stdout=subprocess.PIPE,
                text=True,
            )
        if other is not None:
            assert other.stdout is not None
            other.stdout.readline()
        tally.add("key order (pty)", "tried")
        run = run_tui(
            ["--db", str(db), "label", "--annotator", "me"], keys, settle=4.0, key_gap=gap
        )
        if other is not None:
            other.wait(60)
        if run.hung:
            tally.add("key order (pty)", "hangs", f"load={load}")
        with Store.open(db) as store:
            labels = {lab.sample_id: (lab.category, lab.revision) for lab in store.labels("me")}
        expected = {f"s{i:02d}": (2, 1) for i in range(1, 31)}
        wrong = sum(1 for sid, v in labels.items() if expected.get(sid) != v)
        lost = sum(1 for sid in expected if sid not in labels)
        for _ in range(wrong):
            tally.add("key order (pty)", "wrong-sample labels", f"load={load}")
        for _ in range(lost):
            tally.add("key order (pty)", "labels lost", f"load={load}")


# --------------------------------------------------------------------------- issue 23: merge, read commands, blind
# Items 1, 4, 7, 9 and 12 of issue 23, kept in this one block (the builders are in
# tests/test_merge_validation.py). Each command runs in its own process group with
# a 10 s limit (a hang is anything longer) and its peak memory measured.

LIMIT_23 = 10.0


def _peak_run(args: list[str]) -> tuple[int | None, str, float, float]:
    """(exit status or None on a hang, output, seconds, peak MB) of the real CLI."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, str(ROOT / "benchmarks" / "_peak.py"), ANNOTATOR, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        out, _ = proc.communicate(timeout=LIMIT_23)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return None, "", time.perf_counter() - started, 0.0
    seconds = time.perf_counter() - started
    lines = out.rstrip().splitlines()
    peak = float(lines[-1].split()[-1]) if lines and lines[-1].startswith("PEAK_MB") else 0.0
    return proc.returncode, "\n".join(lines[:-1]), seconds, peak


def _run_23(
    tally: Tally,
    group: str,
    name: str,
    db: Path,
    args: list[str],
    fail: bool,
    beside: Path | None = None,
) -> int | None:
    """One command; counts hangs, tracebacks, escapes, a refused input that changed the
    database, a bad input accepted, and files written in the other file's folder ``beside``."""
    folder = beside or db.parent
    before, listing = fingerprint(db), sorted(p.name for p in folder.iterdir())
    tally.add(group, "tried")
    code, output, seconds, peak = _peak_run(["--db", str(db), *args])
    FIGURES_23[f"{group}: {name}"] = (seconds, peak)
    if code is None:
        tally.add(group, "hangs", f"{name} (killed at {LIMIT_23:.0f} s)")
        return None
    if "Traceback (most recent call last)" in output:
        tally.add(group, "tracebacks", f"{name}: {output.strip().splitlines()[-1][:100]}")
    elif (
        code == 1 and output.strip().startswith("Error:") and len(output.strip().splitlines()) == 1
    ):
        tally.add(group, "clean errors")
    if fail and code == 0:
        tally.add(group, "bad input accepted", name)
    if TERMINAL_UNSAFE.search(output):
        tally.add(group, "escapes written", name)
    if code != 0 and fingerprint(db) != before:
        tally.add(group, "data changed", name)
    written = sorted(
        set(p.name for p in folder.iterdir()) - set(listing) - {"mine.db-wal", "mine.db-shm"}
    )
    if written:
        tally.add(group, "files written beside", f"{name}: {written}")
    return code


FIGURES_23: dict[str, tuple[float, float]] = {}
"""Seconds and peak MB of every issue-23 command."""


def merge_23(tally: Tally, work: Path) -> None:
    """Items 1, 4, 7: hostile other databases (validation, size, SQL of theirs, files)."""
    from test_merge_untrusted import _db, _other, _sql
    from test_merge_validation import REFUSED, STALE, _big_note, _dated, _history_flood

    def case(name: str) -> tuple[Path, Path]:
        folder = work / f"m23-{hashlib.sha1(name.encode()).hexdigest()[:10]}"
        (folder / "theirs").mkdir(parents=True)
        mine = _db(folder / "mine.db")
        mine.set_label("s1", "final", LabelValue(category=3))
        mine.close()
        return folder / "mine.db", _other(folder / "theirs")

    big = {
        "150 MB note": (_big_note(150), True),
        "1M history rows on one label": (_history_flood(1_000_000), True),
        "1M history rows over 1000 labels": (_history_flood(1_000_000, keys=1000), True),
        "20k history rows over 100 labels (accepted)": (_history_flood(20_000, keys=100), False),
    }
    cases = [(name, spoil, True) for name, (spoil, _) in REFUSED.items()]
    cases += [(name, spoil, fail) for name, (spoil, fail) in big.items()]
    for name, spoil, fail in cases:
        db, other = case(name)
        spoil(other)
        _run_23(tally, "merge rows (23)", name, db, ["merge", str(other)], fail, other.parent)
    for name, spelling in STALE.items():
        db, other = case(f"stale {name}")
        with Store.open(db) as store:
            store.set_label("s0", "bob", LabelValue(category=7))  # newer than 2026-01-01
        _dated(other, "bob", spelling)
        _run_23(
            tally,
            "merge times (23)",
            f"stale {name}",
            db,
            ["merge", str(other)],
            False,
            other.parent,
        )
        with Store.open(db) as store:
            label = store.label("s0", "bob")
        if label is None or label.category != 7:
            tally.add("merge times (23)", "stale label won", spelling)
    db, other = case("pending wal")
    keep = _db(other.parent / "alice.db")  # open: its -wal holds the label
    keep.set_label("s2", "alice", LabelValue(category=4))
    _run_23(
        tally,
        "merge files (23)",
        "pending -wal",
        db,
        ["merge", str(keep.path)],
        False,
        other.parent,
    )
    keep.close()
    with Store.open(db) as store:
        if store.label("s2", "alice") is None:
            tally.add("merge files (23)", "labels lost", "pending -wal not read")
    db, other = case("two files")
    _sql(other, "UPDATE labels SET taxonomy_version = '9.9'")
    good = _db(other.parent / "good.db")
    good.set_label("s0", "carol", LabelValue(category=2))
    good.close()
    _run_23(
        tally,
        "merge files (23)",
        "good + bad file",
        db,
        ["merge", str(good.path), str(other)],
        fail=True,
    )
    with Store.open(db) as store:
        if store.label("s0", "carol") is not None:
            tally.add("merge files (23)", "data changed", "good + bad file: half merged")


def merge_study_27(tally: Tally, work: Path) -> None:
    """Issue 27's tables in the merge: a hostile row in each study table (builders and cases in
    tests/test_merge_study.py); ``data changed`` also covers the study tables."""
    from test_merge_study import HOSTILE, bobs_work, lead_database, state
    from test_merge_untrusted import _loosen

    base = work / "m27"
    base.mkdir()
    lead = lead_database(base / "lead.db")
    bob = base / "bob.db"
    shutil.copyfile(lead, bob)
    bobs_work(bob)
    for index, (table, sql, _field) in enumerate(HOSTILE):
        folder = base / f"case{index}"
        (folder / "theirs").mkdir(parents=True)
        db, bad = folder / "mine.db", folder / "theirs" / "bad.db"
        shutil.copyfile(lead, db)
        shutil.copyfile(bob, bad)
        _loosen(bad, table)
        conn = sqlite3.connect(bad)
        conn.execute(sql)
        conn.commit()
        conn.close()
        before = state(db)
        name = f"{table}: {sql[:50]}"
        _run_23(tally, "merge study (27)", name, db, ["merge", str(bad)], True, bad.parent)
        if state(db) != before:
            tally.add("merge study (27)", "data changed", name)


def read_commands_23(tally: Tally, work: Path) -> None:
    """Item 9: a read command on another program's SQLite file changes nothing."""
    for args in (["status"], ["export", "counts"], ["agreement"]):
        folder = work / f"r23-{args[0]}"
        folder.mkdir()
        db = folder / "theirs.sqlite"
        conn = sqlite3.connect(db)
        conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
        conn.commit()
        conn.close()
        before = db.read_bytes()
        code = _run_23(tally, "read commands (23)", " ".join(args), db, args, fail=True)
        if db.read_bytes() != before or len(list(folder.iterdir())) != 1:
            tally.add("read commands (23)", "data changed", f"{args[0]}: converted the file")
        del code


def blind_23(tally: Tally, work: Path) -> None:
    """Item 12: S as a new annotator names no other annotator."""
    db = work / "blind23.db"
    with Store.open(db) as store:
        for i in range(3):
            store.upsert_sample(SampleIn(id=f"b{i}", generated_code="x = 1", test_output="E boom"))
        store.set_label("b0", "secret_rater_k", LabelValue(category=1))
    tally.add("blind (23)", "tried")
    run = run_tui(
        ["--db", str(db), "label", "--annotator", "newbie"], [b"S"], settle=4.0, key_gap=4.0
    )
    if run.hung:
        tally.add("blind (23)", "hangs", "S as a new annotator")
    if b"Traceback" in run.output:
        tally.add("blind (23)", "tracebacks", "S as a new annotator")
    if b"secret_rater_k" in run.output:
        tally.add("blind (23)", "names leaked", "S as a new annotator")


def issue_23(tally: Tally, work: Path) -> dict[str, float]:
    merge_23(tally, work)
    merge_study_27(tally, work)
    read_commands_23(tally, work)
    blind_23(tally, work)
    figures = {}
    sized = ("MB note", "history rows", "view", "-wal")
    for name, (seconds, peak) in FIGURES_23.items():
        if seconds > 2 or peak > 100 or any(word in name for word in sized):
            figures[f"{name}: s"] = seconds
            figures[f"{name}: peak MB"] = peak
    return figures


def merge_caps(tally: Tally, work: Path) -> list[str]:
    """Issue 23's done-when for merge: every file AT the stated caps (legitimate, study
    tables full, the crafted ones that used to go row by row) under LIMIT_23 seconds
    and H23_PEAK_MB, one row over a cap refused at once (benchmarks/_merge_caps.py).
    ``ANNOTATOR_CAPS_DIR``: build (or reuse) the files there instead of in ``work``."""
    from _merge_caps import build, caps, run

    files = Path(os.environ.get("ANNOTATOR_CAPS_DIR", work / "caps"))
    files.mkdir(parents=True, exist_ok=True)
    started = time.perf_counter()
    # Built in a process of its own, then listed here (build reuses built files):
    # building holds ~900 MB, and a merge forked from a process that large counts
    # that image in its own peak (ru_maxrss keeps it across exec).
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys, pathlib, _merge_caps as m; m.build(pathlib.Path(sys.argv[1]))",
            str(files),
        ],
        check=True,
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path[:2])},
    )
    cases = build(files)
    rows = [
        f"merge caps {caps()} (files built in {time.perf_counter() - started:.0f} s)",
        f"{'case':48} {'exit':>4} {'wall s':>6} {'cpu s':>6} {'peak MB':>7}  output",
    ]
    group = "merge caps (23)"
    for case in cases:
        db = work / "caps-mine.db"
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{db}{suffix}").unlink(missing_ok=True)
        if case.ours is not None:
            shutil.copyfile(case.ours, db)
        before = fingerprint(db) if case.expect_fail else ""
        tally.add(group, "tried")
        load = os.getloadavg()[0]
        got = run([ANNOTATOR, "--db", str(db), "merge", str(case.theirs)], LIMIT_23)
        first = got.output.strip().splitlines()[0] if got.output.strip() else ""
        if got.code is None:
            tally.add(group, "hangs", f"{case.name} (killed at {LIMIT_23:.0f} s)")
        elif "Traceback (most recent call last)" in got.output:
            tally.add(group, "tracebacks", case.name)
        elif case.expect_fail:
            if got.code == 1 and first.startswith("Error:") and len(got.output.splitlines()) == 1:
                tally.add(group, "clean errors")
            else:
                tally.add(group, "bad input accepted", case.name)
            if fingerprint(db) != before:
                tally.add(group, "data changed", case.name)
        elif got.code != 0:
            tally.add(group, "good input refused", f"{case.name}: {first[:100]}")
        if got.peak_mb > H23_PEAK_MB:
            tally.add(group, "over 300 MB", f"{case.name}: {got.peak_mb:.0f} MB")
        shown = TERMINAL_UNSAFE.sub("?", first)[:90]
        code = "hang" if got.code is None else str(got.code)
        rows.append(
            f"{case.name:48} {code:>4} {got.wall:6.1f} {got.cpu:6.1f} {got.peak_mb:7.0f}"
            f"  {shown} (load {load:.1f})"
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per hypothesis strategy")
    parser.add_argument(
        "--only",
        choices=["merge", "merge-caps", "issue23-h23b", "surfaces", "keys"],
        help="run only one block of issue 23's cases (merge: issue_23(); issue23-h23b:"
        " H23_CASES; surfaces: the kinds on the surfaces added since, _hostile_surfaces.py; keys: key order in"
        " a pty, alone and under load; merge-caps: merge of files at the stated caps, _merge_caps.py)",
    )
    args = parser.parse_args()
    print_header("cold: every case on its own fresh copy")
    tally = Tally()
    figures: dict[str, float] = {}
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        if args.only == "keys":
            key_order(tally, work)
        if args.only in (None, "merge"):
            if args.only is None:
                importers(tally, work)
                merges(tally, work)
                commands(tally, work)
                strategies(tally, work, args.examples)
                figures = tui_cases(tally, work)
                key_order(tally, work)
            figures |= issue_23(tally, work)
        h23_rows, caps_rows = [], []
        if args.only in (None, "merge-caps"):
            caps_rows = merge_caps(tally, work)
        if args.only in (None, "issue23-h23b"):
            h23_rows += h23_cases_run(tally, work, H23_CASES)
        if args.only in (None, "surfaces"):
            h23_rows += h23_cases_run(tally, work, surface_cases())
        for path in work.rglob("*"):  # chmod 000 cases: let the cleanup in
            if not path.is_symlink():
                path.chmod(0o700)
    tally.print()
    if caps_rows:
        print("\n".join(["", "merge at the stated caps (issue 23), per case:", *caps_rows]))
    if h23_rows:
        print(
            "\n".join(
                ["", "issue 23 (items 2, 3, 6, 8, 10, 11, 13, 14; surfaces), per case:", *h23_rows]
            )
        )
    for name, value in figures.items():
        print(f"{name}: {value:.0f}")
    print(f"({time.perf_counter() - started:.0f} s)")


# =========================================================================== issue 23, items
# 2, 3, 6, 8, 10, 11, 13, 14 (and issue 22's llm-label failures): one block, one list.
# Each case runs the real CLI (`python -m annotator`) in a fresh folder under the peak-memory
# wrapper, with a 10 s limit (over it: a hang), and says what it checks besides a clean error.

H23_LIMIT = 10.0
H23_PEAK_MB = 300.0
H23_SECRET = "SECRET-OUTSIDE-THE-FOLDER"
_H23_CPU: list[float] = []
"""CPU seconds of each step (the wall time on a loaded machine is mostly waiting)."""


class H23Case:
    """One case: ``build(folder)`` returns the CLI arguments (after ``--db DB``); ``check``
    (optional) looks at the folder and the process afterwards and returns what went wrong."""

    def __init__(
        self,
        group: str,
        name: str,
        build: Callable[[Path], list[str]],
        expect_fail: bool,
        check: Callable[[Path, subprocess.CompletedProcess[str]], str | None] | None = None,
        interrupt_after: float | None = None,
    ) -> None:
        self.group, self.name, self.build, self.expect_fail = group, name, build, expect_fail
        self.check, self.interrupt_after = check, interrupt_after


def _h23_step(
    command: list[str], folder: Path, interrupt_after: float | None
) -> tuple[subprocess.CompletedProcess[str] | None, float, float]:
    """Run one command under benchmarks/_peak.py; (process or None on a hang, seconds, peak MB)."""
    cmd = [sys.executable, str(ROOT / "benchmarks" / "_peak.py"), *command]
    import resource

    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    proc = subprocess.Popen(
        cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=folder
    )
    try:
        if interrupt_after is not None:
            time.sleep(interrupt_after)
            # Ctrl-C to the command (the wrapper's child), as a terminal would send it.
            subprocess.run(["pkill", "-INT", "-P", str(proc.pid)], check=False)
            started = time.perf_counter()  # the time from the interrupt
        out, err = proc.communicate(timeout=H23_LIMIT + 20)
    except subprocess.TimeoutExpired:
        # The command first (the wrapper's child, by its parent's id), then the wrapper.
        subprocess.run(["pkill", "-KILL", "-P", str(proc.pid)], check=False)
        proc.kill()
        proc.communicate()
        return None, time.perf_counter() - started, 0.0
    seconds = time.perf_counter() - started
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    _H23_CPU.append(
        cpu_after.ru_utime + cpu_after.ru_stime - cpu_before.ru_utime - cpu_before.ru_stime
    )
    peak = 0.0
    lines = out.rstrip("\n").split("\n")
    if lines and lines[-1].startswith("PEAK_MB"):
        peak = float(lines[-1].split()[-1])
        out = "".join(f"{line}\n" for line in lines[:-1])
    return subprocess.CompletedProcess(cmd, proc.returncode, out, err), seconds, peak


def _h23_run(
    case: H23Case, folder: Path, db: Path, args: list[str]
) -> tuple[subprocess.CompletedProcess[str] | None, float, float]:
    """The case's command (``@script FILE``: a Python script; ``@chain A B``: CLI commands
    in turn, stopping at a failure); the time and memory of the slowest, biggest step."""
    cli_cmd = [sys.executable, "-m", "annotator", "--db", str(db)]
    if args[0] == "@script":
        steps = [[sys.executable, args[1]]]
    elif args[0] == "@chain":  # "@py FILE" as a step: a Python script
        steps = [
            [sys.executable, step[4:]] if step.startswith("@py ") else [*cli_cmd, *step.split()]
            for step in args[1:]
        ]
    else:
        steps = [[*cli_cmd, *args]]
    outputs: list[str] = []
    errors: list[str] = []
    seconds = peak = 0.0
    proc: subprocess.CompletedProcess[str] | None = None
    for step in steps:
        proc, took, used = _h23_step(step, folder, case.interrupt_after)
        seconds, peak = max(seconds, took), max(peak, used)
        if proc is None:
            return None, seconds, peak
        outputs.append(proc.stdout)
        errors.append(proc.stderr)
        if proc.returncode != 0:
            break
    assert proc is not None
    return (
        subprocess.CompletedProcess(proc.args, proc.returncode, "".join(outputs), "".join(errors)),
        seconds,
        peak,
    )


def h23_cases_run(tally: Tally, work: Path, cases: list[H23Case]) -> list[str]:
    """Run the cases; count them in ``tally`` and return one table row per case."""
    rows = []
    for index, case in enumerate(cases):
        folder = Path(tempfile.mkdtemp(prefix=f"h23-{index}-", dir=work))
        db = folder / "keep.db"
        seeded(db)
        args = case.build(folder)
        before = fingerprint(db)
        group = f"i23 {case.group}"
        tally.add(group, "tried")
        _H23_CPU.clear()
        proc, seconds, peak = _h23_run(case, folder, db, args)
        cpu = sum(_H23_CPU)
        verdict = "ok"
        if proc is None or seconds > H23_LIMIT:
            tally.add(group, "hangs", f"{case.name}: {seconds:.0f} s")
            verdict = "HANG"
        if proc is not None:
            output = proc.stdout + proc.stderr
            if "Traceback (most recent call last)" in output:
                last = output.strip().splitlines()[-1][:100]
                tally.add(group, "tracebacks", f"{case.name}: {last}")
                verdict = "TRACEBACK"
            elif proc.returncode == 1 and (output.strip().splitlines() or [""])[-1].startswith(
                "Error:"
            ):
                tally.add(group, "clean errors")  # llm-label prints its summary first
            elif case.expect_fail and proc.returncode == 0:
                tally.add(group, "unexpected exit", f"{case.name}: exit 0")
                verdict = "ACCEPTED"
            if TERMINAL_UNSAFE.search(output):
                tally.add(group, "escapes written", case.name)
            if proc.returncode != 0 and fingerprint(db) != before:
                tally.add(group, "data changed", case.name)
            if H23_SECRET in output or _h23_db_has(db, H23_SECRET):
                tally.add(group, "read outside", case.name)
                verdict = "READ OUTSIDE"
            if peak > H23_PEAK_MB:
                tally.add(group, "over 300 MB", f"{case.name}: {peak:.0f} MB")
                verdict = f"{peak:.0f} MB"
            problem = case.check(folder, proc) if case.check is not None else None
            if problem:
                tally.add(group, "wrong", f"{case.name}: {problem}")
                verdict = problem
        exit_code = "-" if proc is None else str(proc.returncode)
        rows.append(
            f"{case.group:<10} {case.name:<48} exit {exit_code:>3} {seconds:6.1f} s"
            f" (cpu {cpu:4.1f} s) {peak:5.0f} MB  {verdict}"
        )
    return rows


def _h23_db_has(db: Path, text: str) -> bool:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        for table in ("sample_texts", "samples"):
            for row in conn.execute(f"SELECT * FROM {table}"):
                if any(isinstance(v, str) and text in v for v in row):
                    return True
    finally:
        conn.close()
    return False


def _h23_secret(folder: Path, name: str) -> Path:
    outside = folder / "outside"
    outside.mkdir(exist_ok=True)
    path = outside / name
    if name.endswith(".json"):
        path.write_text(json.dumps({"result": f"```python\n{H23_SECRET}\n```"}))
    else:
        path.write_text(f"{H23_SECRET}\n")
    return path


def _h23_harness(
    folder: Path, line: str | bytes = '{"task_id": "DLBench/1", "status": "fail"}'
) -> Path:
    results = folder / "results.jsonl"
    data = line if isinstance(line, bytes) else line.encode()
    results.write_bytes(data + b"\n")
    return results


def _h23_code_link(folder: Path) -> list[str]:
    (folder / "run" / "code").mkdir(parents=True)
    (folder / "run" / "code" / "DLBench_1.py").symlink_to(_h23_secret(folder, "secret.py"))
    return ["import", "dlbench-harness", str(_h23_harness(folder)), "--code", "run/code"]


def _h23_tasks_link(folder: Path) -> list[str]:
    (folder / "run" / "tasks").mkdir(parents=True)
    (folder / "run" / "tasks" / "DLBench_1.json").symlink_to(_h23_secret(folder, "secret.json"))
    return ["import", "dlbench-harness", str(_h23_harness(folder)), "--tasks", "run/tasks"]


def _h23_sheet(folder: Path, body: str) -> list[str]:
    sheet = folder / "labels.csv"
    sheet.write_text("sample,final_cat1,final_note1\n" + body, encoding="utf-8")
    return ["import", "labels", str(sheet)]


def _h23_fifo(folder: Path) -> list[str]:
    import os

    os.mkfifo(folder / "labels.csv")
    return ["import", "labels", str(folder / "labels.csv")]


def _h23_figures_link(folder: Path) -> list[str]:
    victim = _h23_secret(folder, "victim.txt")
    out = folder / "figs"
    out.mkdir()
    for name in ("categories", "pass_at_1_by_stage", "category_model_heatmap", "confusion"):
        (out / f"{name}.svg.tmp").symlink_to(victim)
    return ["figures", "--out", "figs", "--format", "svg"]


def _h23_target_link(folder: Path) -> list[str]:
    victim = _h23_secret(folder, "victim.txt")
    (folder / "counts.csv").symlink_to(victim)
    return ["export", "counts", "--format", "csv", "--out", "counts.csv"]


def _h23_victim_intact(folder: Path, _: subprocess.CompletedProcess[str]) -> str | None:
    victim = folder / "outside" / "victim.txt"
    return None if victim.read_text() == f"{H23_SECRET}\n" else "WROTE OUTSIDE"


_H23_SERVERS: list[object] = []


def _h23_server() -> tuple[object, object]:
    from llm_hostile_server import HostileServer, gzip_bomb

    if not _H23_SERVERS:
        gzip_bomb()  # built before the case (1 GiB to compress), not while the client waits
        other = HostileServer()
        _H23_SERVERS.extend(
            [HostileServer(redirect_to=f"http://localhost:{other.server_address[1]}"), other]
        )
    return _H23_SERVERS[0], _H23_SERVERS[1]


def _h23_llm(
    kind: str, timeout: str = "5", code: str = "def f(x):\n    return x\n"
) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        with Store.open(folder / "keep.db") as store:
            store.upsert_sample(
                SampleIn(
                    id="s1", generated_code=code, test_output="E   ValueError: x\n", passed=False
                )
            )
        server, _ = _h23_server()
        url = server.url(kind)  # type: ignore[attr-defined]
        return [
            "llm-label",
            "--model",
            "m",
            "--base-url",
            url,
            "--timeout",
            timeout,
            "--retries",
            "0",
            "--concurrency",
            "1",
            "--samples",
            "s1",  # one request (the seeded sample's outcome is unknown: it would be asked too)
        ]

    return build


def _h23_not_redirected(folder: Path, proc: subprocess.CompletedProcess[str]) -> str | None:
    _, other = _h23_server()
    return "REDIRECT FOLLOWED" if other.paths else None  # type: ignore[attr-defined]


def _h23_fence(folder: Path, proc: subprocess.CompletedProcess[str]) -> str | None:
    from llm_hostile_server import fence_closed_early

    server, _ = _h23_server()
    prompts = [p for p in server.prompts if "Ignore the instructions" in p]  # type: ignore[attr-defined]
    if not prompts:
        return "NOT SENT"
    return "FENCE ESCAPED" if fence_closed_early(prompts[-1]) else None


def _h23_says_why(folder: Path, proc: subprocess.CompletedProcess[str]) -> str | None:
    output = proc.stdout + proc.stderr
    if proc.returncode != 1:
        return f"exit {proc.returncode} with no answer"
    return None if ("503" in output or "refused" in output) else "NO REASON"


def _h23_attempts(n: int) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        line = json.dumps({"task_id": "DLBench/1", "status": "fail", "statuses": ["fail"] * n})
        return ["import", "dlbench-harness", str(_h23_harness(folder, line))]

    return build


def _h23_taxonomy(folder: Path, categories: int = 3, big_id: bool = False) -> Path:
    lines = ["name: T", "version: '1'", "categories:"]
    for i in range(1, categories + 1):
        cid = "9" * 5000 if big_id and i == categories else str(i)
        lines += [
            f"  - id: {cid}",
            f"    name: C{i}",
            "    subcategories:",
            f"      - {{name: S{i}, dl_specific: false}}",
        ]
    path = folder / "t.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _h23_bigid(command: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        tax = str(_h23_taxonomy(folder, big_id=True))
        if command == "taxonomy":
            return ["--taxonomy", tax, "taxonomy"]
        if command == "codebook":
            return ["--taxonomy", tax, "taxonomy", "--codebook", "--format", "latex"]
        if command == "migrate":
            return ["taxonomy", "migrate", tax, "--dry-run"]
        (folder / "s.jsonl").write_text('{"id": "n1"}\n')
        return ["--taxonomy", tax, "import", "jsonl", "s.jsonl"]

    return build


def _h23_keys(folder: Path) -> list[str]:
    (folder / "keys.toml").write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    return ["label", "--annotator", "me", "--keys", "keys.toml"]


def _h23_search(size: int, near: bool) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        text = "NEAR( " * 5000 if near else ("tensor shape view " * (size // 18))[:size]
        (folder / "q.txt").write_text(text)
        script = (
            "import sys; from pathlib import Path\n"
            "from annotator.store import Store, SampleFilter\n"
            "t = Path('q.txt').read_text()\n"
            "with Store.open(Path('keep.db')) as s:\n"
            "    f = SampleFilter(text=t)\n"
            "    rows = s.queue('me', f, limit=100); s.queue_count('me', f)\n"
            "    s.search_matches('me', [r.id for r in rows] or ['keep'], t)\n"
            "print('ok')\n"
        )
        (folder / "q.py").write_text(script)
        with Store.open(folder / "keep.db") as store:
            for i in range(200):
                store.upsert_sample(
                    SampleIn(
                        id=f"q{i}",
                        generated_code="x = torch.zeros(3).view(1, -1)\n" * 50,
                        passed=False,
                    )
                )
        return ["@script", "q.py"]

    return build


def _h23_big_field(folder: Path) -> list[str]:
    with (folder / "labels.csv").open("w") as f:
        f.write("sample,final_cat1,final_note1\nkeep,3,")
        block = "x" * (1 << 20)
        for _ in range(66):
            f.write(block)
        f.write("\n")
    return ["import", "labels", "labels.csv"]


def _h23_big_jsonl(folder: Path, mib: int = 50) -> list[str]:
    with (folder / "s.jsonl").open("w") as f:
        f.write('{"id": "big", "passed": false, "test_output": "')
        block = "y" * (1 << 20)
        for _ in range(mib):
            f.write(block)
        f.write('"}\n')
    return ["import", "jsonl", "s.jsonl"]


def _h23_big_junit(folder: Path, mib: int = 30) -> list[str]:
    (folder / "code").mkdir()
    (folder / "code" / "t1.py").write_text("def f():\n    pass\n")
    with (folder / "r.xml").open("w") as f:
        f.write('<?xml version="1.0"?><testsuite><testcase classname="t1" name="test_f">')
        f.write('<failure message="')
        block = "z" * (1 << 20)
        for _ in range(mib):
            f.write(block)
        f.write('">tb</failure></testcase></testsuite>\n')
    return ["import", "junit", "r.xml", "--code", "code"]


def _h23_bidi_model(folder: Path) -> list[str]:
    (folder / "s.jsonl").write_text(
        json.dumps({"id": "b1", "passed": False, "model": "gpt\u202eevil", "stage": "st\u2066x"})
        + "\n"
    )
    return ["@chain", "import jsonl s.jsonl", "export counts --by model --format latex --out m.tex"]


def _h23_latex_clean(folder: Path, _: subprocess.CompletedProcess[str]) -> str | None:
    tex = folder / "m.tex"
    if not tex.exists():
        return "NO TABLE"
    text = tex.read_text(encoding="utf-8")
    return (
        "BIDI IN LATEX"
        if any(
            c in text for c in "\u202e\u2066\u2067\u2068\u2069\u202a\u202b\u202c\u202d\u200e\u200f"
        )
        else None
    )


def _h23_raw_roundtrip(folder: Path) -> list[str]:
    with Store.open(folder / "keep.db") as store:
        store.set_label("keep", "\tbob", LabelValue(category=2))
    return ["@chain", "export labels --format sheet --raw-csv --out s.csv", "import labels s.csv"]


def _h23_annotators_same(folder: Path, _: subprocess.CompletedProcess[str]) -> str | None:
    with Store.open(folder / "keep.db") as store:
        names = set(store.annotators())
    return None if names <= {"final", "\tbob"} else f"NEW ANNOTATOR {sorted(names)!r}"


def _h23_newline_id(folder: Path) -> list[str]:
    script = (
        "from pathlib import Path\n"
        "from annotator.store import Store\n"
        "from annotator.models import SampleIn\n"
        "from annotator.tui.widgets.sample_list import row_prompt\n"
        "with Store.open(Path('keep.db')) as s:\n"
        "    s.upsert_sample(SampleIn(id='a\\nb', passed=False))\n"
        "    row = [r for r in s.queue('me') if r.id == 'a\\nb'][0]\n"
        "    text = row_prompt(row).plain\n"
        "print('NEWLINE IN ROW' if '\\n' in text else 'ok')\n"
    )
    (folder / "q.py").write_text(script)
    return ["@script", "q.py"]


def _h23_script_ok(folder: Path, proc: subprocess.CompletedProcess[str]) -> str | None:
    last = (proc.stdout.strip().splitlines() or ["?"])[-1]
    return None if last == "ok" else last[:40]


H23_CASES: list[H23Case] = [
    # item 2: symlinks out of the folder
    H23Case("2 paths", "harness --code links outside", _h23_code_link, True),
    H23Case("2 paths", "harness --tasks links outside", _h23_tasks_link, True),
    # item 3: one sheet reader
    H23Case(
        "3 sheet",
        "labels: unterminated quote",
        lambda f: _h23_sheet(f, 'keep,3,"oops\nkeep,4,x\n'),
        True,
    ),
    H23Case(
        "3 sheet",
        "labels: swallowing quote",
        lambda f: _h23_sheet(f, 'keep,3,"a""\nkeep,4,"b\n'),
        True,
    ),
    H23Case("3 sheet", "labels: a FIFO", _h23_fifo, True),
    # item 6: writers and planted links
    H23Case(
        "6 writes",
        "figures --out: planted NAME.tmp links",
        _h23_figures_link,
        False,
        _h23_victim_intact,
    ),
    H23Case(
        "6 writes", "export --out: the target is a link", _h23_target_link, True, _h23_victim_intact
    ),
    # item 8 (and issue 22 item 7): llm-label against hostile servers
    H23Case("8 llm", "trickle 1 byte / 2 s, --timeout 5", _h23_llm("trickle"), False),
    H23Case(
        "8 llm",
        "Ctrl-C during a trickle (--timeout 60)",
        _h23_llm("trickle", "60"),
        False,
        None,
        3.0,
    ),
    H23Case("8 llm", "gzip bomb (1 GiB)", _h23_llm("gzipbomb"), False),
    H23Case("8 llm", "100k-deep JSON body", _h23_llm("deep"), False),
    H23Case("8 llm", "100k-deep JSON answer", _h23_llm("deepanswer"), False),
    H23Case("8 llm", "5000-digit integer", _h23_llm("bigint"), False),
    H23Case("8 llm", "100 MB body", _h23_llm("huge", "30"), False),
    H23Case("8 llm", "redirect to another host", _h23_llm("redirect"), False, _h23_not_redirected),
    H23Case(
        "8 llm",
        "sample closes the prompt's fence",
        _h23_llm("ok", code=__import__("llm_hostile_server").HOSTILE_CODE),
        False,
        _h23_fence,
    ),
    H23Case(
        "8 llm",
        "endpoint refuses (503): exit 1, says why",
        _h23_llm("refuse"),
        False,
        _h23_says_why,
    ),
    # item 10: bounded work
    H23Case("10 work", "harness line with 20k attempts", _h23_attempts(20_000), False),
    H23Case("10 work", "harness line with 200k attempts", _h23_attempts(200_000), False),
    H23Case(
        "10 work",
        "search query path, 40 KB text",
        _h23_search(40_000, False),
        False,
        _h23_script_ok,
    ),
    H23Case(
        "10 work", "search query path, 5000 NEAR(", _h23_search(0, True), False, _h23_script_ok
    ),
    H23Case(
        "10 work",
        "taxonomy of 200k categories",
        lambda f: ["--taxonomy", str(_h23_taxonomy(f, 200_000)), "taxonomy"],
        False,
    ),
    # item 11: one line, not a traceback
    H23Case(
        "11 lines",
        "NUL in a harness task_id",
        lambda f: [
            "import",
            "dlbench-harness",
            str(_h23_harness(f, '{"task_id": "a\\u0000b", "status": "fail"}')),
        ],
        True,
    ),
    H23Case("11 lines", "5000-digit category id: taxonomy", _h23_bigid("taxonomy"), True),
    H23Case("11 lines", "5000-digit category id: LaTeX codebook", _h23_bigid("codebook"), True),
    H23Case("11 lines", "5000-digit category id: migrate --dry-run", _h23_bigid("migrate"), True),
    H23Case("11 lines", "5000-digit category id: import", _h23_bigid("import"), True),
    H23Case("11 lines", "keys.toml of 50,000 nested arrays", _h23_keys, True),
    # item 13: memory per input
    H23Case("13 memory", "64 MiB CSV field", _h23_big_field, True),
    H23Case("13 memory", "50 MB JSONL line", _h23_big_jsonl, False),
    H23Case("13 memory", "30 MB JUnit message", _h23_big_junit, False),
    H23Case(
        "13 memory", "15 MiB JSONL line (under the cap)", lambda f: _h23_big_jsonl(f, 15), False
    ),
    H23Case(
        "13 memory", "15 MiB JUnit message (under the cap)", lambda f: _h23_big_junit(f, 15), False
    ),
    # item 14: smaller
    H23Case(
        "14 small", "bidi in model/stage name: LaTeX", _h23_bidi_model, False, _h23_latex_clean
    ),
    H23Case(
        "14 small", "sample id with a newline: queue row", _h23_newline_id, False, _h23_script_ok
    ),
    H23Case(
        "14 small",
        "--raw-csv round trip, tab-prefixed name",
        _h23_raw_roundtrip,
        False,
        _h23_annotators_same,
    ),
]
"""The cases of issue 23 items 2, 3, 6, 8, 10, 11, 13, 14."""


def surface_cases() -> list[H23Case]:
    """Issue 23's kinds on the surfaces added since (benchmarks/_hostile_surfaces.py)."""
    from _hostile_surfaces import cases

    return [H23Case(*case) for case in cases()]


if __name__ == "__main__":
    main()
