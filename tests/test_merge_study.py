"""``annotator merge`` carries the study's method tables (issue #27 tables, #23 rules).

The usual flow, end to end on real SQLite files through the real CLI and the labeling
session (:class:`annotator.labeling.LabelSession` over :class:`annotator.blind.BlindView`):
the lead draws a round, sets the retest plan and the gold set in one database and copies
it to two annotators; each labels the round, answers re-shows, trains, and one negotiates
with a reason; the lead merges both files. Every study figure (``agreement --retest``,
``gold report``, ``round list``, ``round discuss``) must then equal what the same work
gives in one database. Merging again adds nothing; a hostile row in any study table is
one line, exit 1, nothing changed; a file from before the study tables still merges.
"""

from __future__ import annotations

import json
import re
import shutil
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from clirun import ok, run
from test_merge_untrusted import _loosen

from annotator.blind import BlindView
from annotator.labeling import LabelSession
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.store.merge_study_rows import STUDY_TABLES
from annotator.store.training import TrainingStore

ROUND = ["s00", "s01", "s02", "s03", "s04"]
# Each annotator's labels of the round (s00 was labeled in the pilot, before the copy).
ALICE = {"s01": 1, "s02": 1, "s03": "pass", "s04": 2, "s05": 3, "s06": 1}
BOB = {"s01": 1, "s02": 2, "s03": "pass", "s04": 3, "s05": 3, "s06": 2}
# Their training answers (reference: t1 category 1, t2 pass).
TRAINING: dict[str, dict[str, Any]] = {"alice": {"t1": 1, "t2": 3}, "bob": {"t1": 2, "t2": "pass"}}


def value(v: Any) -> LabelValue:
    return LabelValue(kind="pass") if v == "pass" else LabelValue(category=int(v))


def lead_database(path: Path) -> Path:
    """The lead's database: a pilot label each on s00, the reference labels of two gold
    training items, one round of seven samples for alice and bob, a retest plan."""
    with Store.open(path) as store:
        for i in range(10):
            store.upsert_sample(SampleIn(id=f"s{i:02d}", passed=False, generated_code=f"x = {i}"))
        for sid in ("t1", "t2"):
            store.upsert_sample(SampleIn(id=sid, passed=False))
        store.set_label("s00", "alice", value(1))
        store.set_label("s00", "bob", value(2))
        store.set_label("t1", "final", value(1))
        store.set_label("t2", "final", value("pass"))
    ok(path, "gold", "add", "--from-annotator", "final", "--ids", "t1,t2")
    ids = ",".join([*ROUND, "s05", "s06"])
    ok(path, "round", "new", "--size", "7", "--from", f"id:{ids}", "--annotators", "alice,bob")
    ok(path, "retest", "set", "1", "--after", "2", "--seed", "3")
    return path


def label_round(db: Path, who: str, labels: dict[str, Any]) -> None:
    """One sitting of ``who`` labeling through the blind session, in order."""
    with Store.open(db) as store:
        session = LabelSession(BlindView(store, who))
        for sid, v in labels.items():
            session.save(sid, value(v))


def answer_reshows(db: Path, who: str) -> list[str]:
    """A later sitting: every re-show due to ``who`` answered (category 1) through the
    blind session, as the labeling screen would; returns the samples re-shown."""
    with Store.open(db) as store:
        view = BlindView(store, who)
        due = sorted(store.retest_due(who))
        session = LabelSession(view)
        for sid in due:
            assert session.label(sid) is None  # blind: the first answer is not shown
            session.save(sid, value(1))
    return due


def train(db: Path, who: str) -> None:
    with Store.open(db) as store:
        training = TrainingStore(store, who)
        for sid, v in TRAINING[who].items():
            if v == "pass":
                training.answer(sid, "pass")
            else:
                training.answer(sid, "bug", int(v))


def bobs_work(db: Path) -> list[str]:
    label_round(db, "bob", BOB)
    # Bob is shown the pilot's disagreement on s00 (his discussion only) and changes his label.
    ok(db, "negotiate", "s00", "--as", "bob", "--category", "1", "--reason", "same root cause")
    train(db, "bob")
    return answer_reshows(db, "bob")


def alices_work(db: Path) -> list[str]:
    label_round(db, "alice", ALICE)
    train(db, "alice")
    return answer_reshows(db, "alice")


_STAMP = re.compile(r"\d{4}-\d\d-\d\dT[0-9:.]+Z?")


def figures(db: Path) -> dict[str, Any]:
    """Every study figure, times blanked (the same work done twice is done at other times)."""
    outputs = {
        "retest": ok(db, "agreement", "--retest", "--json", "--bootstrap", "0"),
        "gold": ok(db, "gold", "report", "--json"),
        "rounds": ok(db, "round", "list", "--json"),
        "discuss": ok(db, "round", "discuss", "1", "--json"),
        "agreement": ok(db, "agreement", "--json", "--bootstrap", "0"),
    }
    return {k: json.loads(_STAMP.sub("T", v)) for k, v in outputs.items()}


def state(db: Path) -> dict[str, list[tuple[Any, ...]]]:
    conn = sqlite3.connect(f"{db.resolve().as_uri()}?mode=ro", uri=True)
    try:
        tables = ["samples", "labels", "label_history", "annotators", *STUDY_TABLES]
        return {t: conn.execute(f"SELECT * FROM {t} ORDER BY 1, 2").fetchall() for t in tables}
    finally:
        conn.close()


@pytest.fixture
def study(tmp_path: Path) -> dict[str, Path]:
    """The lead's database, the two annotators' copies after their work, and one database
    where the same work was done (bob's first, then alice's)."""
    lead = lead_database(tmp_path / "lead.db")
    paths = {"lead": lead}
    for name in ("alice", "bob", "single"):
        paths[name] = tmp_path / f"{name}.db"
        shutil.copyfile(lead, paths[name])
    assert bobs_work(paths["bob"]) == bobs_work(paths["single"])
    assert alices_work(paths["alice"]) == alices_work(paths["single"])
    return paths


def test_the_usual_flow_merges_every_study_figure(study: dict[str, Path]) -> None:
    lead = study["lead"]
    summaries = json.loads(ok(lead, "merge", str(study["alice"]), str(study["bob"]), "--json"))
    alice, bob = summaries
    assert alice["study"]["training_answers"]["added"] == 2
    assert bob["study"]["negotiation_reasons"]["added"] == 1
    assert bob["study"]["discussions"]["added"] == 1
    assert alice["study"]["retest_answers"]["added"] > 0
    assert bob["study"]["retest_answers"]["added"] > 0
    # The lead's rounds, plan and gold came back unchanged in both copies.
    for summary in summaries:
        assert summary["study"]["rounds"] == {"added": 0, "updated": 0, "same": 1, "conflicts": 0}
        assert summary["study"]["retest_plan"]["same"] == 1
        assert summary["study"]["gold"]["same"] == 2
        # Only bob's negotiated s00 differs from the lead's pilot label (newest wins).
        assert [c for c in summary["conflicts"] if not c.startswith("label s00 / bob")] == []
    merged, single = figures(lead), figures(study["single"])
    assert merged == single
    # And the figures are the ones the work gives, not empty ones.
    # By hand: agreed s01, s03, s05 at first, and s00 after bob's negotiation.
    agreement = merged["agreement"]
    assert (agreement["percent"], agreement["initial"]["percent"]) == (4 / 7, 3 / 7)
    retest = {a["annotator"]: a for a in merged["retest"]["annotators"]}
    assert (retest["alice"]["n"], retest["bob"]["n"]) == (5, 5)
    # Each second answer is paired with its first (its label_history id mapped by content).
    assert all(f["first"] is not None for a in retest.values() for f in a["flips"])
    assert [f["sample_id"] for f in retest["alice"]["flips"]] == ["s03", "s04"]
    assert {a["annotator"]: a["training"]["correct"] for a in merged["gold"]["annotators"]} == {
        "alice": 1,
        "bob": 1,
    }
    changes = [c for conflict in merged["discuss"]["conflicts"] for c in conflict["changes"]]
    assert ("bob", "same root cause") in [(c["annotator"], c["reason"]) for c in changes]
    text = ok(lead, "merge", str(study["alice"]))
    assert "study:" not in text  # nothing new the second time


def test_merging_twice_adds_nothing(study: dict[str, Path]) -> None:
    lead = study["lead"]
    ok(lead, "merge", str(study["alice"]), str(study["bob"]))
    before = state(lead)
    again = json.loads(ok(lead, "merge", str(study["bob"]), str(study["alice"]), "--json"))
    for summary in again:
        # alice's copy still has bob's pilot label on s00: the label merge says it kept ours.
        assert [c for c in summary["conflicts"] if not c.startswith("label s00 / bob")] == []
        for table, counts in summary["study"].items():
            assert counts["added"] == counts["updated"] == counts["conflicts"] == 0, table
    assert state(lead) == before


def test_conflicts_keep_ours_and_are_reported(study: dict[str, Path], tmp_path: Path) -> None:
    lead = study["lead"]
    ok(lead, "merge", str(study["alice"]))
    other = tmp_path / "other.db"
    shutil.copyfile(study["alice"], other)
    conn = sqlite3.connect(other)
    conn.executescript(
        "UPDATE gold SET category = 2 WHERE sample_id = 't1';"
        "UPDATE retest_plan SET share = 0.5;"
        "UPDATE training_answers SET category = 4, answered_at = '2020-01-01T00:00:00.000000Z'"
        " WHERE sample_id = 't1';"
    )
    conn.commit()
    conn.close()
    # A round only they have, over a sample already in our round: not copied.
    with Store.open(other) as store:
        store.upsert_sample(SampleIn(id="s99", passed=False))
    conn = sqlite3.connect(other)
    conn.executescript(
        "INSERT INTO rounds VALUES (2, 'theirs', 5, NULL, 'all', '2026-01-01T00:00:00.000000Z');"
        "INSERT INTO round_samples VALUES ('s99', 2, 0);"
        "UPDATE round_samples SET round_id = 2, position = 1 WHERE sample_id = 's09';"
    )
    conn.commit()
    conn.close()
    before = state(lead)
    doc = json.loads(ok(lead, "merge", str(other), "--json"))[0]
    assert doc["study"]["gold"]["conflicts"] == 1
    assert doc["study"]["retest_plan"]["conflicts"] == 1
    assert doc["study"]["training_answers"]["conflicts"] == 1
    assert doc["study"]["rounds"]["added"] == 1  # s99 and s09 are in none of our rounds
    after = state(lead)
    assert after["gold"] == before["gold"] and after["retest_plan"] == before["retest_plan"]
    # The first training answer counts: theirs (2020) was earlier.
    assert [r for r in after["training_answers"] if r[0] == "t1" and r[1] == "alice"][0][3] == 4
    assert any("gold t1" in c for c in doc["conflicts"])
    # The same round again, now with s09 in ours: a conflict, not copied.
    conn = sqlite3.connect(other)
    conn.execute("UPDATE rounds SET name = 'renamed' WHERE id = 2")
    conn.commit()
    conn.close()
    doc = json.loads(ok(lead, "merge", str(other), "--json"))[0]
    assert doc["study"]["rounds"]["conflicts"] == 1
    assert len(state(lead)["rounds"]) == 2


def test_an_other_database_from_before_the_study_tables_merges(tmp_path: Path) -> None:
    lead = lead_database(tmp_path / "lead.db")
    old = tmp_path / "old.db"
    with Store.open(old) as store:
        store.upsert_sample(SampleIn(id="s00", passed=False, generated_code="x = 0"))
        store.upsert_sample(SampleIn(id="n1", passed=False))
        store.set_label("n1", "carol", value(2))
    conn = sqlite3.connect(old)
    conn.executescript(
        "DROP TABLE training_answers; DROP TABLE gold; DROP TABLE retest_history;"
        " DROP TABLE retest_answers; DROP TABLE retest_plan; DROP TABLE negotiation_reasons;"
        " DROP TABLE discussions; DROP TABLE round_assignments; DROP TABLE round_samples;"
        " DROP TABLE rounds; DELETE FROM _sqlite_migrations WHERE name IN"
        " ('m008_rounds', 'm009_negotiation', 'm010_retest', 'm011_gold');"
    )
    conn.close()
    doc = json.loads(ok(lead, "merge", str(old), "--json"))[0]
    assert doc["labels_new"] == 1 and doc["study"] == {} and doc["conflicts"] == []
    assert len(json.loads(ok(lead, "round", "list", "--json"))) == 1


BIG = "x" * (2 << 20)
# (table, SQL making one row hostile, the field the error names)
HOSTILE: list[tuple[str, str, str]] = [
    ("gold", "UPDATE gold SET category = 'abc' WHERE sample_id = 't1'", "category"),
    ("gold", "UPDATE gold SET sample_id = 'nope' WHERE sample_id = 't1'", "sample_id"),
    ("gold", f"UPDATE gold SET source = '{BIG}' WHERE sample_id = 't1'", "source"),
    ("gold", "UPDATE gold SET created_at = 'yesterday' WHERE sample_id = 't1'", "created_at"),
    ("gold", "UPDATE gold SET category = 999 WHERE sample_id = 't1'", "category"),
    ("gold", "UPDATE gold SET category = NULL WHERE sample_id = 't1'", "category"),
    ("gold", "UPDATE gold SET purpose = 'exam' WHERE sample_id = 't1'", "purpose"),
    ("training_answers", "UPDATE training_answers SET kind = 'pass', category = 2", "category"),
    ("training_answers", "UPDATE training_answers SET annotator = X'41'", "annotator"),
    ("training_answers", "UPDATE training_answers SET answered_at = '2026-13-45'", "answered_at"),
    ("training_answers", "UPDATE training_answers SET sample_id = 'nope'", "sample_id"),
    ("training_answers", "UPDATE training_answers SET answered_at = '2999-01-01'", "answered_at"),
    ("retest_plan", "UPDATE retest_plan SET share = 'x'", "share"),
    ("retest_plan", "UPDATE retest_plan SET share = 5", "share"),
    ("retest_plan", "INSERT INTO retest_plan SELECT * FROM retest_plan", "retest_plan"),
    ("retest_answers", "UPDATE retest_answers SET category = 'x'", "category"),
    ("retest_answers", "UPDATE retest_answers SET first_history_id = 99999", "first_history_id"),
    ("retest_answers", "UPDATE retest_answers SET updated_at = 'soon'", "updated_at"),
    ("retest_answers", f"UPDATE retest_answers SET note = '{BIG}'", "note"),
    ("retest_history", "UPDATE retest_history SET changed_at = 'never'", "changed_at"),
    ("rounds", f"UPDATE rounds SET name = '{BIG}'", "name"),
    ("rounds", "UPDATE rounds SET created_at = 12", "created_at"),
    ("rounds", f"UPDATE rounds SET overlap = '{'o' * 20_000}'", "overlap"),
    ("rounds", "UPDATE rounds SET id = 'one'", "id"),
    (
        "round_samples",
        "UPDATE round_samples SET sample_id = 'nope' WHERE position = 0",
        "sample_id",
    ),
    ("round_samples", "UPDATE round_samples SET round_id = 99 WHERE position = 0", "round_id"),
    ("round_assignments", "UPDATE round_assignments SET round_id = 2", "sample_id"),
    ("round_assignments", "UPDATE round_assignments SET annotator = 'Final'", "annotator"),
    ("discussions", "UPDATE discussions SET shown_at = 'later'", "shown_at"),
    ("discussions", "UPDATE discussions SET round_id = 99", "round_id"),
    ("discussions", "UPDATE discussions SET sample_id = 'nope'", "sample_id"),
    ("negotiation_reasons", "UPDATE negotiation_reasons SET history_id = 99999", "history_id"),
    ("negotiation_reasons", f"UPDATE negotiation_reasons SET reason = '{BIG}'", "reason"),
    ("negotiation_reasons", "UPDATE negotiation_reasons SET reason = X'05'", "reason"),
]


@pytest.mark.parametrize(("table", "sql", "field"), HOSTILE, ids=[h[1][:60] for h in HOSTILE])
def test_a_hostile_row_is_one_line_exit_1_and_changes_nothing(
    study: dict[str, Path], tmp_path: Path, table: str, sql: str, field: str
) -> None:
    lead = study["lead"]
    bad = tmp_path / "bad.db"
    shutil.copyfile(study["bob"], bad)
    _loosen(bad, table)  # without its constraints, as a hostile file may have it
    conn = sqlite3.connect(bad)
    assert conn.execute(sql).rowcount > 0
    conn.commit()
    conn.close()
    before = state(lead)
    # All or nothing over all files: alice's good file is not merged either.
    result = run(lead, "merge", str(study["alice"]), str(bad))
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1, result.output
    assert str(bad) in lines[0] and table in lines[0] and field in lines[0], lines[0]
    assert "Traceback" not in result.output
    assert state(lead) == before


def test_a_view_named_like_a_study_table_is_refused(study: dict[str, Path], tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    shutil.copyfile(study["bob"], bad)
    conn = sqlite3.connect(bad)
    conn.executescript(
        "DROP TABLE negotiation_reasons; CREATE VIEW negotiation_reasons AS"
        " WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r)"
        " SELECT x AS history_id, '' AS sample_id, '' AS annotator, '' AS reason,"
        " '' AS created_at FROM r;"
    )
    conn.close()
    before = state(study["lead"])
    result = run(study["lead"], "merge", str(bad))
    assert result.exit_code == 1 and "negotiation_reasons" in result.output
    assert state(study["lead"]) == before


def _capped(monkeypatch: pytest.MonkeyPatch) -> Callable[[str, int], None]:
    from annotator.store import merge_study_rows

    def cap(table: str, rows: int) -> None:
        monkeypatch.setitem(merge_study_rows.MAX_STUDY_ROWS, table, rows)

    return cap


def test_row_caps_refuse_before_reading(
    study: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    _capped(monkeypatch)("round_assignments", 3)
    before = state(study["lead"])
    with Store.open(study["lead"]) as store, pytest.raises(Exception, match="more than the 3"):
        store.merge_database(study["bob"])
    assert state(study["lead"]) == before


def test_a_study_we_lack_is_taken_with_its_ids_mapped(
    study: dict[str, Path], tmp_path: Path
) -> None:
    """Into a database with the same samples, its own round over other samples, no plan and
    no gold: their round is copied under id 2 (its assignments, discussions and reasons
    follow), and the plan and gold set are taken."""
    team = tmp_path / "team.db"
    with Store.open(team) as store:
        for i in range(10):
            store.upsert_sample(SampleIn(id=f"s{i:02d}", passed=False, generated_code=f"x = {i}"))
        for sid in ("t1", "t2"):
            store.upsert_sample(SampleIn(id=sid, passed=False))
        store.set_label("s09", "carol", value(1))
    ok(team, "round", "new", "--size", "2", "--from", "id:s07,s08", "--name", "ours")
    doc = json.loads(ok(team, "merge", str(study["bob"]), "--json"))[0]
    assert doc["study"]["rounds"]["added"] == 1
    assert doc["study"]["round_samples"]["added"] == 7
    assert doc["study"]["round_assignments"]["added"] == 14
    assert doc["study"]["retest_plan"]["added"] == 1
    assert doc["study"]["gold"]["added"] == 2
    rounds = json.loads(ok(team, "round", "list", "--json"))
    assert [r["name"] for r in rounds] == ["ours", "round 1"]
    mine = json.loads(_STAMP.sub("T", ok(team, "round", "discuss", "2", "--json")))
    theirs = json.loads(_STAMP.sub("T", ok(study["bob"], "round", "discuss", "1", "--json")))
    assert mine["conflicts"] == theirs["conflicts"]
    changes = [c for conflict in mine["conflicts"] for c in conflict["changes"]]
    assert [(c["annotator"], c["reason"]) for c in changes] == [("bob", "same root cause")]
    assert json.loads(ok(team, "retest", "show", "--json"))["seed"] == 3


def test_retest_answers_that_differ_keep_the_newest(study: dict[str, Path], tmp_path: Path) -> None:
    lead = study["lead"]
    ok(lead, "merge", str(study["alice"]))
    other = tmp_path / "other.db"
    shutil.copyfile(study["alice"], other)
    conn = sqlite3.connect(other)
    (sid,) = conn.execute("SELECT MIN(sample_id) FROM retest_answers").fetchone()
    later = (datetime.now(UTC) + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    conn.execute(
        "UPDATE retest_answers SET category = 5, updated_at = ? WHERE sample_id = ?", (later, sid)
    )
    conn.commit()
    conn.close()
    doc = json.loads(ok(lead, "merge", str(other), "--json"))[0]
    assert doc["study"]["retest_answers"]["updated"] == 1
    assert any(c.startswith(f"retest_answers {sid} / alice") for c in doc["conflicts"])
    with Store.open(lead) as store:
        answer = store.retest_answer(sid, "alice")
        assert answer is not None and answer.category == 5
