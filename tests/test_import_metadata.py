"""``annotator import metadata``: columns onto samples already imported, by id or by a
pattern; all or nothing; matched / unmatched / ambiguous rows reported by line."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli

SAMPLES = [
    # A DL-Bench-like folder of labeled samples: names end in the task number, no metadata.
    {"id": "processed_libAresize12", "generated_code": "a", "passed": False},
    {"id": "processed_libBfit_model7", "generated_code": "b", "passed": False},
    {"id": "processed_libBpredict30", "generated_code": "c", "passed": True},
]


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _dump(db: Path) -> list[str]:
    with sqlite3.connect(db) as conn:
        return list(conn.iterdump())


@pytest.fixture
def db(tmp_path: Path) -> Path:
    data = tmp_path / "samples.jsonl"
    data.write_text("".join(json.dumps(s) + "\n" for s in SAMPLES), encoding="utf-8")
    path = tmp_path / "t.db"
    _run("--db", str(path), "import", "jsonl", str(data))
    return path


def _columns(db: Path) -> dict[str, tuple[Any, ...]]:
    with sqlite3.connect(db) as conn:
        rows = conn.execute(
            "SELECT id, model, stage, data_type, task_type, metadata FROM samples"
        ).fetchall()
    return {r[0]: (*r[1:5], json.loads(r[5])) for r in rows}


def test_by_sample_id_sets_columns_and_keeps_other_fields(db: Path, tmp_path: Path) -> None:
    meta = tmp_path / "meta.csv"
    meta.write_text(
        "sample,model,stage,data_type,task_type,repo\n"
        "processed_libAresize12,gpt-4o,pre/post processing,image,general,libA\n"
        "processed_libBfit_model7,gpt-4o,training,,classification,libB\n"
        "no_such_sample,gpt-4o,training,,,x\n",
        encoding="utf-8",
    )
    out = _run("--db", str(db), "import", "metadata", str(meta))
    assert "3 rows, 2 matched 2 samples (2 changed), 1 unmatched, 0 ambiguous" in out
    assert "lines: 4" in out
    cols = _columns(db)
    assert cols["processed_libAresize12"][:4] == (
        "gpt-4o",
        "pre/post processing",
        "image",
        "general",
    )
    assert cols["processed_libBfit_model7"][:4] == ("gpt-4o", "training", None, "classification")
    assert cols["processed_libAresize12"][4]["repo"] == "libA"
    assert cols["processed_libBpredict30"][:4] == (None, None, None, None)
    # Again: nothing changes.
    again = _run("--db", str(db), "import", "metadata", str(meta), "--json")
    assert json.loads(again)["samples_changed"] == 0


def test_by_pattern_from_jsonl_and_survives_a_reimport(db: Path, tmp_path: Path) -> None:
    meta = tmp_path / "tasks.jsonl"
    rows = [
        {"task": 12, "stage": "inference", "model": "m1"},
        {"task": 7, "stage": "training", "model": "m1"},
        {"task": 30, "stage": "evaluation", "model": "m1"},
        {"task": 99, "stage": "training"},
    ]
    meta.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    out = _run(
        "--db",
        str(db),
        "import",
        "metadata",
        str(meta),
        "--key",
        "task",
        "--pattern",
        r"(\d+)$",
        "--json",
    )
    summary = json.loads(out)
    assert summary["matched_rows"] == 3 and summary["unmatched_lines"] == [4]
    cols = _columns(db)
    assert cols["processed_libBfit_model7"][1] == "training"
    assert cols["processed_libBfit_model7"][4]["task"] == 7
    # The samples change (new code): the attached metadata stays.
    changed = tmp_path / "changed.jsonl"
    changed.write_text(
        "".join(json.dumps({**s, "generated_code": "new"}) + "\n" for s in SAMPLES),
        encoding="utf-8",
    )
    assert "3 updated" in _run("--db", str(db), "import", "jsonl", str(changed))
    cols = _columns(db)
    assert cols["processed_libBfit_model7"][:2] == ("m1", "training")
    assert cols["processed_libBfit_model7"][4]["task"] == 7
    by_stage = _run("--db", str(db), "export", "counts", "--by", "stage", "--format", "json")
    groups = [g["group"] for g in json.loads(by_stage)["groups"]]
    assert {"training", "inference", "evaluation"} <= set(groups)


@pytest.mark.parametrize(
    ("name", "text", "args", "message"),
    [
        (
            "dup.csv",
            "task,stage\n12,training\n7,inference\n12,inference\n",
            ["--key", "task", "--pattern", r"(\d+)$"],
            "dup.csv:4: ambiguous: sample 'processed_libAresize12' matches the rows on lines 2, 4",
        ),
        (
            "bad.jsonl",
            '{"sample": "processed_libAresize12", "stage": "x"}\n{oops\n',
            [],
            "bad.jsonl:2: not JSON",
        ),
        ("nokey.csv", "stage\ntraining\n", [], "nokey.csv:2: no sample id"),
        (
            "empty.csv",
            "task,stage\n12,training\n,inference\n",
            ["--key", "task", "--pattern", r"(\d+)$"],
            "empty.csv:3 field 'task': empty",
        ),
        ("re.csv", "task\n1\n", ["--key", "task", "--pattern", "(\\d+"], "field 'pattern'"),
        (
            "obj.jsonl",
            '{"sample": "processed_libAresize12", "stage": {"a": 1}}\n',
            [],
            "obj.jsonl:1 field 'stage': expected text",
        ),
    ],
)
def test_bad_input_is_one_line_and_changes_nothing(
    db: Path, tmp_path: Path, name: str, text: str, args: list[str], message: str
) -> None:
    before = _dump(db)
    meta = tmp_path / name
    meta.write_text(text, encoding="utf-8")
    out = _run("--db", str(db), "import", "metadata", str(meta), *args, code=1)
    assert message in out
    assert len(out.strip().splitlines()) == 1
    assert _dump(db) == before


def test_no_database_is_not_created(tmp_path: Path) -> None:
    meta = tmp_path / "m.csv"
    meta.write_text("sample,stage\na,training\n", encoding="utf-8")
    missing = tmp_path / "typo.db"
    out = _run("--db", str(missing), "import", "metadata", str(meta), code=1)
    assert "no database" in out
    assert not missing.exists()
