"""Columns as data: every occurrence-table writer follows annotator.export.columns.COLUMNS.

A column added to that one list shows up in the CSV, JSON, Markdown and LaTeX
tables and in the cross tables, through the real ``export counts`` command;
the golden files (tests/test_export_counts.py, tests/test_export_crosstab.py)
keep the default list byte for byte.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from test_export_fixture import build, export

from annotator.export import columns
from annotator.export.columns import Column

# A column a study might add: the subcategory's name length (any value the table has will do).
EXTRA = Column(
    "name_length",
    lambda c, s: len(s.name),
    json_key="name_length",
    csv=lambda c, s: len(s.name),
    title="Name length",
    per_group=False,
)


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path)


@pytest.fixture
def extra_column(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(columns, "COLUMNS", (*columns.COLUMNS, EXTRA))


@pytest.mark.usefixtures("extra_column")
@pytest.mark.parametrize("by", [[], ["--by", "model"]])
def test_a_new_column_reaches_csv_and_json(study: tuple[Path, Path], by: list[str]) -> None:
    header = export(study, "counts", "--format", "csv", *by).splitlines()[0].split(",")
    assert "name_length" in header
    assert header[-1 if not by else -3] == "name_length"
    doc = json.loads(export(study, "counts", "--format", "json", *by))
    cats = doc["groups"][0]["categories"] if by else doc["categories"]
    sub = cats[0]["subcategories"][0]
    assert sub["name_length"] == len(sub["name"])


@pytest.mark.usefixtures("extra_column")
@pytest.mark.parametrize("by", [[], ["--by", "model"]])
def test_a_new_column_reaches_markdown_and_latex(study: tuple[Path, Path], by: list[str]) -> None:
    md = export(study, "counts", "--format", "md", *by)
    header = next(line for line in md.splitlines() if "DL-Specific?" in line)
    assert "| Name length |" in header
    tex = export(study, "counts", "--format", "latex", *by)
    assert "Name length" in tex
    # The tabular spec grows by one column (after DL-Specific? in a cross table).
    spec = next(line for line in tex.splitlines() if line.startswith(r"\begin{tabular}"))
    assert spec.startswith(r"\begin{tabular}{lll") if by else spec == r"\begin{tabular}{llrl}"


def test_every_writer_header_is_the_column_list(study: tuple[Path, Path]) -> None:
    header = export(study, "counts", "--format", "csv").splitlines()[0].split(",")
    assert header == [c.name for c in columns.COLUMNS if c.csv is not None]
    doc = json.loads(export(study, "counts", "--format", "json"))
    keys = list(doc["categories"][0]["subcategories"][0])
    assert keys == [c.json_key for c in columns.COLUMNS if c.json_key is not None]
    md = export(study, "counts", "--format", "md")
    titles = [c.title for c in columns.COLUMNS if c.title is not None]
    assert "| " + " | ".join(str(t) for t in titles) + " |" in md.splitlines()


def test_a_new_category_column_reaches_json_and_the_summary(
    study: tuple[Path, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    extra = columns.CategoryColumn(
        lambda c: len(c.subcategories),
        json_key="rows",
        title="Rows",
        total=lambda t: str(sum(len(c.subcategories) for c in t.categories)),
    )
    monkeypatch.setattr(columns, "CATEGORY_COLUMNS", (*columns.CATEGORY_COLUMNS, extra))
    doc = json.loads(export(study, "counts", "--format", "json"))
    first = doc["categories"][0]
    assert first["rows"] == len(first["subcategories"])
    assert list(first)[-2:] == ["rows", "subcategories"]
    md = export(study, "counts", "--format", "md").splitlines()
    header = next(line for line in md if line.startswith("| Category |"))
    assert header.endswith("| DL-Specific % | Rows |")
    assert (
        next(line for line in md if line.startswith("| **Total** | **")).count("|") == 6
    )  # five cells
