"""pass@k: the unbiased estimator against a hand-computed table, and through the report."""

from __future__ import annotations

import json
import math
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given, strategies as st

from annotator.cli import cli
from annotator.export.passk import pass_table
from annotator.stats.passk import pass_at_k
from annotator.store.attempts import AttemptRow

# model, task, stage, outcomes of the attempts (1 passed, 0 failed, None unknown)
FIXTURE: list[tuple[str, str, str, list[int | None]]] = [
    ("A", "t1", "training", [1, 0, 1, 0, 0]),
    ("A", "t2", "training", [0, 0, 0, 0, 0]),
    ("A", "t3", "inference", [1, 1, 1, 1, 1]),
    ("B", "t1", "training", [0, 1, 0, None]),
    ("B", "t2", "training", [0, 0, 1, 0, 0]),
]
# Worked out by hand from 1 - C(n-c, k) / C(n, k):
#   A: t1 (n5 c2) pass@1 .4, @2 1-3/10=.7, @5 1;  t2 (n5 c0) 0, 0, 0;  t3 (n5 c5) 1, 1, 1
#   B: t1 (n3 c1: the unknown attempt left out) 1/3, 1-1/3=2/3, undefined; t2 (n5 c1) .2, .4, 1
HAND = {
    ("A", None): {1: 1.4 / 3, 2: 1.7 / 3, 5: 2 / 3},
    ("B", None): {1: (1 / 3 + 0.2) / 2, 2: (2 / 3 + 0.4) / 2, 5: 1.0},
    ("A", "training"): {1: 0.2, 2: 0.35, 5: 0.5},
    ("A", "inference"): {1: 1.0, 2: 1.0, 5: 1.0},
    ("B", "training"): {1: (1 / 3 + 0.2) / 2, 2: (2 / 3 + 0.4) / 2, 5: 1.0},
}
AVERAGED = {("A", None): {1: 3, 2: 3, 5: 3}, ("B", None): {1: 2, 2: 2, 5: 1}}


def _rows() -> list[AttemptRow]:
    rows: list[AttemptRow] = []
    for model, task, stage, outcomes in FIXTURE:
        for o in outcomes:
            rows.append(
                AttemptRow(model, task, None if o is None else bool(o), stage, None, None, None)
            )
    return rows


@pytest.mark.parametrize("by", [None, "stage"])
def test_pass_table_matches_the_hand_computed_table(by: str | None) -> None:
    table = pass_table(_rows(), by, ks=(1, 2, 5))
    got = {(r.model, r.group): r for r in table}
    expected = {key: v for key, v in HAND.items() if (key[1] is None) == (by is None)}
    assert set(got) == set(expected)
    for key, values in expected.items():
        for k, value in values.items():
            assert got[key].values[k] == pytest.approx(value, abs=1e-12), (key, k)
    if by is None:
        for key, averaged in AVERAGED.items():
            assert got[key].averaged == averaged
        assert (got[("B", None)].tasks, got[("B", None)].attempts, got[("B", None)].known) == (
            2,
            9,
            8,
        )


def test_pass_at_k_edges() -> None:
    assert pass_at_k(3, 1, 5) is None
    assert pass_at_k(5, 5, 5) == 1.0
    assert pass_at_k(5, 0, 1) == 0.0
    with pytest.raises(ValueError):
        pass_at_k(2, 3, 1)


@given(st.integers(1, 200), st.data())
def test_pass_at_k_equals_the_binomial_formula(n: int, data: st.DataObject) -> None:
    c = data.draw(st.integers(0, n))
    k = data.draw(st.integers(1, n))
    exact = 1 - math.comb(n - c, k) / math.comb(n, k)
    assert pass_at_k(n, c, k) == pytest.approx(exact, abs=1e-9)


def test_report_gives_pass_at_k_from_a_harness_file(tmp_path: Path) -> None:
    status = {1: "pass", 0: "fail", None: "skip_harness"}
    db = str(tmp_path / "a.db")
    runner = CliRunner()
    for model in ("A", "B"):
        lines = [
            {
                "task_id": task,
                "status": "fail",
                "stage": stage,
                "statuses": [status[o] for o in outs],
            }
            for m, task, stage, outs in FIXTURE
            if m == model
        ]
        path = tmp_path / f"{model}.jsonl"
        path.write_text("".join(json.dumps(x) + "\n" for x in lines))
        result = runner.invoke(cli, ["--db", db, "import", "dlbench-harness", str(path)])
        assert result.exit_code == 0, result.output
    report = runner.invoke(cli, ["--db", db, "report", "--k", "1,2,5,10"])
    assert report.exit_code == 0, report.output
    text = report.output
    header = (
        "| Model | Tasks | Model-samples | Known outcome | pass@1 (%) | pass@2 (%) | pass@5 (%) |"
    )
    assert header in text
    assert "| A | 3 | 15 | 15 | 46.7 (3) | 56.7 (3) | 66.7 (3) |" in text
    assert "| B | 2 | 9 | 8 | 26.7 (2) | 53.3 (2) | 100.0 (1) |" in text
    assert "pass@10" not in text  # no task has ten attempts
    # By stage: models as rows, stages in pipeline order, then All (tasks averaged in brackets).
    assert "| Model | training | inference | All |" in text
    assert "| A | 20.0 (2) | 100.0 (1) | 46.7 (3) |" in text
    assert "| B | 26.7 (2) | - | 26.7 (2) |" in text
    # Table 1 counts tasks: t1 and t2 of both models are two tasks, in 19 model-samples.
    assert "| training | 2 | 19 | 14 |" in text
    assert "3 tasks, 24 model-samples" in text
