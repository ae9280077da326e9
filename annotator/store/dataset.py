"""Dataset summaries for the study report: outcomes, dimensions, pass@1 counts.

Contract: :class:`DatasetQueries` (part of :class:`~annotator.store.Store`)
reads only the small columns of ``samples`` (never sample texts). Dimensions
are the filterable columns ``stage``, ``data_type`` and ``task_type``.
"""

from __future__ import annotations

from sqlite_utils import Database

from .rows import DimensionCount, PassCount

DIMENSION_COLUMNS = ("stage", "data_type", "task_type")


def _dimension(column: str) -> str:
    if column not in DIMENSION_COLUMNS:
        raise ValueError(column)
    return column


class DatasetQueries:
    """The dataset-summary part of the store."""

    _db: Database

    def outcomes(self) -> tuple[int, int, int]:
        """(samples, failing, passing); the rest have an unknown outcome (the
        ``sample_outcomes`` view, as :meth:`~ProgressQueries.status` reads it)."""
        total, failing, passing = self._db.conn.execute(
            "SELECT samples, failing, passing FROM sample_outcomes"
        ).fetchone()
        return int(total), int(failing), int(passing)

    def dimension_counts(self, column: str) -> list[DimensionCount]:
        """Samples and failing samples per value of ``column`` (values in use, sorted)."""
        column = _dimension(column)
        rows = self._db.conn.execute(
            f"SELECT {column}, COUNT(*), COALESCE(SUM(passed = 0), 0) FROM samples"
            f" WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY {column}"
        )
        return [DimensionCount(*r) for r in rows]

    def pass_counts(self, no_model: str) -> list[PassCount]:
        """Per model (``no_model`` for samples without one, listed last): samples with a
        known outcome and how many passed."""
        rows = self._db.conn.execute(
            "SELECT COALESCE(model, ?), COUNT(*), SUM(passed = 1) FROM samples"
            " WHERE passed IS NOT NULL GROUP BY 1 ORDER BY model IS NULL, 1",
            (no_model,),
        )
        return [PassCount(str(m), known, passed) for m, known, passed in rows]

    def pass_counts_by(self, column: str, no_model: str) -> list[PassCount]:
        """Like :meth:`pass_counts`, per (value of ``column``, model)."""
        column = _dimension(column)
        rows = self._db.conn.execute(
            f"SELECT {column}, COALESCE(model, ?), COUNT(*), SUM(passed = 1) FROM samples"
            f" WHERE passed IS NOT NULL AND {column} IS NOT NULL GROUP BY 1, 2",
            (no_model,),
        )
        return [PassCount(str(m), known, passed, str(v)) for v, m, known, passed in rows]
