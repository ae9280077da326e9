"""The merge of the study's method tables (issue #27): gold, training, retest, rounds,
discussions and negotiation reasons.

Contract: :func:`merge_study_tables` runs inside the merge's write transaction
(:mod:`.merge`), for one other file, after its samples, labels and label history are
merged. Each table the other file has (a file made before migrations m008-m011 has
none of them: nothing is read) is refused unless it is an ordinary table under its
row cap (:data:`MAX_STUDY_ROWS`); every row is validated (types, sizes, references,
timestamps as instants, names by the rule of our own writes) and the first bad row
raises one :class:`~annotator.errors.UserError` naming the file, table, row and
field, which rolls the whole merge back. Merging a file twice adds nothing.

- ``gold``: union by sample; a different reference (purpose, kind, category,
  subcategory) is a conflict, ours kept;
- ``training_answers``: union by (sample, annotator); the first answer counts:
  when both differ, the earlier (``answered_at`` as an instant) is kept, reported;
- ``retest_plan``: study-level: taken when we have none; a different one is a
  conflict, ours kept;
- ``retest_answers``: union by (sample, annotator); when both differ the newest
  wins, reported (as labels). ``retest_history`` entries we lack are copied as
  label history is (by sample, annotator, op, time, revision);
- ``rounds``: a round matches ours by (name, created_at, seed, its set of
  samples) and its assignments are united; a round only they have is copied under
  a new id unless one of its samples is in one of our rounds (a conflict, not
  copied, nor its assignments);
- ``discussions``: union by (sample, annotator); the earlier ``shown_at`` is kept
  (the disagreement was first shown then); the round id is mapped to ours;
- ``negotiation_reasons`` and ``retest_answers.first_history_id`` point at
  ``label_history`` ids, which differ between databases: each is mapped to our
  entry with the same content (sample, annotator, op, changed_at, revision: the
  mark by which the label merge copies history), so no migration is needed.

When the file is attached (``alias``), the plain rows of gold, training answers,
discussions, retest answers, retest history and round assignments are copied (new)
or counted (the same) by SQL first (:mod:`.merge_study_plain`); the row-by-row path
then reads only the rest.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ..models import HistoryEntry, Label, retest_plan_problem
from .merge_rows import MAX_LABEL_VALUE, OtherDatabase, instant
from .merge_study_plain import copy_plain_study
from .merge_study_rounds import RoundsMerge
from .merge_study_rows import _LABEL_FIELDS, _REQUIRED, _q
from .merge_values import DECISION_AT, LABEL_COLUMNS, UPDATED_AT, stored_values


def merge_study_tables(
    conn: sqlite3.Connection, other: OtherDatabase, alias: str | None = None
) -> dict[str, Any]:
    """Merge the study tables of ``other`` into ours (``conn``, in the merge's
    transaction; ``alias``: the name ``other`` is attached under, None: read row by
    row only). Returns per table the counts (added, updated, same, conflicts)
    and the conflict lines, as ``{"counts": {...}, "conflicts": [...]}``."""
    study = _StudyMerge(conn, other)
    study.alias = alias
    other.conn.setlimit(sqlite3.SQLITE_LIMIT_LENGTH, MAX_LABEL_VALUE)
    present = study.tables()

    def rest(table: str) -> list[int] | None:
        """The set-based path first (:mod:`.merge_study_plain`); what it left."""
        return copy_plain_study(conn, study, alias, table)

    if "gold" in present:
        study.gold(rest("gold"))
    if "training_answers" in present:
        study.training(rest("training_answers"))
    if "retest_plan" in present:
        study.retest_plan()
    if "retest_answers" in present:
        with _triggers_off(conn, "retest_answers", "retest_history_"):
            study.retest_answers(rest("retest_answers"))
            if "retest_history" in present:
                study.retest_history(rest("retest_history"))
    if {"rounds", "round_samples"} <= present:
        study.rounds("round_assignments" in present)
    if "discussions" in present:
        study.discussions(rest("discussions"))
    if "negotiation_reasons" in present:
        study.reasons()
    return {"counts": study.counts, "conflicts": study.conflicts}


@contextmanager
def _triggers_off(conn: sqlite3.Connection, table: str, prefix: str) -> Iterator[None]:
    """``table``'s triggers named ``prefix...`` dropped for the block and created again
    from their own SQL (DDL inside the merge's transaction: a failed merge rolls back to
    them as they were). The merge copies the other side's history itself."""
    like = prefix.replace("_", "\\_") + "%"
    triggers = conn.execute(
        "SELECT name, sql FROM main.sqlite_master WHERE type = 'trigger' AND tbl_name = ?"
        " AND name LIKE ? ESCAPE '\\' ORDER BY name",
        (table, like),
    ).fetchall()
    for name, _ in triggers:
        conn.execute(f"DROP TRIGGER main.{_q(str(name))}")
    yield  # no finally: on an error the transaction rolls back, triggers included
    for _, sql in triggers:
        conn.execute(str(sql))


class _StudyMerge(RoundsMerge):
    """One other file's study tables, merged table by table."""

    # -- gold and training ---------------------------------------------------------
    def gold(self, only: list[int] | None = None) -> None:
        t = "gold"
        cols = sorted(_REQUIRED[t])
        for row in self._rows(t, cols, '"sample_id" COLLATE BINARY', only):
            sid = self._sample(t, row)
            purpose = self._text(t, row, "purpose")
            assert purpose is not None
            kind, category, sub = self._reference(t, row, "", purpose)
            source = self._text(t, row, "source", cap=MAX_LABEL_VALUE)
            version = self._version(t, row)
            created, updated = self._time(t, row, "created_at"), self._time(t, row, "updated_at")
            mine = self.conn.execute(
                "SELECT purpose, kind, category, subcategory FROM gold WHERE sample_id = ?", (sid,)
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO gold (sample_id, purpose, kind, category, subcategory, source,"
                    " taxonomy_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (sid, purpose, kind, category, sub, source, version, created, updated),
                )
                self._count(t, "added")
            elif tuple(mine) == (purpose, kind, category, sub):
                self._count(t, "same")
            else:
                self._count(t, "conflicts", f"{sid}: a different reference; kept this database's")

    def training(self, only: list[int] | None = None) -> None:
        t = "training_answers"
        cols = sorted(_REQUIRED[t])
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        for row in self._rows(t, cols, order, only):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            answer = self._reference(t, row, "")
            reference = self._reference(t, row, "reference_")
            version = self._version(t, row)
            at = self._time(t, row, "answered_at")
            values = (*answer, *reference, version, at)
            mine = self.conn.execute(
                "SELECT kind, category, subcategory, answered_at FROM training_answers"
                " WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is not None and tuple(mine[:3]) == answer:
                self._count(t, "same")
                continue
            if mine is not None:
                earlier = instant(at) < instant(mine[3])
                self._count(
                    t,
                    "conflicts",
                    f"{sid} / {who}: different answers; kept the first"
                    f" ({'theirs' if earlier else 'ours'})",
                )
                if not earlier:
                    continue
                self.conn.execute(
                    "DELETE FROM training_answers WHERE sample_id = ? AND annotator = ?", (sid, who)
                )
            self.conn.execute(
                "INSERT INTO training_answers (sample_id, annotator, kind, category, subcategory,"
                " reference_kind, reference_category, reference_subcategory, taxonomy_version,"
                " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (sid, who, *values),
            )
            if mine is None:
                self._count(t, "added")

    # -- retest --------------------------------------------------------------------
    def retest_plan(self) -> None:
        t = "retest_plan"
        for row in self._rows(t, sorted(_REQUIRED[t]), "rowid"):
            if self._int(t, row, "id") != 1:
                raise self._bad(t, row, "id", "the plan's id is 1")
            share = self._real(t, row, "share")
            assert share is not None
            if not 0 < share <= 1:
                raise self._bad(t, row, "share", "not a share in (0, 1]")
            after = self._int(t, row, "after", low=0)
            days = self._real(t, row, "days", null=True)
            seed = self._int(t, row, "seed")
            assert after is not None and seed is not None
            problem = retest_plan_problem(share, after, days, seed)  # the same check as ours
            if problem is not None:
                raise self._bad(t, row, problem[0], problem[1])
            set_at = self._time(t, row, "set_at")
            mine = self.conn.execute(
                "SELECT share, after, days, seed FROM retest_plan WHERE id = 1"
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO retest_plan (id, share, after, days, seed, set_at)"
                    " VALUES (1, ?, ?, ?, ?, ?)",
                    (share, after, days, seed, set_at),
                )
                self._count(t, "added")
            elif tuple(mine) == (share, after, days, seed):
                self._count(t, "same")
            else:
                self._count(t, "conflicts", "differs; kept this database's plan")

    def retest_answers(self, only: list[int] | None = None) -> None:

        t = "retest_answers"
        cols = ["first_history_id", *_LABEL_FIELDS]
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        upsert = (
            f"INSERT INTO retest_answers (sample_id, annotator, first_history_id,"
            f" {', '.join(LABEL_COLUMNS)}) VALUES ({', '.join('?' for _ in range(len(LABEL_COLUMNS) + 3))})"
            " ON CONFLICT (sample_id, annotator) DO UPDATE SET"
            f" first_history_id = excluded.first_history_id,"
            f" {', '.join(f'{k} = excluded.{k}' for k in LABEL_COLUMNS)}"
        )
        for row in self._rows(t, cols, order, only):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            label = self.other._label(Label, row, t)
            first = None
            if row["first_history_id"] is not None:
                first = self._history_id(t, row, "first_history_id", (sid, who))
            values = stored_values(label)
            mine = self.conn.execute(
                f"SELECT {', '.join(LABEL_COLUMNS)} FROM retest_answers"
                " WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is not None:
                if all(mine[i] == values[i] for i in DECISION_AT):
                    self._count(t, "same")
                    continue
                newer = instant(values[UPDATED_AT]) > instant(mine[UPDATED_AT])
                self._count(
                    t,
                    "conflicts",
                    f"{sid} / {who}: differs; kept the newest ({'theirs' if newer else 'ours'}),"
                    " the other is in history",
                )
                if not newer:
                    continue
            self.conn.execute(upsert, [sid, who, first, *values])
            if mine is None:
                self._count(t, "added")
            else:
                self.counts[t]["updated"] += 1

    def retest_history(self, only: list[int] | None = None) -> None:

        t = "retest_history"
        insert = (
            f"INSERT INTO retest_history (sample_id, annotator, op, changed_at,"
            f" {', '.join(LABEL_COLUMNS)}) VALUES ({', '.join('?' for _ in range(len(LABEL_COLUMNS) + 4))})"
        )
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY, "id"'
        for row in self._rows(t, ["id", *_LABEL_FIELDS], order, only):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            entry = self.other._label(HistoryEntry, row, t)
            have = self.conn.execute(
                "SELECT 1 FROM retest_history WHERE sample_id = ? AND annotator = ? AND op = ?"
                " AND changed_at = ? AND revision = ?",
                (sid, who, entry.op, entry.changed_at, entry.revision),
            ).fetchone()
            if have:
                self._count(t, "same")
                continue
            self.conn.execute(insert, [sid, who, entry.op, entry.changed_at, *stored_values(entry)])
            self._count(t, "added")
