"""``export counts --layout paper``: DL-Bench's Table 6 as printed, with the numbers of
``export counts``; zero rows kept; inferred marks optional; LaTeX as wide as the text or
split across pages."""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from test_export_fixture import build

from annotator.cli import cli


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    return build(tmp_path)


def _export(study: tuple[Path, Path], *args: str, code: int = 0) -> str:
    tax, db = study
    result = CliRunner().invoke(cli, ["--db", str(db), "--taxonomy", str(tax), "export", *args])
    assert result.exit_code == code, result.output
    return result.output


@pytest.mark.parametrize("source", ["auto", "final", "alice", "majority"])
def test_the_numbers_are_those_of_export_counts(study: tuple[Path, Path], source: str) -> None:
    counts = json.loads(_export(study, "counts", "--format", "json", "--source", source))
    text = _export(study, "counts", "--layout", "paper", "--format", "csv", "--source", source)
    rows = list(csv.DictReader(io.StringIO(text)))
    expected: list[tuple[str, str, str, int, int]] = []
    for cat in counts["categories"]:
        expected.append(
            (
                "category",
                str(cat["id"]),
                "",
                cat["total"],
                sum(s["inferred"] for s in cat["subcategories"]),
            )
        )
        for sub in cat["subcategories"]:
            flag = "" if sub["unspecified"] else ("yes" if sub["dl_specific"] else "no")
            expected.append(
                ("subcategory", str(cat["id"]), sub["name"], sub["count"], sub["inferred"])
            )
            assert flag == next(
                r["dl_specific"]
                for r in rows
                if r["row"] == "subcategory"
                and r["category_id"] == str(cat["id"])
                and r["subcategory"] == sub["name"]
            )
    expected.append(
        ("total", "", "", counts["total"], sum(e[4] for e in expected if e[0] == "category"))
    )
    got = [
        (r["row"], r["category_id"], r["subcategory"], int(r["occurrences"]), int(r["inferred"]))
        for r in rows
    ]
    assert got == expected


def test_markdown_keeps_zero_rows_and_marks_are_optional(study: tuple[Path, Path]) -> None:
    marked = _export(study, "counts", "--layout", "paper", "--source", "final")
    assert "| Category | Subcategory | DL-specific | Occurrences |" in marked
    # final names category 3 once, without a subcategory: its zero row is kept.
    assert (
        "| **3. Arithmetic $ # errors \\\\ slash** | | | **1** |\n"
        "| | Not DL-related | No | 0 |\n| | Unspecified | - | 1 |\n"
    ) in marked
    assert "(1 inferred)" in marked and "(marked)" in marked
    bare = _export(study, "counts", "--layout", "paper", "--source", "final", "--no-inferred-marks")
    assert "inferred)" not in bare.split("\n", 1)[1]
    assert "(not marked)" in bare
    assert "taxonomy Mini 0.1" in bare and "labels of annotator 'final'" in bare


@pytest.mark.parametrize("longtable", [False, True])
def test_latex_fits_the_page_and_escapes(study: tuple[Path, Path], longtable: bool) -> None:
    args = ["counts", "--layout", "paper", "--format", "latex"] + (
        ["--longtable"] if longtable else []
    )
    tex = _export(study, *args)
    if longtable:
        assert r"\begin{longtable}" in tex and r"\endhead" in tex and r"\linewidth" in tex
    else:
        assert r"\begin{tabularx}{\linewidth}" in tex
    assert r"\toprule" in tex and r"\bottomrule" in tex
    assert r"Arithmetic \$ \# errors \textbackslash{} slash" in tex
    assert r"Tensor \{value\} edges \textasciitilde{} \textasciicircum{}" in tex
    body = [line for line in tex.splitlines() if line.endswith(r"\\") and "caption" not in line]
    for line in body:  # three columns on every row (escaped \& is no separator)
        assert len(re.findall(r"(?<!\\)&", line)) == 2, line


def test_paper_layout_takes_no_by(study: tuple[Path, Path]) -> None:
    out = _export(study, "counts", "--layout", "paper", "--by", "stage", code=2)
    assert "leave out --by" in out
