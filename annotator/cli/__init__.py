"""The ``annotator`` command line: a thin click shell over the library API.

Contract: every command parses its options, calls one library function and
renders the result. A :class:`~annotator.errors.UserError` (or a SQLite error
on a file that is not a database) becomes one ``Error: ...`` line and exit
code 1; usage errors exit 2; never a traceback for a user error. Commands live
in one module per area (``data``, ``labeling``, ``suggesting``, ``agreeing``,
``exporting``, ``merging``, ``rounds``, ...) and register themselves on :data:`cli`.
"""

from __future__ import annotations

import importlib
import sqlite3
import sys
from pathlib import Path
from typing import Any

import click

from ..errors import UserError
from ..paths import DISTRIBUTION
from ..startup import resume_collection
from ..textsafe import visible_line
from .context import Context

# Command name -> the module of annotator.cli that defines it. Modules are
# imported only when one of their commands runs (or for --help), so that
# `annotator status` does not pay for the UI, the suggester and the statistics.
# tests/test_cli.py checks this table against every module's COMMANDS.
LAZY_COMMANDS = {
    "import": "data",
    "status": "data",
    "taxonomy": "taxonomy",
    "llm-label": "llm",
    "notes": "notes",
    "label": "labeling",
    "demo": "labeling",
    "review": "labeling",
    "suggest": "suggesting",
    "clusters": "suggesting",
    "evaluate": "suggesting",
    "agreement": "agreeing",
    "retest": "agreeing",
    "export": "exporting",
    "report": "exporting",
    "merge": "merging",
    "figures": "figures",
    "saturation": "saturation",
    "round": "rounds",
    "negotiate": "rounds",
    "gold": "gold",
}
UI_COMMANDS = frozenset({"label", "review"})
"""Commands whose UI turns the garbage collector back on once mounted (annotator.startup):
they load Textual and build their first screen without it."""
CLI_MODULES = (
    "data",
    "labeling",
    "suggesting",
    "agreeing",
    "exporting",
    "merging",
    "taxonomy",
    "llm",
    "notes",
    "figures",
    "rounds",
    "gold",
    "saturation",
)


class AnnotatorGroup(click.Group):
    """A group that loads commands lazily and turns user errors into one clean line."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        return list(LAZY_COMMANDS)

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        module_name = LAZY_COMMANDS.get(cmd_name)
        if module_name is None:
            return None
        module = importlib.import_module(f"{__name__}.{module_name}")
        return next((c for c in module.COMMANDS if c.name == cmd_name), None)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            try:
                return super().invoke(ctx)
            except BaseException as exc:
                # A failed import or merge leaves no new database file behind.
                if isinstance(ctx.obj, Context) and not _succeeded(exc):
                    ctx.obj.discard_created()
                raise
        except UserError as exc:
            raise click.ClickException(visible_line(exc)) from None
        except sqlite3.DatabaseError as exc:
            obj = ctx.obj
            where = f"{obj.db_path}: " if isinstance(obj, Context) else ""
            raise click.ClickException(visible_line(f"{where}database error: {exc}")) from None


def _succeeded(exc: BaseException) -> bool:
    """Whether ``exc`` is click's way of ending a command that succeeded."""
    return (
        isinstance(exc, click.exceptions.Exit)
        and exc.exit_code == 0
        or (isinstance(exc, SystemExit) and exc.code in (0, None))
    )


@click.group(cls=AnnotatorGroup)
@click.option(
    "--db",
    "db_path",
    type=click.Path(dir_okay=False, path_type=Path),
    envvar="ANNOTATOR_DB",
    default=Path("db") / "annotations.db",
    show_default=True,
    help="SQLite database file (or set ANNOTATOR_DB).",
)
@click.option(
    "--taxonomy",
    "taxonomy_path",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Taxonomy YAML file (default: the bundled DLEval taxonomy).",
)
@click.version_option(package_name=DISTRIBUTION)
@click.pass_context
def cli(ctx: click.Context, db_path: Path, taxonomy_path: Path | None) -> None:
    """Label failing LLM-generated deep-learning code with a bug taxonomy,
    measure inter-annotator agreement and export occurrence tables."""
    if ctx.invoked_subcommand not in UI_COMMANDS:
        resume_collection()
    ctx.obj = Context(db_path=db_path, taxonomy_path=taxonomy_path)
    ctx.call_on_close(ctx.obj.close)


def main() -> None:
    """Console-script entry point."""
    try:
        cli.main(prog_name="annotator")
    except KeyboardInterrupt:  # pragma: no cover - interactive
        sys.exit(130)
