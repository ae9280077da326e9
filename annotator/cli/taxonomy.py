"""CLI commands for the taxonomy: ``taxonomy`` (tree or codebook) and ``taxonomy migrate``."""

from __future__ import annotations

import click
from rich.markup import escape
from rich.tree import Tree

from ..export import codebook
from .context import Context
from .output import SafeConsole, echo


@click.group(invoke_without_command=True)
@click.option(
    "--codebook",
    "show_codebook",
    is_flag=True,
    help="Print the codebook (definitions, decision rules, examples) for a paper's appendix.",
)
@click.option(
    "--format",
    "fmt",
    type=click.Choice(codebook.FORMATS),
    default="md",
    show_default=True,
    help="Format of --codebook.",
)
@click.pass_context
def taxonomy(click_ctx: click.Context, show_codebook: bool, fmt: str) -> None:
    """Print the taxonomy as a tree (DL-specific subcategories marked), or its codebook."""
    if click_ctx.invoked_subcommand is not None:
        return
    ctx = click_ctx.find_object(Context)
    assert ctx is not None
    tax = ctx.taxonomy
    if show_codebook:
        echo(codebook.render(tax, fmt).rstrip("\n"))
        return
    tree = Tree(f"{escape(tax.name)} taxonomy, version {escape(tax.version)}")
    for cat in tax.categories:
        branch = tree.add(f"[bold]{cat.id}. {escape(cat.name)}[/bold]")
        for sub in cat.subcategories:
            mark = " [cyan](DL)[/cyan]" if sub.dl_specific else ""
            branch.add(f"{escape(sub.name)}{mark}")
    for alias in tax.aliases:
        target = tax.label_text(alias.category, alias.subcategory)
        tree.add(f"alias {alias.code} ({escape(alias.name)}) -> {escape(target)}")
    SafeConsole(highlight=False).print(tree)


COMMANDS: list[click.Command] = [taxonomy]
