"""Hostile-input runner: every attack case through every importer, merge, CLI command and the TUI.

Usage: python benchmarks/hostile.py [--examples N]

Replays the cases of the hardening issue (the builders live in the tests, so the
runner and the tests cannot drift apart): bad files for every importer
(tests/test_bad_input.py), hostile other databases for merge
(tests/test_merge_untrusted.py), escape sequences in every field for every CLI
command (tests/test_terminal_safety.py), the hypothesis strategies of
tests/test_hostile_imports.py (N examples each, in process), and the TUI in a
pseudo-terminal: escape- and markup-laden samples through the label, review,
agreement and output screens, keys typed faster than the screen repaints (alone
and beside another process writing the database), and 5 and 15 MB samples.

Prints, per group and in total: cases tried, clean errors, tracebacks, hangs,
escapes written (ESC/BEL/C1 from data reaching the terminal), data changed (a
failed command that changed the database), wrong-sample labels, and the peak
memory of the largest sample in the UI and in ``suggest``.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
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


def key_order(tally: Tally, work: Path) -> None:
    """'2n' typed 30 times as one burst into the pty, alone and beside another writer."""
    from tui.conftest import make_sample
    from tui.test_key_order import WRITER

    for load in (False, True):
        db = work / f"keys-{load}.db"
        with Store.open(db) as store:
            for i in range(1, 33):
                store.upsert_sample(make_sample(i))
        writer = None
        if load:
            writer = subprocess.Popen(
                [sys.executable, "-c", WRITER, str(db), "8", "0.15"],
                stdout=subprocess.PIPE,
                text=True,
            )
            assert writer.stdout is not None
            writer.stdout.readline()
        tally.add("key order (pty)", "tried")
        keys = [b"2n"] * 30 if not load else [b"2", b"n"] * 30
        run = run_tui(
            ["--db", str(db), "label", "--annotator", "me"],
            keys,
            settle=4.0,
            key_gap=0.0 if not load else 0.12,
        )
        if writer is not None:
            writer.wait(60)
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


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--examples", type=int, default=25, help="examples per hypothesis strategy")
    args = parser.parse_args()
    print_header("cold: every case on its own fresh copy")
    tally = Tally()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="hostile-") as tmp:
        work = Path(tmp)
        importers(tally, work)
        merges(tally, work)
        commands(tally, work)
        strategies(tally, work, args.examples)
        figures = tui_cases(tally, work)
        key_order(tally, work)
        for path in work.rglob("*"):  # chmod 000 cases: let the cleanup in
            if not path.is_symlink():
                path.chmod(0o700)
    tally.print()
    for name, value in figures.items():
        print(f"{name}: {value:.0f}")
    print(f"({time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    main()
