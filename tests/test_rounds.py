"""Rounds (``annotator round new|list|discuss``, ``annotator negotiate``) on real SQLite
files through the real CLI: the draw, its assignment, progress, bad input, the queue
order and the migration of a database made before rounds existed."""

from __future__ import annotations

import json
import shutil
import sqlite3
from pathlib import Path

import pytest
from clirun import ok, run

from annotator.models import LabelValue, SampleIn
from annotator.store import Store

BUG1 = LabelValue(kind="bug", category=1)
BUG2 = LabelValue(kind="bug", category=2)


@pytest.fixture
def db(tmp_path: Path) -> Path:
    """20 failing samples (s00..s19: gpt for odd, llama for even), 2 passing; alice and
    bob have one label each (so they are the raters)."""
    path = tmp_path / "study.db"
    with Store.open(path) as store:
        for i in range(20):
            store.upsert_sample(
                SampleIn(id=f"s{i:02d}", passed=False, model="gpt" if i % 2 else "llama")
            )
        for i in range(2):
            store.upsert_sample(SampleIn(id=f"p{i}", passed=True))
        store.set_label("s00", "alice", BUG1)
        store.set_label("s00", "bob", BUG2)
    return path


def drawn_ids(output: str) -> list[str]:
    return [line.split()[0] for line in output.splitlines() if line.startswith("  ")]


def table_counts(path: Path) -> dict[str, int]:
    conn = sqlite3.connect(path)
    try:
        return {
            t: conn.execute(f"SELECT COUNT(*) FROM {t}").fetchone()[0]
            for t in ("rounds", "round_samples", "round_assignments", "annotators", "labels")
        }
    finally:
        conn.close()


def test_database_from_before_rounds_opens_and_keeps_working(db: Path) -> None:
    conn = sqlite3.connect(db)
    conn.executescript(
        "DROP TABLE negotiation_reasons; DROP TABLE discussions; DROP TABLE round_assignments;"
        " DROP TABLE round_samples; DROP TABLE rounds;"
        " DELETE FROM _sqlite_migrations WHERE name IN ('m008_rounds', 'm009_negotiation');"
    )
    conn.close()
    assert "To label: 20" in ok(db, "status")
    assert "No rounds yet" in ok(db, "round", "list")
    with Store.open(db) as store:
        assert store.label("s00", "alice") is not None
    ok(db, "round", "new", "--size", "3", "--seed", "1")
    assert len(json.loads(ok(db, "round", "list", "--json"))) == 1


def test_seeded_draw_is_reproducible(db: Path, tmp_path: Path) -> None:
    copy = tmp_path / "copy.db"
    shutil.copy(db, copy)
    first = ok(db, "round", "new", "--size", "5")
    seed = next(w for w in first.split("with seed ")[1].split() if w.isdigit())
    again = ok(copy, "round", "new", "--size", "5", "--seed", seed)
    assert drawn_ids(first) == drawn_ids(again) and len(drawn_ids(first)) == 5
    # The next round draws from what is left: never a sample twice.
    second = drawn_ids(ok(db, "round", "new", "--size", "15", "--seed", "3"))
    assert not set(second) & set(drawn_ids(first))
    assert sorted(second + drawn_ids(first)) == [f"s{i:02d}" for i in range(20)]


def test_overlap_k_shares_k_and_splits_the_rest_evenly(db: Path) -> None:
    out = ok(db, "round", "new", "--size", "9", "--overlap", "3", "--seed", "5")
    assert "Assigned: 3 to every annotator; samples each: alice 6, bob 6." in out
    rows = [line.split(None, 1) for line in out.splitlines() if line.startswith("  ")]
    assert [who for _, who in rows[:3]] == ["alice, bob"] * 3
    assert [who for _, who in rows[3:]] == ["alice", "bob"] * 3
    listed = json.loads(ok(db, "round", "list", "--json"))[0]
    assert listed["overlap"] == "3" and listed["size"] == 9
    assert {a: p["assigned"] for a, p in listed["progress"].items()} == {"alice": 6, "bob": 6}


def test_from_query_draws_matches_in_import_order(db: Path) -> None:
    out = ok(db, "round", "new", "--size", "3", "--from", "model:gpt", "--annotators", "alice")
    assert drawn_ids(out) == ["s01", "s03", "s05"]
    assert "by the filter 'model:gpt'" in out
    listed = json.loads(ok(db, "round", "list", "--json"))[0]
    assert listed["seed"] is None and listed["query"] == "model:gpt"


def test_training_items_are_never_drawn(db: Path, tmp_path: Path) -> None:
    """A trainee has seen a training item's reference: it stays out of every round (a
    check item is an ordinary sample and is drawn)."""
    gold = tmp_path / "gold.csv"
    gold.write_text(
        "id,category,subcategory,purpose\ns01,1,,training\ns02,2,,training\ns03,1,,check\n",
        encoding="utf-8",
    )
    ok(db, "gold", "import", str(gold))
    result = run(db, "round", "new", "--size", "19")
    assert result.exit_code == 1 and "more than the 18 samples to label" in result.output
    drawn = drawn_ids(ok(db, "round", "new", "--size", "18", "--seed", "4"))
    assert sorted(drawn) == sorted(f"s{i:02d}" for i in range(20) if i not in (1, 2))
    by_filter = run(db, "round", "new", "--size", "1", "--from", "id:s01")
    assert by_filter.exit_code == 1 and "--size 1 is more than the 0 samples" in by_filter.output


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--size", "3", "--annotators", "alice,zed"], "unknown annotator 'zed'"),
        (["--size", "21"], "--size 21 is more than the 20 samples to label"),
        (["--size", "3", "--overlap", "some"], "--overlap must be 'all' or a whole number"),
        (["--size", "3", "--overlap", "4"], "--overlap 4 is more than the round's size 3"),
        (["--size", "0"], "--size must be at least 1"),
        (["--size", "2", "--from", "model:"], "has no value"),
        (["--size", "11", "--from", "model:gpt"], "matching 'model:gpt'"),
        (["--size", "2", "--annotators", "final"], "is not a rater"),
    ],
)
def test_bad_input_is_one_line_exit_1_and_changes_nothing(
    db: Path, args: list[str], message: str
) -> None:
    before = table_counts(db)
    result = run(db, "round", "new", *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: ") and message in lines[0]
    assert table_counts(db) == before


def test_new_annotators_are_registered_only_when_asked(db: Path) -> None:
    assert run(db, "round", "new", "--size", "2", "--annotators", "carol").exit_code == 1
    out = ok(db, "round", "new", "--size", "2", "--annotators", "carol", "--new-annotators")
    assert "carol 2" in out


def test_round_list_progress_equals_status(db: Path) -> None:
    ok(db, "round", "new", "--size", "20", "--seed", "2")
    with Store.open(db) as store:
        store.set_label("s01", "alice", BUG1)
        store.set_label("s02", "alice", LabelValue(kind="pass"))
        store.set_label("s03", "alice", LabelValue(kind="skip"))
        store.set_label("s04", "alice", LabelValue(kind="none", flag="unclear"))
        store.set_label("p0", "alice", BUG1)  # a passing sample: in no round
        store.set_label("s05", "bob", BUG2)
    status = json.loads(ok(db, "status", "--json"))["annotators"]
    progress = json.loads(ok(db, "round", "list", "--json"))[0]["progress"]
    # Every sample to label is in the round: its decided count is status's, less
    # what was decided outside it (alice's label on a passing sample).
    assert progress["alice"] == {"decided": status["alice"]["decided"] - 1, "assigned": 20}
    assert progress["bob"] == {"decided": status["bob"]["decided"], "assigned": 20}
    assert progress["alice"]["decided"] == 3


def test_round_closes_when_every_assignment_is_decided(db: Path) -> None:
    ok(db, "round", "new", "--size", "2", "--from", "id:s01,s02")
    with Store.open(db) as store:
        for sid in ("s01", "s02"):
            store.set_label(sid, "alice", BUG1)
        store.set_label("s01", "bob", BUG1)
        assert json.loads(ok(db, "round", "list", "--json"))[0]["closed"] is False
        last = store.set_label("s02", "bob", BUG2)
        store.set_label("s02", "bob", BUG1)  # a later edit does not move the closing time
    listed = json.loads(ok(db, "round", "list", "--json"))[0]
    assert listed["closed"] is True
    assert listed["closed_at"] == last.updated_at
    assert "open" not in ok(db, "round", "list")


def test_queue_puts_the_annotators_open_round_first(db: Path) -> None:
    ok(db, "round", "new", "--size", "4", "--from", "id:s10,s11,s12,s13", "--overlap", "2")
    with Store.open(db) as store:
        # alice: s10, s11 shared and s12 of the split; bob: s10, s11, s13.
        assert [r.id for r in store.queue("alice", limit=4)] == ["s10", "s11", "s12", "s01"]
        assert [r.id for r in store.queue("bob", limit=4)] == ["s10", "s11", "s13", "s01"]
        store.set_label("s10", "alice", BUG1)
        assert [r.id for r in store.queue("alice", limit=2)] == ["s11", "s12"]
        # Someone with no round keeps the import order.
        assert [r.id for r in store.queue("carol", limit=3)] == ["s00", "s01", "s02"]


def test_discuss_and_negotiate_record_who_changed_what_and_why(db: Path) -> None:
    ok(db, "round", "new", "--size", "3", "--from", "id:s00,s01,s02")
    with Store.open(db) as store:
        store.set_label("s01", "alice", BUG1)
        store.set_label("s01", "bob", BUG1)
        store.set_label("s02", "alice", LabelValue(kind="pass"))
        store.set_label("s02", "bob", BUG2)
    out = ok(db, "round", "discuss", "1")
    assert "2 conflicts" in out and "Recorded as shown: 4" in out
    ok(db, "negotiate", "s00", "--as", "bob", "--category", "1", "--reason", "same root cause")
    doc = json.loads(ok(db, "round", "discuss", "1", "--json"))
    assert doc["newly_shown"] == 0
    first = doc["conflicts"][0]
    assert first["sample_id"] == "s00"
    assert first["initial"] == {"alice": "1", "bob": "2"}
    assert first["current"] == {"alice": "1", "bob": "1"}
    assert [(c["annotator"], c["to"], c["reason"]) for c in first["changes"]] == [
        ("bob", "1", "same root cause")
    ]
    # A change made elsewhere after the discussion is negotiated too (no reason).
    with Store.open(db) as store:
        store.set_label("s02", "alice", BUG2)
    doc = json.loads(ok(db, "round", "discuss", "1", "--json"))
    assert [(c["annotator"], c["to"], c["reason"]) for c in doc["conflicts"][1]["changes"]] == [
        ("alice", "2", None)
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["s05", "--as", "alice", "--category", "1"], "no decided label on 's05'"),
        (["nope", "--as", "alice", "--category", "1"], "no sample 'nope'"),
        (["s00", "--as", "zed", "--category", "1"], "unknown annotator 'zed'"),
        (["s00", "--as", "alice"], "give --category N or --pass"),
        (["s00", "--as", "alice", "--pass", "--category", "1"], "--pass takes no"),
        (["s00", "--as", "alice", "--category", "99"], "unknown category 99"),
    ],
)
def test_negotiate_bad_input(db: Path, args: list[str], message: str) -> None:
    result = run(db, "negotiate", *args)
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and message in lines[0], result.output
    with Store.open(db) as store:
        assert store.label("s00", "alice") is not None
        assert store.label("s00", "alice").category == 1  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "args", [["round", "discuss", "7"], ["agreement", "--round", "7", "--bootstrap", "0"]]
)
def test_unknown_round_is_one_line(db: Path, args: list[str]) -> None:
    ok(db, "round", "new", "--size", "2", "--seed", "1")
    result = run(db, *args)
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == ["Error: field 'round': no round 7 (rounds: 1)"]
