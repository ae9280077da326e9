"""The report's agreement section agrees with ``annotator agreement`` (one computation),
says so when raters never overlap, and then shows each rater against final."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.export.report_agreement import wilson
from annotator.models import LabelValue, SampleIn
from annotator.store import Store


def _bug(cat: int) -> LabelValue:
    return LabelValue(kind="bug", category=cat)


def _never_overlapping(path: Path) -> Path:
    """k labels s0-s4, q labels s5-s9, final labels all ten."""
    with Store.open(path) as store:
        for i in range(10):
            store.upsert_sample(SampleIn(id=f"s{i}", passed=False, model="m"))
        finals = [1, 1, 2, 2, 3, 1, 2, 2, 3, 3]
        k = [1, 1, 2, 3, 3]
        q = [1, 2, 2, 3, 1]
        for i, cat in enumerate(finals):
            store.set_label(f"s{i}", "final", _bug(cat))
        for i, cat in enumerate(k):
            store.set_label(f"s{i}", "k", _bug(cat))
        for i, cat in enumerate(q):
            store.set_label(f"s{i + 5}", "q", _bug(cat))
    return path


def _run(*args: str) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout


def _agreement(text: str) -> str:
    return text[text.index("## Agreement") :]


def test_raters_who_never_overlap(tmp_path: Path) -> None:
    db = str(_never_overlapping(tmp_path / "a.db"))
    section = _agreement(_run("--db", db, "report"))
    assert "Raters: k, q." in section
    assert "The raters never labeled the same sample (samples rated: k 5, q 5)" in section
    assert "### Each rater vs the adjudicated label (final)" in section
    assert "Rater-vs-adjudicated, not agreement between raters" in section
    assert "### Between raters" not in section
    # the same numbers as `annotator agreement --annotators k,final`
    for rater, agree in (("k", 4), ("q", 4)):
        cli_report = json.loads(
            _run("--db", db, "agreement", "--annotators", f"{rater},final", "--json")
        )
        pair = cli_report["pairs"][0]
        assert pair["n"] == 5 and pair["percent"] == agree / 5
        lo, hi = wilson(agree, 5)  # type: ignore[misc]
        kappa = f"{pair['cohen_kappa']:.3f} [{pair['ci'][0]:.3f}, {pair['ci'][1]:.3f}]"
        alpha, ci = cli_report["krippendorff_alpha"], cli_report["ci"]["krippendorff_alpha"]
        alpha_text = f"{alpha:.3f} [{ci[0]:.3f}, {ci[1]:.3f}]"
        line = (
            f"| {rater} | 5 | 80.0% [{100 * lo:.1f}, {100 * hi:.1f}] | {kappa} | {alpha_text}"
            f" | {cli_report['gwet_ac1']:.3f} |"
        )
        assert line in section


def test_chosen_raters_match_the_cli(tmp_path: Path) -> None:
    db = str(_never_overlapping(tmp_path / "a.db"))
    # k and final do overlap: choosing them gives the inter-rater tables
    section = _agreement(_run("--db", db, "report", "--annotators", "k,q,final"))
    assert "Raters: k, q." in section  # final is never a rater
    section = _agreement(_run("--db", db, "report", "--annotators", "k"))
    assert "### Each rater vs the adjudicated label (final)" in section
    assert "| k | 5 |" in section


def test_overlapping_raters_report_the_cli_statistics(tmp_path: Path) -> None:
    path = tmp_path / "b.db"
    with Store.open(path) as store:
        a = [1, 1, 2, 2, 3, 3, 1, 2]
        b = [1, 2, 2, 2, 3, 1, 1, 2]
        for i, (x, y) in enumerate(zip(a, b, strict=True)):
            store.upsert_sample(SampleIn(id=f"s{i}", passed=False))
            store.set_label(f"s{i}", "a", _bug(x))
            store.set_label(f"s{i}", "b", _bug(y))
    db = str(path)
    section = _agreement(_run("--db", db, "report", "--annotators", "a,b"))
    rep = json.loads(_run("--db", db, "agreement", "--annotators", "a,b", "--json"))
    assert f"| Percent agreement | {100 * rep['percent']:.1f}% |" in section
    assert f"| Fleiss' κ | {rep['fleiss_kappa']:.3f} |" in section
    ci = rep["ci"]["krippendorff_alpha"]
    assert (
        f"| Krippendorff's α (nominal) | {rep['krippendorff_alpha']:.3f} [{ci[0]:.3f}, {ci[1]:.3f}] |"
        in section
    )
    assert f"| Gwet's AC1 | {rep['gwet_ac1']:.3f} |" in section
    assert "| a / b | 8 | 75.0% [" in section


def test_unknown_rater_is_one_error_line(tmp_path: Path) -> None:
    db = str(_never_overlapping(tmp_path / "a.db"))
    result = CliRunner().invoke(cli, ["--db", db, "report", "--annotators", "k,nobody"])
    assert result.exit_code == 1
    assert result.output.count("\n") == 1 and "nobody" in result.output


def test_wilson_interval_known_value() -> None:
    # 8 of 10: the textbook Wilson 95% interval is [0.490, 0.943]
    lo, hi = wilson(8, 10)  # type: ignore[misc]
    assert (round(lo, 3), round(hi, 3)) == (0.490, 0.943)
    assert wilson(0, 0) is None
