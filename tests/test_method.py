"""Saturation per batch and the report's Method section, on a small study computed by hand.

Two raters (alice, bob) label twelve samples in order; batches of four samples in labeling
order give, by hand (see :func:`study`): conflicts between initial decisions 1, 2, 1; new
categories 2, 1, 0; new subcategories 3, 1, 2; new note clusters 1, 1, 0. Two later edits
(bob on s2, alice on s11) change the current labels but never the initial decisions. The
Method section is checked number by number against what `status --json`, `agreement
--json`, `agreement --retest --json`, `gold report --json`, `round list --json`,
`saturation --json`, `taxonomy --codebook` and `export labels` print.
"""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.export.saturation import saturation, study_batches
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

TAXONOMY = """\
name: Tiny
version: "2.1"
categories:
  - id: 1
    name: Wrong API
    subcategories:
      - {name: A, dl_specific: true}
      - {name: B, dl_specific: false}
  - id: 2
    name: Edge cases
    subcategories:
      - {name: C, dl_specific: false}
      - {name: D, dl_specific: true}
  - id: 3
    name: Arithmetic
    subcategories:
      - {name: E, dl_specific: false}
      - {name: F, dl_specific: true}
"""

OFF_BY_ONE = "off by one in the loop bound"


def bug(cat: int, sub: str | None = None, shown: bool | None = True, **more: Any) -> LabelValue:
    return LabelValue(kind="bug", category=cat, subcategory=sub, suggestions_shown=shown, **more)


def passed(shown: bool | None = True) -> LabelValue:
    return LabelValue(kind="pass", suggestions_shown=shown)


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    return make_study(tmp_path, with_rounds=False)


def make_study(tmp_path: Path, with_rounds: bool) -> tuple[Path, Path]:
    """The study; ``with_rounds``: drawn as three rounds of four (s1-s4, s5-s8, s9-s12),
    both raters assigned, and bob's change on s2 negotiated after `round discuss 1`."""
    tax = tmp_path / "tiny.yaml"
    tax.write_text(TAXONOMY, encoding="utf-8")
    db = tmp_path / "study.db"
    hidden = False  # bob labels batch 1 with the suggestions hidden
    labels: dict[str, tuple[LabelValue | None, LabelValue | None]] = {
        # batch 1: conflict s2; new categories 1, 2; subcategories 1/A 1/B 2/C; cluster 2.x
        "s1": (bug(1, "A"), bug(1, "A", hidden)),
        "s2": (bug(1, "B"), bug(2, "C", hidden)),
        "s3": (passed(), passed(hidden)),
        "s4": (bug(2, note=OFF_BY_ONE), bug(2, "C", hidden)),
        # batch 2: conflicts s5, s7; new category 3; subcategory 3/E; cluster 3.x
        "s5": (bug(3, "E"), bug(1, "A")),
        "s6": (
            bug(2, note="off-by-one in loop bound"),
            bug(2, note="Off by one in the loop bound"),
        ),
        "s7": (bug(3, note="division by zero on empty input"), passed()),
        # an inferred subcategory nobody confirmed is not used (3/F counts in batch 3 only)
        "s8": (bug(1, "A", category2=3, subcategory2="F", subcategory2_inferred=True), None),
        # batch 3: conflict s11 (alice's initial 2/C, edited to 1/A later); new 2/D, 3/F
        "s9": (bug(2, "D"), bug(2, "D")),
        "s10": (bug(1, "A", category2=3, subcategory2="F"), bug(1, "A")),
        "s11": (bug(2, "C"), bug(1, "A")),
        "s12": (None, passed()),
    }
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        for sid in labels:
            store.upsert_sample(SampleIn(id=sid, passed=False, model="m"))
        if with_rounds:
            for first in (1, 5, 9):
                ids = [f"s{n}" for n in range(first, first + 4)]
                store.add_round(
                    None,
                    seed=None,
                    query=f"ids {ids[0]}-{ids[-1]}",
                    overlap="all",
                    assignments=[(sid, ("alice", "bob")) for sid in ids],
                )
        for sid, (alice, bob) in labels.items():
            if alice is not None:
                store.set_label(sid, "alice", alice)
            if bob is not None:
                store.set_label(sid, "bob", bob)
        # After discussion: the current labels change, the initial decisions do not.
        if not with_rounds:
            store.set_label("s2", "bob", bug(1, "B", hidden))
        store.set_label("s11", "alice", bug(1, "A"))
        store.set_label("s5", "final", bug(3, "E"))  # adjudication: never a rater
    if with_rounds:
        run((tax, db), "round", "discuss", "1")
        run((tax, db), "negotiate", "s2", "--as", "bob", "--category", "1", "--subcategory", "B")
    return tax, db


def run(study: tuple[Path, Path], *args: str) -> str:
    tax, db = study
    result = CliRunner().invoke(cli, ["--db", str(db), "--taxonomy", str(tax), *args])
    assert result.exit_code == 0, result.output
    return result.output


def test_initial_decisions_are_the_first_decided_values(study: tuple[Path, Path]) -> None:
    tax, db = study
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        first = {(e.sample_id, e.annotator): e for e in store.initial_decisions(["alice", "bob"])}
        assert len(first) == 22  # alice 11, bob 11; final is no rater here
        assert first["s2", "bob"].category == 2  # edited to 1 later
        assert first["s11", "alice"].category == 2
        current = store.label("s2", "bob")
        assert current is not None and current.category == 1
        assert first["s3", "alice"].kind == "pass"
        exposure = store.suggestion_exposure(["alice", "bob"])
        assert (exposure.shown, exposure.hidden, exposure.not_recorded) == (18, 4, 0)


def test_saturation_by_hand(study: tuple[Path, Path]) -> None:
    tax, db = study
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        batches = study_batches(store, 4)
        assert [b.sample_ids for b in batches.batches] == [
            ("s1", "s2", "s3", "s4"),
            ("s5", "s6", "s7", "s8"),
            ("s9", "s10", "s11", "s12"),
        ]
        rows = saturation(store, batches.batches)
    assert [r.double for r in rows] == [4, 3, 3]
    assert [r.conflicts for r in rows] == [1, 2, 1]
    assert [r.new_categories for r in rows] == [(1, 2), (3,), ()]
    assert [r.new_subcategories for r in rows] == [
        ((1, "A"), (1, "B"), (2, "C")),
        ((3, "E"),),
        ((2, "D"), (3, "F")),
    ]
    assert [len(r.new_clusters) for r in rows] == [1, 1, 0]
    assert [r.categories_so_far for r in rows] == [2, 3, 3]
    assert [r.subcategories_so_far for r in rows] == [3, 4, 6]
    assert [r.conflicts_so_far for r in rows] == [1, 3, 4]


def test_saturation_command_and_report_table_agree(study: tuple[Path, Path]) -> None:
    doc = json.loads(run(study, "saturation", "--batches", "4", "--json"))
    assert doc["batches_from"] == "size" and doc["batch_size"] == 4
    assert [b["conflicts"] for b in doc["batches"]] == [1, 2, 1]
    assert [b["new_subcategories"] for b in doc["batches"]][2] == ["2/D", "3/F"]
    # The clusters are those `annotator notes` prints.
    notes = {c["cluster"]: c for c in json.loads(run(study, "notes", "--json"))}
    firsts = [c for b in doc["batches"] for c in b["new_note_clusters"]]
    assert sorted(firsts) == sorted(notes)
    report = run(study, "report", "--batches", "4")
    section = report.split("## Saturation", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if re.match(r"^\| \d", line)]
    assert rows[0].startswith("| 1 | 4 | ") and "| 4 | 1 | 2 (1, 2) | 3 | 1 | 2 | 3 |" in rows[0]
    assert "| 3 | 2 | 1 (3) | 1 | 1 | 3 | 4 |" in rows[1]
    assert "| 3 | 1 | 0 | 2 | 0 | 3 | 6 |" in rows[2]


def _method(text: str) -> str:
    return text.split("## Method", 1)[1]


def test_method_section_numbers_are_those_of_the_commands(study: tuple[Path, Path]) -> None:
    method = _method(run(study, "report", "--batches", "4"))

    status = json.loads(run(study, "status", "--json"))
    assert "Raters: 2 (alice, bob)" in method
    assert f"samples to label: {status['to_label']}" in method
    decided = f"alice {status['annotators']['alice']['decided']}, bob"
    assert (
        f"{decided} {status['annotators']['bob']['decided']} (`annotator status --json`)" in method
    )
    assert status["annotators"]["alice"]["decided"] == 11  # by hand

    command = "annotator agreement --bootstrap 200 --json"
    agreement = json.loads(run(study, *command.split()[1:]))
    pair = agreement["pairs"][0]
    assert agreement["n_items"] == 10 and pair["percent"] == pytest.approx(0.8)  # by hand
    assert (
        f"current labels (after any negotiation), samples decided by two or more raters: {agreement['n_items']}"
        in method
    )
    initial = agreement["initial"]
    assert initial["pairs"][0]["percent"] == pytest.approx(0.6)  # s2 and s11 differed at first
    first = f"Initial decisions (before any discussion), samples decided by two or more raters: {initial['n_items']}; alice and bob: 10 samples, agreement {100 * initial['pairs'][0]['percent']:.1f}% \\["
    assert first in method
    kappa, (lo, hi) = pair["cohen_kappa"], pair["ci"]
    assert f"agreement {100 * pair['percent']:.1f}% \\[" in method
    assert f"Cohen's κ {kappa:.3f} \\[{lo:.3f}, {hi:.3f}\\]" in method
    alpha, (alo, ahi) = agreement["krippendorff_alpha"], agreement["ci"]["krippendorff_alpha"]
    want = f"Krippendorff's α (nominal) over all raters: {alpha:.3f} \\[{alo:.3f}, {ahi:.3f}\\]"
    assert want in method
    assert f"(`{command}`)" in method

    sat = json.loads(run(study, "saturation", "--batches", "4", "--json"))["batches"]
    series = {
        "conflicts between initial decisions per batch": [b["conflicts"] for b in sat],
        "categories used for the first time per batch": [len(b["new_categories"]) for b in sat],
        "subcategories used for the first time per batch": [
            len(b["new_subcategories"]) for b in sat
        ],
        "new open-coding clusters of notes per batch": [len(b["new_note_clusters"]) for b in sat],
    }
    for text, values in series.items():
        assert f"{text}: {', '.join(map(str, values))}" in method, text
    assert f"categories used in all: {sat[-1]['categories_so_far']} of 3" in method
    assert f"subcategories used in all: {sat[-1]['subcategories_so_far']} of 6" in method
    assert "(`annotator saturation --batches 4 --json`)" in method

    codebook = run(study, "taxonomy", "--codebook").encode("utf-8")
    digest = hashlib.sha256(codebook).hexdigest()[:12]
    assert "Taxonomy: Tiny, version 2.1 (`annotator taxonomy`)" in method
    assert f"codebook: version 2.1, SHA-256 {digest}" in method

    lines = [json.loads(x) for x in run(study, "export", "labels").splitlines() if x.strip()]
    raters = [r for r in lines if r["annotator"] in ("alice", "bob") and r["kind"] != "skip"]
    hidden = sum(r["suggestions_shown"] is False for r in raters)
    recorded = sum(r["suggestions_shown"] is not None for r in raters)
    assert (hidden, recorded) == (4, 22)
    assert f"{hidden} of {recorded} ({100 * hidden / recorded:.1f}%)" in method

    # Not in this database: stated, not invented.
    assert "Not measured: rounds (none drawn); negotiation" in method
    assert "test-retest (no second answer yet)" in method
    assert "accuracy on gold samples (no rater answered one)" in method


def test_method_latex_is_escaped_and_cites_commands(study: tuple[Path, Path]) -> None:
    tax, db = study
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        store.set_label("s12", "o_neil%", passed())
    latex = run(study, "report", "--format", "latex", "--batches", "4")
    assert latex.startswith("% Method section") and r"\subsection*{Method}" in latex
    assert r"Raters: 3 (alice, bob, o\_neil\%)" in latex
    assert r"\footnote{\texttt{annotator status --json}}" in latex
    assert r"Cohen's $\kappa$" in latex and "κ" not in latex
    assert r"\label{tab:saturation}" in latex and r"1 & 4 & " in latex
    markdown = _method(run(study, "report", "--batches", "4"))
    assert r"o\_neil%" in markdown


def test_saturation_figure(study: tuple[Path, Path], tmp_path: Path) -> None:
    pytest.importorskip("matplotlib")
    import xml.etree.ElementTree as ET

    out = tmp_path / "figs"
    text = run(study, "figures", "--out", str(out), "--width", "page", "--batches", "4")
    assert f"wrote {out / 'saturation_page.svg'}" in text
    root = ET.parse(out / "saturation_page.svg").getroot()
    texts = ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]
    for label in ("Categories used so far", "Subcategories used so far", "Conflicts in the batch"):
        assert label in texts
    assert "Batch (4 samples each, labeling order)" in texts
    one = run(study, "figures", "--out", str(tmp_path / "one"), "--width", "page")
    assert "skipped saturation: a saturation curve needs two or more batches (found 1" in one


def test_rounds_are_the_batches_and_the_method_cites_them(tmp_path: Path) -> None:
    study = make_study(tmp_path, with_rounds=True)
    doc = json.loads(run(study, "saturation", "--json"))
    assert doc["batches_from"] == "rounds"
    assert [b["name"] for b in doc["batches"]] == ["round 1", "round 2", "round 3"]
    conflicts = [b["conflicts"] for b in doc["batches"]]
    for number, count in enumerate(conflicts, start=1):
        listed = json.loads(run(study, "round", "discuss", str(number), "--no-record", "--json"))
        assert len(listed["conflicts"]) == count
    assert conflicts == [1, 2, 1]  # by hand, as with batches of four
    assert [b["new_subcategories"] for b in doc["batches"]][1] == ["3/E"]

    method = _method(run(study, "report"))
    listed = json.loads(run(study, "round", "list", "--json"))
    sizes = ", ".join(str(r["size"]) for r in listed)
    closed = sum(r["closed"] for r in listed)
    assert (sizes, closed) == ("4, 4, 4", 1)  # s8 and s12 have one rater: rounds 2, 3 open
    assert f"Rounds: 3 (sizes {sizes}; {closed} closed) (`annotator round list --json`)" in method
    assert (
        "percent agreement per round, initial to negotiated: round 1 75.0% to 100.0%;"
        " round 2 33.3% to 33.3%; round 3 66.7% to 100.0%"
    ) in method
    report = json.loads(run(study, "agreement", "--bootstrap", "200", "--json"))
    per_round = [(r["initial"]["percent"], r["negotiated"]["percent"]) for r in report["rounds"]]
    assert per_round[0] == (pytest.approx(0.75), pytest.approx(1.0))
    assert "labels changed after the disagreement was discussed (negotiated): 1" in method
    assert "conflicts between initial decisions per batch" not in method
    assert "conflicts between initial decisions per round: 1, 2, 1" in method
    assert "(`annotator saturation --json`)" in method


@pytest.mark.parametrize("width", ["column", "page"])
@pytest.mark.parametrize("batch_size", [1, 4])
def test_saturation_curve_fits_its_canvas(
    study: tuple[Path, Path], width: str, batch_size: int
) -> None:
    """No text clipped or overlapping, with 12 batches (every batch named) or 3."""
    pytest.importorskip("matplotlib")
    from annotator.export.figure_fit import problems
    from annotator.export.figures import RC, figures, require_matplotlib

    tax, db = study
    with Store.open(db, load_taxonomy(tax)) as store, require_matplotlib().rc_context(RC):
        fig = figures(store, width=width, only=["saturation"], batch_size=batch_size)["saturation"]
    assert fig is not None and problems(fig) == []


def test_many_batches_name_every_nth(tmp_path: Path) -> None:
    """150 batches at column width: tick labels thinned until they fit, none clipped."""
    pytest.importorskip("matplotlib")
    from matplotlib.text import Text

    from annotator.export.figure_fit import problems
    from annotator.export.figures import RC, figures, require_matplotlib

    db = tmp_path / "many.db"
    with Store.open(db) as store:
        with store.transaction():
            for i in range(150):
                store.upsert_sample(SampleIn(id=f"t{i}", passed=False))
                store.set_label(f"t{i}", "alice", bug(1 + i % 3))
                store.set_label(f"t{i}", "bob", bug(1 + (i // 2) % 3))
        with require_matplotlib().rc_context(RC):
            fig = figures(store, width="column", only=["saturation"], batch_size=1)["saturation"]
    assert fig is not None and problems(fig) == []
    ticks = [t.get_text() for t in fig.axes[0].get_xticklabels() if isinstance(t, Text)]
    assert 2 < len(ticks) < 40 and ticks[0] == "1"


def test_named_raters_are_named_in_the_commands(study: tuple[Path, Path]) -> None:
    method = _method(run(study, "report", "--annotators", "alice,bob", "--batches", "4"))
    command = "annotator agreement --annotators alice,bob --bootstrap 200 --json"
    assert f"(`{command}`)" in method
    assert "(`annotator saturation --batches 4 --annotators alice,bob --json`)" in method
    report = json.loads(run(study, *command.split()[1:]))
    assert f"Cohen's κ {report['pairs'][0]['cohen_kappa']:.3f}" in method
    doc = json.loads(
        run(study, "saturation", "--batches", "4", "--annotators", "alice,bob", "--json")
    )
    assert [b["conflicts"] for b in doc["batches"]] == [1, 2, 1]


def test_gold_accuracy_is_that_of_gold_report(study: tuple[Path, Path]) -> None:
    method = _method(run(study, "report", "--batches", "4"))
    assert "accuracy on gold samples (no rater answered one)" in method
    # final's label of s5 (3/E) becomes a hidden check item: alice said 3, bob said 1.
    run(study, "gold", "add", "--from-annotator", "final", "--purpose", "check")
    method = _method(run(study, "report", "--batches", "4"))
    gold = json.loads(run(study, "gold", "report", "--json"))
    check = {e["annotator"]: e["check"] for e in gold["annotators"]}
    assert (check["alice"]["correct"], check["alice"]["n"]) == (1, 1)  # by hand
    assert (check["bob"]["correct"], check["bob"]["n"]) == (0, 1)
    lo, hi = check["alice"]["ci"]
    assert f"Gold set: {gold['training_items']} training and 1 check items" in method
    want = f"alice training -, check 1/1 = {check['alice']['percent']}% \\[{lo}, {hi}\\]"
    assert want in method  # Markdown escapes the brackets
    assert f"bob training -, check 0/1 = {check['bob']['percent']}%" in method
    assert "(`annotator gold report --json`)" in method


def test_initial_decisions_are_the_rounds_initial_labels(tmp_path: Path) -> None:
    """One definition: the saturation's initial decisions are agreement's initial labels."""
    tax, db = make_study(tmp_path, with_rounds=True)
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        names = ["alice", "bob", "final"]
        mine = {
            (e.sample_id, e.annotator, e.kind, e.category, e.subcategory, e.decided_at)
            for e in store.initial_decisions(names)
        }
        theirs = {tuple(r) for r in store.initial_labels() if r.annotator in names}
    assert mine == theirs and len(mine) == 23


def test_retest_is_that_of_agreement_retest(study: tuple[Path, Path]) -> None:
    method = _method(run(study, "report", "--batches", "4"))
    assert "Not measured: rounds (none drawn); negotiation" in method
    assert "test-retest (no second answer yet)" in method
    tax, db = study
    with Store.open(db, taxonomy=load_taxonomy(tax)) as store:
        # alice: s1, s2, s3 the same again, s9 2 -> 3 (one flip); bob: s1 the same
        for sid, value in (("s1", bug(1)), ("s2", bug(1)), ("s3", passed()), ("s9", bug(3))):
            store.put_retest_answer(sid, "alice", value)
        store.put_retest_answer("s1", "bob", bug(1))
    method = _method(run(study, "report", "--batches", "4"))
    doc = json.loads(run(study, "agreement", "--retest", "--bootstrap", "200", "--json"))
    alice = next(a for a in doc["annotators"] if a["annotator"] == "alice")
    assert (alice["n"], alice["percent"], len(alice["flips"])) == (4, 0.75, 1)  # by hand
    kappa, (lo, hi) = alice["cohen_kappa"], alice["ci"]
    want = (
        f"alice 4 samples, agreement 75.0%, Cohen's κ {kappa:.3f} \\[{lo:.3f}, {hi:.3f}\\], 1 flip"
    )
    assert want in method
    assert "bob 1 samples, agreement 100.0%" in method
    assert "(`annotator agreement --retest --bootstrap 200 --json`)" in method
    assert "test-retest (no second answer yet)" not in method
