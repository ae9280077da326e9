"""The search index's waiting list (migration m012, store/search_index.py).

New sample texts wait in ``sample_fts_pending`` instead of being indexed by a
per-row trigger; every search indexes them first. Checked here on real files:
the same writes on a database that indexes the old way (m005's triggers put
back) and on one that indexes the new way give the same searches (queue rows,
match snippets, ``round new --from`` words), through imports, re-imports,
updates of waiting and of indexed rows, deletes and a merge; the triggers never
ask FTS5 to delete words it never indexed (SQLite's integrity-check compares the
index with the texts); a database made before m012 opens with nothing waiting.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from rawsql import peek, tamper

from annotator.cli import cli
from annotator.importers import import_path
from annotator.models import LabelValue, SampleIn
from annotator.store import SampleFilter, Store

WORDS = ["alpha", "beta3", "reshape", "Traceback", "gamma", "delta", "omega", "zzz", "s1"]
"""Searches compared: words of the texts, prefixes, an id, a word found nowhere."""

OLD_TRIGGERS = """
DROP TRIGGER sample_fts_insert;
DROP TRIGGER sample_fts_update;
DROP TRIGGER sample_fts_delete;
CREATE TRIGGER sample_fts_insert AFTER INSERT ON sample_texts BEGIN
    INSERT INTO sample_fts (rowid, prompt, generated_code, reference_code, test_output)
    VALUES (NEW.rowid, NEW.prompt, NEW.generated_code, NEW.reference_code, NEW.test_output);
END;
CREATE TRIGGER sample_fts_delete AFTER DELETE ON sample_texts BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    VALUES ('delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output);
END;
CREATE TRIGGER sample_fts_update AFTER UPDATE ON sample_texts BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    VALUES ('delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output);
    INSERT INTO sample_fts (rowid, prompt, generated_code, reference_code, test_output)
    VALUES (NEW.rowid, NEW.prompt, NEW.generated_code, NEW.reference_code, NEW.test_output);
END;
"""
"""Migration m005's triggers, which indexed every write at once (before m012)."""


def _old_way(store: Store) -> None:
    """Make ``store`` index every write at once, as before m012 (its insert trigger
    renamed, so that an import's batch neither drops it nor lists rows as waiting)."""
    conn = tamper(store)
    conn.executescript(OLD_TRIGGERS.replace("TRIGGER sample_fts_insert AFTER", "TRIGGER old AFTER"))
    conn.commit()


def _rows(n: int, word: str, start: int = 0) -> list[dict[str, object]]:
    return [
        {
            "id": f"s{i}",
            "generated_code": f"x = {i}.reshape(-1)  # {word}{i % 5}",
            "test_output": f"Traceback (most recent call last):\n  ValueError: {word} {i}",
            "prompt": f"task {i % 3} gamma",
            "passed": i % 4 == 0,
        }
        for i in range(start, start + n)
    ]


def _jsonl(path: Path, rows: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return path


def _searches(store: Store) -> dict[str, object]:
    """Every search the tool makes, for each of :data:`WORDS`."""
    ids = store.sample_ids()
    out: dict[str, object] = {}
    for word in WORDS:
        filt = SampleFilter(text=word)
        out[f"queue {word}"] = [r.id for r in store.queue("me", filt)]
        out[f"count {word}"] = store.queue_count("me", filt)
        out[f"matches {word}"] = store.search_matches("me", ids, word)
        out[f"round {word}"] = store.unrounded_to_label(filt)
    return out


def _both(tmp_path: Path) -> tuple[Store, Store]:
    old = Store.open(tmp_path / "old.db")
    _old_way(old)
    return old, Store.open(tmp_path / "new.db")


def _same(old: Store, new: Store) -> None:
    assert _searches(new) == _searches(old)
    assert peek(new, "SELECT COUNT(*) FROM sample_fts_pending") == [(0,)]
    assert old.search_index_ok() and new.search_index_ok()


def test_searches_after_imports_updates_deletes_and_a_merge_are_as_before(
    tmp_path: Path,
) -> None:
    old, new = _both(tmp_path)
    first = _jsonl(tmp_path / "a.jsonl", _rows(300, "alpha"))
    changed = _jsonl(tmp_path / "b.jsonl", _rows(150, "beta", start=200))
    for store in (old, new):
        import_path(store, "jsonl", first, expected=300)
        # Re-imported before any search: the new way updates rows still waiting.
        import_path(store, "jsonl", changed, expected=150)
    assert new.search_pending() == 350
    assert old.search_pending() == 0
    _same(old, new)
    assert new.search_pending() == 0
    # Updates of indexed rows, then of rows waiting again (new ones, then changed).
    for store in (old, new):
        import_path(store, "jsonl", _jsonl(tmp_path / "c.jsonl", _rows(50, "delta")))
        import_path(store, "jsonl", _jsonl(tmp_path / "d.jsonl", _rows(20, "omega", 340)))
        import_path(store, "jsonl", _jsonl(tmp_path / "e.jsonl", _rows(10, "alpha", 345)))
    assert new.search_pending() == 10
    _same(old, new)
    # A merge brings new samples (and known ones, unchanged).
    other = Store.open(tmp_path / "other.db")
    import_path(other, "jsonl", _jsonl(tmp_path / "f.jsonl", _rows(40, "gamma", 330)))
    other.close()
    for store in (old, new):
        store.merge_database(tmp_path / "other.db")
    assert new.search_pending() == 10  # s360-s369
    _same(old, new)


def test_update_and_delete_of_waiting_and_indexed_rows_keep_the_index_sound(
    tmp_path: Path,
) -> None:
    old, new = _both(tmp_path)
    for store in (old, new):
        for i in range(4):
            store.upsert_sample(SampleIn(id=f"s{i}", generated_code=f"alpha{i} = 1"))
    new.index_search()
    for store in (old, new):
        store.upsert_sample(SampleIn(id="s4", generated_code="beta = 1"))  # waits
        store.upsert_sample(SampleIn(id="s4", generated_code="gamma = 1"))  # waits, changed
        store.upsert_sample(SampleIn(id="s1", generated_code="delta = 1"))  # indexed, changed
        store.upsert_sample(SampleIn(id="s5", generated_code="omega = 1"))  # waits
        conn = tamper(store)  # no command deletes a sample; the trigger must cope
        conn.execute("DELETE FROM samples WHERE id IN ('s5', 's2')")  # waiting, indexed
        conn.commit()
    assert peek(new, "SELECT COUNT(*) FROM sample_fts_pending") == [(1,)]  # s4 alone
    _same(old, new)
    assert [r.id for r in new.queue("me", SampleFilter(text="gamma"))] == ["s4"]
    assert new.queue("me", SampleFilter(text="beta")) == []
    assert new.queue("me", SampleFilter(text="omega")) == []
    assert [r.id for r in new.queue("me", SampleFilter(text="delta"))] == ["s1"]


def test_indexing_goes_batch_by_batch(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.db")
    import_path(store, "jsonl", _jsonl(tmp_path / "a.jsonl", _rows(25, "alpha")))
    assert store.search_pending() == 25
    assert store.index_search_batch(10) == 10
    assert store.search_pending() == 15
    assert store.search_index_ok()  # indexes the rest first
    assert store.search_pending() == 0
    assert store.index_search_batch(10) == 0


def test_a_database_from_before_m012_opens_with_nothing_waiting(tmp_path: Path) -> None:
    path = tmp_path / "before.db"
    store = Store.open(path)
    conn = tamper(store)
    conn.executescript(
        OLD_TRIGGERS + "DROP TABLE sample_fts_pending;"
        " DELETE FROM _sqlite_migrations WHERE name = 'm012_search_pending';"
    )
    conn.commit()
    for row in _rows(30, "alpha"):
        store.upsert_sample(SampleIn.model_validate(row))
    store.close()
    with Store.open(path) as store:
        assert store.search_pending() == 0
        assert store.search_index_ok()
        assert len(store.queue("me", SampleFilter(text="alpha2"))) == 6
        import_path(store, "jsonl", _jsonl(tmp_path / "b.jsonl", _rows(5, "beta", 30)))
        assert store.search_pending() == 5
        assert len(store.queue("me", SampleFilter(text="beta"))) == 5
        assert store.search_index_ok()


def test_round_from_words_finds_samples_imported_a_moment_ago(tmp_path: Path) -> None:
    db = tmp_path / "r.db"
    runner = CliRunner()
    source = _jsonl(tmp_path / "a.jsonl", _rows(20, "alpha"))
    result = runner.invoke(cli, ["--db", str(db), "import", "jsonl", str(source)])
    assert result.exit_code == 0, result.output
    with Store.open(db) as store:
        assert store.search_pending() == 20
        store.set_label("s1", "alice", LabelValue(kind="bug", category=1))
    result = runner.invoke(
        cli, ["--db", str(db), "round", "new", "--size", "3", "--seed", "1", "--from", "alpha3"]
    )
    assert result.exit_code == 0, result.output
    drawn = sorted(line.split()[0] for line in result.output.splitlines() if line.startswith("  "))
    # alpha3: i % 5 == 3, failing (i % 4 != 0): 3, 13, 18 (8 passes).
    assert drawn == ["s13", "s18", "s3"]
