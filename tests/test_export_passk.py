"""``annotator export passk``: models as rows, groups as columns in pipeline (or chosen) order,
display names, precision, n per cell, every format; the report prints the same numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli

# model, task, stage, outcomes (1 pass, 0 fail). Stages come in reverse pipeline order.
ATTEMPTS = [
    ("=m1", "t1", "evaluation&metrics", [1, 1, 0]),
    ("=m1", "t2", "training", [0, 0, 0]),
    ("=m1", "t3", "pre/post processing", [1, 0, 0]),
    ("m2", "t1", "evaluation&metrics", [0, 0, 0]),
    ("m2", "t2", "training", [1, 1, 1]),
]
# pass@1 by hand: =m1 eval 2/3, training 0, pre/post 1/3, All (2/3 + 0 + 1/3) / 3 = 1/3;
# m2 eval 0, training 1, All 1/2. pass@2 = 1 - C(n-c,2)/C(n,2): =m1 eval 1, training 0,
# pre/post 2/3, All 5/9; m2 eval 0, training 1, All 1/2.


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


@pytest.fixture
def db(tmp_path: Path) -> Path:
    lines = []
    for model, task, stage, outcomes in ATTEMPTS:
        for i, o in enumerate(outcomes):
            lines.append(
                {
                    "id": f"{model}/{task}#{i}",
                    "task_id": task,
                    "model": model,
                    "stage": stage,
                    "passed": bool(o),
                    "generated_code": f"{model}{task}{i}",
                }
            )
    # A labeled sample from a taxonomy sheet: no model, left out of per-model tables.
    lines.append({"id": "sheet_sample", "passed": False, "stage": "training"})
    data = tmp_path / "a.jsonl"
    data.write_text("".join(json.dumps(x) + "\n" for x in lines), encoding="utf-8")
    path = tmp_path / "a.db"
    _run("--db", str(path), "import", "jsonl", str(data))
    return path


def test_markdown_models_as_rows_stages_in_pipeline_order(db: Path) -> None:
    text = _run("--db", str(db), "export", "passk", "--k", "1,2")
    header = "| Model | pre/post processing | training | evaluation&metrics | All |"
    assert text.count(header) == 2
    one, two = text.split("### pass@2")
    assert "| =m1 | 33.3 | 0.0 | 66.7 | 33.3 |" in one
    assert "| m2 | - | 100.0 | 0.0 | 50.0 |" in one
    assert "| =m1 | 66.7 | 0.0 | 100.0 | 55.6 |" in two
    assert "1 samples (1 tasks) without a model are left out" in text
    assert "(no model)" not in text
    assert "5 tasks" not in text and "3 tasks, 15 model-samples" in text


def test_order_names_precision_and_n(db: Path, tmp_path: Path) -> None:
    names = tmp_path / "names.csv"
    names.write_text("model,name\nm2,Model Two\n=m1,Model One\n", encoding="utf-8")
    text = _run(
        "--db",
        str(db),
        "export",
        "passk",
        "--order",
        "training",
        "--names",
        str(names),
        "--precision",
        "2",
        "--with-n",
    )
    assert "| Model | training | pre/post processing | evaluation&metrics | All |" in text
    rows = [line for line in text.splitlines() if line.startswith("| Model ")]
    assert rows[1:] == [
        "| Model Two | 100.00 (1) | - | 0.00 (1) | 50.00 (2) |",
        "| Model One | 0.00 (1) | 33.33 (1) | 66.67 (1) | 33.33 (3) |",
    ]


def test_csv_json_latex(db: Path, tmp_path: Path) -> None:
    csv_text = _run("--db", str(db), "export", "passk", "--format", "csv", "--with-n")
    lines = csv_text.splitlines()
    assert lines[0] == (
        "model,model_name,k,pre/post processing,n pre/post processing,training,n training,"
        "evaluation&metrics,n evaluation&metrics,All,n All"
    )
    assert lines[1] == "'=m1,'=m1,1,33.3,1,0.0,1,66.7,1,33.3,3"  # guarded against formulas
    doc = json.loads(_run("--db", str(db), "export", "passk", "--format", "json", "--k", "1,2"))
    m2 = next(m for m in doc["models"] if m["model"] == "m2")
    assert m2["cells"]["All"]["2"] == {"percent": 50.0, "n": 2}
    assert m2["cells"]["pre/post processing"]["1"] == {"percent": None, "n": 0}
    assert doc["left_out"]["samples_without_model"] == 1
    out = tmp_path / "p.tex"
    _run("--db", str(db), "export", "passk", "--format", "latex", "--out", str(out))
    tex = out.read_text(encoding="utf-8")
    assert r"\toprule" in tex and r"\bottomrule" in tex and r"\begin{tabular}{lrrrr}" in tex
    assert r"evaluation\&metrics" in tex
    assert "=m1 & 33.3 & 0.0 & 66.7 & 33.3 \\\\" in tex
    assert "without a model are left out" in tex


def test_by_none_and_display_names_from_metadata(db: Path, tmp_path: Path) -> None:
    meta = tmp_path / "names.csv"
    meta.write_text("sample,model_name\nm2/t1#0,Model Two\n", encoding="utf-8")
    _run("--db", str(db), "import", "metadata", str(meta))
    text = _run("--db", str(db), "export", "passk", "--by", "none", "--k", "1,3")
    assert "| Model | All |" in text
    assert "| Model Two | 50.0 |" in text
    assert "| Model Two | 50.0 |" in text.split("### pass@3")[1]


def test_the_report_prints_the_same_table(db: Path) -> None:
    export = _run("--db", str(db), "export", "passk", "--with-n")
    report = _run("--db", str(db), "report", "--k", "1")
    table = [line for line in export.splitlines() if line.startswith("|")]
    assert len(table) == 4
    for line in table:
        assert line in report


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("model,label\nm1,x\n", "names.csv:1: expected the columns model and name"),
        ("model,name\nm1,\n", "names.csv:2 field 'name': empty"),
        ("model,name\nm1,a\nm1,b\n", "names.csv:3 field 'model': model named twice"),
    ],
)
def test_bad_names_file_is_one_line_and_writes_nothing(
    db: Path, tmp_path: Path, text: str, message: str
) -> None:
    names = tmp_path / "names.csv"
    names.write_text(text, encoding="utf-8")
    out = tmp_path / "out.md"
    output = _run(
        "--db", str(db), "export", "passk", "--names", str(names), "--out", str(out), code=1
    )
    assert message in output and len(output.strip().splitlines()) == 1
    assert not out.exists()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.db", "a.jsonl", "names.csv"]


def test_report_table1_lists_stages_in_pipeline_order(db: Path) -> None:
    report = _run("--db", str(db), "report", "--k", "1")
    table = report.split("### Tasks by stage")[1].split("\n\n")[1].splitlines()
    stages = [line.split("|")[1].strip() for line in table[2:-1]]
    assert stages == ["pre/post processing", "training", "evaluation&metrics"]


def test_tasks_folded_in_sql_equal_the_attempts_folded(db: Path) -> None:
    from annotator.export.passk import folded_outcomes, pass_table, task_outcomes
    from annotator.store import Store

    with Store.open(db) as store:
        attempts = store.attempts()
        assert folded_outcomes(store.task_rows()) == task_outcomes(attempts)
        with_model = [a for a in attempts if a.model is not None]
        assert folded_outcomes(store.task_rows(with_model=True)) == task_outcomes(with_model)
        assert pass_table(folded_outcomes(store.task_rows(with_model=True)), "stage", (1,)) == (
            pass_table(with_model, "stage", (1,))
        )
