"""DL-Bench harness import: the real harness output in ../shared, our own fixtures, hostile input."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import UserError
from annotator.export.passk import pass_table
from annotator.importers import import_path
from annotator.models import Sample
from annotator.store import SampleFilter, Store

REPO = Path(__file__).resolve().parents[1]
# The clone's sibling ../shared (CI), or the one beside a worktree folder.
HARNESS = next(
    (
        p
        for p in (
            REPO.parent / "shared" / "dlbench-harness",
            REPO.parents[1] / "shared" / "dlbench-harness",
        )
        if p.is_dir()
    ),
    None,
)


@pytest.fixture
def harness_dir() -> Path:
    if HARNESS is None:
        pytest.skip("../shared/dlbench-harness is not available")
    return HARNESS


def _lines(path: Path, rows: Sequence[Mapping[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _samples(store: Store) -> dict[str, Sample]:
    return {sid: store.require_sample(sid) for sid in store.sample_ids()}


# ------------------------------------------------------------------ real files


def test_agentic_run_counts_per_status_and_code_joined(store: Store, harness_dir: Path) -> None:
    results = harness_dir / "agentic_claude.jsonl"
    raw = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    summary = import_path(store, "dlbench-harness", results, code_dir=harness_dir / "solutions")
    assert summary.samples["new"] == len(raw)
    samples = _samples(store)
    statuses = Counter(s.metadata["status"] for s in samples.values())
    assert statuses == Counter(r["status"] for r in raw)
    assert {s.model for s in samples.values()} == {"claude"}
    by_task = {s.metadata["task_id"]: s for s in samples.values()}
    for r in raw:
        sample = by_task[r["task_id"]]
        assert sample.stage == r["stage"]
        expected: dict[str, bool | None] = {
            "pass": True,
            "fail": False,
            "error": False,
            "timeout": False,
        }
        expected |= {"patch_error": False, "skip_harness": None}
        assert sample.passed is expected[r["status"]]
        code = harness_dir / "solutions" / (r["task_id"].replace("/", "_") + ".py")
        assert sample.generated_code == (code.read_text() if code.exists() else "")
    # the statuses are filterable in the store
    queue = store.queue("x", SampleFilter(harness_status="patch_error"))
    assert len(queue) == statuses["patch_error"]


def test_validation_repeated_lines_are_attempts(store: Store, harness_dir: Path) -> None:
    results = harness_dir / "validation.jsonl"
    raw = [json.loads(line) for line in results.read_text().splitlines() if line.strip()]
    import_path(store, "dlbench-harness", results, model="reference")
    samples = _samples(store)
    assert len(samples) == len(raw)
    per_task = Counter(r["task_id"] for r in raw)
    seen = Counter(s.metadata["task_id"] for s in samples.values())
    assert seen == per_task
    for s in samples.values():
        assert s.metadata["attempts"] == per_task[s.metadata["task_id"]]
    first = next(r for r in raw if per_task[r["task_id"]] > 1)
    sample = store.require_sample(f"reference/{first['task_id']}#1")
    assert sample.test_output == first["stdout_tail"]
    assert sample.metadata["counts"] == first["counts"]


def test_task_example_fenced_block_and_raw_kept(
    store: Store, harness_dir: Path, tmp_path: Path
) -> None:
    task = json.loads((harness_dir / "task_example.json").read_text())
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "DLBench_7.json").write_text(json.dumps(task))
    results = _lines(tmp_path / "run.jsonl", [{"task_id": "DLBench/7", "status": "fail"}])
    import_path(store, "dlbench-harness", results, tasks_dir=tasks, model="m")
    sample = store.require_sample("m/DLBench/7")
    assert sample.generated_code.startswith("import torch\n\ndef invert(")
    assert "Sure!" not in sample.generated_code
    assert sample.metadata["response"] == task["result"]
    assert sample.prompt == task["prompt"]
    assert (sample.stage, sample.data_type, sample.task_type) == (
        task["stage"],
        task["data"],
        task["task"],
    )
    assert sample.metadata["function_name"] == "invert"


# ------------------------------------------------------------------ own fixtures


def test_statuses_list_is_attempts_of_one_task(store: Store, tmp_path: Path) -> None:
    rows: list[dict[str, object]] = [
        {
            "task_id": "DLBench/1",
            "status": "pass",
            "statuses": ["fail", "pass", "timeout"],
            "n_pass": 1,
            "metadata": {"stage": "training", "task": "general", "data": "image"},
            "model": "gpt",
        },
        {"task_id": "DLBench/2", "status": "no_image", "model": "gpt"},
    ]
    summary = import_path(store, "dlbench-harness", _lines(tmp_path / "r.jsonl", rows))
    assert summary.samples["new"] == 4
    attempts = [store.require_sample(f"gpt/DLBench/1#{i}") for i in (1, 2, 3)]
    assert [a.passed for a in attempts] == [False, True, False]
    assert [a.metadata["status"] for a in attempts] == ["fail", "pass", "timeout"]
    assert {a.stage for a in attempts} == {"training"}
    assert {a.data_type for a in attempts} == {"image"}
    assert store.require_sample("gpt/DLBench/2").passed is None
    # re-import changes nothing
    again = import_path(store, "dlbench-harness", tmp_path / "r.jsonl")
    assert again.samples["unchanged"] == 4


def test_unknown_status_kept_with_warning(store: Store, tmp_path: Path) -> None:
    rows = [{"task_id": "T/1", "status": "exploded"}]
    summary = import_path(store, "dlbench-harness", _lines(tmp_path / "run.jsonl", rows))
    sample = store.require_sample("run/T/1")
    assert sample.passed is None and sample.metadata["status"] == "exploded"
    assert any("exploded" in w for w in summary.warnings)


def test_two_models_in_one_file_is_an_error(store: Store, tmp_path: Path) -> None:
    rows = [
        {"task_id": "T/1", "status": "pass", "agent": "a"},
        {"task_id": "T/2", "status": "pass", "agent": "b"},
    ]
    path = _lines(tmp_path / "r.jsonl", rows)
    with pytest.raises(UserError, match=r"r\.jsonl:2 field 'agent': a second model 'b'"):
        import_path(store, "dlbench-harness", path)
    assert store.sample_ids() == []
    import_path(store, "dlbench-harness", path, model="both")
    assert len(store.sample_ids()) == 2


# ------------------------------------------------------------------ hostile input


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b'{"task_id": "T/1", "status": "pass"}\n{"task_id": "T/2"}\n', ":2 field 'status'"),
        (b'{"task_id": "T/1", "status": "pass"}\nnot json\n', ":2: invalid JSON"),
        (b"[1, 2]\n", ":1: expected a JSON object"),
        (b'{"task_id": "T/1", "status": "pass", "counts": {"passed": -1}}\n', "counts.passed"),
        (b'{"task_id": "T/1", "status": "pass", "statuses": []}\n', "field 'statuses'"),
        (b'{"task_id": 5, "status": "pass"}\n', "field 'task_id'"),
        (b'{"task_id": "\xff", "status": "pass"}\n', ":1: not UTF-8"),
        (b"[" * 100_000 + b"\n", ":1: invalid JSON"),
        (b"\n\n", "no result lines"),
        (b'{"task_id": "T/1", "status": "pass", "duration_s": NaN}\n', ":1: invalid JSON: NaN"),
    ],
)
def test_bad_lines_fail_whole_import(
    store: Store, tmp_path: Path, content: bytes, message: str
) -> None:
    path = tmp_path / "r.jsonl"
    path.write_bytes(content)
    with pytest.raises(UserError) as info:
        import_path(store, "dlbench-harness", path)
    assert message in str(info.value)
    assert "\n" not in str(info.value)
    assert store.sample_ids() == []


def test_bad_task_file_names_the_file_and_changes_nothing(store: Store, tmp_path: Path) -> None:
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    (tasks / "T_2.json").write_text('{"result": 5}')
    rows = [{"task_id": "T/1", "status": "pass"}, {"task_id": "T/2", "status": "fail"}]
    with pytest.raises(UserError, match=r"T_2\.json field 'result'"):
        import_path(store, "dlbench-harness", _lines(tmp_path / "r.jsonl", rows), tasks_dir=tasks)
    assert store.sample_ids() == []


def test_task_id_never_becomes_a_path(store: Store, tmp_path: Path) -> None:
    secret = tmp_path / "secret.py"
    secret.write_text("SECRET = 1\n")
    code = tmp_path / "code"
    code.mkdir()
    rows = [{"task_id": "../secret", "status": "fail"}]
    import_path(store, "dlbench-harness", _lines(tmp_path / "r.jsonl", rows), code_dir=code)
    assert store.require_sample("r/../secret").generated_code == ""


def test_code_is_never_executed(store: Store, tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    marker = tmp_path / "ran"
    (code / "T_1.py").write_text(f"open({str(marker)!r}, 'w').write('x')\n")
    tasks = tmp_path / "tasks"
    tasks.mkdir()
    body = f"```python\nopen({str(marker)!r}, 'w')\n```"
    (tasks / "T_2.json").write_text(json.dumps({"result": body}))
    rows = [{"task_id": "T/1", "status": "fail"}, {"task_id": "T/2", "status": "fail"}]
    import_path(
        store, "dlbench-harness", _lines(tmp_path / "r.jsonl", rows), code_dir=code, tasks_dir=tasks
    )
    assert not marker.exists()
    assert "open(" in store.require_sample("r/T/2").generated_code


def test_cli_import_and_error_line(tmp_path: Path) -> None:
    rows = [{"task_id": "T/1", "status": "timeout", "stage": "training"}]
    path = _lines(tmp_path / "r.jsonl", rows)
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    ok = runner.invoke(cli, ["--db", db, "import", "dlbench-harness", str(path), "--model", "m"])
    assert ok.exit_code == 0, ok.output
    assert "1 new" in ok.output
    (tmp_path / "bad.jsonl").write_text('{"status": "pass"}\n')
    bad = runner.invoke(cli, ["--db", db, "import", "dlbench-harness", str(tmp_path / "bad.jsonl")])
    assert bad.exit_code == 1
    assert bad.output.strip().splitlines() == [
        f"Error: {tmp_path / 'bad.jsonl'}:1 field 'task_id': Field required"
    ]


PASS5 = REPO / "tests" / "data" / "harness" / "pass5.jsonl"
"""Our own lines in the layout of the harness's pass@5 files: ``statuses`` (five
attempts), ``n_pass``, ``pass_at_5`` as a boolean, ``stage``, ``model``; no ``status``."""


def test_pass5_layout_imports_and_gives_the_harness_figures(tmp_path: Path) -> None:
    raw = [json.loads(line) for line in PASS5.read_text().splitlines()]
    db = tmp_path / "a.db"
    ok = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench-harness", str(PASS5)])
    assert ok.exit_code == 0, ok.output
    assert f"{5 * len(raw)} new" in ok.output
    store = Store.open(db)
    try:
        sample = store.require_sample(f"model-a/{raw[2]['task_id']}#3")
        assert sample.metadata["status"] == raw[2]["statuses"][2]
        assert sample.metadata["attempts"] == 5 and sample.stage == raw[2]["stage"]
        (row,) = pass_table(store.attempts(), ks=(1, 5))
    finally:
        store.close()
    # The harness's own figures: pass@1 is the mean share of passing attempts,
    # pass@5 the share of tasks with pass_at_5 true.
    harness_at_1 = sum(r["n_pass"] / len(r["statuses"]) for r in raw) / len(raw)
    harness_at_5 = sum(bool(r["pass_at_5"]) for r in raw) / len(raw)
    assert row.tasks == len(raw) and row.attempts == 5 * len(raw)
    assert row.values[1] == pytest.approx(harness_at_1)
    assert row.values[5] == pytest.approx(harness_at_5)
    report = CliRunner().invoke(cli, ["--db", str(db), "report", "--k", "1,5"])
    assert report.exit_code == 0, report.output
    # The report's cells read "percent (tasks averaged)", as `export passk --with-n` prints them.
    for rate in (harness_at_1, harness_at_5):
        assert f"| {100 * rate:.1f} ({len(raw)}) |" in report.output


@pytest.mark.parametrize(
    ("fields", "passed"),
    [
        ({"status": "fail"}, [False]),
        ({"statuses": ["fail", "pass"]}, [False, True]),
        ({"status": "pass", "statuses": ["timeout", "pass"]}, [False, True]),
        ({"statuses": ["no_image", "pass"], "n_pass": 1, "pass_at_5": True}, [None, True]),
    ],
    ids=["status", "statuses", "both", "unknown-attempt"],
)
def test_every_layout_imports(
    store: Store, tmp_path: Path, fields: dict[str, object], passed: list[bool | None]
) -> None:
    rows = [{"task_id": "DLBench/7", "model": "m", **fields}]
    import_path(store, "dlbench-harness", _lines(tmp_path / "r.jsonl", rows))
    ids = ["m/DLBench/7"] if len(passed) == 1 else [f"m/DLBench/7#{i + 1}" for i in range(2)]
    assert [store.require_sample(i).passed for i in ids] == passed
    assert {store.require_sample(i).metadata["task_id"] for i in ids} == {"DLBench/7"}


@pytest.mark.parametrize(
    ("fields", "field", "why"),
    [
        ({"statuses": ["pass", "fail"], "n_pass": 2}, "n_pass", "n_pass is 2 but 1 of the 2"),
        ({"statuses": ["fail"] * 5, "pass_at_5": True}, "pass_at_5", "pass_at_5 is true but 0"),
        ({"statuses": ["pass"] + ["fail"] * 4, "pass_at_5": False}, "pass_at_5", "is false"),
        ({"statuses": ["pass"] + ["fail"] * 5, "pass_at_5": 0.5}, "pass_at_5", "give 0.8333"),
        ({"model": "m"}, "status", "a status (or a list of statuses) is required"),
    ],
    ids=["n_pass", "pass_at_5-true", "pass_at_5-false", "pass_at_5-estimate", "no-status"],
)
def test_reported_figures_are_checked_and_a_first_import_leaves_no_file(
    tmp_path: Path, fields: dict[str, object], field: str, why: str
) -> None:
    good = {"task_id": "T/1", "status": "pass"}
    path = _lines(tmp_path / "r.jsonl", [good, {"task_id": "T/2", **fields}])
    db = tmp_path / "new" / "a.db"
    runner = CliRunner()
    bad = runner.invoke(cli, ["--db", str(db), "import", "dlbench-harness", str(path)])
    assert bad.exit_code == 1
    (line,) = bad.output.strip().splitlines()
    assert line.startswith(f"Error: {path}:2 field '{field}': ") and why in line, line
    # Nothing created: no database, no WAL files, not the folder made for it.
    assert sorted(p.name for p in tmp_path.iterdir()) == ["r.jsonl"]
    after = runner.invoke(cli, ["--db", str(db), "status"])
    assert after.exit_code == 1 and f"no database at {db}" in after.output


def test_a_failed_import_into_an_existing_database_keeps_it(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    runner = CliRunner()
    ok = runner.invoke(cli, ["--db", str(db), "import", "dlbench-harness", str(PASS5)])
    assert ok.exit_code == 0, ok.output
    path = _lines(tmp_path / "r.jsonl", [{"task_id": "T/1", "statuses": ["pass"], "n_pass": 0}])
    bad = runner.invoke(cli, ["--db", str(db), "import", "dlbench-harness", str(path)])
    assert bad.exit_code == 1 and "field 'n_pass'" in bad.output
    status = runner.invoke(cli, ["--db", str(db), "status", "--json"])
    assert json.loads(status.output)["samples"] == 5 * len(PASS5.read_text().splitlines())


def test_jsonl_refuses_nan_that_sqlite_json_would_refuse(tmp_path: Path) -> None:
    """NaN is not JSON (and SQLite's JSON functions refuse it): the JSONL import,
    like the harness import, names the file and line, and writes nothing."""
    path = tmp_path / "s.jsonl"
    path.write_text('{"id": "a", "passed": false, "model": "m", "stage": "x", "score": NaN}\n')
    db = str(tmp_path / "a.db")
    result = CliRunner().invoke(cli, ["--db", db, "import", "jsonl", str(path)])
    assert result.exit_code == 1
    assert "s.jsonl:1: " in result.output
    assert "NaN is not a number JSON allows" in result.output
    assert "Traceback" not in result.output
