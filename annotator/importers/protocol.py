"""The one interface every import format implements.

Contract: an :class:`Importer` has a ``name`` (the FORMAT of ``annotator import
FORMAT PATH``), a one-line ``help``, a ``usage`` (what PATH is and the options
it takes, for the CLI's help), the :class:`Option` s it declares (the CLI
builds its click options from them and refuses an option the format does not
declare), ``needs_sample_ids`` (it imports onto samples already stored: the
ids are passed as ``known_ids``), ``estimate()`` (the number of samples, when
cheap to tell, for the progress bar and bulk mode) and ``read()``, which
yields validated :class:`~annotator.models.SampleIn` (and
:class:`~.base.ImportedLabel`) records and raises
:class:`~annotator.errors.UserError` naming file, line (or JSON path) and field
for a bad one. A format whose results are structured (failing inputs,
verdicts, test names) attaches a parsed :class:`~.report.ImportedReport` to
each sample (:func:`~.report.with_report`): the failure panel and the
suggester read it instead of parsing text.

Adding a format is one module with one class satisfying :class:`Importer`
plus its line in :data:`annotator.importers.IMPORTERS`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, Protocol

from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportedLabel, ImportSummary

Record = SampleIn | ImportedLabel


@dataclass(frozen=True)
class Option:
    """One option a format takes: ``--flag VALUE`` on the command line,
    ``read(..., name=value)`` in the library."""

    name: str
    """The keyword ``read()`` and ``estimate()`` receive, e.g. ``code_dir``."""
    flag: str
    """The command-line flag, e.g. ``--code``."""
    help: str
    kind: Literal["path", "text"] = "text"
    metavar: str = "VALUE"


MODEL_OPTION = Option("model", "--model", "the model the results are of", metavar="NAME")
"""``--model NAME``: the option every results file of one model takes (one definition)."""


class Importer(Protocol):
    """One import format (see the module contract)."""

    @property
    def name(self) -> str: ...

    @property
    def help(self) -> str: ...

    @property
    def usage(self) -> str: ...

    @property
    def options(self) -> tuple[Option, ...]: ...

    @property
    def needs_sample_ids(self) -> bool: ...

    def estimate(self, path: Path, **options: Any) -> int | None: ...

    def read(
        self, path: Path, taxonomy: Taxonomy, summary: ImportSummary, **options: Any
    ) -> Iterator[Record]: ...


Reader = Callable[..., Iterator[Record]]
Estimator = Callable[..., "int | None"]


@dataclass(frozen=True)
class FunctionImporter:
    """An :class:`Importer` made of two functions: how the formats written as a
    module of functions (jsonl, dlbench, junit, harness, labels) take part
    without their parsing code changing."""

    name: str
    help: str
    usage: str
    reader: Reader
    estimator: Estimator | None = None
    options: tuple[Option, ...] = ()
    needs_sample_ids: bool = False

    def estimate(self, path: Path, **options: Any) -> int | None:
        return self.estimator(path, **options) if self.estimator is not None else None

    def read(
        self, path: Path, taxonomy: Taxonomy, summary: ImportSummary, **options: Any
    ) -> Iterator[Record]:
        return self.reader(path, taxonomy, summary, **options)
