"""Issue 23's kinds on the surfaces added after it (rounds, retest, gold, negotiate, the
benchmark importers, the report's outputs): what benchmarks/hostile.py's ``surfaces`` block
found, each fixed case kept here. Real SQLite files through the real CLI; the times and
the memory of the big inputs are measured by hostile.py, not here.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from clirun import one_line_error, run
from rawsql import tamper

from annotator.models import LabelValue, SampleIn
from annotator.store import Store


@pytest.fixture
def db(tmp_path: Path) -> Path:
    path = tmp_path / "study.db"
    with Store.open(path) as store:
        for i in range(1, 7):
            store.upsert_sample(SampleIn(id=f"s{i}", generated_code="x = 1\n", passed=False))
            store.set_label(f"s{i}", "alice", LabelValue(category=1))
            store.set_label(f"s{i}", "bob", LabelValue(category=2))
    return path


BIG = "9" * 31


@pytest.mark.parametrize(
    ("args", "field"),
    [
        (["retest", "set", "0.1", "--after", BIG], "after"),
        (["retest", "set", "0.1", "--seed", BIG], "seed"),
        (["retest", "set", "0.1", "--days", "inf"], "days"),
        (["retest", "set", "0.1", "--days", "nan"], "days"),
        (["retest", "set", "0.1", "--days", "1e300"], "days"),
        (["round", "new", "--size", "2", "--seed", BIG], "seed"),
    ],
)
def test_numbers_a_study_cannot_keep_are_one_line(db: Path, args: list[str], field: str) -> None:
    """Integers past SQLite's 64 bits were a traceback (OverflowError on the write); a
    --days of inf or 1e300 was kept and then broke every queue (timedelta overflow), and
    nan was silently stored as no --days at all."""
    one_line_error(run(db, *args), f"field '{field}'")
    with Store.open(db) as store:
        assert store.retest_plan() is None
        assert store.rounds() == []


def test_a_plan_an_older_version_kept_with_a_huge_days_still_works(db: Path) -> None:
    """Existing databases keep working: --days 1e300 (accepted before) reads as never."""
    assert run(db, "retest", "set", "0.5", "--days", "30").exit_code == 0
    with Store.open(db) as store:
        tamper(store).execute("UPDATE retest_plan SET days = 1e300")
        tamper(store).commit()
        store.retest_due("alice")  # raised OverflowError
    result = run(db, "agreement", "--retest")
    assert result.exit_code == 0, result.output


def _bigcodebench(tmp_path: Path, solution: str) -> Path:
    import json

    path = tmp_path / "x_eval_results.json"
    entry = {"task_id": "BigCodeBench/1", "solution": solution, "status": "fail", "details": {}}
    path.write_text(json.dumps({"eval": {"BigCodeBench/1": [entry]}}))
    return path


def test_a_sample_over_the_cap_of_a_sample_is_refused_by_every_import(tmp_path: Path) -> None:
    """A 50 MB solution in a results document was imported (260 MB peak, and a database
    that merge then refused: 16 Mi characters a sample, one bound for both)."""
    from annotator.models import MAX_SAMPLE_TEXT

    db = tmp_path / "x.db"
    path = _bigcodebench(tmp_path, "x" * (MAX_SAMPLE_TEXT + 1))
    one_line_error(
        run(db, "import", "bigcodebench", str(path)), "x_eval_results.json", "more than a sample"
    )
    with Store.open(db) as store:
        assert store.sample_ids() == []
    path = _bigcodebench(tmp_path, "x" * (MAX_SAMPLE_TEXT - 100))
    assert run(db, "import", "bigcodebench", str(path)).exit_code == 0


# -- bounded work on a long note (a sheet cell may hold 1 Mi characters) ---------------------


@pytest.mark.parametrize(
    ("note_word", "word"),
    [
        ("dimenstion", "dimension"),
        ("shpe", "shape"),
        ("mismatchh", "mismatch"),
        ("x" * 40, "shape"),
        ("broadcastingg", "broadcast"),
        ("tensr", "tensor"),
        ("dimension" * 1000, "dimensions"),
        ("dtype", "dtypes"),
    ],
)
def test_the_length_shortcut_never_changes_a_typo_match(note_word: str, word: str) -> None:
    """rapidfuzz as the oracle: the shortcut only skips pairs whose ratio cannot reach 85."""
    from rapidfuzz import fuzz

    from annotator.subinfer import FUZZY, PREFIX, _same

    expected = (
        note_word == word
        or (len(word) >= PREFIX and note_word.startswith(word))
        or (min(len(word), len(note_word)) > 3 and fuzz.ratio(note_word, word) >= FUZZY)
    )
    assert _same(note_word, word) == expected


def test_only_the_first_words_of_a_note_are_weighed() -> None:
    """A note of megabytes took 0.2 s per keyword and word (a 4 Mi-character sheet cell: 30 s
    for five rows); now its first MAX_NOTE_WORDS words are the evidence."""
    from annotator.subinfer import MAX_NOTE_WORDS, Subcategory, infer

    subs = [Subcategory("Shape mismatch", ["tensor shape"]), Subcategory("Wrong API", ["api"])]
    filler = "word " * (MAX_NOTE_WORDS - 2)
    assert infer(filler + "tensor shape", subs) == "Shape mismatch"
    assert infer(filler + "more words tensor shape", subs) is None
    assert infer("tensor shape " + "x" * 4_000_000, subs) == "Shape mismatch"


def test_a_note_over_the_cap_of_a_label_is_refused_by_every_writer(db: Path) -> None:
    """A 4 Mi-character note was stored (and then refused by every merge of that file: a
    label row is at most 1 MiB there); one cap for every write now."""
    from annotator.errors import UserError
    from annotator.models import MAX_LABEL_TEXT

    with Store.open(db) as store:
        with pytest.raises(UserError, match="more than 1000 KiB"):
            store.set_label("s1", "carol", LabelValue(category=1, note="n" * (MAX_LABEL_TEXT + 1)))
        store.set_label("s1", "carol", LabelValue(category=1, note="n" * (MAX_LABEL_TEXT - 10)))
    sheet = db.parent / "labels.csv"
    sheet.write_text("sample,dave_cat1,dave_note1\ns2,1," + "n" * (600 << 10) + "\n")
    one_line_error(run(db, "import", "labels", str(sheet)), "row 2 field 'note'", "1000 KiB")
    with Store.open(db) as store:
        assert store.label("s2", "dave") is None


# -- Inspect logs: one sample's record and the listing are bounded ----------------------------


def _inspect_log(path: Path, members: int, member_bytes: int = 0) -> Path:
    import json
    import zipfile

    sample = {"id": "a", "epoch": 1, "input": "x", "output": {"completion": "x"},
              "scores": {"v": {"value": "I"}}, "messages": ["m" * member_bytes]}  # fmt: skip
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        archive.writestr("samples/a_epoch_1.json", json.dumps(sample))
        for i in range(members - 2):
            archive.writestr(f"attachments/{i}", "")
    return path


def test_an_inspect_member_over_16_mib_is_refused(tmp_path: Path) -> None:
    """A member is one sample's record, bounded as a JSONL line is: a 200 MiB member (under
    the old 256 MiB cap) peaked at 644 MB."""
    path = _inspect_log(tmp_path / "big.eval", 2, 16 << 20)
    one_line_error(
        run(tmp_path / "x.db", "import", "inspect", str(path)), "larger than 16 MiB unpacked"
    )
    path = _inspect_log(tmp_path / "ok.eval", 2, (16 << 20) - 200)
    assert run(tmp_path / "y.db", "import", "inspect", str(path)).exit_code == 0


def test_an_inspect_log_of_too_many_members_is_refused_before_its_listing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The count comes from the archive's end record (ZipFile() itself lists every member:
    a million members cost most of a GB before any check could run)."""
    import zipfile

    monkeypatch.setattr("annotator.importers.inspect_log.MAX_MEMBERS", 10)
    listed: list[str] = []
    real = zipfile.ZipFile.__init__

    def spy(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        listed.append(str(args[0]))
        real(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(zipfile.ZipFile, "__init__", spy)
    path = _inspect_log(tmp_path / "many.eval", 11)
    listed.clear()
    one_line_error(run(tmp_path / "x.db", "import", "inspect", str(path)), "more than 10 members")
    assert listed == []
    path = _inspect_log(tmp_path / "ten.eval", 10)
    assert run(tmp_path / "y.db", "import", "inspect", str(path)).exit_code == 0


def test_a_harness_task_file_over_16_mib_is_refused_unread(tmp_path: Path) -> None:
    """A task file is one sample's record (a 63 MiB one took 362 MB to import)."""
    (tmp_path / "tasks").mkdir()
    with (tmp_path / "tasks" / "DLBench_1.json").open("wb") as handle:
        handle.truncate((16 << 20) + 1)
    results = tmp_path / "r.jsonl"
    results.write_text('{"task_id": "DLBench/1", "status": "fail"}\n')
    one_line_error(
        run(
            tmp_path / "x.db",
            "import",
            "dlbench-harness",
            str(results),
            "--tasks",
            str(tmp_path / "tasks"),
        ),
        "DLBench_1.json",
        "task file",
    )
