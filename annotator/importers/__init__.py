"""Importer registry: ``annotator import FORMAT PATH``.

Contract: :data:`IMPORTERS` maps a format name to its
:class:`~.protocol.Importer` (one list, :func:`_all`, names them all; adding a
format is one module and one entry there). :func:`import_path` runs one
import end to end in one transaction; :func:`options` is every option any
format declares (the CLI builds its click options from it). An option the
chosen format does not declare is refused with one clear line.

The format modules load on first use of the registry, not with the package:
the labeling UI imports :mod:`.report` (an importer's parsed results) to show
a sample, and loading every format with it (XML, zip, the harness models:
about a tenth of ``annotator label``'s start-up) bought it nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..store import Store
from .base import ImportedLabel, ImportSummary, Progress, run_import
from .protocol import MODEL_OPTION, FunctionImporter, Importer, Option


@cache
def _all() -> tuple[Importer, ...]:
    """Every format, in the order the CLI lists them (imported on first call)."""
    from ..sheet import reader as sheet_reader
    from . import dlbench, harness, jsonl, junit
    from .bigcodebench import BigCodeBenchImporter
    from .evalplus import EvalPlusImporter
    from .inspect_log import InspectImporter
    from .livecodebench import LiveCodeBenchImporter
    from .swebench import SweBenchImporter

    return (
        FunctionImporter(jsonl.NAME, jsonl.HELP, "FILE", jsonl.read, jsonl.estimate),
        FunctionImporter(dlbench.NAME, dlbench.HELP, "DIR", dlbench.read, dlbench.estimate),
        FunctionImporter(
            junit.NAME,
            junit.HELP,
            "FILE.xml --code DIR",
            junit.read,
            junit.estimate,
            options=(
                Option(
                    "code_dir",
                    "--code",
                    "folder of generated code files, one per sample (<id>.py)",
                    kind="path",
                    metavar="DIR",
                ),
            ),
        ),
        FunctionImporter(
            harness.NAME,
            harness.HELP,
            "FILE.jsonl [--code DIR] [--tasks DIR] [--model NAME]",
            harness.read,
            harness.estimate,
            options=(
                Option(
                    "code_dir",
                    "--code",
                    "the code of each task (DLBench_<n>.py)",
                    kind="path",
                    metavar="DIR",
                ),
                Option(
                    "tasks_dir",
                    "--tasks",
                    "folder of task JSON files (prompt, raw model response)",
                    kind="path",
                    metavar="DIR",
                ),
                MODEL_OPTION,
            ),
        ),
        FunctionImporter(
            sheet_reader.IMPORT_NAME,
            sheet_reader.IMPORT_HELP,
            "FILE.csv",
            sheet_reader.read_labels,
            needs_sample_ids=sheet_reader.NEEDS_SAMPLE_IDS,
        ),
        EvalPlusImporter(),
        BigCodeBenchImporter(),
        LiveCodeBenchImporter(),
        SweBenchImporter(),
        InspectImporter(),
    )


@cache
def _by_name() -> dict[str, Importer]:
    return {i.name: i for i in _all()}


class _Registry(Mapping[str, Importer]):
    """Format name -> importer, the formats loaded when first looked at."""

    def __getitem__(self, name: str) -> Importer:
        return _by_name()[name]

    def __iter__(self) -> Iterator[str]:
        return iter(_by_name())

    def __len__(self) -> int:
        return len(_by_name())


IMPORTERS: Mapping[str, Importer] = _Registry()

__all__ = [
    "IMPORTERS",
    "ImportSummary",
    "ImportedLabel",
    "Importer",
    "Option",
    "estimate",
    "import_path",
    "options",
]


def options() -> dict[str, tuple[Option, list[str]]]:
    """Every declared option by keyword: the option and the formats taking it.
    Formats sharing a keyword must agree on its flag and kind."""
    found: dict[str, tuple[Option, list[str]]] = {}
    for importer in _all():
        for option in importer.options:
            if option.name in found:
                first, formats = found[option.name]
                if (first.flag, first.kind) != (option.flag, option.kind):
                    raise RuntimeError(f"option {option.name} declared twice differently")
                formats.append(importer.name)
            else:
                found[option.name] = (option, [importer.name])
    return found


def importer(fmt: str) -> Importer:
    try:
        return IMPORTERS[fmt]
    except KeyError:
        raise UserError(f"unknown import format '{fmt}' (known: {', '.join(IMPORTERS)})") from None


def _checked(chosen: Importer, given: dict[str, Any]) -> dict[str, Any]:
    declared = {o.name: o for o in chosen.options}
    for name, value in given.items():
        if name not in declared and name != "known_ids":
            flag = options().get(name, (Option(name, name, ""), []))[0].flag
            raise UserError(f"the {chosen.name} format takes no {flag} option")
        option = declared.get(name)
        if option is not None and option.kind == "path" and value is not None:
            given[name] = Path(value)
    return given


def estimate(fmt: str, path: str | Path, **options: Any) -> int | None:
    """How many samples the import will read (for a progress bar), if cheap to tell."""
    chosen = importer(fmt)
    return chosen.estimate(Path(path), **_checked(chosen, options))


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
    chosen = importer(fmt)
    source = Path(path)
    if not source.exists():
        raise UserError("no such file or folder", file=source)
    options = _checked(chosen, options)
    summary = ImportSummary(source=fmt)
    if chosen.needs_sample_ids:
        options["known_ids"] = set(store.sample_ids())
    records = chosen.read(source, store.taxonomy, summary, **options)
    return run_import(store, records, summary, progress, expected, path=str(source))
