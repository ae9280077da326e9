"""CLI command ``annotator saturation``: conflicts and new codes per round or batch.

Contract: parses the options, calls :func:`annotator.export.saturation.study_batches` and
:func:`~annotator.export.saturation.saturation` (the functions behind the report's
Saturation section, so both print the same numbers) and prints the table as Markdown, or
with ``--json`` every batch with the names of its new categories, subcategories and note
clusters.
"""

from __future__ import annotations

import click

from ..export.saturation import saturation, saturation_json, study_batches
from ..export.saturation_out import saturation_section
from .context import Context, pass_context
from .output import echo, echo_json

batches_option = click.option(
    "--batches",
    "batch_size",
    type=click.IntRange(min=1),
    default=None,
    metavar="N",
    help="Saturation per batch of N samples in labeling order (default: per round, or 50"
    " when the study has no rounds).",
)
"""``--batches N`` of ``saturation``, ``report`` and ``figures`` (one source of batches)."""


@click.command("saturation")
@batches_option
@click.option(
    "--annotators",
    default=None,
    metavar="A,B,...",
    help="The raters (default: everyone with labels but final and machine annotators).",
)
@click.option("--json", "as_json", is_flag=True, help="Print every batch as JSON.")
@pass_context
def saturation_cmd(
    ctx: Context, batch_size: int | None, annotators: str | None, as_json: bool
) -> None:
    """Saturation of the taxonomy: per round (or batch of samples in labeling order) the
    conflicts between the raters' initial decisions, and the categories, subcategories and
    open-coding note clusters used for the first time."""
    raters = [a for a in annotators.split(",") if a.strip()] if annotators else None
    batches = study_batches(ctx.store, batch_size, raters)
    rows = saturation(ctx.store, batches.batches, raters)
    if as_json:
        echo_json(saturation_json(rows, batches), indent=2)
        return
    echo("\n".join(saturation_section(rows, batches)[2:]).rstrip("\n"))


COMMANDS: list[click.Command] = [saturation_cmd]
