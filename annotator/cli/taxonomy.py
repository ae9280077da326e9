"""CLI commands for the taxonomy: ``taxonomy`` (tree or codebook) and ``taxonomy migrate``."""

from __future__ import annotations

from pathlib import Path

import click
from rich.markup import escape
from rich.tree import Tree

from ..export import codebook
from ..migrate import plan_migration
from ..store import Store
from ..store.existing import require_database
from ..store.taxonomy_binding import binding_of
from ..store.taxonomy_relabel import binding_state
from ..taxonomy import Taxonomy, load_taxonomy
from .context import Context, pass_context
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


@taxonomy.command("migrate")
@click.argument("new_file", metavar="NEW.yaml", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@pass_context
def migrate_cmd(ctx: Context, new_file: Path, dry_run: bool) -> None:
    """Move every label to the new taxonomy version NEW.yaml, following its changes section.

    The current taxonomy (--taxonomy, default the one the database keeps) is
    the version the labels were made under; afterwards the database keeps
    NEW.yaml and every command uses it without --taxonomy. Everything is checked before anything is
    written; then all labels change in one transaction, with history (each old
    label restorable). Labels of a split category are flagged 'to confirm'.
    """
    new = load_taxonomy(new_file)
    require_database(ctx.db_path)
    # Opened without the binding check: the database may be bound to the old
    # version (to migrate) or, when this ran before, already to the new one.
    with Store.open(ctx.db_path, ctx.taxonomy) as store:
        state = binding_state(store, new)
        moved = new.changes is not None and new.changes.from_ != new.version
        if moved and binding_of(store.taxonomy) == binding_of(new):
            # Without --taxonomy after a migration: the database's own is NEW.yaml.
            echo(f"The database is already at {new.name} {new.version}: nothing to migrate.")
            return
        if state == "other":
            store.check_taxonomy()  # one line naming both taxonomies
        _migrate(store, new, new_file, dry_run, already=state == "new")


def _migrate(store: Store, new: Taxonomy, new_file: Path, dry_run: bool, *, already: bool) -> None:
    plan = plan_migration(store.taxonomy, new, store.labels(), str(new_file))
    verb = "Would migrate" if dry_run else "Migrated"
    echo(
        f"{verb} {new.name} {plan.old_version} ->"
        f" {plan.new_version}: labels rewritten: {len(plan.rewrites)},"
        f" unchanged: {plan.unchanged}, already at {plan.new_version}:"
        f" {plan.already}, to confirm: {plan.to_confirm}."
    )
    for (before, after), count in sorted(plan.moves.items()):
        echo(f"  {before} -> {after}: {count}")
    if dry_run or (already and not (plan.rewrites or plan.unchanged)):
        return
    store.apply_migration(plan, new)
    echo(
        f"The database now keeps {new.name} {new.version}: later commands use it without"
        " --taxonomy."
    )


COMMANDS: list[click.Command] = [taxonomy]
