"""CLI command ``merge``: combine annotator databases from several machines."""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..store.merge import merge_database
from .context import Context, pass_context
from .output import echo


@click.command()
@click.argument("others", nargs=-1, required=True, type=click.Path(path_type=Path))
@click.option("--json", "as_json", is_flag=True, help="Print the summaries as JSON.")
@pass_context
def merge(ctx: Context, others: tuple[Path, ...], as_json: bool) -> None:
    """Merge other annotator databases (OTHERS) into this one.

    Samples combine by id and content hash, labels by annotator; when the same
    annotator labeled the same sample differently, the newest label wins and
    the other stays in history. Merging twice changes nothing; the other files
    are only read.

    \b
    Example: annotator --db team.db merge alice.db bob.db
    """
    summaries = [merge_database(ctx.store, other) for other in others]
    if as_json:
        echo(json.dumps([s.as_dict() for s in summaries], indent=2))
        return
    for s in summaries:
        echo(
            f"{s.source}: samples {s.samples_new} new, {s.samples_same} same,"
            f" {s.samples_mapped} matched by content; labels {s.labels_new} new,"
            f" {s.labels_updated} updated, {s.labels_same} same; {s.history_copied} history entries copied."
        )
        for conflict in s.conflicts:
            echo(f"  conflict: {conflict}")


COMMANDS: list[click.Command] = [merge]
