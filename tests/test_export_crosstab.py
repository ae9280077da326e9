"""Cross tables (``export counts --by``): golden files per format, and the groups add up
to the plain occurrence table for every source."""

from __future__ import annotations

import csv
import io
import json
import os
from collections import Counter
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_export_fixture import build, export

from annotator.cli import cli
from annotator.export import count_table
from annotator.export.crosstab import cross_table
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

GOLDEN = Path(__file__).resolve().parent / "golden"


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path)


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1"
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs from its golden file"


@pytest.mark.parametrize(
    ("args", "golden"),
    [
        (["--by", "model"], "cross_model.md"),
        (["--by", "model", "--format", "csv"], "cross_model.csv"),
        (["--by", "model", "--format", "json"], "cross_model.json"),
        (["--by", "model", "--format", "latex"], "cross_model.tex"),
        (
            ["--by", "stage", "--format", "latex", "--source", "majority"],
            "cross_stage_majority.tex",
        ),
        (["--by", "task_type", "--source", "alice"], "cross_task_type_alice.md"),
    ],
)
def test_cross_tables_match_golden_files(
    study: tuple[Path, Path], args: list[str], golden: str
) -> None:
    _golden(golden, export(study, "counts", *args))


def test_first_comment_line_states_the_source_and_booktabs(study: tuple[Path, Path]) -> None:
    tex = export(study, "counts", "--by", "model", "--format", "latex").splitlines()[0]
    assert tex.startswith(r"% Requires \usepackage{booktabs}.")
    assert "majority vote" in tex and "Mini 0.1" in tex
    md = export(study, "counts", "--by", "stage", "--source", "final").splitlines()[0]
    assert md.startswith("<!--") and "labels of annotator 'final'" in md


@pytest.mark.parametrize("source", ["auto", "majority", "final", "alice", "bob"])
@pytest.mark.parametrize("by", ["model", "stage", "data_type", "task_type", "status"])
def test_groups_add_up_to_the_plain_table(study: tuple[Path, Path], by: str, source: str) -> None:
    tax, db = study
    with Store.open(db, load_taxonomy(tax)) as store:
        plain = count_table(store, source)
        cross = cross_table(store, by, source)
    summed: Counter[tuple[int, str]] = Counter()
    inferred: Counter[tuple[int, str]] = Counter()
    for _, table in cross.groups:
        for cat in table.categories:
            assert cat.total == sum(s.count for s in cat.subcategories)
            for sub in cat.subcategories:
                summed[(cat.id, sub.name)] += sub.count
                inferred[(cat.id, sub.name)] += sub.inferred
    expected = Counter({(c.id, s.name): s.count for c in plain.categories for s in c.subcategories})
    assert +summed == +expected
    assert sum(t.n_samples for _, t in cross.groups) == plain.n_samples
    assert sum(t.ties for _, t in cross.groups) == plain.ties
    assert sum(inferred.values()) == plain.inferred


def test_csv_percentages_and_formula_safety(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        store.upsert_sample(SampleIn(id="s1", model="=HYPERLINK(1)"))
        store.upsert_sample(SampleIn(id="s2", model="plain"))
        store.set_label("s1", "final", LabelValue(kind="bug", category=1))
        store.set_label("s2", "final", LabelValue(kind="bug", category=1, category2=6))
    result = CliRunner().invoke(
        cli,
        ["--db", str(tmp_path / "a.db"), "export", "counts", "--by", "model", "--format", "csv"],
    )
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    groups = {r["group"] for r in rows}
    assert groups == {"'=HYPERLINK(1)", "plain"}
    plain = [r for r in rows if r["group"] == "plain" and r["count"] != "0"]
    assert sorted((r["category_id"], r["percent"], r["group_total"]) for r in plain) == [
        ("1", "50.0", "2"),
        ("6", "50.0", "2"),
    ]
    doc = json.loads(
        CliRunner()
        .invoke(
            cli,
            [
                "--db",
                str(tmp_path / "a.db"),
                "export",
                "counts",
                "--by",
                "model",
                "--format",
                "json",
            ],
        )
        .stdout
    )
    assert [g["group"] for g in doc["groups"]] == ["=HYPERLINK(1)", "plain"]
    assert doc["groups"][1]["total"] == 2 and doc["groups"][1]["n_samples"] == 1


def test_unknown_grouping_or_source_is_one_line(study: tuple[Path, Path]) -> None:
    tax, db = study
    result = CliRunner().invoke(
        cli,
        ["--db", str(db), "--taxonomy", str(tax)]
        + ["export", "counts", "--by", "model", "--source", "zed"],
    )
    assert result.exit_code == 1 and "no annotator 'zed'" in result.output
