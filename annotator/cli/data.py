"""CLI commands for data: ``import``, ``status``."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import UserError
from ..importers import IMPORTERS, ImportSummary, estimate, import_path, options as importer_options
from ..store.rows import share
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
    lines.append("  metadata FILE.csv|.jsonl [--key COLUMN --pattern REGEX]")
    lines.append(
        "      model, stage, data_type, task_type and any other column onto samples"
        " already imported"
    )
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
@click.argument("fmt", metavar="FORMAT", type=click.Choice(sorted([*IMPORTERS, "metadata"])))
@click.argument("path", type=click.Path(path_type=Path))
@_declared_options
@click.option(
    "--key",
    default=None,
    metavar="COLUMN",
    help="metadata: the file's column that --pattern is matched to (default: match the"
    " sample, id or sample_id column to sample ids).",
)
@click.option(
    "--pattern",
    default=None,
    metavar="REGEX",
    help="metadata: a regular expression searched in each sample id; its group 'key' (else"
    " its first group, else the match) is matched to --key, e.g. '(\\d+)$'.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
@pass_context
def import_cmd(
    ctx: Context,
    /,
    fmt: str,
    path: Path,
    key: str | None,
    pattern: str | None,
    as_json: bool,
    **given: Any,
) -> None:
    if fmt == "metadata":
        extra = sorted(name for name, value in given.items() if value is not None)
        if extra:
            flag = importer_options()[extra[0]][0].flag
            raise UserError(f"the metadata format takes no {flag} option")
        _import_metadata(ctx, path, key, pattern, as_json)
        return
    if key is not None or pattern is not None:
        raise UserError(f"the {fmt} format takes no {'--key' if key else '--pattern'} option")
    options = {name: value for name, value in given.items() if value is not None}
    console = SafeConsole(stderr=True)
    # Options are checked and the input sized before any database file is made.
    total = estimate(fmt, path, **options) if path.exists() else None
    show_bar = console.is_terminal and not as_json and (total is None or total > 50)
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


def _import_metadata(
    ctx: Context, path: Path, key: str | None, pattern: str | None, as_json: bool
) -> None:
    from ..importers.metadata import MAX_LISTED, attach_file

    summary = attach_file(ctx.store, path, key=key, pattern=pattern)
    if as_json:
        echo(json.dumps(summary.as_dict(), indent=2))
        return
    echo(
        f"Metadata from {path}: {summary.rows} rows, {summary.matched_rows} matched"
        f" {summary.samples_matched} samples ({summary.samples_changed} changed),"
        f" {len(summary.unmatched)} unmatched, 0 ambiguous."
    )
    if summary.unmatched:
        lines = ", ".join(map(str, summary.unmatched[:MAX_LISTED]))
        more = len(summary.unmatched) - MAX_LISTED
        echo(
            f"Unmatched rows (no sample), lines: {lines}"
            + (f" and {more} more" if more > 0 else "")
        )


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
    """Samples, tasks, failing samples and labels per annotator.

    \b
    model-samples    one per attempt (a task run by several models or times
                     is several samples)
    tasks            distinct task ids (a sample without one is its own task)
    failing          the tests failed; outcome unknown: it could not be read
    to label         failing or outcome unknown (the labeling queue)
    labeled          labels that are not a skip (a category, pass, or a flag)
    decided          a category or pass: what agreement compares
    Progress         labeled samples of those to label (the label screen's title)
    """
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
    echo(
        f"Samples:  {data.samples} model-samples of {data.tasks} tasks: {data.failing} failing,"
        f" {data.outcome_unknown} outcome unknown, {data.passing} passing"
    )
    echo(f"To label: {data.to_label} (failing or outcome unknown)")
    if not data.annotators:
        echo("No labels yet.")
    else:
        # Counts only (never labels): the same for every annotator to see, and the
        # same figures as the labeling screen's title (labeled of the samples to label).
        progress = " · ".join(
            f"{name} {row.of_to_label}/{data.to_label} ({share(row.of_to_label, data.to_label)})"
            for name, row in data.annotators.items()
        )
        echo(f"Progress: {progress}")
    for name, row in data.annotators.items():
        timed = times.per_annotator.get(name)
        spent = f"  median {timed[1]:.0f} s/sample over {timed[0]}" if timed else ""
        echo(
            f"  {name:<20} {row.labeled} labeled ({row.decided} decided: {row.bugs} bug,"
            f" {row.passes} pass), {row.flagged} flagged, {row.skipped} skipped{spent}"
        )
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
