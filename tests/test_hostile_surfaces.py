"""Issue 23's kinds on the surfaces added after it (rounds, retest, gold, negotiate, the
benchmark importers, the report's outputs): what benchmarks/hostile.py's ``surfaces`` block
found, each fixed case kept here. Real SQLite files through the real CLI; the times and
the memory of the big inputs are measured by hostile.py, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from rawsql import tamper

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), *args])


def one_line_error(result: Result, *words: str) -> None:
    assert result.exit_code == 1, result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1, result.output
    for word in words:
        assert word in result.output, result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    with Store.open(path) as store:
        for i in range(1, 7):
            store.upsert_sample(SampleIn(id=f"s{i}", generated_code="x = 1\n", passed=False))
            store.set_label(f"s{i}", "alice", LabelValue(category=1))
            store.set_label(f"s{i}", "bob", LabelValue(category=2))
    return path


BIG = "9" * 31


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["retest", "set", "0.1", "--after", BIG], "after"),
        (["retest", "set", "0.1", "--seed", BIG], "seed"),
        (["retest", "set", "0.1", "--days", "inf"], "days"),
        (["retest", "set", "0.1", "--days", "nan"], "days"),
        (["retest", "set", "0.1", "--days", "1e300"], "days"),
        (["round", "new", "--size", "2", "--seed", BIG], "seed"),
    ],
)
def test_numbers_a_study_cannot_keep_are_one_line(db: Path, args: list[str], field: str) -> None:
    """Integers past SQLite's 64 bits were a traceback (OverflowError on the write); a
    --days of inf or 1e300 was kept and then broke every queue (timedelta overflow), and
    nan was silently stored as no --days at all."""
    one_line_error(run(db, *args), f"field '{field}'")
    with Store.open(db) as store:
        assert store.retest_plan() is None
        assert store.rounds() == []


def test_a_plan_an_older_version_kept_with_a_huge_days_still_works(db: Path) -> None:
    """Existing databases keep working: --days 1e300 (accepted before) reads as never."""
    assert run(db, "retest", "set", "0.5", "--days", "30").exit_code == 0
    with Store.open(db) as store:
        tamper(store).execute("UPDATE retest_plan SET days = 1e300")
        tamper(store).commit()
        store.retest_due("alice")  # raised OverflowError
    result = run(db, "agreement", "--retest")
    assert result.exit_code == 0, result.output


def _bigcodebench(tmp_path: Path, solution: str) -> Path:
    import json

    path = tmp_path / "x_eval_results.json"
    entry = {"task_id": "BigCodeBench/1", "solution": solution, "status": "fail", "details": {}}
    path.write_text(json.dumps({"eval": {"BigCodeBench/1": [entry]}}))
    return path


def test_a_sample_over_the_cap_of_a_sample_is_refused_by_every_import(tmp_path: Path) -> None:
    """A 50 MB solution in a results document was imported (260 MB peak, and a database
    that merge then refused: 16 Mi characters a sample, one bound for both)."""
    from annotator.models import MAX_SAMPLE_TEXT

    db = tmp_path / "x.db"
    path = _bigcodebench(tmp_path, "x" * (MAX_SAMPLE_TEXT + 1))
    one_line_error(
        run(db, "import", "bigcodebench", str(path)), "x_eval_results.json", "more than a sample"
    )
    with Store.open(db) as store:
        assert store.sample_ids() == []
    path = _bigcodebench(tmp_path, "x" * (MAX_SAMPLE_TEXT - 100))
    assert run(db, "import", "bigcodebench", str(path)).exit_code == 0
