"""CLI commands ``gold add``, ``gold import``, ``gold list``, ``gold remove`` and ``gold report``.

Contract: a thin shell over :mod:`annotator.agreement.gold_set` (building gold items),
:meth:`annotator.store.Store.put_gold` / :meth:`~annotator.store.Store.remove_gold` (one
transaction each: all or nothing) and :mod:`annotator.agreement.gold` (accuracy). Bad input
is one ``Error:`` line naming file, line and field, exit code 1, nothing changed.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..agreement.gold import BLOCK, gold_accuracy, gold_report
from ..agreement.gold_set import from_annotator, read_gold_csv
from ..errors import UserError
from ..store.gold import PURPOSES
from .context import Context, pass_context
from .output import echo, echo_json

_purpose = click.option(
    "--purpose",
    type=click.Choice(PURPOSES),
    default="training",
    show_default=True,
    help="training: shown with feedback in training mode (annotator label --training);"
    " check: hidden in the ordinary queue, no feedback (measures drift).",
)


def _ids(value: str | None) -> list[str] | None:
    if value is None:
        return None
    ids = [part.strip() for part in value.split(",") if part.strip()]
    if not ids:
        raise UserError("--ids names no sample")
    return ids


def _saved(added: int, replaced: int, purpose: str | None = None) -> None:
    what = f" ({purpose})" if purpose else ""
    echo(f"Gold set{what}: {added} added, {replaced} replaced.")


@click.group()
def gold() -> None:
    """The gold set: samples with reference labels, for training (with feedback)
    and hidden checks (accuracy and drift). See `annotator gold report`."""


@gold.command("add")
@click.option(
    "--from-annotator",
    "annotator",
    required=True,
    help="Adopt this annotator's labels (a category or a pass), typically 'final'.",
)
@click.option("--ids", default=None, help="Comma-separated sample ids (default: all).")
@click.option("--category", type=int, default=None, help="Only labels of this category.")
@click.option(
    "--sample",
    type=click.IntRange(min=1),
    default=None,
    help="Draw this many of the selected labels at random (see --seed).",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of --sample's draw.")
@_purpose
@pass_context
def add(
    ctx: Context,
    annotator: str,
    ids: str | None,
    category: int | None,
    sample: int | None,
    seed: int,
    purpose: str,
) -> None:
    """Adopt an annotator's labels as reference labels (an item already gold is replaced)."""
    items = from_annotator(
        ctx.store,
        annotator,
        purpose=purpose,
        ids=_ids(ids),
        category=category,
        sample=sample,
        seed=seed,
    )
    if not items:
        raise UserError(f"no label of {annotator} matches")
    _saved(*ctx.store.put_gold(items), purpose)
    if sample is not None:
        echo(f"Drawn at random: {sample} with seed {seed}.")


@gold.command("import")
@click.argument("file", type=click.Path(path_type=Path, dir_okay=False))
@_purpose
@pass_context
def import_gold(ctx: Context, file: Path, purpose: str) -> None:
    """Import reference labels from a CSV file with columns id, category, subcategory
    (and optionally purpose). category: a category id or 'pass'. All rows or none."""
    _saved(*ctx.store.put_gold(read_gold_csv(file, ctx.store, purpose)))


@gold.command("list")
@click.option("--purpose", type=click.Choice(PURPOSES), default=None, help="Only these items.")
@click.option("--json", "as_json", is_flag=True, help="Print the items as JSON.")
@pass_context
def list_gold(ctx: Context, purpose: str | None, as_json: bool) -> None:
    """List the gold set: sample, purpose, reference label and where it came from."""
    rows = ctx.store.gold(purpose)
    if as_json:
        echo_json([row._asdict() for row in rows], indent=2)
        return
    if not rows:
        echo("The gold set is empty: annotator gold add --from-annotator final ...")
        return
    taxonomy = ctx.store.taxonomy
    for row in rows:
        reference = (
            "pass" if row.kind == "pass" else taxonomy.label_text(row.category, row.subcategory)
        )
        echo(f"{row.sample_id}  {row.purpose:<8}  {reference}  ({row.source})")
    counts = {p: sum(r.purpose == p for r in rows) for p in PURPOSES}
    echo(f"{len(rows)} items: {counts['training']} training, {counts['check']} check.")


@gold.command("remove")
@click.argument("ids", nargs=-1, required=True)
@pass_context
def remove(ctx: Context, ids: tuple[str, ...]) -> None:
    """Remove samples from the gold set (all or none; training answers are kept)."""
    removed = ctx.store.remove_gold(list(dict.fromkeys(ids)))
    echo(f"Removed {removed} item{'s' if removed != 1 else ''} from the gold set.")


def _pct(acc: dict[str, object]) -> str:
    if not acc["n"]:
        return "-"
    ci = acc["ci"]
    assert isinstance(ci, list)
    return f"{acc['correct']}/{acc['n']} = {acc['percent']}% [{ci[0]}, {ci[1]}]"


@gold.command("report")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option(
    "--block",
    type=click.IntRange(min=1),
    default=BLOCK,
    show_default=True,
    help="Check answers per block of the accuracy over time (drift).",
)
@pass_context
def report(ctx: Context, as_json: bool, block: int) -> None:
    """Each annotator's accuracy on training items and on hidden check items, overall
    and per reference category (recall), with Wilson 95% intervals; and the accuracy on
    check items over time, in blocks of consecutive answers (drift)."""
    data = gold_report(ctx.store, block)
    if as_json:
        echo_json(data, indent=2)
        return
    echo(
        f"Gold set: {data['training_items']} training, {data['check_items']} check items"
        " (right = the reference's category, or pass; Wilson 95% intervals)."
    )
    if not data["annotators"]:
        echo("No training answer and no study label on a check item yet.")
        return
    for entry in data["annotators"]:
        echo("")
        echo(f"{entry['annotator']}")
        for part in ("training", "check"):
            echo(f"  {part:<8} {_pct(entry[part])}")
            if entry[part]["n"]:
                echo(f"    with the subcategory too: {_pct(entry[f'{part}_subcategory'])}")
            for row in entry[f"{part}_by_reference"]:
                echo(f"    {row['name']}: {_pct(row)}")
        if entry["labeled_after_training"]:
            echo(
                f"  {entry['labeled_after_training']} study label(s) on training items written"
                " after seeing their reference (not independent ratings)"
            )
        periods = entry["check_over_time"]
        if len(periods) > 1:
            echo(f"  check over time (blocks of {data['block']} answers):")
            for period in periods:
                echo(f"    {period['from'][:16]} to {period['to'][:16]}: {_pct(period)}")


COMMANDS: list[click.Command] = [gold]

__all__ = ["COMMANDS", "gold", "gold_accuracy"]
