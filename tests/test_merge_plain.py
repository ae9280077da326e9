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
from annotator.models import LabelValue, SampleIn, content_hash
from annotator.store import (
    Store,
    merge,
    merge_plain,
    merge_samples,
    merge_study,
    merge_study_plain,
    merge_study_rounds,
)

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
    "a raw cell minified": lambda p: _sql(
        p, """UPDATE labels SET raw = '{"cell":"B7"}' WHERE annotator = 'erin'"""
    ),
    "a raw cell with ASCII escapes": lambda p: _sql(
        p,
        """UPDATE labels SET raw = '{"cell": "\u00e9"}' WHERE annotator = 'erin'""",
        """UPDATE label_history SET raw = '{"cell": "\u00e9"}' WHERE annotator = 'erin'""",
    ),
    "a raw cell that is a list": lambda p: _sql(
        p, "UPDATE label_history SET raw = '[1]' WHERE annotator = 'erin'"
    ),
    "a raw cell not JSON": lambda p: _sql(
        p, "UPDATE labels SET raw = '{' WHERE annotator = 'erin'"
    ),
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
        return ("refused", str(exc), _dump(store), _sample_dump(store))
    # FTS5's own check that the notes' index matches the labels (a command, not a write).
    tamper(store).execute("INSERT INTO note_fts (note_fts) VALUES ('integrity-check')")
    tamper(store).commit()  # the check writes nothing, but opened a transaction
    found = peek(
        store,
        "SELECT l.sample_id, l.annotator FROM note_fts JOIN labels l ON l.rowid = note_fts.rowid"
        " WHERE note_fts MATCH 'look' ORDER BY 1, 2",
    )
    result = {k: v for k, v in summary.as_dict().items() if k != "source"}
    return ("merged", result, _dump(store), found, _sample_dump(store))


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


# -- new samples (store/merge_samples.py) ------------------------------------------


def _sample_dump(store: Store) -> tuple[list[Any], ...]:
    """Every stored field of every sample but its write times, and what search finds."""
    store.index_search()  # what every search does first: the texts waiting are indexed
    tamper(store).execute("INSERT INTO sample_fts (sample_fts) VALUES ('integrity-check')")
    tamper(store).commit()
    return (
        peek(
            store,
            "SELECT id, passed, model, stage, data_type, task_type, source, content_hash,"
            " metadata FROM samples ORDER BY id",
        ),
        peek(
            store,
            "SELECT sample_id, prompt, generated_code, reference_code, test_output"
            " FROM sample_texts ORDER BY sample_id",
        ),
        peek(
            store,
            "SELECT t.sample_id FROM sample_fts JOIN sample_texts t ON t.rowid = sample_fts.rowid"
            " WHERE sample_fts MATCH 'shapes' ORDER BY 1",
        ),
    )


def _their_samples(path: Path) -> Path:
    store = Store.open(path)
    variants = [
        SampleIn(id="n0", generated_code="x = 0", test_output="RuntimeError: shapes"),
        SampleIn(id="n1", prompt="Écris f ✓ 日本", passed=True, model="m", stage="s1"),
        SampleIn(id="n2", passed=False, data_type="int", task_type="t", source="import:x"),
        SampleIn(id="n3", metadata={"z": [1, 2.5, None, True], "a": {"é": "ü"}, "m": ""}),
        SampleIn(id="n4", reference_code="y = 1\x00 end", test_output="shapes\r\n\t"),
        SampleIn(id="s1", generated_code="other content than ours"),
        SampleIn(id="s2", generated_code="x = 2"),
    ]
    for sample in variants:
        store.upsert_sample(sample)
    store.set_label("n1", "bob", LabelValue(category=1))
    store.close()
    return path


def _duplicate_sample(path: Path) -> None:
    _loosen(path, "samples")
    _sql(path, "INSERT INTO samples SELECT * FROM samples WHERE id = 'n2'")


def _no_texts(path: Path) -> None:
    _loosen(path, "sample_texts")
    _sql(path, "DELETE FROM sample_texts WHERE sample_id = 'n3'")


def _loose_sample(*statements: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        _loosen(path, "samples")
        _loosen(path, "sample_texts")
        _sql(path, *statements)

    return change


SAMPLE_CASES: dict[str, Callable[[Path], None]] = {
    "as written": lambda p: None,
    "metadata with ASCII escapes": lambda p: _sql(
        p, """UPDATE samples SET metadata = '{"a": "\\u00e9"}' WHERE id = 'n0'"""
    ),
    "metadata keys unsorted": lambda p: _sql(
        p, """UPDATE samples SET metadata = '{"b": 1, "a": 2}' WHERE id = 'n0'"""
    ),
    "metadata minified": lambda p: _sql(
        p, """UPDATE samples SET metadata = '{"a":1}' WHERE id = 'n2'"""
    ),
    "metadata a list": lambda p: _sql(p, "UPDATE samples SET metadata = '[1]' WHERE id = 'n2'"),
    "metadata not JSON": lambda p: _sql(p, "UPDATE samples SET metadata = '{' WHERE id = 'n2'"),
    "metadata NaN": lambda p: _sql(
        p, """UPDATE samples SET metadata = '{"a": NaN}' WHERE id = 'n2'"""
    ),
    "passed 2": _loose_sample("UPDATE samples SET passed = 2 WHERE id = 'n1'"),
    "passed 1.0": _loose_sample("UPDATE samples SET passed = 1.0 WHERE id = 'n1'"),
    "passed 'true'": _loose_sample("UPDATE samples SET passed = 'true' WHERE id = 'n1'"),
    "model an integer": _loose_sample("UPDATE samples SET model = 5 WHERE id = 'n1'"),
    "a text as a blob": _loose_sample(
        "UPDATE sample_texts SET prompt = CAST(prompt AS BLOB) WHERE sample_id = 'n1'"
    ),
    "a text NULL": _loose_sample(
        "UPDATE sample_texts SET reference_code = NULL WHERE sample_id = 'n0'"
    ),
    "an empty id": _loose_sample(
        "UPDATE samples SET id = '' WHERE id = 'n4'",
        "UPDATE sample_texts SET sample_id = '' WHERE sample_id = 'n4'",
    ),
    "a NUL in an id": _loose_sample(
        "UPDATE samples SET id = 'n' || char(0) WHERE id = 'n4'",
        "UPDATE sample_texts SET sample_id = 'n' || char(0) WHERE sample_id = 'n4'",
    ),
    "an integer id": _loose_sample(
        "UPDATE samples SET id = 44 WHERE id = 'n4'",
        "UPDATE sample_texts SET sample_id = 44 WHERE sample_id = 'n4'",
    ),
    "an id twice": _duplicate_sample,
    "a sample without texts": _no_texts,
    "texts over the cap together": _loose_sample(
        f"UPDATE sample_texts SET test_output = zeroblob(0) || printf('%.*c', {(16 << 20) - 3}, 'x')"
        " WHERE sample_id = 'n0'"
    ),
    "the id of ours with other content": lambda p: None,
}


@pytest.mark.parametrize("ours", ["fresh", "shared"])
@pytest.mark.parametrize("case", list(SAMPLE_CASES), ids=list(SAMPLE_CASES))
def test_new_samples_end_as_the_row_by_row_path(
    tmp_path: Path, case: str, ours: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _their_samples(tmp_path / "theirs.db")
    SAMPLE_CASES[case](other)
    base = tmp_path / "ours.db"
    store = Store.open(base)
    if ours == "shared":
        _samples(store)
    store.close()
    copied: list[int] = []
    copy = merge_samples.copy_new_samples

    def counting(*args: Any) -> Any:
        found = copy(*args)
        copied.append(found[0])
        return found

    monkeypatch.setattr(merge, "copy_new_samples", counting)
    fast = _outcome(base, tmp_path / "fast.db", other)
    monkeypatch.setattr(merge, "attach", lambda *args: False)
    slow = _outcome(base, tmp_path / "slow.db", other)
    assert fast == slow
    if case == "as written":
        assert fast[0] == "merged" and copied and copied[0] >= 5
        assert fast[-1][2] == [("n0",), ("n4",)]


SAMPLE_VARIANTS = [
    SampleIn(id="a"),
    SampleIn(id="b", prompt="p", generated_code="g", reference_code="r", test_output="t"),
    SampleIn(id="c", passed=True, model="", stage="", data_type="", task_type=""),
    SampleIn(id="d", passed=False, model="m", metadata={"k": "v"}),
    SampleIn(id="e", prompt="日本語 ✓ é ü \U0001f600", metadata={"ключ": ["é", 1, 2.5, None]}),
    SampleIn(id="f", test_output="\x00\x01\x1b[31m\r\n", metadata={"b": {"z": 1, "a": [{}]}}),
    SampleIn(id="g", generated_code="x" * 100_000, metadata={"n": -1e300, "t": True, "f": False}),
    SampleIn(id="h", metadata={"": "", " ": " ", "long": "ε" * 1000}),
]


@pytest.mark.parametrize("sample", SAMPLE_VARIANTS, ids=[s.id for s in SAMPLE_VARIANTS])
def test_the_sql_digest_is_the_models(sample: SampleIn) -> None:
    digest, meta = sample.hashed()
    assert digest == content_hash_of(sample)
    conn = sqlite3.connect(":memory:")
    merge_samples.register_digest(conn)
    found = conn.execute(
        f"SELECT {merge_samples.DIGEST_FUNCTION}(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        (
            sample.prompt,
            sample.generated_code,
            sample.reference_code,
            sample.test_output,
            None if sample.passed is None else int(sample.passed),
            sample.model,
            sample.stage,
            sample.data_type,
            sample.task_type,
            meta,
        ),
    ).fetchone()[0]
    assert found == digest


def content_hash_of(sample: SampleIn) -> str:
    """The digest by the slow, general definition (:func:`annotator.models.content_hash`)."""
    return content_hash(sample.model_dump(exclude={"id", "source"}))


@pytest.mark.parametrize(
    "meta",
    ['{"b": 1, "a": 2}', '{"a":1}', '{"a": "\\u00e9"}', "[]", "{", "", ' {"a": 1}', '{"a": NaN}'],
)
def test_the_sql_digest_refuses_metadata_spelled_otherwise(meta: str) -> None:
    expected = None
    if meta == '{"a": NaN}':  # Python's own spelling: stored so by our writes too
        expected = SampleIn(id="x", metadata={"a": float("nan")}).hashed()[0]
    assert merge_samples.sample_digest_sql("", "", "", "", None, None, None, None, None, meta) == (
        expected
    )


@pytest.mark.parametrize(
    "values",
    [
        (b"", "", "", "", None, None, None, None, None, "{}"),
        ("", "", "", "", 2, None, None, None, None, "{}"),
        ("", "", "", "", 1.0, None, None, None, None, "{}"),
        ("", "", "", "", "1", None, None, None, None, "{}"),
        ("", "", "", "", None, 5, None, None, None, "{}"),
        ("", "", "", "", None, None, None, None, None, None),
        (None, "", "", "", None, None, None, None, None, "{}"),
    ],
)
def test_the_sql_digest_refuses_other_types(values: tuple[Any, ...]) -> None:
    assert merge_samples.sample_digest_sql(*values) is None


# -- study tables (store/merge_study_plain.py) ---------------------------------------

STAMP = "2026-12-01T00:00:00.000000Z"


def _their_study(path: Path) -> Path:
    """Samples s0-s5 and x9; gold on each, and for alice and bob a training answer, a
    discussion and a retest answer (with its history entry) per sample."""
    store = Store.open(path)
    _samples(store)
    store.upsert_sample(SampleIn(id="x9", generated_code="y = 9"))
    version = store.taxonomy.version
    first = store.taxonomy.categories[0]
    sub = first.subcategories[0].name
    for name in ("alice", "bob"):
        store.register_annotator(name)
    store.close()
    ids = [f"s{i}" for i in range(6)] + ["x9"]
    conn = sqlite3.connect(path)
    conn.executemany(
        "INSERT INTO gold VALUES (?, ?, ?, ?, ?, 'import:x', ?, ?, ?)",
        [
            (s, "check" if i % 2 else "training", "pass" if i == 3 else "bug",
             None if i == 3 else first.id, sub if i == 4 else None, version, STAMP, STAMP)
            for i, s in enumerate(ids)
        ],
    )  # fmt: skip
    conn.execute("INSERT INTO rounds VALUES (1, 'round 1', 7, NULL, 'all', ?)", (STAMP,))
    conn.executemany(
        "INSERT INTO round_samples VALUES (?, 1, ?)", [(s, i) for i, s in enumerate(ids[:6])]
    )
    for who in ("alice", "bob"):
        conn.executemany(
            "INSERT INTO round_assignments VALUES (?, ?, 1)", [(s, who) for s in ids[:6]]
        )
        conn.executemany(
            "INSERT INTO training_answers VALUES (?, ?, 'bug', 2, NULL, 'bug', ?, ?, ?, ?)",
            [(s, who, first.id, sub, version, STAMP) for s in ids],
        )
        conn.executemany(
            "INSERT INTO discussions VALUES (?, ?, NULL, ?)", [(s, who, STAMP) for s in ids]
        )
        conn.executemany(
            "INSERT INTO retest_answers (sample_id, annotator, first_history_id, kind, category,"
            " note, taxonomy_version, source, revision, created_at, updated_at)"
            " VALUES (?, ?, NULL, 'bug', 3, 'again', ?, 'ui', 1, ?, ?)",
            [(s, who, version, STAMP, STAMP) for s in ids],
        )
    conn.commit()
    conn.close()
    return path


def _ours_with_study(path: Path) -> Store:
    """Ours: the labels of :func:`_ours`, a gold item equal to theirs (s0), another
    (s1), a training answer of alice that differs (s1), a discussion shown later (s2)."""
    store = _ours(path)
    version = store.taxonomy.version
    store.close()
    _sql(
        path,
        f"INSERT INTO gold VALUES ('s0', 'training', 'bug', 1, NULL, 'import:x', '{version}',"
        f" '{STAMP}', '{STAMP}')",
        f"INSERT INTO gold VALUES ('s1', 'training', 'pass', NULL, NULL, 'mine', '{version}',"
        f" '{STAMP}', '{STAMP}')",
        "INSERT INTO annotators (name, created_at) VALUES ('alice', '2026-11-01T00:00:00.000000Z')"
        " ON CONFLICT DO NOTHING",
        "INSERT INTO training_answers VALUES ('s1', 'alice', 'pass', NULL, NULL, 'bug', 1, NULL,"
        f" '{version}', '2026-11-01T00:00:00.000000Z')",
        "INSERT INTO discussions VALUES ('s2', 'bob', NULL, '2026-12-02T00:00:00.000000Z')",
    )
    return Store.open(path)


def _study_dump(store: Store) -> tuple[list[Any], ...]:
    label = _COLUMNS.replace("sample_id, annotator, ", "")
    return (
        peek(store, "SELECT * FROM gold ORDER BY sample_id"),
        peek(store, "SELECT * FROM training_answers ORDER BY sample_id, annotator"),
        peek(store, "SELECT * FROM discussions ORDER BY sample_id, annotator"),
        peek(
            store,
            f"SELECT sample_id, annotator, first_history_id, {label} FROM retest_answers"
            " ORDER BY sample_id, annotator",
        ),
        peek(
            store,
            f"SELECT sample_id, annotator, op, changed_at, {label} FROM retest_history"
            " ORDER BY sample_id, annotator, changed_at, op, revision",
        ),
        peek(store, "SELECT name FROM annotators ORDER BY 1"),
        peek(store, "SELECT * FROM rounds ORDER BY id"),
        peek(store, "SELECT * FROM round_samples ORDER BY sample_id"),
        peek(store, "SELECT * FROM round_assignments ORDER BY sample_id, annotator"),
    )


def _second_training_answer(path: Path) -> None:
    _loosen(path, "training_answers")
    _sql(path, "INSERT INTO training_answers SELECT * FROM training_answers WHERE sample_id = 's3'")


def _integer_discussion_key(path: Path) -> None:
    _loosen(path, "discussions")
    _sql(path, "UPDATE discussions SET sample_id = 7 WHERE sample_id = 's4' AND annotator = 'bob'")


def _loose_assignment(statement: str) -> Callable[[Path], None]:
    def change(path: Path) -> None:
        _loosen(path, "round_assignments")
        _sql(path, statement)

    return change


STUDY_CASES: dict[str, Callable[[Path], None]] = {
    "as written": lambda p: None,
    "a training answer in another ISO 8601 spelling": lambda p: _sql(
        p, "UPDATE training_answers SET answered_at = '2026-12-01 00:00:00' WHERE sample_id = 's2'"
    ),
    "a gold item dated in the future": lambda p: _sql(
        p, "UPDATE gold SET updated_at = '2199-01-01T00:00:00.000000Z' WHERE sample_id = 's5'"
    ),
    "a NUL in a gold source": lambda p: _sql(
        p, "UPDATE gold SET source = 'a' || char(0) WHERE sample_id = 's4'"
    ),
    "a pass with a category": lambda p: _sql(
        p, "UPDATE training_answers SET kind = 'pass' WHERE sample_id = 's2' AND annotator = 'bob'"
    ),
    "an unknown category": lambda p: _sql(
        p, "UPDATE training_answers SET reference_category = 999 WHERE sample_id = 's5'"
    ),
    "an unknown taxonomy version": lambda p: _sql(
        p, "UPDATE gold SET taxonomy_version = '9.9' WHERE sample_id = 's2'"
    ),
    "a second training answer of one key": _second_training_answer,
    "a discussion of a round they lack": lambda p: _sql(
        p, "UPDATE discussions SET round_id = 99 WHERE sample_id = 's1'"
    ),
    "an integer key of a discussion": _integer_discussion_key,
    "a name that reads as another": lambda p: _sql(
        p, "UPDATE discussions SET annotator = 'Bob' WHERE sample_id = 'x9' AND annotator = 'bob'"
    ),
    "a retest answer with a raw cell": lambda p: _sql(
        p,
        """UPDATE retest_answers SET raw = '{"cell": "B2"}' WHERE sample_id = 's3'""",
        """UPDATE retest_history SET raw = '{"cell": "B2"}' WHERE sample_id = 's3'""",
    ),
    "a retest answer naming a history entry": lambda p: _sql(
        p, "UPDATE retest_answers SET first_history_id = 12345 WHERE sample_id = 's0'"
    ),
    "a repeated retest history entry": lambda p: _sql(
        p,
        f"INSERT INTO retest_history (op, changed_at, {_COLUMNS}) SELECT op, changed_at,"
        f" {_COLUMNS} FROM retest_history WHERE sample_id = 's1' AND annotator = 'alice'",
    ),
    "a retest answer of a sample neither has": lambda p: _sql(
        p,
        "PRAGMA foreign_keys = OFF",
        "UPDATE retest_answers SET sample_id = 'zz' WHERE sample_id = 's5' AND annotator = 'bob'",
    ),
    "an assignment outside its round": lambda p: _sql(
        p, "INSERT INTO round_assignments VALUES ('x9', 'alice', 1)"
    ),
    "an assignment with a text round id": _loose_assignment(
        "UPDATE round_assignments SET round_id = '1' WHERE sample_id = 's2' AND annotator = 'bob'"
    ),
    "a study row with a float revision": lambda p: _sql(
        p, "UPDATE retest_history SET revision = 1.5 WHERE sample_id = 's2'"
    ),
}


@pytest.mark.parametrize("case", list(STUDY_CASES), ids=list(STUDY_CASES))
def test_study_tables_end_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _their_study(tmp_path / "theirs.db")
    STUDY_CASES[case](other)
    base = tmp_path / "ours.db"
    _ours_with_study(base).close()
    copied: list[int] = []
    copy = merge_study_plain.copy_plain_study

    def counting(conn: Any, reader: Any, alias: Any, table: str) -> Any:
        before = reader.counts[table]["added"]
        rest = copy(conn, reader, alias, table)
        copied.append(reader.counts[table]["added"] - before)
        return rest

    monkeypatch.setattr(merge_study, "copy_plain_study", counting)
    monkeypatch.setattr(merge_study_rounds, "copy_plain_study", counting)
    results = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(merge, "attach", lambda *args: False)
        path = tmp_path / f"{fast}.db"
        outcome = _outcome(base, path, other)
        with Store.open(path) as store:
            results.append((outcome, _study_dump(store)))
    assert results[0] == results[1]
    if case == "as written":
        assert results[0][0][0] == "merged" and sum(copied) > 40
        # gold, training, retest answers and history, round assignments, discussions
        assert all(copied[:6]) and not any(copied[6:]), copied
        assert results[0][0][1]["study"]["gold"] == {
            "added": 5, "updated": 0, "same": 1, "conflicts": 1
        }  # fmt: skip


def _answer_changed_there(path: Path) -> None:
    _sql(
        path,
        "UPDATE training_answers SET category = 3, answered_at = '2026-11-01T00:00:00.000000Z'"
        " WHERE sample_id = 's4' AND annotator = 'bob'",
        "UPDATE discussions SET shown_at = '2026-11-30T00:00:00.000000Z' WHERE sample_id = 's5'",
        "UPDATE retest_answers SET note = 'changed', updated_at = '2026-12-03T00:00:00.000000Z'"
        " WHERE sample_id = 's0' AND annotator = 'alice'",
        "UPDATE gold SET kind = 'pass', category = NULL, subcategory = NULL WHERE sample_id = 's2'",
    )


STUDY_AGAIN: dict[str, Callable[[Path], None]] = {
    "unchanged": lambda p: None,
    "rows changed there": _answer_changed_there,
    "our discussion in another spelling": lambda p: None,
}


@pytest.mark.parametrize("case", list(STUDY_AGAIN), ids=list(STUDY_AGAIN))
def test_study_tables_merged_again_end_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    other = _their_study(tmp_path / "theirs.db")
    base = tmp_path / "ours.db"
    store = _ours_with_study(base)
    store.merge_database(other)
    if case == "our discussion in another spelling":
        tamper(store).execute(
            "UPDATE discussions SET shown_at = replace(shown_at, 'Z', '+00:00')"
            " WHERE annotator = 'alice'"
        )
        tamper(store).commit()
    store.close()
    STUDY_AGAIN[case](other)
    results = []
    for fast in (True, False):
        if not fast:
            monkeypatch.setattr(merge, "attach", lambda *args: False)
        path = tmp_path / f"{fast}.db"
        outcome = _outcome(base, path, other)
        with Store.open(path) as store:
            results.append((outcome, _study_dump(store)))
    assert results[0] == results[1]
    if case == "unchanged":
        study = results[0][0][1]["study"]
        assert study["training_answers"]["same"] == 13 and study["gold"]["added"] == 0
