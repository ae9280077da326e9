"""The other database of a merge is untrusted input (issue 13.5, 12.7).

Every hostile file is refused with one clear error and changes nothing; the
adjudicated final labels are kept unless --take-final; odd file names open the
file they name; deletions carry over; history keeps its operations and times.
"""

from __future__ import annotations

import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner
from rawsql import peek

from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import Store


def _db(path: Path, n: int = 3) -> Store:
    store = Store.open(path)
    for i in range(n):
        store.upsert_sample(SampleIn(id=f"s{i}", generated_code=f"x = {i}", metadata={"i": i}))
    return store


def _state(store: Store) -> tuple[list[tuple[object, ...]], ...]:
    return tuple(
        peek(store, f"SELECT * FROM {table} ORDER BY 1, 2")
        for table in ("samples", "labels", "label_history")
    )


def _loosen(path: Path, table: str) -> None:
    """Recreate ``table`` without its constraints (as a hostile file may have it)."""
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA legacy_alter_table = ON")
    conn.executescript(
        "DROP VIEW IF EXISTS category_counts; DROP VIEW IF EXISTS annotator_progress;"
        f" CREATE TABLE loose AS SELECT * FROM {table}; DROP TABLE {table};"
        f" ALTER TABLE loose RENAME TO {table};"
    )
    conn.commit()
    conn.close()


def _sql(path: Path, *statements: str) -> None:
    conn = sqlite3.connect(path)
    for statement in statements:
        conn.execute(statement)
    conn.commit()
    conn.close()


def _other(tmp_path: Path) -> Path:
    other = _db(tmp_path / "other.db")
    other.set_label("s0", "bob", LabelValue(category=1))
    other.set_label("s1", "final", LabelValue(category=2))
    other.close()
    return tmp_path / "other.db"


def _null_updated_at(path: Path) -> None:
    _loosen(path, "labels")
    _sql(path, "UPDATE labels SET updated_at = NULL")


HOSTILE: dict[str, tuple[Callable[[Path], None], str]] = {
    "updated_at NULL": (_null_updated_at, "updated_at"),
    "no content_hash": (
        lambda p: _sql(
            p,
            "DROP INDEX IF EXISTS idx_samples_hash",
            "ALTER TABLE samples DROP COLUMN content_hash",
        ),
        "content_hash",
    ),
    "metadata not JSON": (
        lambda p: _sql(p, "UPDATE samples SET metadata = '{not json'"),
        "metadata",
    ),
    "raw not JSON": (lambda p: _sql(p, "UPDATE labels SET raw = '{not json'"), "raw"),
    "category 999": (lambda p: _sql(p, "UPDATE labels SET category = 999"), "unknown category 999"),
    "unknown subcategory": (
        lambda p: _sql(p, "UPDATE labels SET subcategory = 'Made up'"),
        "no subcategory",
    ),
    "final from year 9999": (
        lambda p: _sql(
            p,
            "UPDATE labels SET updated_at = '9999-01-01T00:00:00.000000Z'",
            "UPDATE label_history SET changed_at = '9999-01-01T00:00:00.000000Z'",
        ),
        "future",
    ),
    "newer schema": (
        lambda p: _sql(
            p,
            "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
            " VALUES ('annotator', 'm999_from_the_future', '2030-01-01')",
        ),
        "made by a newer annotator",
    ),
    "NUL in a sample id": (
        lambda p: _sql(p, "UPDATE samples SET id = 'a' || char(0) || 'b' WHERE id = 's2'"),
        "NUL",
    ),
}


@pytest.mark.parametrize("case", list(HOSTILE), ids=list(HOSTILE))
def test_hostile_other_database_is_refused_and_changes_nothing(tmp_path: Path, case: str) -> None:
    spoil, message = HOSTILE[case]
    mine = _db(tmp_path / "mine.db")
    mine.set_label("s1", "final", LabelValue(category=3))
    before = _state(mine)
    other = _other(tmp_path)
    spoil(other)
    with pytest.raises(UserError, match=message) as caught:
        mine.merge_database(other)
    assert str(other) in str(caught.value)
    assert _state(mine) == before
    result = CliRunner().invoke(cli, ["--db", str(mine.path), "merge", str(other)])
    assert result.exit_code == 1 and result.exception is not None
    assert isinstance(result.exception, SystemExit), result.exception
    assert message.split()[0] in result.output and "Traceback" not in result.output


def test_final_is_kept_unless_take_final(tmp_path: Path) -> None:
    mine = _db(tmp_path / "mine.db")
    mine.set_label("s1", "final", LabelValue(category=3))
    time.sleep(0.01)
    other = _other(tmp_path)  # its final for s1 is newer
    summary = mine.merge_database(other)
    assert mine.label("s1", "final").category == 3  # type: ignore[union-attr]
    assert any("final" in c and "--take-final" in c for c in summary.conflicts)
    assert mine.label("s0", "bob").category == 1  # type: ignore[union-attr]
    mine.merge_database(other, take_final=True)
    assert mine.label("s1", "final").category == 2  # type: ignore[union-attr]


def _files(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if not p.name.endswith(("-wal", "-shm")))


@pytest.mark.parametrize("name", ["alice#1.db", "carol#x.db", "dave?mode=rwc.db", "e%20ve.db"])
def test_odd_file_names_open_the_file_they_name(tmp_path: Path, name: str) -> None:
    others = tmp_path / "others"
    others.mkdir()
    if name.startswith("carol"):  # a decoy where the unescaped URI would point
        decoy = _db(others / "carol", 1)
        decoy.set_label("s0", "decoy", LabelValue(category=4))
        decoy.close()
    other = _db(others / name)
    other.set_label("s2", "carol", LabelValue(category=5))
    other.close()
    listing = _files(others)
    mine = _db(tmp_path / "mine.db")
    mine.merge_database(others / name)
    assert mine.label("s2", "carol").category == 5  # type: ignore[union-attr]
    assert mine.label("s0", "decoy") is None
    assert _files(others) == listing  # no empty 'alice' created beside it


def test_deletion_carries_over_and_history_keeps_op_and_time(tmp_path: Path) -> None:
    team = _db(tmp_path / "team.db")
    alice = _db(tmp_path / "alice.db")
    alice.set_label("s0", "alice", LabelValue(category=1))
    alice.set_label("s1", "alice", LabelValue(category=2))
    team.merge_database(alice.path)
    assert team.label("s0", "alice") is not None
    time.sleep(0.01)
    alice.set_label("s0", "alice", LabelValue(category=6))  # an update
    alice.delete_label("s1", "alice")  # undo
    team.merge_database(alice.path)
    assert team.label("s1", "alice") is None
    assert team.label("s0", "alice").category == 6  # type: ignore[union-attr]
    for sid in ("s0", "s1"):
        theirs = [(h.op, h.changed_at, h.revision, h.category) for h in alice.history(sid, "alice")]
        ours = [(h.op, h.changed_at, h.revision, h.category) for h in team.history(sid, "alice")]
        assert ours == theirs
    assert [h.op for h in team.history("s0", "alice")] == ["insert", "update"]
    assert [h.op for h in team.history("s1", "alice")] == ["insert", "delete"]
    before = _state(team)
    again = team.merge_database(alice.path)
    assert again.history_copied == 0 and again.labels_deleted == 0
    assert _state(team) == before


def test_a_label_changed_here_after_their_deletion_stays(tmp_path: Path) -> None:
    team, alice = _db(tmp_path / "team.db"), _db(tmp_path / "alice.db")
    alice.set_label("s0", "alice", LabelValue(category=1))
    team.merge_database(alice.path)
    alice.delete_label("s0", "alice")
    time.sleep(0.01)
    team.set_label("s0", "alice", LabelValue(category=7))
    team.merge_database(alice.path)
    assert team.label("s0", "alice").category == 7  # type: ignore[union-attr]


def test_identical_content_under_different_ids_stays_distinct(tmp_path: Path) -> None:
    team = _db(tmp_path / "team.db", 0)
    other = Store.open(tmp_path / "o.db")
    for i in range(5):
        other.upsert_sample(SampleIn(id=f"dup{i}", generated_code="same"))
        other.set_label(f"dup{i}", "q", LabelValue(category=1 + i))
    team.merge_database(other.path)
    assert team.status().samples == 5
    assert [team.label(f"dup{i}", "q").category for i in range(5)] == [1, 2, 3, 4, 5]  # type: ignore[union-attr]


@pytest.mark.parametrize(
    "args",
    [
        ["status"],
        ["suggest"],
        ["export", "counts"],
        ["report"],
        ["agreement"],
        ["label"],
        ["review"],
        ["import", "jsonl", "x.jsonl"],
    ],
    ids=lambda a: a[0] + (a[1] if len(a) > 1 else ""),
)
def test_a_newer_schema_is_refused_at_open_by_every_command(
    tmp_path: Path, args: list[str]
) -> None:
    db = tmp_path / "new.db"
    _db(db).close()
    _sql(
        db,
        "INSERT INTO _sqlite_migrations (migration_set, name, applied_at)"
        " VALUES ('annotator', 'm999_from_the_future', '2030-01-01')",
    )
    (tmp_path / "x.jsonl").write_text('{"id": "n"}\n', encoding="utf-8")
    before = db.read_bytes()
    result = CliRunner().invoke(
        cli, ["--db", str(db), *[str(tmp_path / a) if a.endswith(".jsonl") else a for a in args]]
    )
    assert result.exit_code == 1 and "made by a newer annotator" in result.output
    assert db.read_bytes() == before
