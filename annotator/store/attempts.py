"""Reads for the paper's tables: attempts per task, light label rows, sample groups.

Contract: functions take an open ``sqlite_utils.Database`` and read only the
compact ``samples`` and ``labels`` tables (never sample texts), so they stay
fast at 100k samples.

- A *task* is ``metadata.task_id`` when an importer recorded one (the harness
  importer does; JSONL records may carry ``task_id``), else the sample id: a
  sample with no task id is a task of its own. An *attempt* is a sample.
- :func:`attempt_rows` gives one :class:`AttemptRow` per sample.
- :func:`task_rows` folds the attempts per (model, task) in SQL: one
  :class:`TaskRow` per task (its first attempt's row, the number of attempts, of
  known outcomes and of passes), in first-seen order; ``with_model`` leaves out
  the samples without a model.
- :func:`label_rows` gives the light label tuples of
  :mod:`annotator.export.majority` (sample_id, annotator, kind, category,
  subcategory, subcategory_inferred, category2, subcategory2,
  subcategory2_inferred), ordered by sample id then annotator.
- :func:`sample_groups` maps sample id to its value of one grouping column
  (:data:`GROUP_COLUMNS`; ``status`` is the harness status of the attempt).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    from sqlite_utils import Database


GROUP_COLUMNS = {
    "model": "model",
    "stage": "stage",
    "data_type": "data_type",
    "task_type": "task_type",
    "status": "CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.status') END",
}
# json_valid first: metadata written by an older importer may hold NaN, which
# json_extract refuses ("malformed JSON") - such a sample is a task of its own.
TASK_KEY = (
    "COALESCE(CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.task_id') END, id)"
)


class AttemptRow(NamedTuple):
    model: str | None
    task: str
    passed: bool | None
    stage: str | None
    data_type: str | None
    task_type: str | None
    status: str | None


def attempt_rows(db: Database) -> list[AttemptRow]:
    """One row per sample, in import order."""
    sql = (
        f"SELECT model, {TASK_KEY}, passed, stage, data_type, task_type,"
        f" {GROUP_COLUMNS['status']} FROM samples ORDER BY rowid"
    )
    rows = []
    for model, task, passed, *rest in db.conn.execute(sql):
        rows.append(AttemptRow(model, str(task), None if passed is None else bool(passed), *rest))
    return rows


class TaskRow(NamedTuple):
    first: AttemptRow
    """The task's first attempt (in import order)."""
    attempts: int
    known: int
    passed: int


def task_rows(db: Database, with_model: bool = False) -> list[TaskRow]:
    """The attempts folded per (model, task), in first-seen order (see the module docstring)."""
    # With exactly one min() aggregate SQLite takes the bare columns from the row
    # holding the minimum: the columns of the task's first attempt.
    where = " WHERE model IS NOT NULL" if with_model else ""
    sql = (
        f"SELECT model, CAST({TASK_KEY} AS TEXT), passed, stage, data_type, task_type,"
        f" {GROUP_COLUMNS['status']}, MIN(rowid), COUNT(*), COUNT(passed),"
        f" COALESCE(SUM(passed IS NOT NULL AND passed != 0), 0)"
        f" FROM samples{where}"
        f" GROUP BY model, CAST({TASK_KEY} AS TEXT) ORDER BY MIN(rowid)"
    )
    rows = []
    for model, task, passed, stage, data_type, task_type, status, _, n, known, c in db.conn.execute(
        sql
    ):
        first = AttemptRow(
            model,
            str(task),
            None if passed is None else bool(passed),
            stage,
            data_type,
            task_type,
            status,
        )
        rows.append(TaskRow(first, n, known, c))
    return rows


def label_rows(db: Database) -> list[tuple[Any, ...]]:
    """Every label as a light tuple, ordered by sample then annotator."""
    return list(
        db.conn.execute(
            "SELECT sample_id, annotator, kind, category, subcategory, subcategory_inferred,"
            " category2, subcategory2, subcategory2_inferred FROM labels"
            " ORDER BY sample_id, annotator"
        )
    )


def sample_groups(db: Database, column: str) -> dict[str, str | None]:
    """Sample id -> its value of ``column`` (a key of :data:`GROUP_COLUMNS`)."""
    expr = GROUP_COLUMNS[column]
    return {sid: value for sid, value in db.conn.execute(f"SELECT id, {expr} FROM samples")}
