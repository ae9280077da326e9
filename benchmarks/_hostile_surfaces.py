"""Issue 23's kinds on the surfaces added since its first two rounds: the benchmark importers
(evalplus, bigcodebench, livecodebench, swe-bench, inspect), ``round new --from``, ``gold
import`` sheets, ``retest set``, ``negotiate --reason`` and the outputs that print names
(the Method section, the LaTeX and HTML report, LaTeX tables, SVG figures).

Each case is ``(group, name, build, expect_fail, check)`` as ``hostile.py``'s ``H23Case``:
``build(folder)`` writes the hostile input into ``folder`` (its database ``keep.db`` holds
the sample ``keep`` with a ``final`` label) and returns the CLI arguments after ``--db DB``
(or ``@chain`` / ``@script`` steps); ``check(folder, proc)`` says what went wrong beyond a
traceback, a hang, an escape, data changed by a refusal, a read outside the folder or a peak
over 300 MB, which the runner counts for every case. The valid files are the synthetic ones
of ``_formats.py`` (so a case spoils one thing of a file the importer accepts).
"""

from __future__ import annotations

import itertools
import json
import os
import re
import struct
import subprocess
import zipfile
from collections.abc import Callable
from pathlib import Path

from _formats import (
    write_bigcodebench,
    write_evalplus,
    write_inspect,
    write_livecodebench,
    write_swebench,
)

from annotator.importers.benchfiles import MAX_DOCUMENT
from annotator.models import LabelValue, SampleIn
from annotator.store import Store

SECRET = "SECRET-OUTSIDE-THE-FOLDER"
"""The text of every file outside the case's folder (hostile.py counts it if it is read)."""
ESCAPES = "\x1b]0;PWNED\x07\u202eevil\u200b"
DEEP = "[" * 100_000 + "]" * 100_000
BIG_INT = "9" * 5000
Proc = subprocess.CompletedProcess[str]
Check = Callable[[Path, Proc], "str | None"]
Case = tuple[str, str, Callable[[Path], list[str]], bool, "Check | None"]


def _outside(folder: Path, name: str = "secret.txt") -> Path:
    outside = folder / "outside"
    outside.mkdir(exist_ok=True)
    path = outside / name
    path.write_text(f"{SECRET}\n")
    return path


# --------------------------------------------------------------------------- JSON documents


def _spoil_json(path: Path, old: str, new: str) -> None:
    """Replace the JSON text ``old`` (first occurrence) by ``new`` (raw JSON text)."""
    text = path.read_text()
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1))


_DOCS: dict[str, tuple[Callable[[Path, int], Path], str, str]] = {
    # format: (writer, a JSON string of the file whose value is spoiled, its task id text)
    "evalplus": (write_evalplus, '"base_status": "fail"', '"HumanEval/0"'),
    "bigcodebench": (write_bigcodebench, '"status": "fail"', '"BigCodeBench/0"'),
    "livecodebench": (write_livecodebench, '"difficulty": "easy"', '"q0"'),
}


def _doc(fmt: str, spoil: str) -> Callable[[Path], list[str]]:
    """A benchmark results document with one hostile value: ``deep`` (100k nested
    arrays), ``bigint`` (5000 digits), ``nul`` (in the task id), ``names`` (escapes,
    bidi and zero-width in the task id and the model name), ``fifo`` (the file),
    ``huge`` (a 50 MB string in one sample) or ``cap`` (15 MB, under the caps)."""

    def build(folder: Path) -> list[str]:
        writer, value, task = _DOCS[fmt]
        path = writer(folder, 10)
        model = ["--model", "m"]
        if spoil == "deep":
            _spoil_json(path, value, value.split(":")[0] + ": " + DEEP)
        elif spoil == "bigint":
            _spoil_json(path, value, value.split(":")[0] + ": " + BIG_INT)
        elif spoil == "nul":
            _spoil_json(path, task, task[:-1] + '\\u0000x"')
            if fmt != "livecodebench":  # the key and the entry's task_id
                _spoil_json(path, task, task[:-1] + '\\u0000x"')
        elif spoil == "names":
            escaped = json.dumps(ESCAPES)[1:-1]
            _spoil_json(path, task, task[:-1] + escaped + '"')
            if fmt != "livecodebench":
                _spoil_json(path, task, task[:-1] + escaped + '"')
            model = ["--model", f"m{ESCAPES}"]
        elif spoil == "fifo":
            path.unlink()
            os.mkfifo(path)
        elif spoil in ("huge", "cap"):
            size = 50 if spoil == "huge" else 15
            key = {"livecodebench": '"code_list": ["', "evalplus": '"solution": "'}.get(
                fmt, '"solution": "'
            )
            _spoil_json(path, key, key + "x" * (size << 20))
        if spoil == "names":
            where = path.relative_to(folder)
            return ["@chain", f"import {fmt} {where} --model {model[1]}", "status"]
        return ["import", fmt, str(path), *model]

    return build


def _evalplus_samples(kind: str) -> Callable[[Path], list[str]]:
    """EvalPlus with its samples file found beside the results: a link out, a FIFO."""

    def build(folder: Path) -> list[str]:
        (folder / "run").mkdir()  # the results' folder; outside/ is beside it
        path = write_evalplus(folder / "run", 5)
        samples = path.with_name(path.name.replace(".eval_results.json", ".jsonl"))
        if kind == "link":
            secret = _outside(folder, "samples.jsonl")
            secret.write_text(json.dumps({"task_id": "HumanEval/0", "solution": SECRET}) + "\n")
            samples.symlink_to(secret)
        else:
            os.mkfifo(samples)
        return ["import", "evalplus", str(path)]

    return build


# --------------------------------------------------------------------------- swe-bench


def _swebench(kind: str) -> Callable[[Path], list[str]]:
    """A SWE-bench run folder with one hostile instance."""

    def build(folder: Path) -> list[str]:
        run = write_swebench(folder, 3)
        instance = run / "org__repo-0"
        report = instance / "report.json"
        if kind == "deep":
            report.write_text('{"org__repo-0": ' + DEEP + "}")
        elif kind == "bigint":
            report.write_text('{"org__repo-0": {"resolved": ' + BIG_INT + "}}")
        elif kind == "nul":
            report.write_text(json.dumps({"org__repo-0\u0000x": {"resolved": False}}))
        elif kind in ("output link", "report link", "instance link"):
            secret = _outside(folder)
            if kind == "output link":
                (instance / "test_output.txt").unlink()
                (instance / "test_output.txt").symlink_to(secret)
            elif kind == "report link":
                (folder / "outside" / "report.json").write_text(
                    json.dumps({"org__repo-0": {"resolved": False, "note": SECRET}})
                )
                report.unlink()
                report.symlink_to(folder / "outside" / "report.json")
            else:  # a whole instance folder linked from outside the run
                out = folder / "outside" / "org__repo-9"
                out.mkdir()
                (out / "report.json").write_text(json.dumps({"org__repo-9": {"resolved": False}}))
                (out / "patch.diff").write_text(SECRET)
                (out / "test_output.txt").write_text(SECRET)
                (run / "org__repo-9").symlink_to(out)
        elif kind == "loop":
            (instance / "test_output.txt").unlink()
            os.symlink("test_output.txt", instance / "test_output.txt")
        elif kind == "fifo":
            (instance / "test_output.txt").unlink()
            os.mkfifo(instance / "test_output.txt")
        elif kind == "huge output":  # over the 64 MiB cap of a text file
            with (instance / "test_output.txt").open("w") as f:
                for _ in range(70):
                    f.write("E" * (1 << 20))
        elif kind == "names":
            bad = run / f"org__repo-{ESCAPES}"
            instance.rename(bad)
            (bad / "report.json").write_text(json.dumps({bad.name: {"resolved": False}}))
            return ["@chain", f"import swe-bench {run}", "status"]
        return ["import", "swe-bench", str(run)]

    return build


# --------------------------------------------------------------------------- inspect


def _lie_about_size(path: Path, member: str, size: int) -> None:
    """Rewrite the uncompressed size of ``member`` in both zip headers (a bomb that lies)."""
    data = bytearray(path.read_bytes())
    name = member.encode()
    for signature, offset in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        start = 0
        while (at := data.find(signature, start)) >= 0:
            start = at + 4
            name_len = struct.unpack_from("<H", data, at + (26 if offset == 22 else 28))[0]
            head = 30 if offset == 22 else 46
            if bytes(data[at + head : at + head + name_len]) == name:
                struct.pack_into("<I", data, at + offset, size)
    path.write_bytes(bytes(data))


def _inspect(kind: str) -> Callable[[Path], list[str]]:
    """An Inspect .eval log (a zip) with one hostile member or property."""

    def build(folder: Path) -> list[str]:
        path = write_inspect(folder, 5)
        member = "samples/HumanEval/0_epoch_1.json"
        if kind in ("bomb", "lying bomb"):
            with zipfile.ZipFile(path, "a", zipfile.ZIP_DEFLATED) as archive:
                with archive.open("samples/HumanEval/9_epoch_1.json", "w", force_zip64=True) as m:
                    block = b" " * (1 << 20)
                    for _ in range(1024):  # 1 GiB of spaces: about 1 MB packed
                        m.write(block)
            if kind == "lying bomb":
                _lie_about_size(path, "samples/HumanEval/9_epoch_1.json", 100)
        elif kind == "many members":  # over the cap of members
            with zipfile.ZipFile(path, "a", zipfile.ZIP_STORED) as archive:
                for i in range(50_000):
                    archive.writestr(f"samples/x/{i}_epoch_1.json", "{}")
        elif kind in ("deep", "bigint", "nul", "names", "slip"):
            with zipfile.ZipFile(path) as archive:
                members = {n: archive.read(n) for n in archive.namelist()}
            text = members[member].decode()
            if kind == "deep":
                text = text.replace('"metadata": {}', '"metadata": ' + DEEP)
            elif kind == "bigint":
                text = text.replace('"epoch": 1', '"epoch": ' + BIG_INT)
            elif kind == "nul":
                text = text.replace('"HumanEval/0"', '"HumanEval/\\u0000x"')
            elif kind == "names":
                text = text.replace('"HumanEval/0"', json.dumps(f"HumanEval/0{ESCAPES}"))
                header = json.loads(members["header.json"])
                header["eval"]["model"] = f"m{ESCAPES}"
                members["header.json"] = json.dumps(header).encode()
            members[member] = text.encode()
            if kind == "slip":
                members["samples/../../../outside/x_epoch_1.json"] = members.pop(member)
            path.unlink()
            with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in members.items():
                    archive.writestr(name, data)
            if kind == "names":
                return ["@chain", f"import inspect {path.name}", "status"]
        elif kind == "fifo":
            path.unlink()
            os.mkfifo(path)
        elif kind == "not a zip":
            path.write_bytes(b"PK\x03\x04" + os.urandom(4000))
        return ["import", "inspect", str(path)]

    return build


# --------------------------------------------------------------------------- a small study


def study(folder: Path, samples: int = 6) -> None:
    """Samples s1..sN (failing) labeled by alice (category 1) and bob (category 2)."""
    with Store.open(folder / "keep.db") as store:
        for i in range(1, samples + 1):
            store.upsert_sample(
                SampleIn(id=f"s{i}", generated_code="x = torch.zeros(3)\n", passed=False)
            )
            store.set_label(f"s{i}", "alice", LabelValue(category=1))
            store.set_label(f"s{i}", "bob", LabelValue(category=2))


def _round(*options: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        study(folder)
        return ["round", "new", *options]

    return build


def _round_from(query: str) -> Callable[[Path], list[str]]:
    return _round("--size", "2", "--from", query)


def _gold(body: str | bytes, name: str = "gold.csv") -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        study(folder)
        path = folder / name
        path.write_bytes(body if isinstance(body, bytes) else body.encode())
        return ["gold", "import", str(path)]

    return build


def _gold_folder(folder: Path) -> list[str]:
    study(folder)
    return ["gold", "import", str(folder)]


def _gold_fifo(folder: Path) -> list[str]:
    study(folder)
    os.mkfifo(folder / "gold.csv")
    return ["gold", "import", "gold.csv"]


def _gold_big_cell(folder: Path) -> list[str]:
    study(folder)
    with (folder / "gold.csv").open("w") as f:
        f.write("id,category,subcategory\ns1,1,")
        for _ in range(66):
            f.write("x" * (1 << 20))
        f.write("\n")
    return ["gold", "import", "gold.csv"]


def _retest(*args: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        study(folder)
        return ["retest", "set", *args]

    return build


def _retest_then(*args: str) -> Callable[[Path], list[str]]:
    """A plan accepted, then the commands that use it (agreement --retest, the queue)."""

    def build(folder: Path) -> list[str]:
        study(folder)
        script = (
            "from pathlib import Path\n"
            "from annotator.store import Store\n"
            "with Store.open(Path('keep.db')) as s:\n"
            "    s.retest_due('alice')\n"
            "print('ok')\n"
        )
        (folder / "due.py").write_text(script)
        return ["@chain", "retest set " + " ".join(args), "agreement --retest", "@py due.py"]

    return build


def _negotiate(*options: str, sample: str = "s1") -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        study(folder)
        return ["negotiate", sample, *options]

    return build


# --------------------------------------------------------------------------- outputs with names

NAMES = {
    "latex": r"a\input{/etc/passwd}\write18{touch pwned}$x^2$%&#_~",
    "html": "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "md": "[x](javascript:alert(3))|<b>|",
}
"""Hostile annotator, model, stage and sample names (each kind for its output)."""


def _named_study(folder: Path) -> None:
    """A study whose annotators, models, stages and sample ids are the hostile names."""
    with Store.open(folder / "keep.db") as store:
        for i, name in enumerate([*NAMES.values(), ESCAPES], start=1):
            sid = f"{name}{i}"
            store.upsert_sample(
                SampleIn(
                    id=sid,
                    generated_code="x = 1\n",
                    passed=False,
                    model=name,
                    stage=name,
                    metadata={"task_id": name},
                )
            )
            for j, annotator in enumerate(("alice", *NAMES.values())):
                store.set_label(sid, annotator, LabelValue(category=1 + (i + j) % 3, note=name))


def _study_commands(folder: Path) -> list[str]:
    """Escapes in an annotator's name (as an older version stored it) and in notes and a
    negotiation's reason, through every study command that prints them."""
    study(folder)
    bad = f"al{ESCAPES}"
    with Store.open(folder / "keep.db") as store:
        for i in range(1, 7):
            store.set_label(f"s{i}", "alice", LabelValue(category=3, note=f"n{ESCAPES}"))
        conn = store._db.conn  # an older version's name, as tests/rawsql.py's tamper() does
        conn.execute("INSERT INTO annotators (name, created_at) VALUES (?, 'x')", (bad,))
        conn.execute("UPDATE labels SET annotator = ? WHERE annotator = 'bob'", (bad,))
        conn.execute("UPDATE label_history SET annotator = ? WHERE annotator = 'bob'", (bad,))
        conn.execute("DELETE FROM annotators WHERE name = 'bob'")
        conn.commit()
    return [
        "@chain",
        "round new --size 4 --seed 1",
        "round list",
        "round discuss 1",
        "negotiate s1 --as alice --category 2 --reason r" + ESCAPES,
        "round list --json",
        "gold add --from-annotator alice",
        "gold list",
        "gold report",
        "retest set 0.5 --after 0",
        "retest show",
        "agreement --retest",
        "agreement",
        "status",
        "notes",
    ]


def _output(kind: str) -> Callable[[Path], list[str]]:
    def build(folder: Path) -> list[str]:
        _named_study(folder)
        title = "--title " + NAMES["latex"].replace(" ", "")
        return {
            "latex report": ["@chain", f"report --format latex --out r.tex {title}"],
            "html report": ["@chain", "report --format html --out r.html"],
            "md report": ["@chain", "report --format md --out r.md"],
            "latex tables": ["@chain", "export counts --by model --format latex --out c.tex"],
            "svg figures": ["@chain", "figures --out figs --format svg --width column"],
            "terminal report": ["report"],
        }[kind]

    return build


_LATEX_LIVE = re.compile(r"(?<!\\textbackslash\{\})(?<!\\textbackslash )\\(input|write18)\{")


def _output_clean(folder: Path, proc: Proc) -> str | None:
    """No live LaTeX command, no live HTML, no markdown link from data in any output file."""
    files = [p for p in folder.rglob("*") if p.is_file() and p.suffix in (".tex", ".html", ".md")]
    files += list((folder / "figs").glob("*.svg")) if (folder / "figs").exists() else []
    if not files and proc.returncode == 0 and not proc.stdout:
        return "NO OUTPUT"
    for path in files:
        text = path.read_text(encoding="utf-8", errors="replace")
        if path.suffix == ".tex" and _LATEX_LIVE.search(text):
            return f"LIVE LATEX in {path.name}"
        if path.suffix in (".html", ".svg") and ("<script>alert" in text or "<img src=x" in text):
            return f"LIVE HTML in {path.name}"
        if path.suffix in (".tex", ".md") and "\u202e" in text:
            return f"BIDI in {path.name}"
    return None


def _outside_intact(folder: Path, proc: Proc) -> str | None:
    """Nothing written outside the folder named by --out (the planted links' targets)."""
    victim = folder / "outside" / "secret.txt"
    if victim.exists() and victim.read_text() != f"{SECRET}\n":
        return "WROTE OUTSIDE"
    return None


def _report_planted(fmt: str) -> Callable[[Path], list[str]]:
    """report --out with a link planted under every temporary name a writer might use."""

    def build(folder: Path) -> list[str]:
        study(folder)
        victim = _outside(folder)
        out = folder / "out"
        out.mkdir()
        for name in (f"r.{fmt}.tmp", f".r.{fmt}.tmp", f"r.{fmt}~", f".r.{fmt}.swp"):
            (out / name).symlink_to(victim)
        return ["report", "--format", fmt, "--out", f"out/r.{fmt}"]

    return build


def _stdout_ok(folder: Path, proc: Proc) -> str | None:
    return None if proc.returncode == 0 else f"exit {proc.returncode}"


def _round_count_unchanged(folder: Path, proc: Proc) -> str | None:
    """A refused round leaves no round behind."""
    if proc.returncode == 0:
        return None
    with Store.open(folder / "keep.db") as store:
        return "ROUND LEFT" if store.rounds() else None


def _plan_sane(folder: Path, proc: Proc) -> str | None:
    """An accepted plan reads back as what was set (not silently another plan)."""
    with Store.open(folder / "keep.db") as store:
        plan = store.retest_plan()
    if proc.returncode == 0 and plan is not None and plan.days is None and "--days" in proc.args:
        return "DAYS DROPPED"
    return None


# --------------------------------------------------------------------------- at the stated caps
# One input at (or just under) each bound of README's limits table: accepted (or refused by
# a later bound) within 10 s and 300 MB.


def _harness_line(folder: Path, task: str = "DLBench/1") -> Path:
    path = folder / "results.jsonl"
    path.write_text(json.dumps({"task_id": task, "status": "fail"}) + "\n")
    return path


def _cap_code_file(folder: Path) -> list[str]:
    (folder / "code").mkdir()
    with (folder / "code" / "DLBench_1.py").open("w") as f:
        line = "x = torch.zeros(3).view(1, -1)  # a line of generated code\n"
        f.write(line * (((16 << 20) - 1024) // len(line)))
    return ["import", "dlbench-harness", str(_harness_line(folder)), "--code", "code"]


def _cap_task_file(folder: Path) -> list[str]:
    (folder / "tasks").mkdir()
    with (folder / "tasks" / "DLBench_1.json").open("w") as f:
        f.write('{"prompt": "')
        for _ in range(15):
            f.write("p" * (1 << 20))
        f.write('", "result": "```python\\nx = 1\\n```"}')
    return ["import", "dlbench-harness", str(_harness_line(folder)), "--tasks", "tasks"]


def _cap_attempts(folder: Path) -> list[str]:
    path = folder / "results.jsonl"
    line = {"task_id": "DLBench/1", "status": "fail", "statuses": ["fail"] * 10_000}
    path.write_text(json.dumps(line) + "\n")
    return ["import", "dlbench-harness", str(path)]


def _cap_sheet(folder: Path) -> list[str]:
    """A labels sheet at its caps: 64 MiB, 130 rows with notes of 480 KiB (a label keeps
    its note and its raw cells, the note again: 1000 KiB together at most)."""
    with Store.open(folder / "keep.db") as store:
        for i in range(130):
            store.upsert_sample(SampleIn(id=f"c{i}", generated_code="x = 1\n", passed=False))
    with (folder / "labels.csv").open("w") as f:
        f.write("sample,carol_cat1,carol_note1\n")
        note = "n" * (480 << 10)
        for i in range(130):
            f.write(f"c{i},1,{note}\n")
    return ["import", "labels", "labels.csv"]


def _cap_taxonomy(folder: Path) -> list[str]:
    """1000 categories in just under 4 MiB: the tree and the LaTeX codebook."""
    lines = ["name: T", "version: '1'", "categories:"]
    description = "d" * 3900
    for i in range(1, 1001):
        lines += [
            f"  - id: {i}",
            f"    name: C{i}",
            f"    description: {description}",
            "    subcategories:",
            f"      - {{name: S{i}, dl_specific: false}}",
        ]
    (folder / "t.yaml").write_text("\n".join(lines) + "\n")
    return [
        "@chain",
        "--taxonomy t.yaml taxonomy --codebook --format latex",
        "--taxonomy t.yaml taxonomy",
    ]


def _cap_swebench_output(folder: Path) -> list[str]:
    run = write_swebench(folder, 1)
    with (run / "org__repo-0" / "test_output.txt").open("w") as f:
        for _ in range(15):
            f.write(("E   AssertionError: x\n" * 50_000)[: 1 << 20])
    return ["import", "swe-bench", str(run)]


def _cap_inspect_member(folder: Path) -> list[str]:
    """An Inspect log at both caps: 50,000 members (the header among them; the others not
    samples, so that this is no bulk import), one a sample of 16 MiB unpacked made of small
    events (the densest objects per byte)."""
    path = folder / "cap.eval"
    sample = {"id": "x/0", "epoch": 1, "input": "x", "output": {"completion": "x = 1"},
              "scores": {"v": {"value": "I"}}}  # fmt: skip
    small = json.dumps(sample).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        events = [{"event": "model", "i": i, "x": [1, 2, {"a": "b"}]} for i in range(290_000)]
        archive.writestr("samples/big_epoch_1.json", json.dumps(dict(sample, events=events)))
        for i in range(1, 49_999):  # members that are not samples: listed, not read
            archive.writestr(f"attachments/{i}.json", small)
    return ["import", "inspect", str(path)]


def _cap_document(folder: Path) -> list[str]:
    """A BigCodeBench results document just under its cap (``MAX_DOCUMENT``, in the
    limits table: one document is parsed whole)."""
    path = folder / "big_eval_results.json"
    with path.open("w") as f:
        f.write('{"eval": {')
        detail = "Traceback: AssertionError\\n" * 40
        for i in itertools.count():
            if f.tell() > MAX_DOCUMENT - (64 << 10):
                break
            entry = {"task_id": f"BigCodeBench/{i}", "solution": "x = 1\n" * 800,
                     "status": "fail", "details": {"test_a": "@"}}  # fmt: skip
            text = json.dumps(entry).replace('"@"', f'"{detail}"')
            f.write(("," if i else "") + f'"BigCodeBench/{i}": [{text}]')
        f.write("}}")
    return ["import", "bigcodebench", str(path)]


def _at_cap(fmt: str, write: Callable[[Path, int], Path]) -> Callable[[Path], list[str]]:
    """The synthetic results document of ``fmt`` (``_formats``) grown to just under its cap:
    its size per sample measured on 1,000, then written once at the size that fits."""

    def build(folder: Path) -> list[str]:
        probe = folder / "probe"
        probe.mkdir()
        per_sample = write(probe, 1000).stat().st_size / 1000
        limit = MAX_DOCUMENT - (256 << 10)
        n = int(limit / per_sample)
        for attempt in range(4):  # a sample's size grows a little with n (longer ids)
            target = folder / f"at_cap{attempt}"
            target.mkdir()
            path = write(target, n)
            size = path.stat().st_size
            if size <= limit:
                break
            n = int(n * limit / size * 0.995)
        return ["import", fmt, str(path)]

    return build


def cases() -> list[Case]:
    """Every case of this module, grouped as the table prints them."""
    out: list[Case] = []
    for fmt in _DOCS:
        g = f"s {fmt}"
        out += [
            (g, f"{fmt}: 100k-deep JSON value", _doc(fmt, "deep"), True, None),
            (g, f"{fmt}: 5000-digit integer", _doc(fmt, "bigint"), True, None),
            (g, f"{fmt}: NUL in the task id", _doc(fmt, "nul"), True, None),
            (g, f"{fmt}: escapes/bidi in task id and model", _doc(fmt, "names"), False, None),
            (g, f"{fmt}: FIFO as the results", _doc(fmt, "fifo"), True, None),
            (g, f"{fmt}: 50 MB string in one sample", _doc(fmt, "huge"), False, None),
            (g, f"{fmt}: 15 MB string in one sample", _doc(fmt, "cap"), False, _stdout_ok),
        ]
    out += [
        (
            "s evalplus",
            "evalplus: samples file links outside",
            _evalplus_samples("link"),
            True,
            None,
        ),
        ("s evalplus", "evalplus: samples file is a FIFO", _evalplus_samples("fifo"), True, None),
    ]
    for kind in (
        "deep", "bigint", "nul", "output link", "report link", "instance link", "loop", "fifo",
        "huge output",
    ):  # fmt: skip
        out.append(("s swe-bench", f"swe-bench: {kind}", _swebench(kind), True, None))
    out.append(
        ("s swe-bench", "swe-bench: escapes/bidi in the instance", _swebench("names"), False, None)
    )
    for kind, fail in (
        ("bomb", True), ("lying bomb", True), ("many members", False), ("deep", True),
        ("bigint", True), ("nul", True), ("names", False), ("slip", False), ("fifo", True),
        ("not a zip", True),
    ):  # fmt: skip
        out.append(("s inspect", f"inspect: {kind}", _inspect(kind), fail, None))
    g = "s round"
    out += [
        (g, "--from: 40 KB query", _round_from("torch " * 7000), False, _round_count_unchanged),
        (g, "--from: 5000 NEAR(", _round_from("NEAR( " * 5000), False, _round_count_unchanged),
        (g, "--from: unterminated quote", _round_from("model:'gpt"), True, _round_count_unchanged),
        (g, "--from: escapes in the query", _round_from(f"x{ESCAPES} model:{ESCAPES}"), False, None),
        (g, "--from: 15k ids", _round_from("id:" + ",".join(f"s{i}" for i in range(15_000))), False, None),
        (g, "--seed of 31 digits", _round("--size", "2", "--seed", "9" * 31), True, _round_count_unchanged),
        (g, "--size of 25 digits", _round("--size", "9" * 25), True, None),
        (g, "--name with escapes, 100 KB", _round("--size", "2", "--name", ESCAPES * 5_000), False, None),
        (g, "--annotators Final,alice", _round("--size", "2", "--annotators", "Final,alice", "--new-annotators"), True, None),
        (g, "--annotators with escapes", _round("--size", "2", "--annotators", f"a{ESCAPES}", "--new-annotators"), True, None),
    ]  # fmt: skip
    g = "s gold"
    head = "id,category,subcategory\n"
    out += [
        (g, "gold: unterminated quote", _gold(head + 's1,1,"oops\ns2,2,x\n'), True, None),
        (g, "gold: swallowing quote", _gold(head + 's1,1,"a""\ns2,2,"b\n'), True, None),
        (g, "gold: a FIFO", _gold_fifo, True, None),
        (g, "gold: 66 MiB cell", _gold_big_cell, True, None),
        (g, "gold: 5000-digit category", _gold(head + f"s1,{BIG_INT},\n"), True, None),
        (g, "gold: category 1e999", _gold(head + "s1,1e999,\n"), True, None),
        (g, "gold: NUL in an id", _gold(head + "s\x001,1,\n"), True, None),
        (g, "gold: escapes in an unknown id", _gold(head + f"x{ESCAPES},1,\n"), True, None),
        (g, "gold: formula cells", _gold(head + "s1,1,=HYPERLINK(\"http://x\")\n"), True, None),
        (g, "gold: not UTF-8", _gold(b"id,category\n\xff\xfe\x00s1,1\n"), True, None),
        (g, "gold: 200k rows of unknown ids", _gold(head + "".join(f"u{i},1,\n" for i in range(200_000))), True, None),
        (g, "gold: a folder", _gold_folder, True, None),
    ]  # fmt: skip
    g = "s retest"
    out += [
        (g, "retest set: --after of 31 digits", _retest("0.1", "--after", "9" * 31), True, None),
        (g, "retest set: --seed of 31 digits", _retest("0.1", "--seed", "9" * 31), True, None),
        (g, "retest set: --days inf, then used", _retest_then("0.1", "--days", "inf"), True, None),
        (g, "retest set: --days nan", _retest("0.1", "--days", "nan"), True, _plan_sane),
        (g, "retest set: --days 1e300, then used", _retest_then("0.1", "--days", "1e300"), True, None),
        (g, "retest set: share nan", _retest("nan"), True, None),
        (g, "retest set: share 1e-320", _retest("1e-320"), False, None),
    ]  # fmt: skip
    g = "s negotiate"
    out += [
        (g, "negotiate: --reason with escapes", _negotiate("--as", "alice", "--category", "2", "--reason", ESCAPES), False, None),
        (g, "negotiate: --reason of 120 KB", _negotiate("--as", "alice", "--category", "2", "--reason", "r" * 120_000), False, None),
        (g, "negotiate: --category of 30 digits", _negotiate("--as", "alice", "--category", "9" * 30), True, None),
        (g, "negotiate: --as Final", _negotiate("--as", "Final", "--category", "2"), True, None),
        (g, "negotiate: --as with escapes", _negotiate("--as", f"al{ESCAPES}", "--category", "2"), True, None),
        (g, "negotiate: unknown sample with escapes", _negotiate("--as", "alice", "--category", "2", sample=f"s{ESCAPES}"), True, None),
        (g, "negotiate: --subcategory of 120 KB", _negotiate("--as", "alice", "--category", "1", "--subcategory", "q" * 120_000), True, None),
    ]  # fmt: skip
    g = "s caps"
    out += [
        (g, "harness --code: a 16 MiB code file (at the cap)", _cap_code_file, False, _stdout_ok),
        (
            g,
            "harness --tasks: a 15 MiB task file (under the cap)",
            _cap_task_file,
            False,
            _stdout_ok,
        ),
        (g, "harness line with 10,000 attempts (at the cap)", _cap_attempts, False, _stdout_ok),
        (g, "labels sheet of 64 MiB, notes of 480 KiB (the caps)", _cap_sheet, False, _stdout_ok),
        (g, "taxonomy of 1000 categories, 4 MiB", _cap_taxonomy, False, _stdout_ok),
        (g, "swe-bench: a 15 MiB test output", _cap_swebench_output, False, _stdout_ok),
        (
            g,
            "inspect: 50k members, one of 16 MiB (the caps)",
            _cap_inspect_member,
            False,
            _stdout_ok,
        ),
        (g, "bigcodebench: a results document at its cap", _cap_document, False, _stdout_ok),
        (
            g,
            "evalplus: a results document at its cap",
            _at_cap("evalplus", write_evalplus),
            False,
            _stdout_ok,
        ),
        (
            g,
            "livecodebench: a results document at its cap",
            _at_cap("livecodebench", write_livecodebench),
            False,
            _stdout_ok,
        ),
    ]
    g = "s outputs"
    for kind in ("latex report", "html report", "md report", "latex tables", "svg figures"):
        out.append((g, f"hostile names: {kind}", _output(kind), False, _output_clean))
    out.append(
        (g, "hostile names: report on the terminal", _output("terminal report"), False, _stdout_ok)
    )
    out.append(
        (g, "escapes in names, notes, reasons: study commands", _study_commands, False, _stdout_ok)
    )
    for fmt in ("md", "html"):
        out.append(
            (
                g,
                f"report --out {fmt}: planted temporary links",
                _report_planted(fmt),
                False,
                _outside_intact,
            )
        )
    return out


__all__ = ["SECRET", "cases", "study"]
