"""CLI commands ``round new``, ``round list``, ``round discuss`` and ``negotiate``.

Contract: a thin shell over :mod:`annotator.rounds`: each command parses its options,
calls one library function and prints the result (tables through
:class:`~annotator.cli.output.SafeConsole`, data as literal ``Text``, or JSON with
``--json``). Bad input is one ``Error:`` line, exit code 1, nothing written.
"""

from __future__ import annotations

import click
from rich.table import Table
from rich.text import Text

from .. import rounds as study
from .context import Context, pass_context
from .output import SafeConsole, echo, echo_json


def _when(stamp: str | None) -> str:
    """A stored UTC time to the minute (``-``: none)."""
    return stamp[:16].replace("T", " ") if stamp else "-"


@click.group("round")
def round_group() -> None:
    """Rounds of the study: batches drawn, assigned, labeled and discussed together."""


@round_group.command("new")
@click.option("--size", type=int, required=True, help="How many samples the round draws.")
@click.option(
    "--from",
    "query",
    default=None,
    metavar="QUERY",
    help="Draw by a filter instead of at random: the first --size matches in import"
    " order. " + study.QUERY_HELP,
)
@click.option(
    "--annotators",
    default=None,
    metavar="A,B,...",
    help="Who labels the round (default: every rater, i.e. everyone with labels but final"
    " and machine annotators).",
)
@click.option(
    "--new-annotators",
    is_flag=True,
    help="Let --annotators name annotators not yet in the database (otherwise refused,"
    " so that a typo does not make a new annotator).",
)
@click.option(
    "--overlap",
    default="all",
    show_default=True,
    metavar="all|K",
    help="all: every annotator labels every sample; K: the first K drawn are labeled by"
    " all, the rest are split evenly (one annotator each).",
)
@click.option(
    "--seed",
    type=int,
    default=None,
    help="Seed of the random draw (default: one derived from the clock, printed so the"
    " draw can be repeated on the same database).",
)
@click.option("--name", default=None, help="The round's name (default: 'round N').")
@pass_context
def round_new(
    ctx: Context,
    size: int,
    query: str | None,
    annotators: str | None,
    new_annotators: bool,
    overlap: str,
    seed: int | None,
    name: str | None,
) -> None:
    """Draw the next round from the samples to label (failing or outcome unknown)
    that are in no round yet, assign it and print what was drawn."""
    drawn = study.draw_round(
        ctx.store,
        size,
        query=query,
        annotators=annotators.split(",") if annotators else None,
        overlap=overlap,
        seed=seed,
        name=name,
        new_annotators=new_annotators,
    )
    row = drawn.round
    how = (
        f"by the filter {row.query!r}"
        if row.query is not None
        else f"at random with seed {row.seed} (repeat with --seed {row.seed})"
    )
    echo(f"Round {row.id} ({row.name}): {row.size} samples drawn {how}.")
    shared = row.size if row.overlap == "all" else int(row.overlap)
    counts = {who: sum(who in names for _, names in drawn.assignments) for who in drawn.annotators}
    per = ", ".join(f"{who} {n}" for who, n in counts.items())
    echo(f"Assigned: {shared} to every annotator; samples each: {per}.")
    for sample_id, names in drawn.assignments:
        echo(f"  {sample_id}  {', '.join(names)}")


@round_group.command("list")
@click.option("--json", "as_json", is_flag=True, help="Print the rounds as JSON.")
@pass_context
def round_list(ctx: Context, as_json: bool) -> None:
    """Each round: size, each assigned annotator's progress (decided/assigned), when it
    was created and when it closed (every assignment decided)."""
    listed = study.rounds(ctx.store)
    if as_json:
        echo_json([r.as_dict() for r in listed], indent=2)
        return
    if not listed:
        echo("No rounds yet: `annotator round new --size N` draws one.")
        return
    table = Table(title="Rounds")
    for column in ("#", "name", "size", "progress (decided/assigned)", "created", "closed"):
        table.add_column(column, overflow="fold")
    for r in listed:
        progress = ", ".join(f"{a} {d}/{n}" for a, (d, n) in r.progress.items())
        table.add_row(
            Text(str(r.round.id)),
            Text(r.round.name),
            Text(str(r.round.size)),
            Text(progress),
            Text(_when(r.round.created_at)),
            Text(_when(r.closed_at) if r.closed else "open"),
        )
    SafeConsole().print(table)


@round_group.command("discuss")
@click.argument("round_id", type=int, metavar="R")
@click.option(
    "--no-record",
    is_flag=True,
    help="Only list the conflicts; do not record them as shown to the annotators.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the conflicts as JSON.")
@pass_context
def round_discuss(ctx: Context, round_id: int, no_record: bool, as_json: bool) -> None:
    """List the conflicts of round R (samples where the assigned raters' initial
    decisions differ) and record that each was shown to its raters: from then on,
    any change they make to their label there is negotiated (`annotator negotiate`
    makes one with a reason). Run again to see the initial and current labels and
    every negotiated change (who, to what, when, why)."""
    result = study.discuss(ctx.store, round_id, record=not no_record)
    if as_json:
        echo_json(result.as_dict(), indent=2)
        return
    row = result.round
    echo(f"Round {row.id} ({row.name}): {len(result.conflicts)} conflicts.")
    if result.newly_shown:
        echo(f"Recorded as shown: {result.newly_shown} (sample, annotator) pairs.")
    for conflict in result.conflicts:
        echo(conflict.sample_id)
        for who, first in conflict.initial.items():
            now = conflict.current.get(who, "-")
            echo(f"  {who}: initial {first}" + (f", now {now}" if now != first else ""))
        for change in conflict.changes:
            to = study.decision_text(change.kind, change.category, change.subcategory)
            why = f" because {change.reason!r}" if change.reason else ""
            echo(f"    {_when(change.changed_at)} {change.annotator} changed to {to}{why}")


@click.command("negotiate")
@click.argument("sample_id", metavar="SAMPLE")
@click.option("--as", "annotator", required=True, help="Whose label changes.")
@click.option("--category", type=int, default=None, help="The new category.")
@click.option("--subcategory", default=None, help="The new subcategory (with --category).")
@click.option("--pass", "passed", is_flag=True, help="Not a failure after all: a pass.")
@click.option("--reason", default=None, help="Why the label changed (kept with the change).")
@pass_context
def negotiate(
    ctx: Context,
    sample_id: str,
    annotator: str,
    category: int | None,
    subcategory: str | None,
    passed: bool,
    reason: str | None,
) -> None:
    """Change an annotator's decided label on SAMPLE after seeing the disagreement
    (a negotiated change, with an optional reason; see `annotator round discuss`).
    The first answer stays the label's initial value, which `agreement` reports
    beside the negotiated one."""
    history_id = study.negotiate(
        ctx.store,
        sample_id,
        annotator,
        category=category,
        subcategory=subcategory,
        passed=passed,
        reason=reason,
    )
    label = ctx.store.label(sample_id, annotator)
    assert label is not None
    to = study.decision_text(label.kind, label.category, label.subcategory)
    echo(f"{sample_id}: {annotator}'s label is now {to} (negotiated, change {history_id}).")


COMMANDS: list[click.Command] = [round_group, negotiate]
