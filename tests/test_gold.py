"""The gold set, training answers and ``annotator gold report`` (issue #27, part 4), through the
real CLI on real SQLite files.

The report's figures are checked against a hand computation; training answers are shown to
count nowhere else (every other command prints the same bytes with and without them); a bad
gold file is one line naming file, line and field, exit 1, nothing changed.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from clirun import ok, run

from annotator.agreement.gold import Accuracy, gold_accuracy
from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.store.training import TrainingStore

# Training items t1..t5 (references from final) and check items c1, c2.
FINAL: dict[str, Any] = {"t1": 1, "t2": 1, "t3": 2, "t4": "pass", "t5": 3, "c1": 4, "c2": "pass"}
# The study's raters: ann1 and ann2 label everything (c2: ann2 skips).
ANN1: dict[str, Any] = {"t1": 1, "t2": 1, "t3": 2, "t4": "pass", "t5": 3, "c1": 4, "c2": 1}
ANN2: dict[str, Any] = {"t1": 1, "t2": 2, "t3": 2, "t4": 1, "t5": 3, "c1": 4, "c2": "skip"}
# The trainee's answers: right on t1, t3, t4; wrong on t2 (2 for 1) and t5 (1 for 3).
NEWBIE: dict[str, Any] = {"t1": 1, "t2": 2, "t3": 2, "t4": "pass", "t5": 1}


def _value(v: Any) -> LabelValue:
    if v in ("pass", "skip"):
        return LabelValue(kind=v)
    return LabelValue(category=int(v))


def make_db(path: Path) -> Path:
    with Store.open(path) as store:
        for sid in [*FINAL, "x1"]:
            store.upsert_sample(SampleIn(id=sid, passed=False))
        for who, labels in (("ann1", ANN1), ("ann2", ANN2), ("final", FINAL)):
            for sid, v in labels.items():
                store.set_label(sid, who, _value(v))
    return path


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return make_db(tmp_path / "study.db")


def with_gold(db: Path) -> None:
    ok(db, "gold", "add", "--from-annotator", "final", "--ids", "t1,t2,t3,t4,t5")
    ok(db, "gold", "add", "--from-annotator", "final", "--ids", "c1,c2", "--purpose", "check")


def train(db: Path, who: str, answers: dict[str, Any]) -> None:
    with Store.open(db) as store:
        training = TrainingStore(store, who)
        for sid, v in answers.items():
            if v == "pass":
                training.answer(sid, "pass")
            else:
                training.answer(sid, "bug", int(v))


# -- building the gold set ------------------------------------------------------------
def test_add_from_final_and_list(db: Path) -> None:
    with_gold(db)
    items = json.loads(ok(db, "gold", "list", "--json"))
    assert [(i["sample_id"], i["purpose"], i["kind"], i["category"]) for i in items] == [
        ("t1", "training", "bug", 1),
        ("t2", "training", "bug", 1),
        ("t3", "training", "bug", 2),
        ("t4", "training", "pass", None),
        ("t5", "training", "bug", 3),
        ("c1", "check", "bug", 4),
        ("c2", "check", "pass", None),
    ]
    assert {i["source"] for i in items} == {"annotator:final"}
    text = ok(db, "gold", "list")
    assert "7 items: 5 training, 2 check." in text
    # Again: replaced, not doubled.
    assert "0 added, 2 replaced" in ok(
        db, "gold", "add", "--from-annotator", "final", "--ids", "t1,t2"
    )
    assert len(json.loads(ok(db, "gold", "list", "--json"))) == 7


def test_add_by_category_and_seeded_draw(db: Path) -> None:
    ok(db, "gold", "add", "--from-annotator", "final", "--category", "1")
    assert [i["sample_id"] for i in json.loads(ok(db, "gold", "list", "--json"))] == ["t1", "t2"]
    ok(db, "gold", "remove", "t1", "t2")
    out = ok(db, "gold", "add", "--from-annotator", "final", "--sample", "3", "--seed", "7")
    assert "Drawn at random: 3 with seed 7." in out
    first = sorted(i["sample_id"] for i in json.loads(ok(db, "gold", "list", "--json")))
    ok(db, "gold", "remove", *first)
    ok(db, "gold", "add", "--from-annotator", "final", "--sample", "3", "--seed", "7")
    again = sorted(i["sample_id"] for i in json.loads(ok(db, "gold", "list", "--json")))
    assert again == first and len(first) == 3


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--from-annotator", "nobody"), "no annotator 'nobody'"),
        (("--from-annotator", "final", "--ids", "t1,x1"), "'x1' has no category or pass label"),
        (("--from-annotator", "ann2", "--ids", "c2"), "'c2' has no category or pass label"),
        (("--from-annotator", "final", "--sample", "99"), "more than the 7 labels"),
    ],
)
def test_add_refuses_and_changes_nothing(db: Path, args: tuple[str, ...], message: str) -> None:
    result = run(db, "gold", "add", *args)
    assert result.exit_code == 1
    assert message in result.output and len(result.output.strip().splitlines()) == 1
    assert json.loads(ok(db, "gold", "list", "--json")) == []


def test_remove_is_all_or_nothing(db: Path) -> None:
    with_gold(db)
    result = run(db, "gold", "remove", "t1", "x1")
    assert result.exit_code == 1 and "'x1' is not in the gold set" in result.output
    assert len(json.loads(ok(db, "gold", "list", "--json"))) == 7
    assert "Removed 2 items" in ok(db, "gold", "remove", "t1", "t2")


def test_import_csv(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "gold.csv"
    file.write_text(
        "\ufeffid,category,subcategory,purpose\r\nt1,1,,\r\nt4,pass,,check\r\n\r\nc1,4,,\r\n",
        encoding="utf-8",
    )
    assert "3 added, 0 replaced" in ok(db, "gold", "import", str(file))
    items = json.loads(ok(db, "gold", "list", "--json"))
    assert [(i["sample_id"], i["purpose"], i["kind"], i["category"]) for i in items] == [
        ("t1", "training", "bug", 1),
        ("t4", "check", "pass", None),
        ("c1", "training", "bug", 4),
    ]
    assert {i["source"] for i in items} == {"import:gold.csv"}


BAD_FILES = [
    ("id,category,subcategory\nt1,1,\nnope,2,\n", "gold.csv:3 field 'id': no sample 'nope'"),
    ("id,category,subcategory\nt1,99,\n", "gold.csv:2 field 'category': unknown category 99"),
    ("id,category,subcategory\nt1,one,\n", "gold.csv:2 field 'category': 'one' is neither"),
    ("id,category,subcategory\nt1,1,Nope\n", "gold.csv:2 field 'subcategory': category 1 has no"),
    ("id,category,subcategory\nt1,pass,X\n", "gold.csv:2 field 'subcategory': a pass has no"),
    ("id,category,subcategory\nt1,1,\nt1,2,\n", "gold.csv:3 field 'id': 't1' is listed twice"),
    ("id,category,subcategory\n,1,\n", "gold.csv:2 field 'id': no sample id"),
    ("id,category,subcategory,purpose\nt1,1,,exam\n", "gold.csv:2 field 'purpose': purpose must"),
    ("id,category,sub\nt1,1,\n", "gold.csv:1 field 'sub': unknown column 'sub'"),
    ("id,category\nt1,1\n", "gold.csv:1 field 'subcategory': no 'subcategory' column"),
    ("id,category,subcategory\nt1,1\n", "gold.csv:2: 2 cells, the header has 3"),
    ('id,category,subcategory\nt1,1,\nt2,"2,\n', "gold.csv:3: bad CSV"),
    ("", "gold.csv: empty file"),
]


@pytest.mark.parametrize(("content", "message"), BAD_FILES)
def test_import_bad_file_is_one_line_and_changes_nothing(
    db: Path, tmp_path: Path, content: str, message: str
) -> None:
    ok(db, "gold", "add", "--from-annotator", "final", "--ids", "t5")
    file = tmp_path / "gold.csv"
    file.write_text(content, encoding="utf-8")
    result = run(db, "gold", "import", str(file))
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], lines
    items = json.loads(ok(db, "gold", "list", "--json"))
    assert [(i["sample_id"], i["category"]) for i in items] == [("t5", 3)]


def test_import_not_utf8_and_folder(db: Path, tmp_path: Path) -> None:
    file = tmp_path / "gold.csv"
    file.write_bytes(b"id,category,subcategory\nt1,1,\xff\n")
    result = run(db, "gold", "import", str(file))
    assert result.exit_code == 1 and "not UTF-8" in result.output
    result = run(db, "gold", "import", str(tmp_path))
    assert result.exit_code != 0 and "Traceback" not in result.output


# -- training answers -------------------------------------------------------------
def test_training_answers_are_kept_apart(db: Path) -> None:
    with_gold(db)
    train(db, "newbie", {"t1": 1})
    with Store.open(db) as store:
        training = TrainingStore(store, "newbie")
        assert training.feedback("t2") is None  # nothing of the reference before an answer
        assert training.sample("c1") is None and training.sample("x1") is None
        with pytest.raises(UserError, match="answered already"):
            training.answer("t1", "bug", 2)
        with pytest.raises(UserError, match="not a training item"):
            training.answer("c1", "bug", 4)
        feedback = training.feedback("t1")
        assert feedback is not None and feedback.correct and feedback.reference_category == 1
        assert training.progress() == (1, 5)
        assert store.training_pending("newbie") == 4
        assert "newbie" not in store.annotators()
        assert list(store.labels("newbie")) == []


COMMANDS: list[tuple[str, ...]] = [
    ("status", "--json"),
    ("agreement", "--json", "--bootstrap", "0"),
    ("agreement", "--annotators", "ann1,ann2,final", "--json", "--bootstrap", "0"),
    ("report", "--bootstrap", "0"),
    ("export", "counts"),
    ("export", "counts", "--source", "majority"),
    ("export", "labels"),
]


def test_training_answers_count_nowhere(db: Path) -> None:
    """Every count, table and statistic is the same, byte for byte, after training answers
    (by a new name and by a rater of the study) as before."""
    with_gold(db)
    before = {args: ok(db, *args) for args in COMMANDS}
    train(db, "newbie", NEWBIE)
    train(db, "ann2", {"t1": 3, "t2": "pass"})
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM training_answers").fetchone() == (7,)
    for args in COMMANDS:
        assert _without_gold_facts(ok(db, *args)) == _without_gold_facts(before[args]), args
    assert "newbie" not in ok(db, "status")


def _without_gold_facts(text: str) -> str:
    """The output less the report's Method paragraph on gold accuracy: the one place where
    training answers are meant to show (each rater's training accuracy)."""
    return re.sub(r"^\*\*Gold\.\*\* .*$", "", text, flags=re.MULTILINE)


# -- the report, by hand -------------------------------------------------------------
def test_gold_report_by_hand(db: Path) -> None:
    with_gold(db)
    train(db, "newbie", NEWBIE)
    report = json.loads(ok(db, "gold", "report", "--json"))
    assert report["training_items"] == 5 and report["check_items"] == 2
    by_name = {a["annotator"]: a for a in report["annotators"]}
    # final is the check items' source: never scored against itself; ann1/ann2 gave
    # no training answer; the trainee labeled no check item.
    assert sorted(by_name) == ["ann1", "ann2", "newbie"]
    newbie = by_name["newbie"]
    # 3 of 5. Wilson 95 %, z = 1.959964: centre (0.6 + z²/10) / (1 + z²/5) = 0.5566,
    # half z·sqrt(0.6·0.4/5 + z²/100) / (1 + z²/5) = 0.3258 -> [23.1, 88.2].
    assert newbie["training"] == {"correct": 3, "n": 5, "percent": 60.0, "ci": [23.1, 88.2]}
    assert newbie["check"] == {"correct": 0, "n": 0, "percent": None, "ci": None}
    recall = {r["reference"]: (r["correct"], r["n"]) for r in newbie["training_by_reference"]}
    assert recall == {1: (1, 2), 2: (1, 1), 3: (0, 1), "pass": (1, 1)}
    assert [r["reference"] for r in newbie["training_by_reference"]] == [1, 2, 3, "pass"]
    # 1 of 1: [20.7, 100]; 0 of 1: [0, 79.3]; 1 of 2: [9.5, 90.5].
    cis = {r["reference"]: r["ci"] for r in newbie["training_by_reference"]}
    assert cis == {1: [9.5, 90.5], 2: [20.7, 100.0], 3: [0.0, 79.3], "pass": [20.7, 100.0]}
    # Check items: ann1 4 on c1 (right) and 1 on c2 (a pass: wrong) -> 1 of 2;
    # ann2 4 on c1 (right), skipped c2 (no answer) -> 1 of 1.
    assert by_name["ann1"]["check"] == {"correct": 1, "n": 2, "percent": 50.0, "ci": [9.5, 90.5]}
    assert by_name["ann2"]["check"]["correct"] == 1 and by_name["ann2"]["check"]["n"] == 1
    assert {
        r["reference"]: (r["correct"], r["n"]) for r in by_name["ann1"]["check_by_reference"]
    } == {
        4: (1, 1),
        "pass": (0, 1),
    }
    text = ok(db, "gold", "report")
    assert "training 3/5 = 60.0% [23.1, 88.2]" in text
    assert "Gold set: 5 training, 2 check items" in text


def test_gold_accuracy_is_typed_and_matches_a_statistics_package(db: Path) -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    with_gold(db)
    train(db, "newbie", NEWBIE)
    with Store.open(db) as store:
        found = {a.annotator: a for a in gold_accuracy(store)}
    newbie = found["newbie"]
    assert newbie.training == Accuracy(3, 5) and newbie.check == Accuracy(0, 0)
    low, high = proportion.proportion_confint(3, 5, alpha=0.05, method="wilson")
    assert newbie.training.ci == pytest.approx((low, high))


def test_report_without_gold(db: Path) -> None:
    assert "No training answer" in ok(db, "gold", "report")
    assert json.loads(ok(db, "gold", "report", "--json"))["annotators"] == []


# -- annotator label: the one line, and --training ---------------------------------------
@pytest.fixture
def ui_calls(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    calls: list[dict[str, Any]] = []

    def fake_run_ui(store: Store, annotator: str, *args: Any, **kwargs: Any) -> None:
        calls.append({"annotator": annotator, **kwargs})

    monkeypatch.setattr("annotator.cli.labeling.run_ui", fake_run_ui)
    return calls


def test_label_says_when_training_waits(db: Path, ui_calls: list[dict[str, Any]]) -> None:
    ok(db, "label", "--as", "newbie")
    assert ui_calls[-1]["notice"] is None  # no gold yet
    with_gold(db)
    result = CliRunner().invoke(cli, ["--db", str(db), "label", "--as", "newbie"])
    assert result.exit_code == 0
    line = "5 training items not yet answered by newbie: annotator label --as newbie --training"
    assert result.stderr.strip() == line
    assert ui_calls[-1]["notice"] == line and not ui_calls[-1].get("training")
    ok(db, "label", "--as", "newbie", "--training")
    assert ui_calls[-1]["training"] is True
    train(db, "newbie", NEWBIE)
    ok(db, "label", "--annotator", "newbie")
    assert ui_calls[-1]["notice"] is None


def test_label_training_without_items(db: Path, ui_calls: list[dict[str, Any]]) -> None:
    result = run(db, "label", "--as", "newbie", "--training")
    assert result.exit_code == 1 and "no training items" in result.output
    assert ui_calls == []


def test_check_accuracy_over_time(db: Path) -> None:
    """ann1 labeled c1 (right) before c2 (wrong): in blocks of one answer, 1/1 then 0/1."""
    with_gold(db)
    report = json.loads(ok(db, "gold", "report", "--json", "--block", "1"))
    ann1 = next(a for a in report["annotators"] if a["annotator"] == "ann1")
    periods = ann1["check_over_time"]
    assert [(p["correct"], p["n"]) for p in periods] == [(1, 1), (0, 1)]
    assert periods[0]["to"] <= periods[1]["from"]
    whole = json.loads(ok(db, "gold", "report", "--json"))
    ann1 = next(a for a in whole["annotators"] if a["annotator"] == "ann1")
    assert [(p["correct"], p["n"]) for p in ann1["check_over_time"]] == [(1, 2)]
    assert "check over time (blocks of 1 answers):" in ok(db, "gold", "report", "--block", "1")


def test_subcategory_level_and_labels_after_training(db: Path, tmp_path: Path) -> None:
    with Store.open(db) as store:
        first, second = (s.name for s in store.taxonomy.category(1).subcategories[:2])
    file = tmp_path / "gold.csv"
    file.write_text(f"id,category,subcategory\nt1,1,{first}\nt3,2,\n", encoding="utf-8")
    ok(db, "gold", "import", str(file))
    # ann1 labeled t1 before training on it: an independent rating. The trainee labels
    # it in the study after seeing the reference: counted apart.
    with Store.open(db) as store:
        TrainingStore(store, "newbie").answer("t1", "bug", 1, second)  # category right, sub wrong
        TrainingStore(store, "newbie").answer("t3", "bug", 2)  # no reference sub: right
        TrainingStore(store, "ann1").answer("t1", "bug", 1, first)
        store.set_label("t1", "newbie", LabelValue(category=1))
    report = json.loads(ok(db, "gold", "report", "--json"))
    by_name = {a["annotator"]: a for a in report["annotators"]}
    newbie = by_name["newbie"]
    assert (newbie["training"]["correct"], newbie["training"]["n"]) == (2, 2)
    assert (newbie["training_subcategory"]["correct"], newbie["training_subcategory"]["n"]) == (
        1,
        2,
    )
    assert newbie["labeled_after_training"] == 1
    assert by_name["ann1"]["training_subcategory"]["correct"] == 1
    assert by_name["ann1"]["labeled_after_training"] == 0
    text = ok(db, "gold", "report")
    assert "with the subcategory too: 1/2 = 50.0%" in text
    assert "1 study label(s) on training items written after seeing their reference" in text
