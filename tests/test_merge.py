"""Merging annotators' databases: idempotent, history kept, newest label wins."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from click.testing import CliRunner
from rawsql import peek, tamper

from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import Store


def _db(path: Path, n: int = 3) -> Store:
    store = Store.open(path)
    for i in range(n):
        store.upsert_sample(SampleIn(id=f"s{i}", generated_code=f"x = {i}"))
    return store


def _snapshot(store: Store) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]]]:
    labels = peek(
        store,
        "SELECT sample_id, annotator, kind, category, note, revision FROM labels ORDER BY 1, 2",
    )
    history = peek(
        store,
        "SELECT sample_id, annotator, op, category, revision FROM label_history"
        " ORDER BY 1, 2, changed_at",
    )
    return labels, history


def test_merge_combines_annotators_and_is_idempotent(tmp_path: Path) -> None:
    alice, bob, team = _db(tmp_path / "a.db"), _db(tmp_path / "b.db"), _db(tmp_path / "t.db", 0)
    alice.set_label("s0", "alice", LabelValue(category=6))
    alice.set_label("s0", "alice", LabelValue(category=7))
    bob.set_label("s0", "bob", LabelValue(kind="pass"))
    bob.upsert_sample(SampleIn(id="extra", generated_code="y = 1"))
    bob.set_label("extra", "bob", LabelValue(category=2))
    first = team.merge_database(alice.path)
    team.merge_database(bob.path)
    assert first.samples_new == 3 and first.labels_new == 1
    assert team.status().samples == 4
    assert team.label("s0", "alice").category == 7  # type: ignore[union-attr]
    assert [h.category for h in team.history("s0", "alice")] == [6, 7]
    before = _snapshot(team)
    again = team.merge_database(alice.path)
    team.merge_database(bob.path)
    assert again.labels_new == 0 and again.history_copied == 0
    assert _snapshot(team) == before


def test_conflict_newest_wins_and_other_stays_in_history(tmp_path: Path) -> None:
    mine, theirs = _db(tmp_path / "m.db"), _db(tmp_path / "o.db")
    mine.set_label("s1", "k", LabelValue(category=1, note="mine"))
    time.sleep(0.01)
    theirs.set_label("s1", "k", LabelValue(category=10, note="theirs, later"))
    summary = mine.merge_database(theirs.path)
    assert len(summary.conflicts) == 1 and "theirs" in summary.conflicts[0]
    label = mine.label("s1", "k")
    assert label is not None and label.category == 10
    assert {h.note for h in mine.history("s1", "k")} == {"mine", "theirs, later"}
    # Undo goes back from the current state, which is the newest entry.
    assert mine.last_history_id("s1", "k") == mine.history("s1", "k")[-1].id
    older = _db(tmp_path / "x.db")
    older.set_label("s1", "k", LabelValue(category=3))
    tamper(older).execute("UPDATE labels SET updated_at = '2000-01-01T00:00:00.000000Z'")
    tamper(older).commit()
    mine.merge_database(older.path)
    assert mine.label("s1", "k").category == 10  # type: ignore[union-attr]


def test_same_content_under_another_id_stays_a_sample_of_its_own(tmp_path: Path) -> None:
    # Two ids are two samples of the study, even when their content is equal.
    mine, theirs = _db(tmp_path / "m.db", 1), _db(tmp_path / "o.db", 0)
    theirs.upsert_sample(SampleIn(id="renamed", generated_code="x = 0"))
    theirs.set_label("renamed", "q", LabelValue(category=4))
    summary = mine.merge_database(theirs.path)
    assert summary.samples_new == 1 and mine.status().samples == 2
    assert mine.label("renamed", "q").category == 4  # type: ignore[union-attr]
    assert mine.label("s0", "q") is None


def test_merge_refuses_non_databases_and_changes_nothing(tmp_path: Path) -> None:
    mine = _db(tmp_path / "m.db")
    junk = tmp_path / "junk.db"
    junk.write_text("hello")
    with pytest.raises(UserError, match="not an annotator database"):
        mine.merge_database(junk)
    with pytest.raises(UserError, match="into itself"):
        mine.merge_database(mine.path)
    assert mine.status().samples == 3


def test_merge_cli(tmp_path: Path) -> None:
    other = _db(tmp_path / "o.db")
    other.set_label("s2", "z", LabelValue(category=9))
    other.close()
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "t.db"), "merge", str(tmp_path / "o.db")]
    )
    assert result.exit_code == 0, result.output
    assert "samples 3 new" in result.output and "labels 1 new" in result.output
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "t.db"), "merge", str(tmp_path / "nope.db")]
    )
    assert result.exit_code == 1 and "no such database file" in result.output


def test_merge_keeps_history_triggers_and_traces_labels_without_history(tmp_path: Path) -> None:
    """The merge writes labels with the source's history and our triggers off; a
    label the other file has no history for (older files) still gets our entry,
    and the triggers are there, as they were, afterwards."""
    alice, team = _db(tmp_path / "a.db"), _db(tmp_path / "t.db")
    alice.set_label("s0", "alice", LabelValue(category=6))
    alice.set_label("s1", "alice", LabelValue(category=7))
    tamper(alice).execute("DELETE FROM label_history WHERE sample_id = 's1'")
    tamper(alice).commit()
    alice.close()
    triggers = "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' ORDER BY name"
    before = peek(team, triggers)
    team.merge_database(tmp_path / "a.db")
    assert peek(team, triggers) == before
    assert [h.op for h in team.history("s0", "alice")] == ["insert"]
    assert [(h.op, h.category) for h in team.history("s1", "alice")] == [("insert", 7)]
    team.set_label("s2", "team", LabelValue(category=1))  # the triggers still record
    assert [h.op for h in team.history("s2", "team")] == ["insert"]
