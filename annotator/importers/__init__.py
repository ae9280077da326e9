"""Importer registry: ``annotator import FORMAT PATH``.

Contract: :data:`IMPORTERS` maps a format name to its module (see
:mod:`annotator.importers.base` for what a module provides);
:func:`import_path` runs one import end to end in one transaction.
"""

from __future__ import annotations

from pathlib import Path
from types import ModuleType
from typing import Any

from ..errors import UserError
from ..store import Store
from . import dlbench, harness, jsonl, junit, labels_sheet
from .base import ImportedLabel, ImportSummary, Progress, run_import

IMPORTERS: dict[str, ModuleType] = {
    m.NAME: m for m in (jsonl, dlbench, junit, harness, labels_sheet)
}

__all__ = ["IMPORTERS", "ImportSummary", "ImportedLabel", "import_path", "estimate"]


def _module(fmt: str) -> ModuleType:
    try:
        return IMPORTERS[fmt]
    except KeyError:
        raise UserError(f"unknown import format '{fmt}' (known: {', '.join(IMPORTERS)})") from None


def estimate(fmt: str, path: str | Path, **options: Any) -> int | None:
    """How many samples the import will read (for a progress bar), if cheap to tell."""
    module = _module(fmt)
    fn = getattr(module, "estimate", None)
    return fn(Path(path), **options) if fn else None


def import_path(
    store: Store,
    fmt: str,
    path: str | Path,
    progress: Progress | None = None,
    expected: int | None = None,
    **options: Any,
) -> ImportSummary:
    """Run one import in one transaction; ``expected`` (from :func:`estimate`)
    lets a large import write in bulk mode."""
    module = _module(fmt)
    source = Path(path)
    if not source.exists():
        raise UserError("no such file or folder", file=source)
    summary = ImportSummary(source=fmt)
    if getattr(module, "NEEDS_SAMPLE_IDS", False):
        options["known_ids"] = set(store.sample_ids())
    records = module.read(source, store.taxonomy, summary, **options)
    return run_import(store, records, summary, progress, expected)
