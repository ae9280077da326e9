"""CLI commands ``notes`` (clusters of notes without a subcategory), ``notes assign``
and ``notes unconfirmed`` (every label slot whose subcategory is Unspecified or inferred)."""

from __future__ import annotations

import click

from ..errors import UserError
from ..opencoding import THRESHOLD, NoteCluster, cluster_notes
from .context import Context, pass_context
from .output import echo, echo_json

_threshold = click.option(
    "--threshold",
    type=click.FloatRange(0, 100),
    default=THRESHOLD,
    show_default=True,
    help="Token-set similarity (0-100) for a note to join a cluster.",
)
_annotator = click.option("--annotator", default=None, help="Only this annotator's labels.")


def _labels(n: int) -> str:
    return f"{n} label" if n == 1 else f"{n} labels"


def _clusters(ctx: Context, annotator: str | None, threshold: float) -> list[NoteCluster]:
    return cluster_notes(ctx.store.unspecified_notes(annotator), threshold)


@click.group(invoke_without_command=True)
@_annotator
@_threshold
@click.option(
    "--ids",
    "n_ids",
    type=click.IntRange(min=0),
    default=5,
    show_default=True,
    help="Sample ids shown per cluster.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the clusters as JSON.")
@click.pass_context
def notes(
    click_ctx: click.Context, annotator: str | None, threshold: float, n_ids: int, as_json: bool
) -> None:
    """Group the notes of labels without a subcategory (or 'Unspecified') into clusters
    of similar notes, per category, with counts and sample ids (open coding).

    Give a cluster a subcategory with `annotator notes assign CLUSTER SUBCATEGORY`.
    """
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    clusters = _clusters(ctx, annotator, threshold)
    if as_json:
        echo_json(
            [
                {
                    "cluster": c.name,
                    "category": c.category,
                    "labels": len(c.items),
                    "notes": dict(c.notes.most_common()),
                    "sample_ids": c.sample_ids,
                }
                for c in clusters
            ],
            indent=2,
        )
        return
    if not clusters:
        echo("No notes of labels without a subcategory.")
        return
    taxonomy = ctx.store.taxonomy
    current = None
    for c in clusters:
        if c.category != current:
            current = c.category
            name = taxonomy.category(c.category).name if taxonomy.has(c.category) else "?"
            echo(f"Category {c.category}. {name}")
        ids = c.sample_ids
        more = f" (+{len(ids) - n_ids} more)" if len(ids) > n_ids else ""
        echo(f'  {c.name}  {_labels(len(c.items))}  "{c.representative}"')
        for note, count in c.notes.most_common(3):
            echo(f"      {count:>3} x {note}")
        if n_ids:
            echo(f"      samples: {', '.join(ids[:n_ids])}{more}")


@notes.command("assign")
@click.argument("cluster")
@click.argument("subcategory")
@_annotator
@_threshold
@click.option("--yes", is_flag=True, help="Do not ask for confirmation.")
@pass_context
def assign(
    ctx: Context, cluster: str, subcategory: str, annotator: str | None, threshold: float, yes: bool
) -> None:
    """Give every label of CLUSTER (as listed by `annotator notes` with the same
    options) the subcategory SUBCATEGORY of its category, with history."""
    clusters = {c.name: c for c in _clusters(ctx, annotator, threshold)}
    found = clusters.get(cluster)
    if found is None:
        have = ", ".join(clusters) or "none"
        raise UserError(f"no cluster {cluster!r} (clusters: {have})", field="cluster")
    taxonomy = ctx.store.taxonomy
    cat = taxonomy.category(found.category)
    if cat.subcategory(subcategory) is None:
        names = "; ".join(s.name for s in cat.subcategories)
        raise UserError(
            f"category {cat.id} has no subcategory {subcategory!r} (it has: {names})",
            field="subcategory",
        )
    echo(
        f'{found.name}: {len(found.items)} labels of category {cat.id}, notes like "{found.representative}":'
    )
    for note, count in found.notes.most_common(5):
        echo(f"  {count:>3} x {note}")
    if not yes and not click.confirm(f"Set their subcategory to '{subcategory}'?", default=False):
        echo("Nothing written.")
        return
    written = ctx.store.assign_subcategory(found.items, subcategory)
    echo(f"Wrote {written} labels: {cat.id} / {subcategory} (earlier states kept in history).")


@notes.command("unconfirmed")
@_annotator
@click.option("--json", "as_json", is_flag=True, help="Print one object per label slot.")
@pass_context
def unconfirmed(ctx: Context, annotator: str | None, as_json: bool) -> None:
    """List the labels whose subcategory is Unspecified or inferred from the note,
    to confirm: in review, `i` walks them and takes a subcategory with one key."""
    slots = ctx.store.unconfirmed_subcategories(annotator)
    if as_json:
        echo_json(
            [
                {
                    "sample": s.sample_id,
                    "annotator": s.annotator,
                    "slot": 2 if s.second else 1,
                    "category": s.category,
                    "subcategory": s.subcategory,
                    "inferred": s.inferred,
                    "note": s.note,
                }
                for s in slots
            ]
        )
        return
    if not slots:
        echo("Every subcategory is confirmed.")
        return
    for s in slots:
        state = f"inferred: {s.subcategory}" if s.inferred else "Unspecified"
        second = " (2nd)" if s.second else ""
        note = f'  "{s.note}"' if s.note else ""
        echo(f"{s.sample_id}  {s.annotator}  {s.category}{second}  {state}{note}")
    inferred = sum(s.inferred for s in slots)
    echo(
        f"{len(slots)} to confirm: {inferred} inferred, {len(slots) - inferred} Unspecified"
        " (annotator review, then i)."
    )


COMMANDS: list[click.Command] = [notes]
