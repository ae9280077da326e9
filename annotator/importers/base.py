"""What every importer produces, and the one transaction that stores it.

Contract: an importer is a module with ``NAME``, ``HELP`` and
``read(path, taxonomy, summary, **options) -> Iterator[SampleIn | ImportedLabel]``.
It never executes the files it reads. It yields every sample before the
labels that refer to it, and raises :class:`~annotator.errors.UserError`
naming file, line (or row) and field for a bad record. :func:`run_import`
writes the stream in a single ``BEGIN IMMEDIATE`` transaction: one bad record
rolls the whole import back, and the database is as before.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager, nullcontext

from pydantic import ValidationError

from ..errors import UserError
from ..imported import ImportedLabel, ImportSummary
from ..models import SampleIn, refusal, sample_too_large
from ..store import Store

__all__ = [
    "BULK_FROM",
    "ImportSummary",
    "ImportedLabel",
    "Progress",
    "collector_paused",
    "run_import",
]


Progress = Callable[[int], None]


BULK_FROM = 2000
"""Imports of at least this many samples use :func:`bulk_mode`."""
PROGRESS_EVERY = 200
"""Samples stored between two calls of the progress callback: a call per sample took
the progress bar's lock and bookkeeping ten thousand times in a 10k import (10 ms)."""


def run_import(
    store: Store,
    records: Iterable[SampleIn | ImportedLabel],
    summary: ImportSummary,
    progress: Progress | None = None,
    expected: int | None = None,
    path: str | None = None,
) -> ImportSummary:
    """Store samples and labels in one transaction (all or nothing); a sample over
    :data:`~annotator.models.MAX_SAMPLE_TEXT` fails it (naming ``path``). ``progress``
    hears of the samples stored every :data:`PROGRESS_EVERY` and once at the end."""
    large = expected is not None and expected >= BULK_FROM
    bulk = store.bulk_mode() if large else nullcontext()
    with collector_paused(), bulk, store.transaction():
        store.bind_taxonomy()  # the first import binds the taxonomy
        with store.sample_batch() as batch:
            unreported = 0  # samples stored since progress last heard
            try:
                for record in records:
                    if isinstance(record, SampleIn):
                        if (too_large := sample_too_large(record)) is not None:
                            raise UserError(too_large, file=path)
                        summary.samples[batch.add(record)] += 1
                        if progress is not None:
                            unreported += 1
                            if unreported == PROGRESS_EVERY:
                                progress(unreported)
                                unreported = 0
                        continue
                    batch.flush()  # the label's sample is written first
                    _store_label(store, record, summary)
                if progress is not None and unreported:
                    progress(unreported)
            except ValidationError as exc:
                # A sample an importer built that the models refuse (a NUL in a task id
                # read from any benchmark's file): one line naming the file, not a traceback.
                raise _refused(exc, path) from None
    return summary


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cyclic garbage collector off for the block (on again after it, however
    it ends), unless it was off already (someone else's pause stays theirs).

    Why: an import holds a parsed results document (millions of objects) while it
    builds the samples, and each full collection walked all of it again - a tenth to
    a sixth of an EvalPlus import of 10,000 samples - to find nothing: parsed JSON and
    the samples built from it hold no reference cycles (they are freed by reference
    counting as the import goes). A plain function's ``with``, not the importers'
    generators, so that the collector is back on when the import returns or raises,
    whether or not the generator was run to its end."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()


def _refused(exc: ValidationError, path: str | None) -> UserError:
    reason, field = refusal(exc)
    return UserError(reason, file=path, field=field)


def _store_label(store: Store, record: ImportedLabel, summary: ImportSummary) -> None:
    try:
        store.validate_label(record.value)
    except UserError as exc:
        raise UserError(exc.reason, where=record.where, field=exc.field) from None
    existing = store.label(record.sample_id, record.annotator)
    if existing is not None:
        if existing.value().same_decision(record.value):
            summary.labels_unchanged += 1
            return
        if not existing.source.startswith("import"):
            # A label edited in the UI (or by review or merge) is newer than
            # the file: a re-import must not silently overwrite someone's work.
            summary.labels_kept.append(
                f"{record.sample_id} / {record.annotator}: kept the label edited"
                f" after import ({existing.source})"
            )
            return
    store.import_label(
        record.sample_id, record.annotator, record.value, source=f"import:{summary.source}"
    )
    summary.labels[record.annotator] += 1
