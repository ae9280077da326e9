"""The other database of a merge, second round (issue 23, items 1, 4, 7, 9).

Every row is validated against the models our own writes use (timestamps as
instants, bounded revisions, pass labels without a category, known taxonomy
versions, existing samples, the annotator-name rule); the file is read without
writing beside it, without running its SQL, with bounded rows and values; and a
read command never converts another program's database. ``REFUSED`` is also
replayed by ``benchmarks/hostile.py``.
"""

from __future__ import annotations

import os
import sqlite3
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from rawsql import peek, tamper
from test_merge_untrusted import _db, _loosen, _other, _sql, _state

from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import MAX_REVISION, LabelValue, SampleIn
from annotator.store import Store, merge_rows

Spoil = Callable[[Path], None]

_LABEL_COLUMNS = (
    "sample_id, annotator, kind, category, subcategory, subcategory_inferred, category2,"
    " subcategory2, subcategory2_inferred, note, note2, flag, suggestions_shown,"
    " taxonomy_version, source, written_by, raw, revision, created_at, updated_at"
)


def _rename(name: str) -> Spoil:
    return lambda p: _sql(
        p,
        f"UPDATE labels SET annotator = '{name}' WHERE annotator = 'bob'",
        f"UPDATE label_history SET annotator = '{name}' WHERE annotator = 'bob'",
    )


def _ghost_label(path: Path) -> None:
    columns = _LABEL_COLUMNS.replace("sample_id, ", "")
    _sql(
        path,
        f"INSERT INTO labels (sample_id, {columns}) SELECT 'ghost', {columns} FROM labels"
        " WHERE annotator = 'bob'",
    )


def _history_flood(rows: int, keys: int = 1) -> Spoil:
    """``rows`` history entries spread over ``keys`` annotators of sample s0."""

    def spoil(path: Path) -> None:
        columns = _LABEL_COLUMNS.replace("sample_id, annotator, ", "")
        _sql(
            path,
            "WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n"
            f" WHERE i + 1 < {rows})"
            f" INSERT INTO label_history (sample_id, annotator, op, changed_at, {columns})"
            f" SELECT 's0', 'r' || (i % {keys}), 'update', h.changed_at, "
            + columns.replace("revision", "1 + i / " + str(keys))
            + " FROM n, (SELECT * FROM label_history WHERE annotator = 'bob' LIMIT 1) h",
        )

    return spoil


def _view(table: str, body: str) -> Spoil:
    def spoil(path: Path) -> None:
        conn = sqlite3.connect(path)
        cols = [r[1] for r in conn.execute(f"PRAGMA table_info({table})")]
        conn.close()
        _sql(
            path,
            "DROP VIEW IF EXISTS category_counts",
            "DROP VIEW IF EXISTS annotator_progress",
            "DROP VIEW IF EXISTS samples_full",
            f"DROP TABLE {table}",
            f"CREATE VIEW {table} AS SELECT {', '.join(f'1 AS {c}' for c in cols)} FROM {body}",
        )

    return spoil


def _virtual(path: Path) -> None:
    conn = sqlite3.connect(path)
    cols = [r[1] for r in conn.execute("PRAGMA table_info(label_history)")]
    conn.close()
    _sql(
        path,
        "DROP TABLE label_history",
        f"CREATE VIRTUAL TABLE label_history USING fts5({', '.join(cols)})",
    )


def _big_note(megabytes: int) -> Spoil:
    return lambda p: _sql(
        p, f"UPDATE labels SET note = hex(zeroblob({megabytes << 19})) WHERE annotator = 'bob'"
    )


def _heavy_history(path: Path) -> None:
    _history_flood(40)(path)
    _sql(path, "UPDATE label_history SET note = hex(zeroblob(262144)) WHERE annotator = 'r0'")


def _duplicated(table: str) -> Spoil:
    """``table`` without its keys, and its rows of s0 there 50 times over."""

    def spoil(path: Path) -> None:
        _loosen(path, table)
        column = "id" if table == "samples" else "sample_id"
        for _ in range(50):
            _sql(path, f"INSERT INTO {table} SELECT * FROM {table} WHERE {column} = 's0' LIMIT 1")

    return spoil


def _loop(path: Path) -> None:
    path.unlink()
    path.symlink_to(path)


def _fifo(path: Path) -> None:
    path.unlink()
    os.mkfifo(path)


RECURSIVE = "(WITH RECURSIVE r(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM r) SELECT x FROM r)"
CROSS = "sample_texts a, sample_texts b, sample_texts c, sample_texts d, sample_texts e"

REFUSED: dict[str, tuple[Spoil, str]] = {
    # item 4: every row validated as our own writes, names and ranges included
    "revision 2^63-1": (
        lambda p: _sql(p, "UPDATE labels SET revision = 9223372036854775807"),
        "revision",
    ),
    "revision 0": (lambda p: _sql(p, "UPDATE labels SET revision = 0"), "revision"),
    "pass label with a category": (
        lambda p: _sql(p, "UPDATE labels SET kind = 'pass' WHERE annotator = 'bob'"),
        "carries no category",
    ),
    "unknown taxonomy version": (
        lambda p: _sql(p, "UPDATE labels SET taxonomy_version = '9.9'"),
        "unknown taxonomy version",
    ),
    "label of a sample neither has": (_ghost_label, "neither has"),
    "annotator 'Final'": (_rename("Final"), "read as 'final'"),
    "annotator 'final ' (trailing space)": (_rename("final "), "spaces"),
    "annotator with the fi ligature": (_rename("\ufb01nal"), "NFKC"),
    "annotator with a zero-width space": (_rename("fi\u200bnal"), "invisible"),
    "annotator with a control character": (_rename("bo\x1bb"), "control"),
    "two names that read alike": (
        lambda p: _sql(p, "UPDATE label_history SET annotator = 'BOB' WHERE annotator = 'bob'"),
        "reads as",
    ),
    # item 1: timestamps are instants in a bounded range
    "timestamp before 2000": (
        lambda p: _sql(p, "UPDATE labels SET updated_at = '1999-12-31T23:59:59Z'"),
        "before 2000",
    ),
    "timestamp with an offset in the future": (
        lambda p: _sql(p, "UPDATE labels SET updated_at = '2199-12-31T23:00:00-05:00'"),
        "future",
    ),
    # item 7: no SQL of theirs runs, rows and values bounded, one line for any file
    "recursive view named labels": (_view("labels", RECURSIVE), "view"),
    "cross-join view named samples": (_view("samples", CROSS), "view"),
    "virtual table named label_history": (_virtual, "virtual table"),
    "2 MiB note": (_big_note(2), "larger than 1 MiB"),
    "a sample's texts over 16 MiB together": (
        lambda p: _sql(
            p,
            "UPDATE sample_texts SET prompt = hex(zeroblob(2500000)),"
            " test_output = hex(zeroblob(2500000)), generated_code = hex(zeroblob(2500000)),"
            " reference_code = hex(zeroblob(2500000)) WHERE sample_id = 's1'",
        ),
        "over 16 MiB together",
    ),
    "1001 history entries of one label": (_history_flood(1001), "more than 1000"),
    # 40 notes of 512 KiB: each under the value cap, together over one label's 16 MiB.
    "one label's history over 16 MiB": (_heavy_history, "history over 16 MiB"),
    "every text row paired with every sample": (_duplicated("sample_texts"), "second text row"),
    "two samples with one id": (_duplicated("samples"), "a second sample"),
    "symlink loop as the file": (_loop, "symlink loop"),
    "FIFO as the file": (_fifo, "not a regular file"),
}


@pytest.mark.parametrize("case", list(REFUSED), ids=list(REFUSED))
def test_refused_with_one_line_and_nothing_changes(tmp_path: Path, case: str) -> None:
    spoil, message = REFUSED[case]
    mine = _db(tmp_path / "mine.db")
    mine.set_label("s1", "final", LabelValue(category=3))
    before = _state(mine)
    other = _other(tmp_path)
    spoil(other)
    with pytest.raises(UserError, match=message) as caught:
        mine.merge_database(other)
    assert str(other) in str(caught.value) and "\n" not in str(caught.value)
    assert _state(mine) == before
    result = CliRunner().invoke(cli, ["--db", str(mine.path), "merge", str(other)])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "Traceback" not in result.output and len(result.output.strip().splitlines()) == 1


def test_row_caps_are_checked_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(merge_rows, "MAX_HISTORY", 10)
    mine = _db(tmp_path / "mine.db")
    other = _other(tmp_path)
    _history_flood(11, keys=11)(other)
    with pytest.raises(UserError, match="label_history has 13 rows, more than the 10"):
        mine.merge_database(other)


# -- item 1: timestamps compared as instants -------------------------------------------

STALE = {
    "ISO week date": "2026-W01-1T00:00:00",
    "basic format": "20260101T000000",
    "date only, basic": "20260101",
    "offset +14:00": "2026-01-01T13:00:00+14:00",
    "naive with a space": "2026-01-01 00:00:00",
}


def _dated(path: Path, annotator: str, when: str) -> None:
    _sql(
        path,
        f"UPDATE labels SET updated_at = '{when}', created_at = '{when}'"
        f" WHERE annotator = '{annotator}'",
        f"UPDATE label_history SET changed_at = '{when}' WHERE annotator = '{annotator}'",
    )


@pytest.mark.parametrize("spelling", list(STALE.values()), ids=list(STALE))
def test_a_stale_label_never_wins_whatever_its_spelling(tmp_path: Path, spelling: str) -> None:
    team = _db(tmp_path / "team.db")
    team.set_label("s0", "bob", LabelValue(category=7))  # now: newer than 2026-01-01
    other = _other(tmp_path)  # bob says category 1 ...
    _dated(other, "bob", spelling)  # ... at the start of 2026
    summary = team.merge_database(other)
    assert team.label("s0", "bob").category == 7  # type: ignore[union-attr]
    assert any("kept the newest (ours)" in c for c in summary.conflicts)
    # Its history came in, in our spelling: text order is still time order.
    times = [h.changed_at for h in team.history("s0", "bob")]
    assert len(times) == 3 and all(t.endswith("Z") and len(t) == 27 for t in times)
    assert sorted(times)[:2] == [times[0]] * 2 and times[0] < "2026-01-02"


def test_a_newer_label_in_another_spelling_wins_and_is_stored_in_ours(tmp_path: Path) -> None:
    team = _db(tmp_path / "team.db")
    team.set_label("s0", "bob", LabelValue(category=7))
    other = _other(tmp_path)
    later = datetime.now(UTC) + timedelta(hours=1)
    # An hour later, spelled at -05:00: as text it sorts before our label's date.
    _dated(other, "bob", later.astimezone(timezone(timedelta(hours=-5))).isoformat())
    team.merge_database(other)
    assert team.label("s0", "bob").category == 1  # type: ignore[union-attr]
    stored = peek(team, "SELECT updated_at FROM labels WHERE annotator = 'bob'")[0]
    assert stored[0] == later.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    correction = _db(tmp_path / "c.db")
    correction.set_label("s0", "bob", LabelValue(category=9))
    _dated(correction.path, "bob", (later + timedelta(minutes=1)).isoformat())
    team.merge_database(correction.path)  # a genuine later correction still wins
    assert team.label("s0", "bob").category == 9  # type: ignore[union-attr]


# -- item 4: our own writes follow the same rules ---------------------------------------


@pytest.mark.parametrize("name", ["Final", "fi\u200bnal", "\ufb01nal", "BOB", "a b"])
@pytest.mark.parametrize("command", ["label", "review"])
def test_annotator_option_follows_the_name_rule(tmp_path: Path, name: str, command: str) -> None:
    store = _db(tmp_path / "t.db")
    store.set_label("s0", "bob", LabelValue(category=1))
    store.close()
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "t.db"), command, "--annotator", name])
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert "annotator" in result.output and "bob" not in result.output.replace(repr(name), "")


def test_store_refuses_a_new_name_that_reads_as_an_existing_one(store: Store) -> None:
    store.upsert_sample(SampleIn(id="s0", generated_code="x"))
    store.set_label("s0", "bob", LabelValue(category=1))
    with pytest.raises(UserError, match="reads as another"):
        store.set_label("s0", "Bob", LabelValue(category=2))
    with pytest.raises(UserError, match="carries no category"):
        store.set_label("s0", "bob", LabelValue(kind="pass", category=2))


def test_an_overflowing_revision_saturates_instead_of_crashing(store: Store) -> None:
    store.upsert_sample(SampleIn(id="s0", generated_code="x"))
    store.set_label("s0", "bob", LabelValue(category=1))
    conn = tamper(store)
    conn.execute("UPDATE labels SET revision = 9223372036854775807")
    conn.commit()
    assert store.label("s0", "bob").revision == MAX_REVISION  # type: ignore[union-attr]
    label = store.set_label("s0", "bob", LabelValue(category=2))  # the UI's next edit
    assert label.category == 2 and label.revision == MAX_REVISION


# -- item 7: read-only, immutable-safe, streamed, one transaction ----------------------


def _listing(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir())


def test_nothing_is_created_beside_the_other_file(tmp_path: Path) -> None:
    (tmp_path / "theirs").mkdir()
    other = _other(tmp_path / "theirs")
    listing = _listing(other.parent)
    assert listing == ["other.db"]
    mine = _db(tmp_path / "mine.db")
    mine.merge_database(other)
    assert mine.label("s0", "bob").category == 1  # type: ignore[union-attr]
    assert _listing(other.parent) == listing


def test_a_pending_write_ahead_log_is_read_from_a_copy(tmp_path: Path) -> None:
    (tmp_path / "theirs").mkdir()
    alice = _db(tmp_path / "theirs" / "alice.db")  # kept open: its -wal holds the label
    alice.set_label("s2", "alice", LabelValue(category=4))
    listing = _listing(alice.path.parent)
    assert "alice.db-wal" in listing
    before = {name: (alice.path.parent / name).read_bytes() for name in listing}
    mine = _db(tmp_path / "mine.db")
    mine.merge_database(alice.path)
    assert mine.label("s2", "alice").category == 4  # type: ignore[union-attr]
    after = {name: (alice.path.parent / name).read_bytes() for name in _listing(alice.path.parent)}
    assert after == before
    alice.close()


def test_several_files_merge_all_or_nothing(tmp_path: Path) -> None:
    mine = _db(tmp_path / "mine.db")
    before = _state(mine)
    good = _db(tmp_path / "good.db")
    good.set_label("s0", "carol", LabelValue(category=2))
    good.close()
    bad = _other(tmp_path)
    _sql(bad, "UPDATE labels SET taxonomy_version = '9.9'")
    with pytest.raises(UserError, match="unknown taxonomy version"):
        mine.merge_databases([good.path, bad])
    assert _state(mine) == before
    result = CliRunner().invoke(cli, ["--db", str(mine.path), "merge", str(good.path), str(bad)])
    assert result.exit_code == 1 and _state(mine) == before


# -- item 9: read commands never convert another program's database ------------------


@pytest.mark.parametrize("args", [["status"], ["export", "counts"], ["import", "jsonl", "X"]])
def test_another_programs_database_is_left_unchanged(tmp_path: Path, args: list[str]) -> None:
    db = tmp_path / "theirs.sqlite"
    conn = sqlite3.connect(db)
    conn.execute("CREATE TABLE accounts (id INTEGER PRIMARY KEY, name TEXT)")
    conn.execute("INSERT INTO accounts (name) VALUES ('x')")
    conn.commit()
    conn.close()
    (tmp_path / "x.jsonl").write_text('{"id": "n"}\n', encoding="utf-8")
    before = db.read_bytes()
    args = [str(tmp_path / "x.jsonl") if a == "X" else a for a in args]
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 1 and "not an annotator database" in result.output
    assert "accounts" in result.output and len(result.output.strip().splitlines()) == 1
    assert db.read_bytes() == before
    assert _listing(tmp_path) == ["theirs.sqlite", "x.jsonl"]  # no -wal, no -shm


def test_a_file_with_no_tables_is_not_made_a_database_by_a_read(tmp_path: Path) -> None:
    db = tmp_path / "blank.db"
    conn = sqlite3.connect(db)
    conn.execute("PRAGMA user_version = 7")
    conn.commit()
    conn.close()
    before = db.read_bytes()
    result = CliRunner().invoke(cli, ["--db", str(db), "status"])
    assert result.exit_code == 1 and "import samples first" in result.output
    assert db.read_bytes() == before
