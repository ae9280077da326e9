"""The merge's set-based path (store/merge_plain.py) writes what the row-by-row path writes.

Every case merges one other file twice, into two equal databases: once as the merge
runs (plain keys copied by SQL from the attached file, the rest row by row) and once
with attaching turned off (every row validated and merged in Python, as before the
set-based path existed). Both must end the same: the same error, or the same labels,
history, annotators, summary and note index.
"""

from __future__ import annotations

import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from rawsql import peek, tamper
from test_merge_untrusted import _loosen, _sql

from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import Store, merge, merge_plain

_COLUMNS = (
    "sample_id, annotator, kind, category, subcategory, subcategory_inferred, category2,"
    " subcategory2, subcategory2_inferred, note, note2, flag, suggestions_shown,"
    " taxonomy_version, source, written_by, raw, revision, created_at, updated_at"
)


def _samples(store: Store) -> None:
    for i in range(6):
        store.upsert_sample(SampleIn(id=f"s{i}", generated_code=f"x = {i}"))


def _ours(path: Path) -> Store:
    store = Store.open(path)
    _samples(store)
    store.set_label("s1", "alice", LabelValue(category=3, note="ours"))
    store.set_label("s2", "final", LabelValue(category=2))
    return store


def _theirs(path: Path) -> Path:
    store = Store.open(path)
    _samples(store)
    store.upsert_sample(SampleIn(id="x9", generated_code="y = 9"))
    store.upsert_sample(SampleIn(id="7", generated_code="z = 7"))
    first = store.taxonomy.categories[0]
    store.set_label("s0", "bob", LabelValue(category=1))
    store.set_label("s0", "bob", LabelValue(category=2, note="second look"))
    store.set_label("s0", "carol", LabelValue(kind="pass", note="looks fine"))
    store.set_label("s1", "alice", LabelValue(category=4, note="theirs"))
    store.set_label(
        "s2", "dana", LabelValue(category=first.id, subcategory=first.subcategories[0].name)
    )
    store.set_label("s3", "bob", LabelValue(category=5))
    store.delete_label("s3", "bob")
    store.set_label("s4", "erin", LabelValue(category=6, raw={"cell": "B7"}))
    store.set_label("s5", "bob", LabelValue(category=7, note="long " * 1000))
    store.set_label("x9", "bob", LabelValue(category=5, flag="unsure"))
    store.set_label("7", "bob", LabelValue(category=8))
    store.close()
    return path


def _nocase_keys(path: Path) -> None:
    """``labels`` keyed by NOCASE columns without constraints (rows unchanged)."""
    conn = sqlite3.connect(path)
    conn.executescript(
        "DROP VIEW IF EXISTS category_counts; DROP VIEW IF EXISTS annotator_progress;"
        f" CREATE TABLE loose (sample_id TEXT COLLATE NOCASE, annotator TEXT COLLATE NOCASE,"
        f" {_COLUMNS.replace('sample_id, annotator, ', '')});"
        f" INSERT INTO loose SELECT {_COLUMNS} FROM labels; DROP TABLE labels;"
        " ALTER TABLE loose RENAME TO labels;"
    )
    conn.commit()
    conn.close()


def _integer_key(path: Path) -> None:
    _loosen(path, "labels")
    _sql(path, "UPDATE labels SET sample_id = 7 WHERE sample_id = '7'")


def _integer_text_key(path: Path) -> None:
    _loosen(path, "sample_texts")
    _sql(path, "UPDATE sample_texts SET sample_id = 7 WHERE sample_id = '7'")


def _second_label(path: Path) -> None:
    _loosen(path, "labels")
    _sql(path, "INSERT INTO labels SELECT * FROM labels WHERE sample_id = 'x9'")


CASES: dict[str, Callable[[Path], None]] = {
    "as written": lambda p: None,
    "another ISO 8601 spelling": lambda p: _sql(
        p, "UPDATE labels SET updated_at = '2026-01-01 00:00:00' WHERE annotator = 'carol'"
    ),
    "a repeated history entry": lambda p: _sql(
        p,
        f"INSERT INTO label_history (op, changed_at, {_COLUMNS}) SELECT op, changed_at,"
        f" {_COLUMNS} FROM label_history WHERE sample_id = 's0' AND annotator = 'bob'",
    ),
    "labels without history": lambda p: _sql(
        p, "DELETE FROM label_history WHERE annotator IN ('carol', 'dana')"
    ),
    "an integer sample id": _integer_key,
    "NOCASE key columns": _nocase_keys,
    "a column named plain": lambda p: _sql(
        p, "ALTER TABLE labels ADD COLUMN plain INTEGER NOT NULL DEFAULT 1"
    ),
    "a column named rowid": lambda p: _sql(p, "ALTER TABLE labels ADD COLUMN rowid INTEGER"),
    "a second label of one key": _second_label,
    "a category the taxonomy lacks": lambda p: _sql(
        p, "UPDATE labels SET category = 999 WHERE annotator = 'dana'"
    ),
    "a flag stored as a float": lambda p: _sql(
        p, "UPDATE labels SET subcategory_inferred = 1.0 WHERE annotator = 'carol'"
    ),
    "a name that reads as another": lambda p: _sql(
        p,
        "UPDATE labels SET annotator = 'Bob' WHERE sample_id = 'x9'",
        "UPDATE label_history SET annotator = 'Bob' WHERE sample_id = 'x9'",
    ),
    "a sample with other content": lambda p: _sql(
        p, "UPDATE sample_texts SET test_output = 'changed' WHERE sample_id = 's2'"
    ),
    "passed stored as text": lambda p: _sql(p, "UPDATE samples SET passed = 'yes' WHERE id = 's3'"),
    "an integer key of a text row": _integer_text_key,
    "dated in the future": lambda p: _sql(
        p, "UPDATE label_history SET changed_at = '2199-01-01T00:00:00.000000Z' WHERE rowid = 1"
    ),
}


def _outcome(base: Path, path: Path, other: Path) -> tuple[Any, ...]:
    shutil.copyfile(base, path)
    store = Store.open(path)
    try:
        summary = store.merge_database(other)
    except UserError as exc:
        return ("refused", str(exc), _dump(store))
    # FTS5's own check that the notes' index matches the labels (a command, not a write).
    tamper(store).execute("INSERT INTO note_fts (note_fts) VALUES ('integrity-check')")
    found = peek(
        store,
        "SELECT l.sample_id, l.annotator FROM note_fts JOIN labels l ON l.rowid = note_fts.rowid"
        " WHERE note_fts MATCH 'look' ORDER BY 1, 2",
    )
    result = {k: v for k, v in summary.as_dict().items() if k != "source"}
    return ("merged", result, _dump(store), found)


def _dump(store: Store) -> tuple[list[Any], ...]:
    return (
        peek(store, f"SELECT {_COLUMNS} FROM labels ORDER BY 1, 2"),
        peek(
            store,
            f"SELECT op, changed_at, {_COLUMNS} FROM label_history"
            " ORDER BY sample_id, annotator, changed_at, op, revision, note",
        ),
        peek(store, "SELECT name FROM annotators ORDER BY 1"),
    )


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_the_set_based_path_ends_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _theirs(tmp_path / "theirs.db")
    CASES[case](other)
    plain_keys: list[int] = []
    copy = merge_plain.copy_plain_labels

    def counting(*args: Any) -> Any:
        rest = copy(*args)
        plain_keys.append(args[3]["labels_new"] + args[3]["history_copied"])
        return rest

    monkeypatch.setattr(merge, "copy_plain_labels", counting)
    base = tmp_path / "ours.db"
    _ours(base).close()
    fast = _outcome(base, tmp_path / "fast.db", other)
    monkeypatch.setattr(merge, "attach", lambda *args: False)
    slow = _outcome(base, tmp_path / "slow.db", other)
    assert fast == slow
    if case == "as written":
        assert fast[0] == "merged" and plain_keys and plain_keys[0] > 0


def test_the_other_file_is_detached_whatever_the_outcome(tmp_path: Path) -> None:
    other = _theirs(tmp_path / "theirs.db")
    store = _ours(tmp_path / "ours.db")
    store.merge_database(other)
    _sql(other, "UPDATE labels SET category = 999 WHERE annotator = 'dana'")
    with pytest.raises(UserError, match="unknown category"):
        store.merge_database(other)
    # The store's own connection: nothing of the merge may stay attached to it.
    names = [row[1] for row in tamper(store).execute("PRAGMA database_list")]
    assert names in (["main"], ["main", "temp"])
    assert tamper(store).execute("SELECT name FROM temp.sqlite_master").fetchall() == []
    assert not tamper(store).in_transaction


def test_the_other_file_is_read_only_and_ours_stays_in_wal(tmp_path: Path) -> None:
    other = _theirs(tmp_path / "theirs.db")
    before = other.read_bytes()
    store = _ours(tmp_path / "ours.db")
    summary = store.merge_database(other)
    assert summary.labels_new > 0
    assert other.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith("theirs")) == [
        "theirs.db"
    ]
    assert peek(store, "PRAGMA main.journal_mode") == [("wal",)]


def _edit_there(path: Path) -> None:
    store = Store.open(path)
    store.set_label("x9", "bob", LabelValue(category=6, note="changed my mind"))
    store.close()


def _edit_without_history(path: Path) -> None:
    _edit_there(path)
    _sql(path, "DELETE FROM label_history WHERE sample_id = 'x9'")


AGAIN: dict[str, Callable[[Path], None]] = {
    "unchanged": lambda p: None,
    "a label edited there": _edit_there,
    "a label edited there, history lost": lambda p: _edit_without_history(p),
    "our history in an older spelling": lambda p: None,
}


@pytest.mark.parametrize("case", list(AGAIN), ids=list(AGAIN))
def test_merging_a_file_again_ends_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _theirs(tmp_path / "theirs.db")
    base = tmp_path / "ours.db"
    store = _ours(base)
    store.merge_database(other)
    if case == "our history in an older spelling":
        tamper(store).execute(
            "UPDATE label_history SET changed_at = replace(changed_at, 'Z', '+00:00')"
            " WHERE annotator = 'carol'"
        )
        tamper(store).commit()
    store.close()
    AGAIN[case](other)
    fast = _outcome(base, tmp_path / "fast.db", other)
    monkeypatch.setattr(merge, "attach", lambda *args: False)
    slow = _outcome(base, tmp_path / "slow.db", other)
    assert fast == slow
    if case == "unchanged":
        assert fast[0] == "merged" and fast[1]["labels_new"] == 0 and fast[1]["labels_same"] > 0
