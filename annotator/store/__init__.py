"""The SQLite store: the one place that reads and writes the database.

Contract: :class:`Store` wraps an open database and a taxonomy; everything
else in the package reads and writes through its named methods, which return
typed rows (:mod:`annotator.store.rows`) or models, never SQL or a connection.
The methods are grouped by topic in modules of this package (queue, progress,
decided labels, counts, listings, suggester caches, imports, machine annotators,
codebook examples, notes, taxonomy relabeling, rounds, the gold set, test-retest) that :class:`Store`
combines as mixins. Every public write method is its own
``BEGIN IMMEDIATE`` transaction (or joins the one opened by
:meth:`Store.transaction`), so a label is durable the moment the method
returns. The labeling rules' SQL is spelled once, in :mod:`annotator.store.rules`.
Nothing here imports Textual.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..models import Sample
from ..taxonomy import Taxonomy, load_taxonomy
from . import (
    attempts as _attempts,
    labels as _labels,
    samples as _samples,
    taxonomy_binding as _binding,
)
from .codebook import CodebookQueries
from .connection import connect, write_transaction
from .counts import CountQueries, VoteRow
from .decided import DecidedQueries, RatingPattern
from .facts import FactQueries
from .gold import GoldQueries
from .importing import ImportWrites
from .initial import InitialQueries
from .listing import ListingQueries
from .machine import MachineStore
from .metadata import MetadataWrites
from .notes import NoteQueries
from .progress import LabelsToken, ProgressQueries
from .queue import QueueQueries, SampleFilter
from .retest import RetestQueries
from .rounds import RoundQueries
from .rows import (
    BugCategories,
    CachedSuggestions,
    CategoryExample,
    CategoryLabels,
    CategoryOccurrence,
    ConnectionSettings,
    DecidedEntry,
    FactInput,
    FactRow,
    InferredRow,
    LabelRow,
    MachineAnswer,
    ProgressRow,
    QueueRow,
    RatingRow,
    RetestPair,
    RetestPlan,
    StoreStatus,
    SuggestionExposure,
)
from .samples import Outcome
from .search import SearchStore
from .search_index import SearchIndexStore
from .suggest_data import SuggestQueries
from .taxonomy_relabel import MigrationStore

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import HistoryEntry, Label, LabelValue, SampleIn
    from .merge import MergeSummary

DEFAULT_DB = Path("db") / "annotations.db"

__all__ = [
    "DEFAULT_DB",
    "BugCategories",
    "CachedSuggestions",
    "CategoryExample",
    "CategoryLabels",
    "CategoryOccurrence",
    "ConnectionSettings",
    "DecidedEntry",
    "FactInput",
    "FactRow",
    "InferredRow",
    "LabelRow",
    "LabelsToken",
    "MachineAnswer",
    "ProgressRow",
    "QueueRow",
    "RatingPattern",
    "RatingRow",
    "RetestPair",
    "RetestPlan",
    "SampleFilter",
    "Store",
    "StoreStatus",
    "SuggestionExposure",
    "VoteRow",
    "default_db_path",
]


def default_db_path() -> Path:
    """``$ANNOTATOR_DB`` or ``db/annotations.db`` under the current folder."""
    env = os.environ.get("ANNOTATOR_DB")
    return Path(env) if env else DEFAULT_DB


class Store(
    QueueQueries,
    ProgressQueries,
    DecidedQueries,
    CountQueries,
    ListingQueries,
    FactQueries,
    ImportWrites,
    MetadataWrites,
    SearchStore,
    SearchIndexStore,
    RoundQueries,
    SuggestQueries,
    MachineStore,
    CodebookQueries,
    NoteQueries,
    MigrationStore,
    GoldQueries,
    InitialQueries,
    RetestQueries,
):
    """An open annotator database."""

    def __init__(self, db: Database, path: Path, taxonomy: Taxonomy) -> None:
        self._db = db
        self.path = path
        self.taxonomy = taxonomy

    @classmethod
    def open(
        cls,
        path: str | Path | None = None,
        taxonomy: Taxonomy | None = None,
        *,
        create: bool = True,
    ) -> Store:
        """Open (``create``: or create) the database at ``path``; another program's
        SQLite file is refused unchanged (:func:`annotator.store.connection.connect`).
        Without ``taxonomy``: the one the database keeps with its binding, else the
        bundled one."""
        file = Path(path) if path is not None else default_db_path()
        db = connect(file, create=create)
        if taxonomy is None:
            try:
                taxonomy = _binding.stored_taxonomy(db) or load_taxonomy()
            except BaseException:
                db.close()
                raise
        return cls(db, file, taxonomy)

    def reopen(self) -> Store:
        """A second connection to the same file (for a worker thread)."""
        return Store(connect(self.path, migrate=False), self.path, self.taxonomy)

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def connection_settings(self) -> ConnectionSettings:
        """The journal mode, foreign keys, lock wait and page size this connection uses."""
        conn = self._db.conn

        def pragma(name: str) -> Any:
            return conn.execute(f"PRAGMA {name}").fetchone()[0]

        return ConnectionSettings(
            journal_mode=str(pragma("journal_mode")),
            foreign_keys=bool(pragma("foreign_keys")),
            busy_timeout=int(pragma("busy_timeout")),
            page_size=int(pragma("page_size")),
        )

    @contextmanager
    def transaction(self) -> Iterator[Store]:
        with write_transaction(self._db):
            yield self

    # -- samples -----------------------------------------------------------
    def upsert_sample(self, sample: SampleIn) -> Outcome:
        with write_transaction(self._db):
            return _samples.upsert_sample(self._db, sample)

    def sample(self, sample_id: str) -> Sample | None:
        return _samples.get_sample(self._db, sample_id)

    def require_sample(self, sample_id: str) -> Sample:
        sample = self.sample(sample_id)
        if sample is None:
            raise UserError(f"no sample '{sample_id}' in {self.path}")
        return sample

    def sample_ids(self, failing_only: bool = False) -> list[str]:
        where = "WHERE passed IS NOT 1" if failing_only else ""
        return [
            r[0] for r in self._db.conn.execute(f"SELECT id FROM samples {where} ORDER BY rowid")
        ]

    # -- labels ------------------------------------------------------------
    def set_label(
        self,
        sample_id: str,
        annotator: str,
        value: LabelValue,
        *,
        source: str = "ui",
        written_by: str | None = None,
    ) -> Label:
        """Validate and save a label; returns it as stored (committed)."""
        _labels.validate_label(value, self.taxonomy)
        with write_transaction(self._db):
            if not self._db.conn.execute(
                "SELECT 1 FROM samples WHERE id = ?", (sample_id,)
            ).fetchone():
                raise UserError(f"no sample '{sample_id}' in {self.path}")
            _binding.ensure_bound(self._db, self.taxonomy)  # the first label binds it
            self._put_label(sample_id, annotator, value, source=source, written_by=written_by)
        label = self.label(sample_id, annotator)
        assert label is not None
        return label

    def check_new_annotator(self, name: str) -> None:
        """Refuse a new annotator name that breaks the name rule or reads as another
        annotator here (:func:`annotator.store.labels.check_new_annotator`)."""
        _labels.check_new_annotator(self._db.conn, name)

    def label(self, sample_id: str, annotator: str) -> Label | None:
        return _labels.get_label(self._db, sample_id, annotator)

    def labels(self, annotator: str | None = None, sample_id: str | None = None) -> Iterator[Label]:
        return _labels.iter_labels(self._db, annotator, sample_id)

    def history(self, sample_id: str, annotator: str) -> list[HistoryEntry]:
        return _labels.history(self._db, sample_id, annotator)

    def last_history_id(self, sample_id: str, annotator: str) -> int | None:
        return _labels.last_history_id(self._db, sample_id, annotator)

    def restore_label(self, sample_id: str, annotator: str, history_id: int | None) -> None:
        with write_transaction(self._db):
            _labels.restore_label(self._db, sample_id, annotator, history_id)

    def delete_label(self, sample_id: str, annotator: str) -> None:
        with write_transaction(self._db):
            _labels.delete_label(self._db, sample_id, annotator)

    # -- merging other annotators' databases (store/merge.py) ---------------
    def merge_databases(
        self, others: Sequence[str | Path], take_final: bool = False
    ) -> list[MergeSummary]:
        """Merge every file of ``others`` into this database in one transaction
        (:func:`annotator.store.merge.merge_into`)."""
        from .merge import merge_into  # only the merge command needs the merge code

        return merge_into(self._db, self.path, self.taxonomy, others, take_final)

    def merge_database(self, other: str | Path, take_final: bool = False) -> MergeSummary:
        """Merge one file (:meth:`merge_databases`)."""
        return self.merge_databases([other], take_final)[0]

    # -- the paper's tables (store/attempts.py) -----------------------------
    def attempts(self) -> list[_attempts.AttemptRow]:
        return _attempts.attempt_rows(self._db)

    def task_rows(self, with_model: bool = False) -> list[_attempts.TaskRow]:
        """The attempts folded per (model, task) in SQL (:func:`~annotator.store.attempts.task_rows`)."""
        return _attempts.task_rows(self._db, with_model)

    def light_labels(self) -> list[tuple[Any, ...]]:
        return _attempts.label_rows(self._db)

    def sample_groups(self, column: str) -> dict[str, str | None]:
        return _attempts.sample_groups(self._db, column)

    # -- the taxonomy the database is bound to ---------------------------
    def stored_taxonomy(self) -> Taxonomy | None:
        """The taxonomy the database keeps with its binding (None: none kept)."""
        return _binding.stored_taxonomy(self._db)

    def taxonomy_binding(self) -> _binding.Binding | None:
        """The taxonomy the database is bound to (None: not yet)."""
        return _binding.bound(self._db)

    def check_taxonomy(self) -> None:
        """Refuse this store's taxonomy unless the database is bound to it
        (:mod:`annotator.store.taxonomy_binding`)."""
        _binding.check(self._db, self.taxonomy, str(self.path))

    def rebind_taxonomy(self, taxonomy: Taxonomy) -> _binding.Binding | None:
        """Bind the database to ``taxonomy`` (an explicit migration only, after it
        moved the labels); returns the previous binding. Committed on return."""
        with write_transaction(self._db):
            old = _binding.rebind(self._db, taxonomy)
        self.taxonomy = taxonomy
        return old
