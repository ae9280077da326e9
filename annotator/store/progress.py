"""Progress and change tracking: who labeled how much, and whether labels moved.

Contract: :class:`ProgressQueries` (part of :class:`~annotator.store.Store`)
answers with index lookups or one pass over the ``labels`` table; none reads
sample texts. The counts come from the views ``sample_outcomes``, ``sample_tasks`` and
``annotator_progress`` (migration m006), where each is defined once: 'labeled'
is every label but a skip (a category, a pass judgement, or a flag/note), and
an annotator with no label (a failed machine run, only skips) is not listed.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .rows import ProgressRow, StoreStatus

if TYPE_CHECKING:
    from sqlite_utils import Database

LabelsToken = tuple[int, int]
_PROGRESS = ", ".join(ProgressRow._fields)


class ProgressQueries:
    """The progress part of the store."""

    _db: Database

    def status(self) -> StoreStatus:
        """The study's counts (see :class:`~annotator.store.rows.StoreStatus`)."""
        outcomes = self._db.conn.execute(
            "SELECT samples, (SELECT COUNT(*) FROM sample_tasks), passing, failing,"
            " outcome_unknown, to_label FROM sample_outcomes"
        ).fetchone()
        per = {row.annotator: row for row in self.progress(final_first=False)}
        samples, tasks, passing, failing, unknown, to_label = (int(n) for n in outcomes)
        return StoreStatus(samples, tasks, passing, failing, unknown, to_label, per)

    def to_label(self) -> int:
        """Samples to label: failing or outcome unknown (``sample_outcomes.to_label``)."""
        return int(self._db.conn.execute("SELECT to_label FROM sample_outcomes").fetchone()[0])

    def annotator_progress(self, annotator: str) -> ProgressRow | None:
        """One annotator's counts; None without a label."""
        row = self._db.conn.execute(
            f"SELECT {_PROGRESS} FROM annotator_progress WHERE annotator = ?", (annotator,)
        ).fetchone()
        return None if row is None else ProgressRow(*row)

    def is_empty(self) -> bool:
        """Whether the database holds no sample and no label (nothing was ever committed)."""
        row = self._db.conn.execute(
            "SELECT NOT EXISTS (SELECT 1 FROM samples) AND NOT EXISTS (SELECT 1 FROM labels)"
        ).fetchone()
        return bool(row[0])

    def labeled_samples(self) -> int:
        """Samples that carry at least one label of anyone."""
        row = self._db.conn.execute("SELECT COUNT(DISTINCT sample_id) FROM labels").fetchone()
        return int(row[0])

    def labeled_among(self, annotator: str, sample_ids: list[str]) -> set[str]:
        """Which of ``sample_ids`` carry a label (of any kind) of ``annotator``."""
        rows = self._db.conn.execute(
            "SELECT sample_id FROM labels WHERE annotator = ?"
            " AND sample_id IN (SELECT value FROM json_each(?))",
            (annotator, json.dumps(sample_ids)),
        )
        return {r[0] for r in rows}

    def progress(self, *, final_first: bool = True) -> list[ProgressRow]:
        """Every annotator's counts (those with a label), ``final`` first unless not asked."""
        order = "annotator = 'final' DESC, annotator" if final_first else "annotator"
        rows = self._db.conn.execute(f"SELECT {_PROGRESS} FROM annotator_progress ORDER BY {order}")
        return [ProgressRow(*r) for r in rows]

    def labels_token(self) -> LabelsToken:
        """The last label-history id and the number of labels, in one index lookup each."""
        row = self._db.conn.execute(
            "SELECT (SELECT IFNULL(MAX(id), 0) FROM label_history), (SELECT COUNT(*) FROM labels)"
        ).fetchone()
        return int(row[0]), int(row[1])

    def annotators(self) -> list[str]:
        """Every known annotator (with or without labels), by name."""
        return [r[0] for r in self._db.conn.execute("SELECT name FROM annotators ORDER BY name")]

    def annotators_with_labels(self) -> list[str]:
        """Every annotator that has at least one label (a skip is none), by name: the
        annotators of ``annotator_progress``."""
        cur = self._db.conn.execute("SELECT annotator FROM annotator_progress ORDER BY annotator")
        return [r[0] for r in cur]
