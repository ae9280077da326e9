"""Test-retest in the store: the study's plan, which re-shows are due, the second answers.

Contract: :class:`RetestQueries` (part of :class:`~annotator.store.Store`) keeps one
study-level :class:`~annotator.store.rows.RetestPlan` (table ``retest_plan``, migration
m010_retest), so that every annotator's sitting, in any process, uses the same plan.

- *Picked* (:func:`picked`): a sample is in annotator A's retest share when the first 8
  bytes of sha256(seed, A, sample id), read as a fraction of 2**64, are below the share.
  The choice of one sample never depends on the others, so the same samples are chosen
  whenever the plan is recomputed, and about ``share`` of A's decided samples are.
- *Due* (:meth:`RetestQueries.retest_due`): picked, decided by A (a category or a pass),
  not yet answered a second time, and old enough: at least ``after`` of A's other samples
  decided since A last wrote that label, or ``days`` days since then. A label written
  at or after ``before`` (the start of the current sitting) is never due: a sample is
  not re-shown in the sitting that labeled it (which also keeps that sitting's undo, made
  on the ``labels`` table, away from a re-shown sample). A sample whose disagreement was
  shown to A (``discussions``: ``round discuss``, the review screen) is never due: A has
  seen the other raters' answers, so a second answer would not measure A against A.
- A second answer lives in ``retest_answers`` (its history in ``retest_history``), written
  by :meth:`RetestQueries.put_retest_answer` in its own committed transaction; it never
  writes ``labels`` or ``label_history``, so no study count reads it. It records
  ``first_history_id``, the ``label_history`` row of the first answer at the time, which
  :meth:`RetestQueries.retest_pairs` pairs it with.
"""

from __future__ import annotations

import hashlib
import json
import math
from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING

from .. import models
from ..errors import UserError
from ..models import MAX_RETEST_DAYS, retest_plan_problem
from ..taxonomy import Taxonomy
from . import labels as _labels
from .connection import now, write_transaction
from .rows import ReshowShift, RetestPair, RetestPlan
from .rules import decided, labeled

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import HistoryEntry, Label, LabelValue


def picked(seed: int, annotator: str, sample_id: str, share: float) -> bool:
    """Whether ``sample_id`` is in ``annotator``'s retest share (stable: a pure function)."""
    key = f"{seed}\0{annotator}\0{sample_id}".encode("utf-8", "surrogatepass")
    fraction = int.from_bytes(hashlib.sha256(key).digest()[:8], "big") / 2**64
    return fraction < share


def answered_among(db: Database, annotator: str, sample_ids: Iterable[str]) -> set[str]:
    """Which of ``sample_ids`` ``annotator`` has given a second answer on."""
    rows = db.conn.execute(
        "SELECT sample_id FROM retest_answers WHERE annotator = ?"
        " AND sample_id IN (SELECT value FROM json_each(?))",
        (annotator, json.dumps(list(sample_ids))),
    )
    return {r[0] for r in rows}


class RetestQueries:
    """The test-retest part of the store."""

    _db: Database
    taxonomy: Taxonomy

    # -- the plan ------------------------------------------------------------
    def retest_plan(self) -> RetestPlan | None:
        """The study's retest plan (None: no retest)."""
        row = self._db.conn.execute(
            "SELECT share, after, days, seed, set_at FROM retest_plan WHERE id = 1"
        ).fetchone()
        return None if row is None else RetestPlan(*row)

    def set_retest_plan(
        self, share: float, *, after: int = 20, days: float | None = None, seed: int = 0
    ) -> RetestPlan:
        """Set (or replace) the study's plan; ``share`` 0 removes it. Committed on return."""
        problem = retest_plan_problem(share, after, days, seed)
        if problem is not None:
            raise UserError(problem[1], field=problem[0])
        with write_transaction(self._db):
            self._db.conn.execute("DELETE FROM retest_plan")
            if share > 0:
                self._db.conn.execute(
                    "INSERT INTO retest_plan (id, share, after, days, seed, set_at)"
                    " VALUES (1, ?, ?, ?, ?, ?)",
                    (share, after, days, seed, now()),
                )
        plan = self.retest_plan()
        return plan if plan is not None else RetestPlan(0.0, after, days, seed, now())

    # -- which re-shows are due ---------------------------------------------
    def retest_due(self, annotator: str, before: str | None = None) -> frozenset[str]:
        """The samples due to be re-shown to ``annotator`` (see the module docstring);
        ``before``: the start of the sitting (labels written since are not due)."""
        plan = self.retest_plan()
        if plan is None:
            return frozenset()
        # Every decided label counts as a later one, answered re-shows too; those are
        # not re-shown again.
        rows = self._db.conn.execute(
            "SELECT l.sample_id, l.updated_at, EXISTS (SELECT 1 FROM retest_answers r"
            "  WHERE r.sample_id = l.sample_id AND r.annotator = l.annotator)"
            " OR EXISTS (SELECT 1 FROM discussions d"
            "  WHERE d.sample_id = l.sample_id AND d.annotator = l.annotator)"
            f" FROM labels l WHERE l.annotator = ? AND {decided('l.kind')}"
            " ORDER BY l.updated_at DESC",
            (annotator,),
        ).fetchall()
        oldest = None
        if plan.days is not None:
            # An older version stored any --days >= 0 (1e300, inf): read as "never" then.
            days = plan.days if math.isfinite(plan.days) else MAX_RETEST_DAYS
            cutoff = datetime.now(UTC) - timedelta(days=min(days, MAX_RETEST_DAYS))
            oldest = cutoff.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
        due: set[str] = set()
        newer = 0  # decided labels strictly newer than this one
        previous: str | None = None
        for index, (sample_id, updated_at, answered_or_discussed) in enumerate(rows):
            if updated_at != previous:
                newer, previous = index, updated_at
            if answered_or_discussed or (before is not None and updated_at >= before):
                continue
            old_enough = newer >= plan.after or (oldest is not None and updated_at <= oldest)
            if old_enough and picked(plan.seed, annotator, sample_id, plan.share):
                due.add(sample_id)
        return frozenset(due)

    # -- second answers -------------------------------------------------------
    def retest_answer(self, sample_id: str, annotator: str) -> Label | None:
        """``annotator``'s second answer on ``sample_id`` (None: not answered)."""
        cur = self._db.conn.execute(
            "SELECT * FROM retest_answers WHERE sample_id = ? AND annotator = ?",
            (sample_id, annotator),
        )
        row = cur.fetchone()
        if row is None:
            return None
        names = [d[0] for d in cur.description]
        return models.Label.model_validate(_labels._to_label(dict(zip(names, row, strict=True))))

    def answered_retests(self, annotator: str, sample_ids: Iterable[str]) -> set[str]:
        """Which of ``sample_ids`` ``annotator`` has given a second answer on."""
        return answered_among(self._db, annotator, sample_ids)

    def put_retest_answer(
        self, sample_id: str, annotator: str, value: LabelValue, *, source: str = "ui"
    ) -> Label:
        """Save (or change) ``annotator``'s second answer on ``sample_id``; committed on
        return. The first answer (``labels``, ``label_history``) is not touched."""
        _labels.validate_label(value, self.taxonomy)
        stamp = now()
        with write_transaction(self._db):
            first = self._db.conn.execute(
                "SELECT MAX(id) FROM label_history WHERE sample_id = ? AND annotator = ?",
                (sample_id, annotator),
            ).fetchone()[0]
            if first is None:
                raise UserError(f"{annotator} has no first answer on '{sample_id}' to retest")
            self._write_retest(sample_id, annotator, value, first, source, stamp)
        answer = self.retest_answer(sample_id, annotator)
        assert answer is not None
        return answer

    def _write_retest(
        self,
        sample_id: str,
        annotator: str,
        value: LabelValue,
        first_history_id: int | None,
        source: str,
        stamp: str,
        taxonomy_version: str | None = None,
    ) -> None:
        columns = _labels.value_columns()
        names = ", ".join(columns)
        marks = ", ".join("?" for _ in columns)
        updates = ", ".join(f"{c} = excluded.{c}" for c in columns)
        version = taxonomy_version or self.taxonomy.version
        self._db.conn.execute(
            f"INSERT INTO retest_answers (sample_id, annotator, first_history_id, {names},"
            " taxonomy_version, source, revision, created_at, updated_at)"
            f" VALUES (?, ?, ?, {marks}, ?, ?, 1, ?, ?)"
            f" ON CONFLICT (sample_id, annotator) DO UPDATE SET {updates},"
            " taxonomy_version = excluded.taxonomy_version, source = excluded.source,"
            " revision = retest_answers.revision + 1, updated_at = excluded.updated_at",
            [
                sample_id,
                annotator,
                first_history_id,
                *_labels._row(value),
                version,
                source,
                stamp,
                stamp,
            ],
        )

    def last_retest_history_id(self, sample_id: str, annotator: str) -> int | None:
        row = self._db.conn.execute(
            "SELECT MAX(id) FROM retest_history WHERE sample_id = ? AND annotator = ?",
            (sample_id, annotator),
        ).fetchone()
        return None if row[0] is None else int(row[0])

    def restore_retest_answer(self, sample_id: str, annotator: str, history_id: int | None) -> None:
        """Bring the second answer back to its state at ``history_id`` (None: none)."""
        with write_transaction(self._db):
            entry: HistoryEntry | None = None
            if history_id is not None:
                cur = self._db.conn.execute(
                    "SELECT * FROM retest_history WHERE id = ? AND sample_id = ? AND annotator = ?",
                    (history_id, sample_id, annotator),
                )
                row = cur.fetchone()
                if row is None:
                    raise UserError(f"no retest history entry {history_id} for {sample_id}")
                names = [d[0] for d in cur.description]
                entry = models.HistoryEntry.model_validate(
                    _labels._to_label(dict(zip(names, row, strict=True)))
                )
            if entry is None or entry.op == "delete":
                self._db.conn.execute(
                    "DELETE FROM retest_answers WHERE sample_id = ? AND annotator = ?",
                    (sample_id, annotator),
                )
                return
            first = self._db.conn.execute(
                "SELECT first_history_id FROM retest_answers WHERE sample_id = ? AND annotator = ?",
                (sample_id, annotator),
            ).fetchone()
            self._write_retest(
                sample_id,
                annotator,
                entry.value(),
                first[0] if first else None,
                entry.source,
                now(),
                entry.taxonomy_version,
            )

    def reshow_shift(self, annotator: str, sample_ids: Iterable[str]) -> ReshowShift:
        """How ``annotator``'s progress counts move when the re-shows ``sample_ids`` count
        by their second answer (none until given) instead of their first: what a blind
        sitting shows (:meth:`annotator.store.blind.BlindStore.progress`)."""
        rows = self._db.conn.execute(
            f"SELECT s.id, s.passed IS NOT 1, IFNULL({labeled('l.kind')}, 0),"
            f" IFNULL({labeled('r.kind')}, 0), IFNULL({decided('l.kind')}, 0),"
            f" IFNULL({decided('r.kind')}, 0), a.round_id"
            " FROM samples s"
            " LEFT JOIN labels l ON l.sample_id = s.id AND l.annotator = :a"
            " LEFT JOIN retest_answers r ON r.sample_id = s.id AND r.annotator = :a"
            " LEFT JOIN round_assignments a ON a.sample_id = s.id AND a.annotator = :a"
            " WHERE s.id IN (SELECT value FROM json_each(:ids))",
            {"a": annotator, "ids": json.dumps(sorted(set(sample_ids)))},
        ).fetchall()
        to_label = 0
        rounds: dict[int, int] = {}
        seen: set[str] = set()
        for (
            sid,
            counted,
            first_labeled,
            second_labeled,
            first_decided,
            second_decided,
            round_id,
        ) in rows:
            if counted and sid not in seen:  # one row per round the sample is assigned in
                to_label += int(second_labeled) - int(first_labeled)
            seen.add(sid)
            if round_id is not None:
                moved = int(second_decided) - int(first_decided)
                rounds[round_id] = rounds.get(round_id, 0) + moved
        return ReshowShift(to_label, rounds)

    # -- pairs for self-agreement --------------------------------------------
    def retest_pairs(self) -> list[RetestPair]:
        """Every second answer with the first answer it was given against, in the
        samples' import order (per annotator)."""
        rows = self._db.conn.execute(
            "SELECT r.annotator, r.sample_id, h.kind, h.category, h.subcategory,"
            " r.kind, r.category, r.subcategory"
            " FROM retest_answers r JOIN samples s ON s.id = r.sample_id"
            " LEFT JOIN label_history h ON h.id = r.first_history_id"
            " ORDER BY r.annotator, s.rowid"
        )
        return [RetestPair(*row) for row in rows]
