"""``annotator report``: the study as one Markdown document, on the fixture,
an empty database and the real DL-Bench data."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner
from test_export_fixture import build

from annotator.cli import cli
from annotator.store import Store


def _report(db: Path, *args: str, tax: Path | None = None) -> str:
    opts = ["--db", str(db)] + (["--taxonomy", str(tax)] if tax else [])
    result = CliRunner().invoke(cli, [*opts, "report", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def _section(text: str, title: str) -> str:
    start = text.index(f"\n{title}\n")
    end = text.find("\n## ", start + 1)
    return text[start : end if end != -1 else len(text)]


def test_report_on_the_fixture(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    text = _report(db, tax=tax)
    assert text.startswith("# Study report\n")
    dataset = _section(text, "## Dataset")
    for line in ("| Model-samples | 7 |", "| Failing | 4 |", "| Passing | 2 |"):
        assert line in dataset
    assert "| Outcome unknown | 1 |" in dataset and "| To label (failing or outcome unknown) | 5 |"
    # alice's skip is not a label: 4 labeled, 1 skipped.
    assert "| alice | 4 | 4/5 (80.0%) | 4 | 4 | 0 | 0 | 1 |" in dataset
    assert "| final | 6 | 4/5 (80.0%) | 5 | 4 | 1 | 1 | 0 |" in dataset
    assert "| Stage | Tasks | Model-samples | Failing samples |" in dataset
    assert "| alpha | 3 | 3 | 3 |" in dataset and "| beta | 3 | 3 | 1 |" in dataset
    assert "No sample carries a data type." in dataset
    assert "### Samples by data type" not in dataset and "### Tasks by data type" not in dataset
    assert "| classification | 2 | 2 | 2 |" in dataset

    pass1 = _section(text, "## pass@k")
    assert "| m1 | 4 | 4 | 3 | 33.3 (3) |" in pass1 and "| m2 | 3 | 3 | 3 | 33.3 (3) |" in pass1
    assert "| Model | alpha | beta | All |" in pass1
    assert "| m1 | 0.0 (2) | 100.0 (1) | 33.3 (3) |" in pass1
    assert "| m2 | 0.0 (1) | 50.0 (2) | 33.3 (3) |" in pass1
    assert "No sample with a model carries a data type." in pass1
    assert "### pass@1 by task type" in pass1

    counts = _section(text, "## Taxonomy occurrences")
    assert "### Summary" in counts and "| **Total** | **6** | **2** | **33.3%** |" in counts
    assert "### 2. Edge cases \\| 100% \\_coverage\\_" in counts

    agreement = _section(text, "## Agreement")
    assert "Raters: alice, bob." in agreement
    # s1 1/1, s2 2/pass, s3 2/2, s5 3/3 agree on 3 of 4; s4 (skip, flag) is missing.
    assert "| Percent agreement | 75.0% |" in agreement
    assert "| alice / bob | 4 | 75.0% [30.1, 95.4] | 0.667 [" in agreement
    assert "undefined" not in agreement.lower()


def test_report_on_an_empty_database_says_so(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    Store.open(tmp_path / "empty.db").close()  # read commands create no database
    assert _report(tmp_path / "empty.db", "--out", str(out)) == ""
    text = out.read_text(encoding="utf-8")
    assert "The database holds no samples." in text
    assert "No sample with a model carries a pass/fail outcome." in text
    assert "this database has 0 rater(s)." in text
    assert "No bug label counts yet" in text
    # empty sections are one line each, no empty tables
    assert "| **Total** | **0** |" not in text and "###" not in text


def test_report_on_dlbench(dlbench_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "dl.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench", str(dlbench_dir)])
    assert result.exit_code == 0, result.output
    text = _report(db, "--source", "final")
    assert (
        "| Model-samples | 240 |" in text and "| Failing | 164 |" in text
    )  # 164 result files say "Pass or Failed: 0", wherever the header stands
    assert "No sample carries a stage." in text
    # No model: left out of the per-model pass@k table, and said so.
    assert "No sample with a model carries a pass/fail outcome." in text
    assert "240 samples (240 tasks) without a model are left out" in text
    counts = _section(text, "## Taxonomy occurrences")
    assert "| 1. Generated code deviates from prompt intention | 57 |" in counts
    assert "| **Total** | | **57** |" in counts and "| **Total** | | **39** |" in counts
    agreement = _section(text, "## Agreement")
    assert "Raters: rater\\_k, rater\\_q." in agreement
    assert "The raters never labeled the same sample" in agreement
    assert "### Each rater vs the adjudicated label (final)" in agreement
    assert "Rater-vs-adjudicated, not agreement between raters" in agreement
