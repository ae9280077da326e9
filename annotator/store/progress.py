"""Progress and change tracking: who labeled how much, and whether labels moved.

Contract: :class:`ProgressQueries` (part of :class:`~annotator.store.Store`)
answers with index lookups or one pass over the ``labels`` table; none reads
sample texts. 'Labeled' counts every decision (a category, a pass judgement,
or a flag/note) and leaves out skips.
"""

from __future__ import annotations

import json

from sqlite_utils import Database

from .rows import ProgressRow, StoreStatus

LabelsToken = tuple[int, int]


class ProgressQueries:
    """The progress part of the store."""

    _db: Database

    def status(self) -> StoreStatus:
        """Samples, failing samples, and samples labeled per annotator."""
        conn = self._db.conn
        samples = conn.execute("SELECT COUNT(*) FROM samples").fetchone()[0]
        failing = conn.execute("SELECT COUNT(*) FROM samples WHERE passed IS NOT 1").fetchone()[0]
        per = {
            name: int(count)
            for name, count in conn.execute(
                "SELECT a.name, COUNT(l.sample_id) FROM annotators a LEFT JOIN labels l"
                " ON l.annotator = a.name AND l.kind != 'skip' GROUP BY a.name ORDER BY a.name"
            )
        }
        return StoreStatus(samples=int(samples), failing=int(failing), annotators=per)

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

    def progress(self) -> list[ProgressRow]:
        """Labels by kind per annotator, ``final`` first."""
        rows = self._db.conn.execute(
            "SELECT annotator, labeled, bugs, passes, skipped, flagged FROM annotator_progress"
            " ORDER BY annotator = 'final' DESC, annotator"
        )
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
        """Every annotator that has at least one label, by name."""
        cur = self._db.conn.execute("SELECT DISTINCT annotator FROM labels ORDER BY annotator")
        return [r[0] for r in cur]
