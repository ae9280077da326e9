"""Occurrence tables: the counting rules, every format against golden files, and
agreement with the ``category_counts`` SQL view on the real DL-Bench labels.

Golden files live in tests/golden/ and are compared byte for byte; run with
``UPDATE_GOLDEN=1`` to rewrite them after an intended change (then review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner
from rawsql import peek
from test_export_fixture import build, export

from annotator.cli import cli
from annotator.export import count_table
from annotator.export.latex import escape
from annotator.export.majority import label_picks, majority_picks
from annotator.export.markdown import cell
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
        (["--format", "md"], "counts_auto.md"),
        (["--format", "csv"], "counts_auto.csv"),
        (["--format", "json"], "counts_auto.json"),
        (["--format", "latex"], "counts_auto.tex"),
        (["--format", "json", "--source", "majority"], "counts_majority.json"),
        (["--format", "md", "--source", "final"], "counts_final.md"),
        (["--format", "csv", "--source", "alice"], "counts_alice.csv"),
    ],
)
def test_formats_match_golden_files(study: tuple[Path, Path], args: list[str], golden: str) -> None:
    _golden(golden, export(study, "counts", *args))


def _totals(data: dict) -> dict[int, int]:  # type: ignore[type-arg]
    return {c["id"]: c["total"] for c in data["categories"]}


def _subs(data: dict, cat: int) -> dict[str, tuple[int, int]]:  # type: ignore[type-arg]
    category = next(c for c in data["categories"] if c["id"] == cat)
    return {s["name"]: (s["count"], s["inferred"]) for s in category["subcategories"]}


def test_auto_uses_final_where_it_decides_else_majority(study: tuple[Path, Path]) -> None:
    data = json.loads(export(study, "counts", "--format", "json"))
    assert data["source"] == "auto"
    # s1, s2, s6, s7 from final; s5 (no final) and nothing from s3 (final: pass) or s4 (flag only).
    assert data["n_samples"] == 5
    assert _totals(data) == {1: 2, 2: 2, 3: 2}
    assert _subs(data, 1) == {
        "Shape & dimension mismatch": (1, 0),
        "Wrong DL/ML functionality": (0, 0),
        "Not DL-related": (1, 1),
    }
    # s6 names category 2 twice: one occurrence, with the second mention's subcategory.
    assert _subs(data, 2) == {"Tensor {value} edges ~ ^": (1, 0), "Not DL-related": (1, 1)}
    assert _subs(data, 3) == {"Not DL-related": (1, 0), "Unspecified": (1, 0)}
    assert data["dl_specific_total"] == 2
    first = data["categories"][0]["subcategories"][0]
    assert set(first) >= {"name", "dl_specific", "count"} and first["dl_specific"] is True


def test_final_counts_only_final_bug_labels(study: tuple[Path, Path]) -> None:
    data = json.loads(export(study, "counts", "--format", "json", "--source", "final"))
    assert data["n_samples"] == 4
    assert _totals(data) == {1: 2, 2: 2, 3: 1}


def test_majority_is_strict_and_ties_do_not_count(study: tuple[Path, Path]) -> None:
    data = json.loads(export(study, "counts", "--format", "json", "--source", "majority"))
    # s1 both name 1 (subcategory tie -> taxonomy order), s3 both name 2, s5 both name 3;
    # s2 alice 2 vs bob pass is a tie and counts nothing.
    assert data["n_samples"] == 3
    assert _totals(data) == {1: 1, 2: 1, 3: 1}
    assert data["ties"] == 1
    assert _subs(data, 1)["Shape & dimension mismatch"] == (1, 0)
    assert _subs(data, 2) == {"Tensor {value} edges ~ ^": (1, 0), "Not DL-related": (0, 0)}
    assert _subs(data, 3) == {"Not DL-related": (1, 0)}


def test_markdown_total_row_and_escaping(study: tuple[Path, Path]) -> None:
    text = export(study, "counts")
    assert "| **Total** | | **2** |" in text
    assert "Edge cases \\| 100% \\_coverage\\_" in text
    assert "| Not DL-related | No | 1 (1 inferred) |" in text
    assert "| **Total** | **6** | **2** | **33.3%** |" in text


def test_latex_is_booktabs_and_escaped(study: tuple[Path, Path]) -> None:
    text = export(study, "counts", "--format", "latex")
    for rule in (r"\toprule", r"\midrule", r"\bottomrule"):
        assert rule in text
    assert r"Edge cases | 100\% \_coverage\_" in text
    assert r"Tensor \{value\} edges \textasciitilde{} \textasciicircum{}" in text
    assert r"Arithmetic \$ \# errors \textbackslash{} slash" in text
    assert r"Shape \& dimension mismatch" in text


def test_escape_helpers() -> None:
    assert cell("a|b\nc\r\nd\x1b[0m") == "a\\|b c d\\\\x1b\\[0m"
    assert cell("*x* _y_ `z` <b>") == "\\*x\\* \\_y\\_ \\`z\\` \\<b\\>"
    assert escape("50% of $x_1$ & {y} ~ ^ \\ #") == (
        r"50\% of \$x\_1\$ \& \{y\} \textasciitilde{} \textasciicircum{} \textbackslash{} \#"
    )


def test_majority_rules_directly() -> None:
    order = {1: {"a": 0, "b": 1}, 2: {"c": 0}}

    def row(who: str, kind: str, cat: int | None = None, sub: str | None = None) -> tuple:  # type: ignore[type-arg]
        return ("s", who, kind, cat, sub, 0, None, None, 0)

    picks, tie = majority_picks(
        [row("x", "bug", 1, "b"), row("y", "bug", 1, "b"), row("z", "pass")], order
    )
    assert [(p.category, p.subcategory) for p in picks] == [(1, "b")] and not tie
    picks, tie = majority_picks([row("x", "bug", 1, "b"), row("y", "bug", 2)], order)
    assert picks == [] and tie
    # Skip and flag-only labels are not voters: one bug vote out of one decides.
    picks, tie = majority_picks(
        [row("x", "bug", 2, "c"), row("y", "skip"), row("z", "none")], order
    )
    assert [(p.category, p.subcategory) for p in picks] == [(2, "c")]
    assert label_picks(("s", "x", "pass", None, None, 0, None, None, 0)) == []
    same = label_picks(("s", "x", "bug", 1, None, 0, 1, "a", 1))
    assert [(p.category, p.subcategory, p.inferred) for p in same] == [(1, "a", True)]


def test_unknown_source_is_one_line_error(study: tuple[Path, Path]) -> None:
    tax, db = study
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "export", "counts", "--source", "carol"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "carol" in result.output
    assert result.output.count("\n") == 1


def test_out_writes_the_file_atomically(study: tuple[Path, Path], tmp_path: Path) -> None:
    out = tmp_path / "tables" / "counts.json"
    out.parent.mkdir()
    out.write_text("old", encoding="utf-8")
    assert export(study, "counts", "--format", "json", "--out", str(out)) == ""
    assert json.loads(out.read_text(encoding="utf-8"))["n_samples"] == 5
    assert [p.name for p in out.parent.iterdir()] == ["counts.json"]


def test_out_into_missing_folder_fails_cleanly(study: tuple[Path, Path], tmp_path: Path) -> None:
    tax, db = study
    target = tmp_path / "nope" / "c.md"
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "export", "counts", "--out", str(target)]
    )
    assert result.exit_code == 1 and result.output.startswith("Error: ")
    assert not target.parent.exists()


def test_dlbench_final_counts_equal_the_sql_view(dlbench_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "dl.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench", str(dlbench_dir)])
    assert result.exit_code == 0, result.output
    with Store.open(db, load_taxonomy()) as store:
        view: dict[str, dict[int, int]] = {}
        for who, cat, n in peek(store, "SELECT * FROM category_counts"):
            view.setdefault(who, {})[cat] = n
        for who in view:
            table = count_table(store, who)
            assert {c.id: c.total for c in table.categories if c.total} == view[who], who
            for cat in table.categories:
                assert sum(s.count for s in cat.subcategories) == cat.total
        final = {c.id: c.total for c in count_table(store, "final").categories}
    assert final[1] == 57 and final[10] == 39
