"""CLI command ``annotator figures``: the paper's figures into a folder.

Contract: parses the options and calls :func:`annotator.export.figures.write_figures`;
prints one line per figure written and per figure skipped (with why). Without
matplotlib it fails with one line saying how to install it.
"""

from __future__ import annotations

from pathlib import Path

import click

from ..export.counts import AUTO
from .context import Context, pass_context
from .output import echo
from .saturation import batches_option


@click.command("figures")
@click.option(
    "--out",
    "out",
    type=click.Path(file_okay=False, path_type=Path),
    required=True,
    help="Folder to write the figures into (created if missing).",
)
@click.option(
    "--format", "fmt", type=click.Choice(["svg", "pdf", "png"]), default="svg", show_default=True
)
@click.option(
    "--source", default=AUTO, show_default=True, help="Whose labels count (as in export counts)."
)
@click.option(
    "--pair",
    default=None,
    metavar="A,B",
    help="The two annotators of the confusion matrix (default: the first pair of raters who"
    " share items, else the first rater and final).",
)
@click.option(
    "--width",
    type=click.Choice(["column", "page", "both"]),
    default="both",
    show_default=True,
    help="column: 3.5 in (one column of a two-column paper); page: 7.16 in (full width)."
    " Files are <figure>_<width>.<format>.",
)
@batches_option
@pass_context
def figures_cmd(
    ctx: Context,
    out: Path,
    fmt: str,
    source: str,
    pair: str | None,
    width: str,
    batch_size: int | None,
) -> None:
    """Figures for the paper: category occurrences (DL-specific or not), pass@1
    by stage per model, a category x model heatmap (two or more models) and an
    agreement confusion matrix, and the saturation curve (codes used so far and conflicts
    per round or batch); in one-column and full-page width, deterministic output.

    Needs matplotlib: pip install 'dl-bug-annotator[figures]'
    (from a checkout: pip install -e '.[figures]').
    """
    from ..export.figures import write_figures

    names = [p.strip() for p in pair.split(",")] if pair else None
    widths = ("column", "page") if width == "both" else (width,)
    result = write_figures(ctx.store, out, fmt, source, names, widths, batch_size)
    for path in result.written.values():
        echo(f"wrote {path}")
    for name, reason in result.skipped.items():
        echo(f"skipped {name}: {reason}")


COMMANDS: list[click.Command] = [figures_cmd]
