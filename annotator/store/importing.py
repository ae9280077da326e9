"""Writes of an import: samples and labels inside the caller's one transaction.

Contract: :class:`ImportWrites` (part of :class:`~annotator.store.Store`)
writes without a transaction of its own - the importer runs all of them in
one :meth:`~annotator.store.Store.transaction` (all or nothing) - and without
re-reading what it wrote, which keeps a 100k-sample import fast.
:meth:`ImportWrites.bulk_mode` switches to a rollback journal for one large
import (see :func:`~annotator.store.connection.bulk_mode`).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from ..taxonomy import Taxonomy
from . import labels as _labels, samples as _samples, taxonomy_binding as _binding
from .connection import bulk_mode

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import LabelValue, SampleIn


class ImportWrites:
    """The import part of the store."""

    _db: Database
    taxonomy: Taxonomy

    @contextmanager
    def bulk_mode(self) -> Iterator[bool]:
        with bulk_mode(self._db) as switched:
            yield switched

    def bind_taxonomy(self) -> None:
        """Bind the database to this store's taxonomy if it is not bound yet (the first
        import does; :mod:`annotator.store.taxonomy_binding`)."""
        self._require_transaction()
        _binding.ensure_bound(self._db, self.taxonomy)

    def _require_transaction(self) -> None:
        if not self._db.conn.in_transaction:
            raise RuntimeError("import writes run inside Store.transaction()")

    def import_sample(self, sample: SampleIn) -> _samples.Outcome:
        """Insert or update a sample (its labels are kept)."""
        self._require_transaction()
        return _samples.upsert_sample(self._db, sample)

    @contextmanager
    def sample_batch(self) -> Iterator[_samples.SampleBatch]:
        """Write many samples at once (:class:`~annotator.store.samples.SampleBatch`):
        ``add`` each, ``flush`` before a write that refers to them (a label)."""
        self._require_transaction()
        with _samples.sample_batch(self._db) as batch:
            yield batch

    def import_label(
        self, sample_id: str, annotator: str, value: LabelValue, *, source: str
    ) -> None:
        """Write an already validated label (:meth:`validate_label`) under this taxonomy."""
        self._require_transaction()
        self._put_label(sample_id, annotator, value, source=source)

    def _put_label(
        self,
        sample_id: str,
        annotator: str,
        value: LabelValue,
        *,
        source: str,
        written_by: str | None = None,
    ) -> None:
        _labels.put_label(
            self._db,
            sample_id,
            annotator,
            value,
            taxonomy_version=self.taxonomy.version,
            source=source,
            written_by=written_by,
        )

    def validate_label(self, value: LabelValue) -> None:
        """Refuse categories and subcategories that the taxonomy lacks (``UserError``)."""
        _labels.validate_label(value, self.taxonomy)
