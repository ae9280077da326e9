"""Test-retest: the study's plan, blind re-shows in the core, second answers kept apart,
and each annotator's self-agreement against a hand computation.

Real SQLite files, the real CLI (``CliRunner`` over ``annotator.cli.cli``) and the
labeling session (:class:`annotator.labeling.LabelSession` over a
:class:`annotator.blind.BlindView`), as the labeling screen uses them.
"""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner
from clirun import ok
from rawsql import peek, tamper

from annotator.agreement import retest_agreement
from annotator.blind import BlindView
from annotator.cli import cli
from annotator.labeling import LabelSession
from annotator.models import LabelValue, SampleIn
from annotator.store import SampleFilter, Store
from annotator.store.retest import picked

IDS = [f"s{i:02d}" for i in range(1, 9)]


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """Eight failing samples; alice labeled s01..s06 (in that order) before the sitting."""
    path = tmp_path / "retest.db"
    with Store.open(path) as store:
        for sid in IDS:
            store.upsert_sample(SampleIn(id=sid, generated_code=f"x = '{sid}'", passed=False))
        for i, sid in enumerate(IDS[:6]):
            store.set_label(
                sid, "alice", LabelValue(category=1 + i % 3, subcategory=None, note=f"first {sid}")
            )
        store.set_label("s01", "bob", LabelValue(category=1))
    return path


def table_rows(path: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(path)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def test_the_plan_is_stored_in_the_database_for_every_sitting(db: Path) -> None:
    assert "No retest plan." in ok(db, "retest", "show")
    out = ok(db, "retest", "set", "0.05", "--after", "20", "--days", "3", "--seed", "7")
    assert "5.0% of each annotator's decided samples" in out
    assert "at least 20 other samples decided since or 3 days" in out
    doc = json.loads(ok(db, "retest", "show", "--json"))
    assert (doc["share"], doc["after"], doc["days"], doc["seed"]) == (0.05, 20, 3.0, 7)
    with Store.open(db) as store:
        plan = store.retest_plan()
        assert plan is not None and plan.share == 0.05
    assert "Retest off." in ok(db, "retest", "set", "0")
    with Store.open(db) as store:
        assert store.retest_plan() is None
        assert store.retest_due("alice") == frozenset()


def test_bad_share_is_one_clear_error_and_changes_nothing(db: Path) -> None:
    result = CliRunner().invoke(cli, ["--db", str(db), "retest", "set", "1.5"])
    assert result.exit_code == 2 and "1.5" in result.output
    with Store.open(db) as store:
        assert store.retest_plan() is None


def test_the_choice_is_stable_and_about_the_share() -> None:
    ids = [f"task{i}" for i in range(4000)]
    first = {sid for sid in ids if picked(3, "alice", sid, 0.05)}
    # Recomputed, or among other samples: the same samples.
    assert first == {sid for sid in reversed(ids) if picked(3, "alice", sid, 0.05)}
    assert first == {sid for sid in ids[:2000] if picked(3, "alice", sid, 0.05)} | {
        sid for sid in ids[2000:] if picked(3, "alice", sid, 0.05)
    }
    assert 0.035 < len(first) / len(ids) < 0.065
    # Another annotator or seed: another draw; a larger share keeps the smaller one's picks.
    assert first != {sid for sid in ids if picked(3, "bob", sid, 0.05)}
    assert first != {sid for sid in ids if picked(4, "alice", sid, 0.05)}
    assert first <= {sid for sid in ids if picked(3, "alice", sid, 0.10)}


def test_due_after_n_other_decided_samples(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        # s01 has 5 decided after it, s03 3, s04 2: s01..s03 are due; bob's s01 is not.
        assert store.retest_due("alice") == {"s01", "s02", "s03"}
        assert store.retest_due("bob") == frozenset()
    ok(db, "retest", "set", "1", "--after", "100", "--days", "0")
    with Store.open(db) as store:
        assert store.retest_due("alice") == set(IDS[:6])  # 0 days: every one, by time
    ok(db, "retest", "set", "1", "--after", "100", "--days", "1")
    with Store.open(db) as store:
        assert store.retest_due("alice") == frozenset()


def test_a_reshow_reads_as_never_labeled_in_every_view_method(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        fresh = {r.id: r for r in view.queue()}
        for sid in ("s01", "s02", "s03"):
            assert view.label(sid) is None
            row = fresh[sid]
            assert (row.kind, row.category, row.subcategory, row.flag) == (None,) * 4
        # The queue: the re-shows among the unlabeled, in import order, as s07 and s08 are.
        order = [r.id for r in view.queue()]
        assert order == ["s01", "s02", "s03", "s07", "s08", "s04", "s05", "s06"]
        unlabeled = SampleFilter(status="unlabeled")
        assert [r.id for r in view.queue(unlabeled)] == ["s01", "s02", "s03", "s07", "s08"]
        assert view.queue_count(unlabeled) == 5
        assert view.queue_count(SampleFilter(status="labeled")) == 3
        assert view.labeled_among(IDS) == {"s04", "s05", "s06"}
        # Their first notes are not searchable, their categories not examples or cluster votes.
        assert view.queue_count(SampleFilter(text="first")) == 3
        assert set(view.search_matches(IDS, "first")) == {"s04", "s05", "s06"}
        examples = view.category_examples(1, limit=10)
        assert "s01" not in {e.sample_id for e in examples}
        assert "s04" in {e.sample_id for e in examples}
        assert view.own_categories(IDS) == {"s04": {1}, "s05": {2}, "s06": {3}}
        # The title's progress counts them as the queue shows them: not labeled (the study's
        # count, `annotator status`, is 6: a count that did not move on answering would tell).
        assert view.progress() == (3, 8)
        assert store.annotator_progress("alice").of_to_label == 6  # type: ignore[union-attr]
        # A view without a plan's re-shows (bob) sees his label.
        assert BlindView(store, "bob").label("s01") is not None


def test_saving_a_reshow_writes_the_second_answer_only_and_undo_removes_it(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    before_status = ok(db, "status", "--json")
    before_agreement = ok(db, "agreement", "--json", "--bootstrap", "0")
    with Store.open(db) as store:
        history = peek(store, "SELECT COUNT(*) FROM label_history")[0][0]
        first = store.label("s01", "alice")
        session = LabelSession(BlindView(store, "alice"))
        session.save("s01", session.category_value("s01", 3, None))
        session.save("s01", session.note_value("s01", "second look"))
        # The sitting shows the second answer as the label (as for any sample just labeled).
        shown = session.label("s01")
        assert shown is not None and (shown.category, shown.note) == (3, "second look")
        row = next(r for r in session.view.queue() if r.id == "s01")
        assert (row.kind, row.category) == ("bug", 3)
        assert "s01" in session.view.labeled_among(["s01"])
        # The first answer, its history and every study count are untouched.
        assert store.label("s01", "alice") == first
        assert peek(store, "SELECT COUNT(*) FROM label_history")[0][0] == history
    # Committed: another connection reads it.
    assert table_rows(db, "SELECT sample_id, annotator, category, note FROM retest_answers") == [
        ("s01", "alice", 3, "second look")
    ]
    assert ok(db, "status", "--json") == before_status
    assert ok(db, "agreement", "--json", "--bootstrap", "0") == before_agreement
    with Store.open(db) as store:
        session = LabelSession(BlindView(store, "alice"))
        # A later sitting: s01 was answered, so it is not shown again, and shows its label.
        assert session.label("s01") == store.label("s01", "alice")
        # Undo within a sitting goes back step by step, to no second answer.
        session.save("s02", LabelValue(kind="pass"))
        session.save("s02", LabelValue(category=2))
        assert session.undo() == ["s02"]
        again = session.label("s02")
        assert again is not None and again.kind == "pass"
        assert session.undo() == ["s02"]
        assert session.label("s02") is None
        assert store.label("s02", "alice") is not None  # the first answer stays
        assert store.retest_answer("s02", "alice") is None


def test_labels_written_in_the_sitting_are_not_reshown_in_it(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "0")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        assert view.hidden() == set(IDS[:6])
        session = LabelSession(view)
        session.save("s07", LabelValue(category=1))
        # s07 was decided in this sitting: shown with its label, saved to labels, undoable.
        assert view.label("s07") is not None and "s07" not in view.hidden()
        assert session.undo() == ["s07"] and store.label("s07", "alice") is None


def test_a_crash_before_commit_loses_nothing(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        view.set_label("s01", LabelValue(category=2))
        # Saving the next answer dies inside its transaction (a bad category is refused
        # before, so break the write itself): nothing of it is kept, nothing before is lost.
        conn = tamper(store)
        conn.execute(
            "CREATE TEMP TRIGGER boom BEFORE UPDATE ON retest_answers"
            " BEGIN SELECT RAISE(ABORT, 'crash'); END"
        )
        with pytest.raises(sqlite3.IntegrityError):
            view.set_label("s01", LabelValue(category=3))
        with pytest.raises(sqlite3.IntegrityError):
            store.put_retest_answer("s01", "alice", LabelValue(category=3))
    assert table_rows(db, "SELECT category FROM retest_answers") == [(2,)]
    assert table_rows(
        db, "SELECT category FROM labels WHERE annotator = 'alice' AND sample_id = 's01'"
    ) == [(1,)]


WRITER = """
import sys
from annotator.blind import BlindView
from annotator.models import LabelValue
from annotator.store import Store
store = Store.open(sys.argv[1])
view = BlindView(store, sys.argv[2])
done = 0
for i, sid in enumerate(store.sample_ids()):
    view.set_label(sid, LabelValue(category=1 + i % 5))
    done += 1
print("done", done, len(view.hidden()))
"""


def test_two_processes_answer_reshows_and_label_at_once(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    ids = [f"t{i:03d}" for i in range(300)]
    with Store.open(db) as store, store.transaction():
        for sid in ids:
            store.upsert_sample(SampleIn(id=sid, generated_code=f"x = {sid!r}", passed=False))
        for who in ("alice", "bob"):
            for sid in ids[:200]:
                store.set_label(sid, who, LabelValue(category=2))
        store.set_retest_plan(0.2, after=10, seed=5)
    with Store.open(db) as store:
        due = {who: store.retest_due(who) for who in ("alice", "bob")}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), who],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for who in ("alice", "bob")
    ]
    for who, proc in zip(("alice", "bob"), procs, strict=True):
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        assert out.split() == ["done", "300", str(len(due[who]))]
    with Store.open(db) as store:
        for who in ("alice", "bob"):
            assert 10 < len(due[who]) < 80
            answers = {p.sample_id for p in store.retest_pairs() if p.annotator == who}
            assert answers == due[who]
            labels = {label.sample_id: label for label in store.labels(annotator=who)}
            assert len(labels) == 300
            # The first answers of the re-shows are untouched; the rest were (re)written.
            assert all(labels[sid].category == 2 and labels[sid].revision == 1 for sid in due[who])


# First and second answers (category; pass; a skip) of alice, and one pair of bob.
FIRSTS: dict[str, int | str] = {"s01": 1, "s02": 1, "s03": 2, "s04": 2, "s05": "pass", "s06": 3}
SECONDS: dict[str, int | str] = {"s01": 1, "s02": 1, "s03": 2, "s04": 1, "s05": "pass", "s06": 3}


def _value(v: int | str) -> LabelValue:
    return LabelValue(kind="pass") if v == "pass" else LabelValue(category=int(v))


def test_self_agreement_matches_a_hand_computation(tmp_path: Path) -> None:
    path = tmp_path / "hand.db"
    with Store.open(path) as store:
        for sid in [*FIRSTS, "s07", "s08"]:
            store.upsert_sample(SampleIn(id=sid, generated_code="x = 1", passed=False))
        for sid, v in FIRSTS.items():
            store.set_label(sid, "alice", _value(v))
        store.set_label("s07", "alice", LabelValue(category=4))
        store.set_label("s08", "bob", LabelValue(category=4))
        for sid, v in SECONDS.items():
            store.put_retest_answer(sid, "alice", _value(v))
        store.put_retest_answer("s07", "alice", LabelValue(kind="skip"))
        store.put_retest_answer("s08", "bob", LabelValue(category=5))
        # Editing the label afterwards does not rewrite the test: the first answer stays.
        store.set_label("s04", "alice", LabelValue(category=1))
        alice, bob = retest_agreement(store, n_boot=0)
    # By hand: 6 pairs, 5 agree. First marginals 1:2 2:2 pass:1 3:1; second 1:3 2:1 pass:1
    # 3:1. p_e = (2*3 + 2*1 + 1*1 + 1*1) / 36 = 10/36; kappa = (5/6 - 10/36) / (1 - 10/36)
    # = 20/26.
    assert (alice.annotator, alice.n, alice.dropped) == ("alice", 6, 1)
    assert alice.percent == pytest.approx(5 / 6)
    assert alice.kappa.value == pytest.approx(20 / 26)
    assert [(f.sample_id, f.first, f.second) for f in alice.flips] == [("s04", "2", "1")]
    assert (bob.n, bob.percent, bob.kappa.value) == (1, 0.0, 0.0)  # p_e = 0: kappa = p_o
    assert [(f.first, f.second) for f in bob.flips] == [("4", "5")]
    sklearn = pytest.importorskip("sklearn.metrics")
    firsts = [str(v) for v in FIRSTS.values()]
    seconds = [str(v) for v in SECONDS.values()]
    assert alice.kappa.value == pytest.approx(sklearn.cohen_kappa_score(firsts, seconds))

    doc = json.loads(ok(path, "agreement", "--retest", "--json", "--bootstrap", "200"))
    got = {a["annotator"]: a for a in doc["annotators"]}
    assert got["alice"]["n"] == 6 and got["alice"]["cohen_kappa"] == pytest.approx(20 / 26)
    lo, hi = got["alice"]["ci"]
    assert lo <= 20 / 26 <= hi
    assert got["alice"]["flips"] == [{"sample_id": "s04", "first": "2", "second": "1"}]
    text = ok(path, "agreement", "--retest", "--bootstrap", "0")
    assert "83.3%" in text and "0.769" in text and "s04" in text


def test_category_filter_reads_a_reshows_second_answer_not_its_first(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        # s01 and s04 were category 1 at first; s01 is a re-show: only s04 matches.
        mine = SampleFilter(category=1)
        assert [r.id for r in view.queue(mine)] == ["s04"]
        view.set_label("s01", LabelValue(category=3))
        assert [r.id for r in view.queue(SampleFilter(category=3))] == ["s01", "s06"]
        assert view.queue_count(mine) == 1
        # The labeled part of the queue now holds the answered re-show, with its answer.
        labeled = view.queue(SampleFilter(status="labeled"))
        assert [(r.id, r.category) for r in labeled] == [
            ("s01", 3),
            ("s04", 1),
            ("s05", 2),
            ("s06", 3),
        ]


def test_answered_reshows_still_count_as_decided_since_and_are_not_shown_again(
    db: Path,
) -> None:
    ok(db, "retest", "set", "1", "--after", "4")
    with Store.open(db) as store:
        assert store.retest_due("alice") == {"s01", "s02"}
        store.put_retest_answer("s02", "alice", LabelValue(category=2))
        # s01 still has 5 decided samples after it (s02 among them).
        assert store.retest_due("alice") == {"s01"}


def test_a_discussed_sample_is_never_reshown(db: Path) -> None:
    """Once A has seen the disagreement on a sample, a second answer would not be A vs A."""
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        assert store.retest_due("alice") == {"s01", "s02", "s03"}
        store.record_shown([("s02", "alice")], None)
        assert store.retest_due("alice") == {"s01", "s03"}
        assert store.retest_due("bob") == frozenset()


def test_a_reshow_in_an_open_round_is_a_round_sample_to_do(db: Path) -> None:
    ok(db, "retest", "set", "1", "--after", "3")
    ok(db, "round", "new", "--from", "id:s02,s05,s07", "--size", "3", "--annotators", "alice")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        assert view.hidden() == {"s01", "s02", "s03"}
        # The round's samples to do first (s02 a re-show, s07 never labeled), then the rest.
        order = [r.id for r in view.queue()]
        assert order == ["s02", "s07", "s01", "s03", "s08", "s04", "s05", "s06"]


def test_answering_a_reshow_moves_the_sittings_counts_as_a_new_sample_would(db: Path) -> None:
    with Store.open(db) as store:
        store.add_round(
            "r1",
            seed=None,
            query=None,
            overlap="all",
            assignments=[(sid, ["alice"]) for sid in ("s01", "s02", "s07")],
        )
    ok(db, "retest", "set", "1", "--after", "3")
    with Store.open(db) as store:
        view = BlindView(store, "alice")
        assert view.hidden() == {"s01", "s02", "s03"}
        # s01 and s02 decided in the round, but re-shown: the sitting sees 0 of 3.
        assert view.progress() == (3, 8)
        assert view.current_round() == ("r1", 0, 3)
        # alice's own count table (the `S` screen) counts them as the queue does: s04..s06
        # (categories 1, 2, 3), not s01..s03's first answers (1, 2, 3 again).
        totals = {c.id: c.total for c in view.count_table().categories if c.total}
        assert (view.count_table().n_samples, totals) == (3, {1: 1, 2: 1, 3: 1})
        view.set_label("s01", LabelValue(category=2))
        assert view.progress() == (4, 8)
        totals = {c.id: c.total for c in view.count_table().categories if c.total}
        assert (view.count_table().n_samples, totals) == (4, {1: 1, 2: 2, 3: 1})
        assert view.current_round() == ("r1", 1, 3)
        view.set_label("s03", LabelValue(kind="skip"))  # a skip is not labeled
        assert view.progress() == (4, 8)
        view.set_label("s07", LabelValue(category=1))  # a new sample counts as before
        assert view.progress() == (5, 8)
        assert view.current_round() == ("r1", 2, 3)
        # The study's counts read the first answers only.
        assert store.annotator_progress("alice").of_to_label == 7  # type: ignore[union-attr]
        assert [(r.decided, r.assigned) for r in store.round_progress(annotator="alice")] == [
            (3, 3)
        ]
