"""Issue #27's "Done when": one simulated study carried out end to end, as a group would.

Two annotators (alice, bob), a JSONL import of 34 failing samples, a gold set from a CSV (four
training items, four hidden check items), training through the training door the training
screen uses, a retest plan, three seeded rounds of ten (overlap all), each labeled in queue order
through :class:`annotator.labeling.LabelSession` over the annotator's
:class:`annotator.blind.BlindView` (so that the re-shows really come through the blind queue),
``round discuss`` and ``negotiate`` after each round; then every figure of the study
(``agreement``, ``agreement --retest``, ``gold report``, ``saturation``, ``report``'s Method
section in Markdown and LaTeX) is checked against the hand computation in the comments, and
the kappas against scikit-learn's ``cohen_kappa_score`` and the Wilson intervals against
statsmodels as oracles. Everything but the labeling goes through the real CLI.

Set ``ANNOTATOR_METHOD_OUT=FILE`` to keep the study's Method section (Markdown) in FILE.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from rawsql import tamper

from annotator.blind import BlindnessError, BlindView
from annotator.cli import cli
from annotator.labeling import LabelSession
from annotator.models import LabelValue
from annotator.store import SampleFilter, Store
from annotator.store.training import TrainingStore

P = "pass"
Answer = int | str
BOOT = "50"  # bootstrap iterations of every command (few: the intervals are not checked here)

# The seeded draws (`round new --size 10 --seed R`), in queue order (import order).
ROUNDS: list[list[str]] = [
    ["s03", "s04", "s05", "s09", "s15", "s16", "s19", "s25", "s26", "s28"],
    ["s02", "s06", "s08", "s10", "s17", "s18", "s20", "s22", "s24", "s29"],
    ["s01", "s07", "s11", "s12", "s13", "s14", "s21", "s23", "s27", "s30"],
]
# Initial answers by queue position, per round.
ALICE: list[list[Answer]] = [
    [1, 1, 1, 2, 2, 2, 3, 3, P, P],
    [5, 5, 5, 1, 1, 2, 2, 3, P, 5],
    [6, 6, 6, 6, 1, 2, 3, 5, P, P],
]
BOB: list[list[Answer]] = [
    [1, 1, 2, 2, 2, 3, 3, 1, P, P],
    [5, 5, 1, 1, 1, 2, 3, 3, P, P],
    [6, 6, 6, 1, 1, 2, 3, 5, 5, P],
]
# After `round discuss R`: (round, position, who, new answer, reason). Round 1 position 7 and
# round 2 position 6 stay in conflict.
NEGOTIATED: list[tuple[int, int, str, Answer, str | None]] = [
    (0, 2, "bob", 1, "the first failing assertion is the deviation"),
    (0, 5, "alice", 3, None),
    (1, 2, "bob", 5, "an empty input is an edge case"),
    (1, 9, "alice", P, "the test itself was wrong"),
    (2, 3, "bob", 6, None),
    (2, 8, "bob", P, "agreed after discussion"),
]
TRAINING_REFERENCE: dict[str, Answer] = {"t1": 1, "t2": 2, "t3": 3, "t4": P}
TRAINING: dict[str, dict[str, Answer]] = {
    "alice": {"t1": 1, "t2": 2, "t3": 3, "t4": 1},  # 3 of 4 (wrong on the pass)
    "bob": {"t1": 1, "t2": 3, "t3": 2, "t4": P},  # 2 of 4 (2 and 3 swapped)
}
# Hidden check items (ordinary samples of the rounds): round 1 positions 0 and 7, round 2
# position 6, round 3 position 4.
CHECK_REFERENCE: dict[str, Answer] = {"s03": 1, "s25": 3, "s20": 2, "s13": 10}
# The second answers on re-shows that differ from the first (every other re-show: the same).
SECONDS: dict[str, dict[str, Answer]] = {
    "alice": {"s26": 1},  # pass -> 1
    "bob": {"s25": 3, "s02": 1},  # 1 -> 3, 5 -> 1
}


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


def value_in(session: LabelSession, sample_id: str, answer: Answer) -> LabelValue:
    """The labeling screen's keys: a digit (category) or `o` (pass). alice labels with the
    suggestions on screen, bob with them hidden (``annotator label --blind-suggestions``)."""
    shown = session.annotator == "alice"
    if answer == P:
        return session.pass_value(sample_id, shown=shown)
    return session.category_value(sample_id, int(answer), None, shown=shown)


@dataclass
class Study:
    db: Path
    reshown: dict[tuple[str, int], list[str]] = field(default_factory=dict)
    """(annotator, round index) -> the samples re-shown in that sitting, in queue order."""
    current: dict[str, dict[str, Answer]] = field(default_factory=dict)
    """The current (negotiated) answer of each annotator per sample."""


def write_fixtures(tmp: Path) -> tuple[Path, Path]:
    lines = [
        json.dumps(
            {
                "id": sid,
                "prompt": f"Write function {sid}.",
                "generated_code": f"def f():\n    return {n}\n",
                "test_output": "E   AssertionError: assert 1 == 2\nFAILED test_f.py::test_f",
                "passed": False,
                "model": "m",
            }
        )
        for n, sid in enumerate([f"s{i:02d}" for i in range(1, 31)] + ["t1", "t2", "t3", "t4"])
    ]
    samples = tmp / "samples.jsonl"
    samples.write_text("\n".join(lines) + "\n", encoding="utf-8")
    gold = tmp / "gold.csv"
    rows = [f"{sid},{ref},,training" for sid, ref in TRAINING_REFERENCE.items()]
    rows += [f"{sid},{ref},,check" for sid, ref in CHECK_REFERENCE.items()]
    gold.write_text("id,category,subcategory,purpose\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return samples, gold


def label_round(study: Study, who: str, r: int, second: dict[str, Answer]) -> None:
    """One sitting of ``who``: the round's samples in queue order, then the re-shows."""
    table = ALICE if who == "alice" else BOB
    mine = study.current.setdefault(who, {})
    with Store.open(study.db) as store:
        view = BlindView(store, who)
        session = LabelSession(view)
        # A re-show counts as not yet decided in its round (as the queue shows it), so the
        # title's round is the oldest one with a re-show due, else this one.
        due = view.hidden()
        reopened = [q for q in range(r) if due & set(ROUNDS[q])]
        if reopened:
            q = reopened[0]
            expected = (f"round {q + 1}", 10 - len(due & set(ROUNDS[q])), 10)
        else:
            expected = (f"round {r + 1}", 0, 10)
        assert session.current_round() == expected
        # The queue, unlabeled part, in order: the round's samples (and any re-show of an
        # earlier round, which reads as a sample of that round still to do) first, then the
        # rest. Nothing of anyone's label on a row: the other annotator labeled the round's
        # samples already when alice sits down, and a re-show hides the first answer.
        rows = view.queue(SampleFilter(status="unlabeled"))
        for row in rows:
            assert (row.kind, row.category, row.subcategory, row.category2, row.flag) == (None,) * 5
            assert session.label(row.id) is None
        with pytest.raises(BlindnessError):
            view.queue(SampleFilter(status="disagreement"))
        reshown: list[str] = []
        for row in rows:
            if row.id in ROUNDS[r]:
                answer = table[r][ROUNDS[r].index(row.id)]
                mine[row.id] = answer
            elif row.id in mine:  # labeled in an earlier sitting: a re-show
                reshown.append(row.id)
                answer = second.get(row.id, mine[row.id])
            else:  # a training item or a sample of no round yet: not this sitting's work
                continue
            session.save(row.id, value_in(session, row.id, answer))
        assert session.current_round() == (f"round {r + 1}", 10, 10)
        assert set(ROUNDS[r]) <= {row.id for row in rows}
        study.reshown[who, r] = reshown
        # Every re-show answered: the sitting's count is the study's again.
        assert session.progress() == (10 * (r + 1), 34)


def carry_out(tmp: Path, seconds: dict[str, dict[str, Answer]]) -> Study:
    samples, gold = write_fixtures(tmp)
    study = Study(tmp / "study.db")
    db = study.db
    assert "34 new" in run(db, "import", "jsonl", str(samples))
    assert f"{4 + len(CHECK_REFERENCE)} added" in run(db, "gold", "import", str(gold))
    before = run(db, "status", "--json")
    with Store.open(db) as store:
        for who, answers in TRAINING.items():
            training = TrainingStore(store, who)
            for sid, answer in answers.items():
                assert training.feedback(sid) is None  # nothing of the reference before
                if answer == P:
                    feedback = training.answer(sid, "pass")
                else:
                    feedback = training.answer(sid, "bug", int(answer))
                assert feedback.correct == (answer == TRAINING_REFERENCE[sid])
    assert run(db, "status", "--json") == before  # training answers count nowhere
    run(db, "retest", "set", "0.3", "--after", "5", "--seed", "4")
    for r in range(3):
        out = run(db, "round", "new", "--size", "10", "--seed", str(r + 1), "--overlap", "all",
                  "--annotators", "alice,bob", "--new-annotators")  # fmt: skip
        drawn = sorted(line.split()[0] for line in out.splitlines() if line.startswith("  "))
        assert drawn == ROUNDS[r]
        for who in ("bob", "alice"):
            label_round(study, who, r, seconds.get(who, {}))
        run(db, "round", "discuss", str(r + 1))
        for rr, position, who, answer, reason in NEGOTIATED:
            if rr != r:
                continue
            sid = ROUNDS[r][position]
            args = ["--pass"] if answer == P else ["--category", str(answer)]
            run(db, "negotiate", sid, "--as", who, *args, *(["--reason", reason] if reason else []))
            study.current[who][sid] = answer
    return study


# -- the study, carried out once ---------------------------------------------------------
@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Study:
    return carry_out(tmp_path_factory.mktemp("study"), SECONDS)


def initial(table: list[list[Answer]]) -> list[list[Answer]]:
    return [list(row) for row in table]


def negotiated(who: str) -> list[list[Answer]]:
    rows = initial(ALICE if who == "alice" else BOB)
    for r, position, name, answer, _ in NEGOTIATED:
        if name == who:
            rows[r][position] = answer
    return rows


def flat(rows: Sequence[Sequence[Answer]]) -> list[Answer]:
    return [a for row in rows for a in row]


def sk_kappa(a: Sequence[Answer], b: Sequence[Answer]) -> float:
    sklearn = pytest.importorskip("sklearn.metrics")
    return float(sklearn.cohen_kappa_score([str(x) for x in a], [str(x) for x in b]))


def cohen(block: dict[str, Any]) -> tuple[float, float]:
    (pair,) = block["pairs"]
    assert (pair["a"], pair["b"]) == ("alice", "bob")
    return float(pair["percent"]), float(pair["cohen_kappa"])


# By hand, per round (A alice, B bob; p_o agreements/10; p_e the sum over categories of the
# products of the two marginals, /100; kappa = (p_o - p_e) / (1 - p_e)):
#
# round 1 initial   A 1,1,1,2,2,2,3,3,P,P  B 1,1,2,2,2,3,3,1,P,P  disagree at 2, 5, 7
#                   p_o 7/10; marginals A = B = 1:3 2:3 3:2 P:2; p_e (9+9+4+4)/100 = 26/100
#                   kappa (70-26)/74 = 22/37
# round 1 negotiated B 2->1 at 2, A 2->3 at 5 (7 stays): p_o 9/10; A 1:3 2:2 3:3 P:2,
#                   B 1:4 2:2 3:2 P:2; p_e (12+4+6+4)/100 = 26/100; kappa 64/74 = 32/37
# round 2 initial   A 5,5,5,1,1,2,2,3,P,5  B 5,5,1,1,1,2,3,3,P,P  disagree at 2, 6, 9
#                   p_o 7/10; A 5:4 1:2 2:2 3:1 P:1, B 5:2 1:3 2:1 3:2 P:2;
#                   p_e (8+6+2+2+2)/100 = 20/100; kappa 50/80 = 5/8
# round 2 negotiated B 1->5 at 2, A 5->P at 9 (6 stays): p_o 9/10; A 5:3 1:2 2:2 3:1 P:2,
#                   B 5:3 1:2 2:1 3:2 P:2; p_e (9+4+2+2+4)/100 = 21/100; kappa 69/79
# round 3 initial   A 6,6,6,6,1,2,3,5,P,P  B 6,6,6,1,1,2,3,5,5,P  disagree at 3, 8
#                   p_o 8/10; A 6:4 1:1 2:1 3:1 5:1 P:2, B 6:3 1:2 2:1 3:1 5:2 P:1;
#                   p_e (12+2+1+1+2+2)/100 = 20/100; kappa 60/80 = 3/4
# round 3 negotiated B 1->6 at 3, 5->P at 8: p_o 10/10, kappa 1
# overall initial   p_o 22/30; A 1:6 2:6 3:4 5:5 6:4 P:5, B 1:8 2:5 3:5 5:4 6:3 P:5;
#                   p_e (48+30+20+20+12+25)/900 = 31/180; kappa (132-31)/(180-31) = 101/149
# overall negotiated p_o 28/30; A 1:6 2:5 3:5 5:4 6:4 P:6, B 1:7 2:4 3:5 5:4 6:4 P:6;
#                   p_e (42+20+25+16+16+36)/900 = 31/180; kappa (168-31)/149 = 137/149
HAND_ROUNDS = [
    ((Fraction(7, 10), Fraction(22, 37)), (Fraction(9, 10), Fraction(32, 37))),
    ((Fraction(7, 10), Fraction(5, 8)), (Fraction(9, 10), Fraction(69, 79))),
    ((Fraction(8, 10), Fraction(3, 4)), (Fraction(1), Fraction(1))),
]
HAND_OVERALL = ((Fraction(22, 30), Fraction(101, 149)), (Fraction(28, 30), Fraction(137, 149)))


def test_initial_and_negotiated_agreement_per_round_and_overall(study: Study) -> None:
    report = json.loads(run(study.db, "agreement", "--json", "--bootstrap", BOOT))
    assert [e["round"] for e in report["rounds"]] == [1, 2, 3]
    alice0, bob0, alice1, bob1 = (
        initial(ALICE),
        initial(BOB),
        negotiated("alice"),
        negotiated("bob"),
    )
    for r, entry in enumerate(report["rounds"]):
        (p_i, k_i), (p_n, k_n) = HAND_ROUNDS[r]
        assert entry["size"] == 10
        assert cohen(entry["initial"]) == pytest.approx((float(p_i), float(k_i)))
        assert cohen(entry["negotiated"]) == pytest.approx((float(p_n), float(k_n)))
        assert float(k_i) == pytest.approx(sk_kappa(alice0[r], bob0[r]))
        assert float(k_n) == pytest.approx(sk_kappa(alice1[r], bob1[r]))
    (p_i, k_i), (p_n, k_n) = HAND_OVERALL
    assert report["initial"]["n_items"] == report["n_items"] == 30
    assert cohen(report["initial"]) == pytest.approx((float(p_i), float(k_i)))
    assert cohen(report) == pytest.approx((float(p_n), float(k_n)))
    assert float(k_i) == pytest.approx(sk_kappa(flat(alice0), flat(bob0)))
    assert float(k_n) == pytest.approx(sk_kappa(flat(alice1), flat(bob1)))
    # Per round on its own: the same figures as in the per-round list.
    one = json.loads(run(study.db, "agreement", "--round", "2", "--json", "--bootstrap", BOOT))
    assert cohen(one["initial"]) == pytest.approx((0.7, 5 / 8))
    assert cohen(one) == pytest.approx((0.9, 69 / 79))
    # The discussion kept who changed what and why; the two unresolved conflicts remain.
    for r in range(3):
        doc = json.loads(run(study.db, "round", "discuss", str(r + 1), "--no-record", "--json"))
        changes = {
            (c["sample_id"], ch["annotator"], ch["reason"])
            for c in doc["conflicts"]
            for ch in c["changes"]
        }
        want = {(ROUNDS[r][i], who, reason) for rr, i, who, _, reason in NEGOTIATED if rr == r}
        assert changes == want


# The re-shows, as they came through the blind queue (retest set 0.3 --after 5 --seed 4):
# in round 2's sitting those of round 1 with five or more later decisions of their annotator;
# in round 3's the rest of the share, except the samples whose disagreement was shown to the
# annotator by `round discuss` (s05, s16 and s25 of the share): after seeing the other
# rater's answer, a second answer would not measure the annotator against themselves.
RESHOWN = {
    ("bob", 0): [],
    ("alice", 0): [],
    ("bob", 1): ["s03"],
    ("alice", 1): ["s15"],
    ("bob", 2): ["s19", "s02", "s17"],
    ("alice", 2): ["s19", "s26", "s28", "s10"],
}


def test_the_reshows_came_through_the_blind_queue(study: Study) -> None:
    assert study.reshown == RESHOWN
    with Store.open(study.db) as store:
        pairs = {(p.annotator, p.sample_id) for p in store.retest_pairs()}
    assert pairs == {(who, sid) for (who, _), ids in RESHOWN.items() for sid in ids}


# By hand, self-agreement (first answer: the label when re-shown):
# alice s10 s15 s19 s26 s28 (import order)
#   first  1 2 3 P P   second 1 2 3 1 P   p_o 4/5 (flip s26 pass -> 1)
#   marginals first 1:1 2:1 3:1 P:2, second 1:2 2:1 3:1 P:1
#   p_e (2+1+1+2)/25 = 6/25; kappa (4/5 - 6/25) / (19/25) = 14/19
# bob   s02 s03 s17 s19
#   first  5 1 1 3     second 1 1 1 3     p_o 3/4 (flip s02 5 -> 1)
#   marginals first 1:2 3:1 5:1, second 1:3 3:1
#   p_e (6+1+0)/16 = 7/16; kappa (3/4 - 7/16) / (9/16) = 5/9
def test_retest_self_agreement_by_hand(study: Study) -> None:
    doc = json.loads(run(study.db, "agreement", "--retest", "--json", "--bootstrap", BOOT))
    got = {a["annotator"]: a for a in doc["annotators"]}
    alice, bob = got["alice"], got["bob"]
    assert (alice["n"], alice["percent"]) == (5, pytest.approx(4 / 5))
    assert alice["cohen_kappa"] == pytest.approx(14 / 19)
    assert alice["flips"] == [{"sample_id": "s26", "first": "pass", "second": "1"}]
    assert (bob["n"], bob["percent"]) == (4, pytest.approx(3 / 4))
    assert bob["cohen_kappa"] == pytest.approx(5 / 9)
    assert bob["flips"] == [{"sample_id": "s02", "first": "5", "second": "1"}]
    assert alice["cohen_kappa"] == pytest.approx(sk_kappa([1, 2, 3, P, P], [1, 2, 3, 1, P]))
    assert bob["cohen_kappa"] == pytest.approx(sk_kappa([5, 1, 1, 3], [1, 1, 1, 3]))
    # The second answers changed no label: the study's figures are the first answers'.
    status = json.loads(run(study.db, "status", "--json"))
    assert status["annotators"]["alice"]["decided"] == status["annotators"]["bob"]["decided"] == 30


# By hand, gold: training alice 1,2,3,1 against 1,2,3,pass -> 3/4 (wrong on the pass); bob
# 1,3,2,pass -> 2/4 (wrong on 2 and 3). Check items, their current study labels: s03 ref 1
# (both 1: right), s25 ref 3 (alice 3 right, bob 1 wrong, left unresolved), s20 ref 2 (alice
# 2 right, bob 3 wrong, unresolved), s13 ref 10 (both 1: wrong) -> alice 3/4, bob 1/4.
# Wilson 95% for 3 of 4 (z^2 = 3.8415): centre (0.75 + z^2/8) / (1 + z^2/4) = 0.6275, half
# z * sqrt(0.75 * 0.25 / 4 + z^2/64) / (1 + z^2/4) = 0.3269 -> [30.1, 95.4]; 1 of 4 is its
# mirror [4.6, 69.9]; 2 of 4: 0.5 +- 0.3503 -> [15.0, 85.0].
def test_gold_accuracy_by_hand(study: Study) -> None:
    proportion = pytest.importorskip("statsmodels.stats.proportion")
    report = json.loads(run(study.db, "gold", "report", "--json"))
    assert (report["training_items"], report["check_items"]) == (4, 4)
    got = {a["annotator"]: a for a in report["annotators"]}
    assert sorted(got) == ["alice", "bob"]
    want = {
        ("alice", "training"): (3, 4, [30.1, 95.4]),
        ("alice", "check"): (3, 4, [30.1, 95.4]),
        ("bob", "training"): (2, 4, [15.0, 85.0]),
        ("bob", "check"): (1, 4, [4.6, 69.9]),
    }
    for (who, part), (correct, n, ci) in want.items():
        block = got[who][part]
        assert (block["correct"], block["n"], block["percent"], block["ci"]) == (
            correct,
            n,
            100 * correct / n,
            ci,
        )
        low, high = proportion.proportion_confint(correct, n, alpha=0.05, method="wilson")
        assert ci == [round(100 * low, 1), round(100 * high, 1)]
    recall = {
        (who, part): {
            r["reference"]: (r["correct"], r["n"]) for r in got[who][f"{part}_by_reference"]
        }
        for who in got
        for part in ("training", "check")
    }
    assert recall["alice", "training"] == {1: (1, 1), 2: (1, 1), 3: (1, 1), "pass": (0, 1)}
    assert recall["bob", "training"] == {1: (1, 1), 2: (0, 1), 3: (0, 1), "pass": (1, 1)}
    assert recall["alice", "check"] == {1: (1, 1), 2: (1, 1), 3: (1, 1), 10: (0, 1)}
    assert recall["bob", "check"] == {1: (1, 1), 2: (0, 1), 3: (0, 1), 10: (0, 1)}
    # Training items were never drawn into a round, so no study label follows a reference.
    assert got["alice"]["labeled_after_training"] == got["bob"]["labeled_after_training"] == 0


COUNTS: list[tuple[str, ...]] = [
    ("status", "--json"),
    ("round", "list", "--json"),
    ("agreement", "--json", "--bootstrap", "0"),
    ("agreement", "--retest", "--json", "--bootstrap", "0"),
    ("saturation", "--json"),
    ("export", "counts"),
    ("export", "labels"),
]


def test_training_answers_count_nowhere(study: Study, tmp_path: Path) -> None:
    # The same study without its training answers prints the same bytes everywhere.
    untrained = tmp_path / "untrained.db"
    shutil.copy(study.db, untrained)
    with Store.open(untrained) as store:
        conn = tamper(store)
        conn.execute("DELETE FROM training_answers")
        conn.commit()
    for args in COUNTS:
        assert run(study.db, *args) == run(untrained, *args), args
    status = json.loads(run(study.db, "status", "--json"))
    assert sorted(status["annotators"]) == ["alice", "bob"]
    listed = json.loads(run(study.db, "round", "list", "--json"))
    assert [(r["size"], r["closed"]) for r in listed] == [(10, True)] * 3
    drawn = set(flat(ROUNDS))
    assert not drawn & set(TRAINING_REFERENCE)
    with Store.open(study.db) as store:
        assert len(store.training_answers()) == 8
        assert {label.sample_id for label in store.labels()} == drawn


# By hand, saturation per round: conflicts 3, 3, 2 (the initial disagreements above);
# categories first used 1, 2, 3 | 5 | 6; subcategories first used: the single subcategories
# that categories 2 and 3 get when chosen, in round 1 only (5 and 6 were chosen without one).
def test_saturation_by_hand(study: Study) -> None:
    doc = json.loads(run(study.db, "saturation", "--json"))
    assert doc["batches_from"] == "rounds"
    batches = doc["batches"]
    assert [b["conflicts"] for b in batches] == [3, 3, 2]
    assert [b["new_categories"] for b in batches] == [[1, 2, 3], [5], [6]]
    assert [len(b["new_subcategories"]) for b in batches] == [2, 0, 0]
    assert [b["new_subcategories"][0].split("/")[0] for b in batches[:1]] == ["2"]
    assert [b["categories_so_far"] for b in batches] == [3, 4, 5]
    assert [b["conflicts_so_far"] for b in batches] == [3, 6, 8]
    assert [b["double_coded"] for b in batches] == [10, 10, 10]


def method_of(text: str) -> str:
    return text.split("## Method", 1)[1].split("\n## ", 1)[0]


def test_the_method_section_states_the_same_numbers(study: Study) -> None:
    markdown = method_of(run(study.db, "report", "--bootstrap", BOOT))
    latex = run(study.db, "report", "--format", "latex", "--bootstrap", BOOT)
    if out := os.environ.get("ANNOTATOR_METHOD_OUT"):
        Path(out).write_text("## Method" + markdown, encoding="utf-8")
    agreement = json.loads(run(study.db, "agreement", "--json", "--bootstrap", BOOT))
    retest = json.loads(run(study.db, "agreement", "--retest", "--json", "--bootstrap", BOOT))
    (_, k_i), (_, k_n) = cohen(agreement["initial"]), cohen(agreement)
    ci_i, ci_n = agreement["initial"]["pairs"][0]["ci"], agreement["pairs"][0]["ci"]
    by_name = {a["annotator"]: a for a in retest["annotators"]}
    lo_a, hi_a = by_name["alice"]["ci"]
    lo_b, hi_b = by_name["bob"]["ci"]
    # Every figure of the hand computation, with the intervals the commands print.
    facts = [
        ("Raters: 2 (alice, bob); samples to label: 34", None),
        ("decided per rater (a category or pass): alice 30, bob 30", None),
        ("Rounds: 3 (sizes 10, 10, 10; 3 closed)", None),
        ("alice and bob: 30 samples, agreement 73.3% ", f"Cohen's κ {k_i:.3f} "),
        ("alice and bob: 30 samples, agreement 93.3% ", f"Cohen's κ {k_n:.3f} "),
        (
            "percent agreement per round, initial to negotiated: round 1 70.0% to 90.0%;"
            " round 2 70.0% to 90.0%; round 3 80.0% to 100.0%",
            None,
        ),
        ("labels changed after the disagreement was discussed (negotiated): 6", None),
        ("alice 5 samples, agreement 80.0%, Cohen's κ 0.737 ", "1 flip"),
        ("bob 4 samples, agreement 75.0%, Cohen's κ 0.556 ", "1 flip"),
        ("Gold set: 4 training and 4 check items", None),
        ("alice training 3/4 = 75.0% ", "check 3/4 = 75.0% "),
        ("bob training 2/4 = 50.0% ", "check 1/4 = 25.0% "),
        ("conflicts between initial decisions per round: 3, 3, 2", None),
        ("categories used for the first time per round: 3, 1, 1", None),
        ("subcategories used for the first time per round: 2, 0, 0", None),
        ("categories used in all: 5 of 14", None),
    ]
    assert f"{k_i:.3f}" == f"{101 / 149:.3f}" and f"{k_n:.3f}" == f"{137 / 149:.3f}"
    tex = latex.replace("\\%", "%").replace("$\\kappa$", "κ").replace("$\\alpha$", "α")
    for first, second in facts:
        for text in (markdown, tex):
            assert first in text, first
            if second is not None:
                assert second in text.split(first, 1)[1], (first, second)
    intervals = [
        f"Cohen's κ {k_i:.3f} \\[{ci_i[0]:.3f}, {ci_i[1]:.3f}\\]",
        f"Cohen's κ {k_n:.3f} \\[{ci_n[0]:.3f}, {ci_n[1]:.3f}\\]",
        f"Cohen's κ 0.737 \\[{lo_a:.3f}, {hi_a:.3f}\\], 1 flip",
        f"Cohen's κ 0.556 \\[{lo_b:.3f}, {hi_b:.3f}\\], 1 flip",
        "check 1/4 = 25.0% \\[4.6, 69.9\\]",
    ]
    for text in intervals:
        assert text in markdown, text
        assert text.replace("\\[", "[").replace("\\]", "]") in tex, text
    for command in (
        f"annotator agreement --bootstrap {BOOT} --json",
        f"annotator agreement --retest --bootstrap {BOOT} --json",
        "annotator gold report --json",
        "annotator saturation --json",
        "annotator round list --json",
        "annotator status --json",
    ):
        assert f"(`{command}`)" in markdown, command
        assert f"\\footnote{{\\texttt{{{command}}}}}" in latex, command
    # bob labeled with the suggestions hidden: his 30 labels of the 60 recorded.
    assert "30 of 60 (50.0%)" in markdown
