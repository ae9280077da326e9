"""The kinds of label rows the set-based merge path took over from the row-by-row path.

Issue 23: a file whose every row failed the set-based predicate went row by row (about
66 s of CPU at the caps). Now set-based as well: timestamps in another ISO 8601
spelling (canonicalised in SQL by the same ``canonical_timestamp``), keys both sides
label (the same decision, or a conflict decided newest-wins by instants, ``final``
kept unless ``take_final``), history we partly hold, a label we deleted here. Each case
merges one other file into two equal databases, once as the merge runs and once with
attaching turned off (every row validated and merged in Python): both must end the
same (the same error, or the same labels, history, annotators, summary with its
conflicts in the same order, and note index), and the set-based path must have left
no row of theirs to the row-by-row path where the case says so.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from rawsql import tamper
from test_merge_plain import _ours, _outcome, _theirs
from test_merge_untrusted import _sql

from annotator.errors import UserError
from annotator.models import (
    TIMESTAMP_FORMAT,
    LabelValue,
    canonical_timestamp,
    instant_text,
    parse_instant,
)
from annotator.store import Store, merge, merge_plain

_TIMES = ("created_at", "updated_at")
_NO_TRIGGER = "DROP TRIGGER IF EXISTS labels_history_update"
"""Their file's own trigger off, so that rewriting their rows adds no history."""


def _respell(expression: str) -> Callable[[Path], None]:
    """Every timestamp of theirs rewritten by ``expression`` (of ``{c}``, the column)."""

    def change(path: Path) -> None:
        labels = ", ".join(f"{c} = {expression.format(c=c)}" for c in _TIMES)
        history = ", ".join(f"{c} = {expression.format(c=c)}" for c in (*_TIMES, "changed_at"))
        _sql(
            path, _NO_TRIGGER, f"UPDATE labels SET {labels}", f"UPDATE label_history SET {history}"
        )

    return change


_LATER = "strftime('%Y-%m-%dT%H:%M:%S', 'now', '+12 hours') || '.000000Z'"
"""Later than anything the test writes, and not in the future by the merge's bound."""
_BASIC = "replace(replace({c}, '-', ''), ':', '')"
_OFFSET = "replace({c}, 'Z', '+00:00')"
_SPACE = "replace(replace({c}, 'T', ' '), 'Z', '')"
_PLUS_TWO = "strftime('%Y-%m-%dT%H:%M:%f', {c}, '+2 hours') || '+02:00'"


def _week_dates(path: Path) -> None:
    """A label dated by ISO week date (2026-W01-1 is 2025-12-29), history included."""
    _sql(
        path,
        _NO_TRIGGER,
        "UPDATE labels SET created_at = '2026-W01-1T00:00', updated_at = '2026-W01-1T00:00'"
        " WHERE sample_id = 's0' AND annotator = 'carol'",
        "UPDATE label_history SET created_at = '2026-W01-1T00:00',"
        " updated_at = '2026-W01-1T00:00', changed_at = '2026-W01-1T00:00'"
        " WHERE sample_id = 's0' AND annotator = 'carol'",
    )


def _their_label_newer(path: Path) -> None:
    """Their s1/alice dated after ours (ours is written after theirs in every case)."""
    _sql(
        path,
        _NO_TRIGGER,
        f"UPDATE labels SET updated_at = {_LATER} WHERE annotator = 'alice'",
    )


def _their_label_newer_basic(path: Path) -> None:
    _their_label_newer(path)
    _respell(_BASIC)(path)


def _same_decision_more_history(path: Path) -> None:
    """Their s1/alice says what ours says, with history entries we lack."""
    _sql(
        path,
        _NO_TRIGGER,
        "UPDATE labels SET category = 3, note = 'ours' WHERE annotator = 'alice'",
    )


def _final_there(path: Path) -> None:
    """A final label there that differs from ours (s2/final), and newer."""
    store = Store.open(path)
    store.set_label("s2", "final", LabelValue(category=9))
    store.close()
    _sql(
        path,
        _NO_TRIGGER,
        f"UPDATE labels SET updated_at = {_LATER} WHERE annotator = 'final'",
    )


def _duplicate_marks_spelled_apart(path: Path) -> None:
    """Two history entries of one label, one instant in two spellings: one mark."""
    _sql(
        path,
        "INSERT INTO label_history (sample_id, annotator, op, changed_at, kind, category,"
        " subcategory_inferred, subcategory2_inferred, note, note2, taxonomy_version, source,"
        " revision, created_at, updated_at)"
        " SELECT sample_id, annotator, op, replace(changed_at, 'Z', '+00:00'), kind, category,"
        " subcategory_inferred, subcategory2_inferred, note, note2, taxonomy_version, source,"
        " revision, created_at, updated_at FROM label_history"
        " WHERE sample_id = 'x9' AND annotator = 'bob'",
    )


def _future_week_date(path: Path) -> None:
    _sql(
        path,
        _NO_TRIGGER,
        "UPDATE labels SET updated_at = '2199-W01-1T00:00' WHERE sample_id = 'x9'",
    )


def _not_a_time(path: Path) -> None:
    _sql(path, _NO_TRIGGER, "UPDATE labels SET updated_at = '2026-13-45' WHERE sample_id = 'x9'")


CASES: dict[str, tuple[Callable[[Path], None], bool]] = {
    # name: (change to their file, every row of theirs set-based)
    "the basic format everywhere": (_respell(_BASIC), False),
    "offsets +00:00 everywhere": (_respell(_OFFSET), False),
    "a space and no zone everywhere": (_respell(_SPACE), False),
    "local time at +02:00 everywhere": (_respell(_PLUS_TWO), False),
    "week dates": (_week_dates, False),
    "their label newer than ours": (_their_label_newer, False),
    "their label newer, basic format": (_their_label_newer_basic, False),
    "the same decision, more history there": (_same_decision_more_history, False),
    "final differs there and is newer": (_final_there, False),
    "one instant twice in history, spelled apart": (_duplicate_marks_spelled_apart, False),
    "a week date in the future": (_future_week_date, False),
    "not a time": (_not_a_time, False),
}


def _ours_variants() -> dict[str, Callable[[Store], None]]:
    def older_spelling(store: Store) -> None:
        # Merges before 2026-12 kept the source's spelling of our times.
        tamper(store).execute(
            "UPDATE labels SET updated_at = replace(updated_at, 'Z', '+00:00')"
            " WHERE annotator = 'alice'"
        )
        tamper(store).commit()

    def unreadable(store: Store) -> None:
        tamper(store).execute("DROP TRIGGER IF EXISTS labels_history_update")
        tamper(store).execute("UPDATE labels SET updated_at = 'x' WHERE annotator = 'alice'")
        tamper(store).commit()

    def deleted_here(store: Store) -> None:
        store.set_label("s0", "bob", LabelValue(category=4))
        store.delete_label("s0", "bob")

    def edited_here(store: Store) -> None:
        store.set_label("s0", "carol", LabelValue(category=8, note="ours, later"))

    return {
        "as written": lambda store: None,
        "ours in an older spelling": older_spelling,
        "ours unreadable": unreadable,
        "a label deleted here": deleted_here,
        "a label edited here": edited_here,
    }


OURS = _ours_variants()


def _both(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    change: Callable[[Path], None],
    ours: Callable[[Store], None],
    take_final: bool = False,
) -> tuple[tuple[Any, ...], tuple[Any, ...], list[Any]]:
    """(outcome set-based, outcome row by row, what the set-based path left)."""
    other = _theirs(tmp_path / "theirs.db")
    change(other)
    base = tmp_path / "ours.db"
    store = _ours(base)
    ours(store)
    store.close()
    left: list[Any] = []
    copy = merge_plain.copy_plain_labels

    def recording(*args: Any) -> Any:
        rest = copy(*args)
        left.append(rest)
        return rest

    monkeypatch.setattr(merge, "copy_plain_labels", recording)
    if take_final:
        monkeypatch.setattr(Store, "merge_database", _taking_final)
    fast = _outcome(base, tmp_path / "fast.db", other)
    monkeypatch.setattr(merge, "attach", lambda *args: False)
    slow = _outcome(base, tmp_path / "slow.db", other)
    return fast, slow, left


def _taking_final(self: Store, other: str | Path, take_final: bool = False) -> Any:
    return self.merge_databases([other], take_final=True)[0]


@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_each_kind_ends_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    change, _ = CASES[case]
    fast, slow, left = _both(tmp_path, monkeypatch, change, OURS["as written"])
    assert fast == slow


@pytest.mark.parametrize("ours", list(OURS), ids=list(OURS))
@pytest.mark.parametrize(
    "case",
    [
        "the basic format everywhere",
        "their label newer than ours",
        "their label newer, basic format",
        "final differs there and is newer",
    ],
)
def test_keys_both_sides_have_end_as_the_row_by_row_path(
    tmp_path: Path, case: str, ours: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow, _ = _both(tmp_path, monkeypatch, CASES[case][0], OURS[ours])
    assert fast == slow
    assert fast[0] == "merged"


@pytest.mark.parametrize(
    "case", ["final differs there and is newer", "their label newer than ours"]
)
def test_take_final_ends_as_the_row_by_row_path(
    tmp_path: Path, case: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast, slow, _ = _both(tmp_path, monkeypatch, CASES[case][0], OURS["as written"], True)
    assert fast == slow


def test_other_spellings_and_conflicts_go_set_based(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The crafted file of issue 23 (every time in the basic format, a label of ours
    newer, one of theirs newer, final differing): no row is left to the row-by-row
    path but the long note's."""
    fast, slow, left = _both(
        tmp_path, monkeypatch, _their_label_newer_basic, OURS["a label edited here"]
    )
    assert fast == slow
    assert fast[0] == "merged"
    summary = fast[1]
    assert summary["labels_updated"] >= 1 and summary["labels_new"] >= 5
    assert any("kept the newest (theirs)" in c for c in summary["conflicts"])
    assert any("kept the newest (ours)" in c for c in summary["conflicts"])
    # Only the rows with a note over PLAIN_CHARS (s5/bob) are left to the row-by-row path.
    long = f"length(note) > {merge_plain.PLAIN_CHARS}"
    conn = sqlite3.connect(tmp_path / "theirs.db")
    expected = tuple(
        [r for (r,) in conn.execute(f"SELECT rowid FROM {table} WHERE {long} ORDER BY 1")]
        for table in ("labels", "label_history")
    )
    conn.close()
    assert left[0] == expected and expected[0]


def test_a_week_date_that_is_stale_loses_set_based(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Issue 23 item 1: 2026-W01-1 is earlier than ours; text order would say later."""
    fast, slow, left = _both(
        tmp_path,
        monkeypatch,
        lambda p: _sql(
            p,
            _NO_TRIGGER,
            "UPDATE labels SET updated_at = '2026-W01-1T00:00' WHERE annotator = 'alice'",
            "UPDATE labels SET created_at = updated_at WHERE annotator = 'alice'",
        ),
        OURS["as written"],
    )
    assert fast == slow
    assert (
        "label s1 / alice: differs; kept the newest (ours), the other is in history"
        in (fast[1]["conflicts"])
    )
    assert len(left[0][0]) == 1  # the long note's label only


@pytest.mark.parametrize(
    "text",
    [
        "2026-11-01T08:00:00.123456Z",
        "20261101T080000",
        "2026-W01-1T00:00",
        "2000-01-01T06:00:00+05:00",
        "2199-12-31T19:59:59.999999-03:30",
        "2026-03-29 02:30",
    ],
)
def test_the_stored_spelling_is_strftimes(text: str) -> None:
    """instant_text formats field by field (for speed): the same text as strftime."""
    when = parse_instant(text)
    assert instant_text(when) == when.astimezone(UTC).strftime(TIMESTAMP_FORMAT)
    assert merge_plain.sql_instant(text) == canonical_timestamp(text)
    assert merge_plain.sql_instant(5) is None and merge_plain.sql_instant("2026-13-01") is None


def test_a_study_table_over_its_cap_is_refused_before_any_row_is_merged(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Counts are read before rows: no sample or label of the file is read first."""
    from test_merge_study import bobs_work, lead_database

    from annotator.store import merge_study_rows

    lead = lead_database(tmp_path / "lead.db")
    bob = tmp_path / "bob.db"
    bob.write_bytes(lead.read_bytes())
    bobs_work(bob)
    monkeypatch.setitem(merge_study_rows.MAX_STUDY_ROWS, "round_assignments", 3)

    def too_early(*args: Any) -> Any:
        raise AssertionError("rows merged before the caps were checked")

    for name in ("same_samples", "copy_plain_labels", "_merge_samples", "_merge_labels"):
        monkeypatch.setattr(merge, name, too_early)
    with Store.open(lead) as store, pytest.raises(UserError, match="round_assignments has"):
        store.merge_database(bob)
