"""``annotator agreement`` through the real CLI (click CliRunner) on real SQLite files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store

A = [1, 1, 1, 2, 2, 2, 3, 3, "pass", "pass"]
B = [1, 1, 2, 2, 2, 3, 3, 3, "pass", 1]


def _value(v: object) -> LabelValue:
    if v == "pass":
        return LabelValue(kind="pass")
    if isinstance(v, tuple):
        return LabelValue(category=v[0], category2=v[1])
    return LabelValue(category=v)  # type: ignore[arg-type]


def make_db(path: Path, columns: dict[str, list[Any]]) -> Path:
    with Store.open(path) as store:
        for i in range(max(len(c) for c in columns.values())):
            store.upsert_sample(SampleIn(id=f"s{i:02d}"))
        for who, values in columns.items():
            for i, v in enumerate(values):
                if v is not None:
                    store.set_label(f"s{i:02d}", who, _value(v))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "a.db", {"ann1": A, "ann2": B, "final": A})


def run(db: Path, *args: str) -> Result:
    return CliRunner().invoke(cli, ["--db", str(db), "agreement", *args])


def test_json_shape(db: Path) -> None:
    result = run(db, "--annotators", "ann1,ann2,final", "--json", "--bootstrap", "50")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["level"] == "category"
    assert report["annotators"] == ["ann1", "ann2", "final"]
    assert isinstance(report["n_items"], int) and report["n_items"] == 10
    for pair in report["pairs"]:
        assert set(pair) >= {"a", "b", "n", "percent", "cohen_kappa", "ci"}
        assert isinstance(pair["n"], int) and isinstance(pair["percent"], float)
        assert pair["ci"] is None or (len(pair["ci"]) == 2 and pair["ci"][0] <= pair["ci"][1])
    assert [(p["a"], p["b"]) for p in report["pairs"]] == [
        ("ann1", "ann2"),
        ("ann1", "final"),
        ("ann2", "final"),
    ]
    for key in ("fleiss_kappa", "krippendorff_alpha", "gwet_ac1", "light_kappa"):
        assert isinstance(report[key], float)
    assert all(set(e) >= {"category", "kappa", "n"} for e in report["per_category"])
    assert {type(e["category"]) for e in report["per_category"]} == {int, str}
    conf = report["confusion"]["ann1|ann2"]
    assert conf["labels"] == [1, 2, 3, "pass"] and len(conf["matrix"]) == 4
    assert report["undefined"] == {}
    assert isinstance(report["n_dropped"], int)
    without = report["without_pass"]
    assert without["n_items"] == 8 and len(without["pairs"]) == 3
    assert "alpha_masi" not in report


def test_identical_annotators_agree_perfectly(db: Path) -> None:
    report = json.loads(run(db, "--annotators", "ann1,final", "--json", "--bootstrap", "0").output)
    pair = report["pairs"][0]
    assert (pair["a"], pair["b"], pair["percent"], pair["cohen_kappa"]) == (
        "ann1",
        "final",
        1.0,
        1.0,
    )
    assert pair["ci"] is None


def test_set_level_json_has_set_alphas(tmp_path: Path) -> None:
    db = make_db(tmp_path / "s.db", {"a": [(1, 6), 3, (4, 5), 7], "b": [1, 3, (5, 4), 2]})
    report = json.loads(run(db, "--level", "set", "--json", "--bootstrap", "0").output)
    assert report["level"] == "set"
    assert isinstance(report["alpha_masi"], float) and isinstance(report["alpha_jaccard"], float)
    # Sets as sorted lists, ordered by size, then by their elements.
    assert report["confusion"]["a|b"]["labels"] == [[1], [2], [3], [7], [1, 6], [4, 5]]
    assert report["gwet_ac1"] is None and "gwet_ac1" in report["undefined"]


def test_unknown_annotator_is_a_one_line_error(db: Path) -> None:
    result = run(db, "--annotators", "ann1,ghost")
    assert result.exit_code == 1
    assert result.output.startswith("Error: ") and "'ghost'" in result.output
    assert result.output.count("\n") == 1
    assert "Traceback" not in result.output


def test_empty_annotator_list_is_an_error(db: Path) -> None:
    result = run(db, "--annotators", " , ")
    assert result.exit_code == 1 and "no annotator names" in result.output


def test_default_is_the_raters_and_final_only_when_named(db: Path) -> None:
    """final is derived from the raters: pooling it inflates agreement, so by default the
    raters alone are compared (machine annotators neither); naming final says so."""
    with Store.open(db) as store:
        store.register_machine("llm:m", model="m", endpoint="http://x")
        store.set_label("s00", "llm:m", LabelValue(category=1))
    default = json.loads(run(db, "--json", "--bootstrap", "0").output)
    assert default["annotators"] == ["ann1", "ann2"] and default["includes_adjudicated"] is False
    assert [(p["a"], p["b"]) for p in default["pairs"]] == [("ann1", "ann2")]
    text = run(db, "--bootstrap", "0").output
    assert "includes the adjudicated labels" not in text
    named = run(db, "--annotators", "ann1,ann2,final", "--bootstrap", "0")
    assert named.exit_code == 0, named.output
    assert "includes the adjudicated labels" in named.output
    pooled = json.loads(run(db, "--annotators", "ann1,ann2,final", "--json").output)
    assert pooled["includes_adjudicated"] is True


def test_annotator_subset(db: Path) -> None:
    report = json.loads(run(db, "--annotators", "final,ann2", "--json").output)
    assert report["annotators"] == ["final", "ann2"]
    assert len(report["pairs"]) == 1


def test_no_pass_flag(db: Path) -> None:
    report = json.loads(run(db, "--no-pass", "--json", "--bootstrap", "0").output)
    assert report["pass_included"] is False and report["n_items"] == 8
    assert report["pairs"][0]["cohen_kappa"] == pytest.approx(27 / 43)
    text = run(db, "--no-pass", "--bootstrap", "0").output
    assert "without pass" in text and "with pass" not in text.replace("without pass", "")


def test_terminal_tables(db: Path) -> None:
    result = run(db)
    assert result.exit_code == 0, result.output
    out = result.output
    assert "Pairwise agreement" in out and "Cohen κ [95% CI]" in out
    # κ(ann1, ann2) = 22/37 with its bootstrap interval in brackets.
    assert "0.595 [" in out
    for name in ("Krippendorff α", "Fleiss κ", "Gwet AC1", "Light κ", "without pass"):
        assert name in out
    assert "Per-category" in out
    assert "Confusion" not in out
    assert "Confusion" in run(db, "--confusion", "--bootstrap", "0").output


def test_same_output_twice(db: Path) -> None:
    assert run(db, "--json").output == run(db, "--json").output


def test_names_from_the_db_are_rendered_literally(tmp_path: Path) -> None:
    evil = "[bold red]x[/bold red]\x1b[31m"
    db = make_db(tmp_path / "e.db", {evil: [1, 2, 2], "b": [1, 2, 3]})
    result = run(db, "--bootstrap", "0", "--confusion")
    assert result.exit_code == 0, result.output
    assert "[bold red]x[/bold red]" in result.output
    assert "\x1b" not in result.output
    report = json.loads(run(db, "--json").output)
    assert evil in report["annotators"]


def test_undefined_reasons_are_printed(tmp_path: Path) -> None:
    db = make_db(tmp_path / "u.db", {"a": [4, 4], "b": [4, 4]})
    result = run(db, "--bootstrap", "0")
    assert result.exit_code == 0, result.output
    assert "undefined: all ratings in one category" in result.output
    report = json.loads(run(db, "--json").output)
    assert report["pairs"][0]["cohen_kappa"] is None
    assert "NaN" not in run(db, "--json").output


def test_empty_database(tmp_path: Path) -> None:
    db = tmp_path / "empty.db"
    Store.open(db).close()
    result = run(db, "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    assert report["annotators"] == [] and report["pairs"] == []
    assert report["krippendorff_alpha"] is None
    assert run(db).exit_code == 0


def test_dlbench(dlbench_dir: Path, tmp_path: Path) -> None:
    db = tmp_path / "dl.db"
    imported = CliRunner().invoke(cli, ["--db", str(db), "import", "dlbench", str(dlbench_dir)])
    assert imported.exit_code == 0, imported.output
    default = json.loads(run(db, "--json", "--bootstrap", "0").output)
    assert default["annotators"] == ["rater_k", "rater_q"]
    result = run(db, "--annotators", "final,rater_k,rater_q", "--json", "--bootstrap", "50")
    assert result.exit_code == 0, result.output
    report = json.loads(result.output)
    pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
    assert pairs[("final", "rater_k")]["ci"] is not None
    assert pairs[("rater_k", "rater_q")]["cohen_kappa"] is None
    text = run(db, "--bootstrap", "0").output
    assert "no item rated by both" in text


def test_bootstrap_default_is_on_for_small_and_off_for_large(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.cli.agreeing as agreeing

    db = tmp_path / "b.db"
    with Store.open(db) as store:
        for i in range(12):
            store.upsert_sample(SampleIn(id=f"s{i}", generated_code="x"))
            store.set_label(f"s{i}", "a", LabelValue(category=1 + i % 3))
            store.set_label(f"s{i}", "b", LabelValue(category=1 + i % 2))
    runner = CliRunner()
    small = json.loads(runner.invoke(cli, ["--db", str(db), "agreement", "--json"]).stdout)
    assert small["bootstrap"]["resamples"] == 200
    assert small["pairs"][0]["ci"] is not None
    monkeypatch.setattr(agreeing, "AUTO_BOOT_LIMIT", 10)
    result = runner.invoke(cli, ["--db", str(db), "agreement", "--json"])
    large = json.loads(result.stdout)
    assert large["bootstrap"]["resamples"] == 0 and large["pairs"][0]["ci"] is None
    assert "Confidence intervals skipped" in result.stderr
    forced = json.loads(
        runner.invoke(cli, ["--db", str(db), "agreement", "--json", "--bootstrap", "50"]).stdout
    )
    assert forced["bootstrap"]["resamples"] == 50
