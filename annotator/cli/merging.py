"""CLI command ``merge``: combine annotator databases from several machines."""

from __future__ import annotations

import json
from pathlib import Path

import click

from .context import Context, pass_context
from .output import echo


@click.command()
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summaries as JSON.")
@click.option(
    "--take-final",
    is_flag=True,
    help="Let the other databases' 'final' labels replace (or delete) this one's"
    " adjudicated labels (default: this database's final labels are kept).",
)
@pass_context
def merge(ctx: Context, others: tuple[Path, ...], as_json: bool, take_final: bool) -> None:
    """Merge other annotator databases (OTHERS) into this one.

    Samples combine by id (two ids stay two samples), labels by annotator; when the same
    annotator labeled the same sample differently, the newest label wins and
    the other stays in history; 'final' labels here are kept unless
    --take-final. Labels deleted (undone) there are deleted here unless
    changed here since. Every row of the other files is validated as it is read
    (a bad or future-dated row in any of them fails the whole merge, changing
    nothing). Merging twice changes nothing; the other files are only read.

    The study's method comes along: gold items, training answers, the retest plan,
    retest answers and their history, rounds and their assignments, discussions and
    negotiation reasons (a gold reference, a retest plan or a round that clashes with
    this database's is reported as a conflict and this database's kept; the first
    training answer counts).

    \b
    Example: annotator --db team.db merge alice.db bob.db
    """
    summaries = ctx.creating_store().merge_databases(others, take_final)
    if as_json:
        echo(json.dumps([s.as_dict() for s in summaries], indent=2))
        return
    for s in summaries:
        echo(
            f"{s.source}: samples {s.samples_new} new, {s.samples_same} same;"
            f" labels {s.labels_new} new,"
            f" {s.labels_updated} updated, {s.labels_same} same, {s.labels_deleted} deleted;"
            f" {s.history_copied} history entries copied."
        )
        tables = [
            f"{table} {n['added']} new"
            + (f", {n['updated']} updated" if n["updated"] else "")
            + (f", {n['conflicts']} conflicts" if n["conflicts"] else "")
            for table, n in s.study.items()
            if n["added"] or n["updated"] or n["conflicts"]
        ]
        if tables:
            echo(f"  study: {'; '.join(tables)}.")
        for conflict in s.conflicts:
            echo(f"  conflict: {conflict}")


COMMANDS: list[click.Command] = [merge]
