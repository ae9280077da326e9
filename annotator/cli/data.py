"""CLI commands for data: ``import``, ``status``."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..importers import IMPORTERS, ImportSummary, estimate, import_path
from ..importers import options as importer_options
from .context import Context, pass_context
from .output import SafeConsole, echo

F = TypeVar("F", bound=Callable[..., Any])


def _format_help() -> str:
    lines = [
        "Import samples (and labels) from PATH in FORMAT, in one transaction.",
        "",
        "\b",
        "Formats:",
    ]
    for name, chosen in IMPORTERS.items():
        lines.append(f"  {name} {chosen.usage}")
        lines.append(f"      {chosen.help}")
    lines += [
        "",
        "A bad record fails the whole import and changes nothing. Re-importing the",
        "same data changes nothing; changed content updates samples and keeps labels.",
    ]
    return "\n".join(lines)


def _declared_options(command: F) -> F:
    """One click option per option the formats declare (see importers.options)."""
    for name, (option, formats) in sorted(importer_options().items(), reverse=True):
        helps = {o.help for i in IMPORTERS.values() for o in i.options if o.name == name}
        text = "; ".join(
            f"{fmt}: {o.help}" for fmt in formats for o in IMPORTERS[fmt].options if o.name == name
        )
        command = click.option(
            option.flag,
            name,
            default=None,
            metavar=option.metavar,
            type=click.Path(path_type=Path) if option.kind == "path" else str,
            help=text if len(helps) > 1 else f"{', '.join(formats)}: {option.help}",
        )(command)
    return command


@click.command("import", help=_format_help())
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted(IMPORTERS)))
@click.argument("path", type=click.Path(path_type=Path))
@_declared_options
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def import_cmd(ctx: Context, /, fmt: str, path: Path, as_json: bool, **given: Any) -> None:
    options = {key: value for key, value in given.items() if value is not None}
    console = SafeConsole(stderr=True)
    # Options are checked and the input sized before any database file is made.
    total = estimate(fmt, path, **options) if path.exists() else None
    show_bar = console.is_terminal and not as_json and (total is None or total > 50)
    with _removed_if_failed(ctx):
        store = ctx.creating_store()
        with Progress(
            TextColumn("importing"),
            BarColumn(),
            MofNCompleteColumn(),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not show_bar,
        ) as progress:
            task = progress.add_task("import", total=total)
            summary = import_path(
                store,
                fmt,
                path,
                progress=lambda n: progress.advance(task, n),
                expected=total,
                **options,
            )
    if as_json:
        echo(json.dumps(summary.as_dict(), indent=2))
    else:
        _print_summary(summary, ctx)


@contextmanager
def _removed_if_failed(ctx: Context) -> Iterator[None]:
    """A failed import into a database it created leaves no file behind (nor the
    folders made for it): nothing changed means no new file either."""
    db = Path(ctx.db_path)
    missing = [p for p in (db, *db.parents) if not p.exists()]
    try:
        yield
    except BaseException:
        if missing:
            ctx.close()
            for suffix in ("", "-wal", "-shm", "-journal"):
                Path(f"{db}{suffix}").unlink(missing_ok=True)
            for folder in missing[1:]:
                try:
                    folder.rmdir()
                except OSError:
                    break
        raise


def _print_summary(summary: ImportSummary, ctx: Context) -> None:
    s = summary.samples
    echo(
        f"Imported into {ctx.db_path}: {s.get('new', 0)} new, {s.get('updated', 0)} updated,"
        f" {s.get('unchanged', 0)} unchanged samples."
    )
    if summary.labels or summary.labels_unchanged:
        per = ", ".join(f"{who} {n}" for who, n in sorted(summary.labels.items())) or "none"
        echo(f"Labels written: {per}; {summary.labels_unchanged} unchanged.")
    sections = [
        ("Kept (edited after import)", summary.labels_kept),
        ("Duplicate rows", summary.duplicates),
        ("Conflicts", summary.conflicts),
        ("Skipped", summary.skipped),
        ("Outcome unknown (imported, pass/fail not read)", summary.unknown_outcome),
        ("Warnings", summary.warnings),
    ]
    for title, items in sections:
        if items:
            echo(f"{title} ({len(items)}):")
            for item in items:
                echo(f"  - {item}")


@click.command()
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_context
def status(ctx: Context, as_json: bool) -> None:
    """Samples, failing samples and samples labeled per annotator."""
    data = ctx.store.status()
    times = ctx.store.time_summary()
    if as_json:
        doc = data.as_dict()
        if times.per_annotator:  # only once the labeling UI has timed a label
            doc["focus_seconds"] = {
                "median_per_annotator": {k: m for k, (_, m) in times.per_annotator.items()},
                "median_per_category": {str(k): m for k, (_, m) in times.per_category.items()},
            }
        echo(json.dumps(doc))
        return
    echo(f"Database: {ctx.db_path}")
    echo(f"Samples:  {data.samples} ({data.failing} failing)")
    if not data.annotators:
        echo("No labels yet.")
    else:
        # Counts only (never labels): the same for every annotator to see. The count
        # and one decimal, so 2 labels of 240 read as progress, not as 0%.
        total = data.samples or 1
        progress = " · ".join(
            f"{name} {count}/{data.samples} ({100 * count / total:.1f}%)"
            for name, count in data.annotators.items()
        )
        echo(f"Progress: {progress}")
    for name, count in data.annotators.items():
        timed = times.per_annotator.get(name)
        spent = f"  median {timed[1]:.0f} s/sample over {timed[0]}" if timed else ""
        echo(f"  {name:<20} {count} labeled{spent}")
    if times.per_category:
        echo("Median focus time per category (first category, all annotators):")
        for category, (n, seconds) in times.per_category.items():
            name = (
                ctx.store.taxonomy.category(category).name
                if ctx.store.taxonomy.has(category)
                else "?"
            )
            echo(f"  {category:>2}. {name:<52} {seconds:6.0f} s  (n={n})")


COMMANDS: list[click.Command] = [import_cmd, status]
