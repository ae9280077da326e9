"""What an import reads and reports: a label with its origin, and the import's summary.

Contract: plain dataclasses, no I/O. :class:`ImportedLabel` is a label read from
a file with where it came from; :class:`ImportSummary` is what an import did
(printed at its end, returned as JSON). Defined below both the importers
(:mod:`annotator.importers`, which re-exports them from :mod:`.importers.base`)
and the label sheet's reader (:mod:`annotator.sheet`), which both produce them.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .models import LabelValue


REPORT_KEY = "test_report"
"""The sample metadata key under which an importer keeps the parsed report of a
harness's results (:mod:`annotator.importers.report`)."""
CASES_KEY = "junit_cases"
"""The sample metadata key under which the JUnit importer keeps a sample's failing
cases (:mod:`annotator.failures.junitoutput`). Both are here, below their readers,
so that :func:`annotator.failures.primary.report_of` can tell a sample without
them (most) and never load the importers, their models and ``xml.etree`` for it."""


@dataclass
class ImportedLabel:
    """A label read from a file, with where it came from."""

    sample_id: str
    annotator: str
    value: LabelValue
    where: str


@dataclass
class ImportSummary:
    """What an import did; printed at the end and returned as JSON."""

    source: str
    samples: Counter[str] = field(default_factory=Counter)
    labels: Counter[str] = field(default_factory=Counter)
    """Labels written (new or changed) per annotator."""
    labels_unchanged: int = 0
    labels_kept: list[str] = field(default_factory=list)
    """Labels not overwritten because they were edited after the last import."""
    skipped: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    conflicts: list[str] = field(default_factory=list)
    duplicates: list[str] = field(default_factory=list)
    unknown_outcome: list[str] = field(default_factory=list)
    """Samples imported with outcome unknown (pass/fail could not be read), and why."""

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "samples": {k: self.samples.get(k, 0) for k in ("new", "updated", "unchanged")},
            "labels": dict(sorted(self.labels.items())),
            "labels_unchanged": self.labels_unchanged,
            "labels_kept": self.labels_kept,
            "skipped": self.skipped,
            "warnings": self.warnings,
            "conflicts": self.conflicts,
            "duplicates": self.duplicates,
            "unknown_outcome": self.unknown_outcome,
        }
