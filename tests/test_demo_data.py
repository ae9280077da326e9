"""The bundled demo dataset: imports cleanly and covers what the demo is for."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.demo import DEMO_PATH, MARKUP_SAMPLE_ID
from annotator.store import Store

ESC = "\x1b"
EXCEPTION = re.compile(r"^E\s+(\w+(?:Error|Exception)|Failed): ", re.MULTILINE)


@pytest.fixture(scope="module")
def records() -> list[dict[str, Any]]:
    lines = DEMO_PATH.read_text(encoding="utf-8").splitlines()
    return [json.loads(line) for line in lines if line.strip()]


def test_demo_imports_with_the_cli(tmp_path: Path, records: list[dict[str, Any]]) -> None:
    db = tmp_path / "demo.db"
    runner = CliRunner()
    result = runner.invoke(cli, ["--db", str(db), "import", "jsonl", str(DEMO_PATH), "--json"])
    assert result.exit_code == 0, result.output
    assert json.loads(result.output)["samples"] == {"new": 14, "updated": 0, "unchanged": 0}
    status = runner.invoke(cli, ["--db", str(db), "status", "--json"])
    counts = json.loads(status.output)
    assert {k: counts[k] for k in ("samples", "tasks", "failing", "passing", "to_label")} == {
        "samples": 14,
        "tasks": 14,
        "failing": 12,
        "passing": 2,
        "to_label": 12,
    }
    assert counts["annotators"] == {}
    with Store.open(db) as store:
        markup = store.require_sample(MARKUP_SAMPLE_ID)
        # stored byte for byte: nothing stripped or interpreted on the way in
        source = next(r for r in records if r["id"] == MARKUP_SAMPLE_ID)
        assert markup.generated_code == source["generated_code"]
        assert markup.test_output == source["test_output"]


def test_records_are_complete_and_ids_unique(records: list[dict[str, Any]]) -> None:
    assert 12 <= len(records) <= 14
    ids = [r["id"] for r in records]
    assert len(set(ids)) == len(ids)
    for r in records:
        for key in ("prompt", "generated_code", "reference_code", "test_output"):
            assert r[key].strip(), (r["id"], key)
        assert 20 <= len(r["generated_code"].splitlines()) <= 60, r["id"]
        assert r["stage"] in {"function", "class"}
        assert r["data_type"] in {"image", "text", "tabular"}
        assert r["task_type"] in {"training", "inference", "preprocessing"}
    assert {r["model"] for r in records} == {"gpt-4o", "llama-3-70b"}
    assert sum(r["passed"] is True for r in records) == 2
    assert all(r["passed"] is False for r in records if r["passed"] is not True)
    assert not any("labels" in r for r in records)


def test_failing_outputs_point_into_the_generated_code(records: list[dict[str, Any]]) -> None:
    with_frames = 0
    for r in records:
        if r["passed"]:
            assert re.search(r"=+ \d+ passed.* in [\d.]+s =+\n$", r["test_output"])
            continue
        out = r["test_output"]
        assert "FAILURES" in out or "ERRORS" in out, r["id"]
        assert "short test summary info" in out
        code = r["generated_code"].splitlines()
        frames = re.findall(r"temp\.py:(\d+)\b|temp\.py\", line (\d+)", out)
        with_frames += bool(frames)
        for a, b in frames:
            number = int(a or b)
            # the traceback quotes the very line it names
            assert 1 <= number <= len(code) and code[number - 1].strip() in out, (r["id"], number)
    # asserts in the test files (allclose, dtype checks) have no generated frame
    assert with_frames >= 9


def test_markup_sample_carries_markup_and_ansi(records: list[dict[str, Any]]) -> None:
    sample = next(r for r in records if r["id"] == MARKUP_SAMPLE_ID)
    assert "# [bold red]not bold[/bold red] [link=http://x]y[/link]" in sample["generated_code"]
    for key in ("prompt", "generated_code", "test_output"):
        assert f"{ESC}[31m" in sample[key] or f"{ESC}[32m" in sample[key], key
        assert "[bold]" in sample[key] or "[bold red]" in sample[key], key


def test_outputs_cover_many_exception_types(records: list[dict[str, Any]]) -> None:
    types = {t for r in records for t in EXCEPTION.findall(r["test_output"])}
    assert len(types) >= 8, types
    assert {"RuntimeError", "AttributeError", "NameError", "SyntaxError", "Failed"} <= types


def test_two_failures_differ_only_in_numbers(records: list[dict[str, Any]]) -> None:
    shape = re.compile(r"mat1 and mat2 shapes cannot be multiplied \((\d+x\d+) and (\d+x\d+)\)")
    hits = {r["id"]: set(shape.findall(r["test_output"])) for r in records}
    twins = [i for i, found in hits.items() if found]
    assert len(twins) == 2
    first, second = (hits[i] for i in twins)
    assert first.isdisjoint(second)  # same exception, different numbers
