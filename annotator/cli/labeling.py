"""CLI commands (labeling): ``label`` opens the labeling UI, ``review`` the
adjudication UI, ``demo`` tries the labeling UI on the bundled demo dataset.

Contract: Textual is imported lazily inside the commands, so the rest of the
CLI starts without it. ``demo`` imports the demo data into a fresh database in
a temporary folder (removed on exit) and labels as annotator ``demo``;
``demo --no-ui`` only imports and prints the status (for CI and smoke tests).
"""

from __future__ import annotations

import getpass
import tempfile
from pathlib import Path

import click

from ..errors import UserError
from ..store import Store
from .context import Context, pass_context
from .output import echo


def _default_annotator() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name (containers): still usable
        return "annotator"


def _blind_share(value: float) -> float:
    if not 0.0 <= value <= 1.0:
        raise UserError(f"--blind-suggestions must be between 0 and 1, got {value}")
    return value


def run_ui(
    store: Store,
    annotator: str,
    blind_share: float = 0.0,
    *,
    review: bool = False,
    with_final: bool | None = None,
    keys: Path | None = None,
    rules: Path | None = None,
    training: bool = False,
    notice: str | None = None,
) -> None:
    """Run the labeling (or review, or ``training``) app until the user quits; ``rules``: a
    rule table of one's own for the suggestions (like ``evaluate --rules``); ``notice``: a
    line the app says when it starts."""
    table = None
    if rules is not None:
        from ..cli.suggesting import warn_skipped_rules
        from ..suggest.rules import load_rules

        table = load_rules(store.taxonomy, rules)
        warn_skipped_rules(table)
    from ..blind import BlindView
    from ..tui.app import AnnotatorApp, default_keys
    from ..tui.keymap import load_keys
    from ..tui.preload import first_page

    setup = load_keys(keys, default_keys)

    # Read before the app starts, so that the first frame shows a sample.
    preload = None if review or training else first_page(BlindView(store, annotator, rules=table))

    AnnotatorApp(
        store,
        annotator,
        blind_share=blind_share,
        review=review,
        with_final=with_final,
        preload=preload,
        keys=setup,
        training=training,
        notice=notice,
        rules=table,
    ).run()


KEYS_HELP = (
    'Keymap file (TOML: [keys] action = "key", advance = true).'
    " Default: ~/.config/annotator/keys.toml when it exists."
)


def training_notice(store: Store, annotator: str) -> str | None:
    """One line when training items wait for ``annotator`` (None: none wait)."""
    pending = store.training_pending(annotator)
    if not pending:
        return None
    items = "item" if pending == 1 else "items"
    return (
        f"{pending} training {items} not yet answered by {annotator}:"
        f" annotator label --as {annotator} --training"
    )


@click.command()
@click.option(
    "--annotator",
    "--as",
    "annotator",
    default=None,
    help="Your annotator name (default: your login name).",
)
@click.option(
    "--blind-suggestions",
    "blind",
    type=float,
    default=0.0,
    show_default=True,
    help="Share of samples (0-1, stable per sample) whose suggestions are hidden.",
)
@click.option("--keys", type=click.Path(path_type=Path, dir_okay=False), help=KEYS_HELP)
@click.option(
    "--rules",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A rule table of your own for the suggestions (default: the bundled rules.yaml).",
)
@click.option(
    "--training",
    is_flag=True,
    help="Answer the gold set's training items: after each answer the reference label,"
    " its definition and decision rules are shown. Training answers are never counted.",
)
@pass_context
def label(
    ctx: Context,
    annotator: str | None,
    blind: float,
    keys: Path | None,
    rules: Path | None,
    training: bool,
) -> None:
    """Label samples: opens your queue at the first unlabeled failing sample.

    \b
    Keys: category 1-9; 10-14 = 1 then 0-4 within 1 s, o pass (not a failure),
    a accept suggestion, n/p next/previous, u undo, f flag, s skip,
    / search and filter, g/r/d/w generated/reference/diff/prompt,
    t full test output, c label the failure cluster, ? all keys (as set by
    --keys), q quit.

    \b
    --training: the gold set's training items, with feedback after each
    answer (the reference, its definition and decision rules); the answers
    are kept apart from labels and never counted.
    """
    name = (annotator or _default_annotator()).strip()
    if not name:
        raise UserError("--annotator must not be empty")
    ctx.store.check_new_annotator(name)
    if training:
        if not ctx.store.gold("training"):
            raise UserError(
                "no training items: annotator gold add --from-annotator final --purpose training"
            )
        run_ui(ctx.store, name, keys=keys, training=True)
        return
    # Training is offered, not imposed: the study's queue opens, with one line saying so.
    notice = training_notice(ctx.store, name)
    if notice is not None:
        echo(notice, err=True)
    run_ui(ctx.store, name, _blind_share(blind), keys=keys, rules=rules, notice=notice)


@click.command()
@click.option(
    "--annotator",
    default=None,
    help="Your name as the reviewer, recorded with every final label (default: login name).",
)
@click.option(
    "--with-final/--without-final",
    "with_final",
    default=None,
    help="List samples whose raters disagree with the existing final label too (default);"
    " --without-final: only raters who disagree with each other.",
)
@click.option("--keys", type=click.Path(path_type=Path, dir_okay=False), help=KEYS_HELP)
@pass_context
def review(ctx: Context, annotator: str | None, with_final: bool | None, keys: Path | None) -> None:
    """Adjudicate disagreements: open ones first, largest disagreement first.

    A sample is open while its raters disagree with each other or with its
    final label and no reviewer has written or adopted that final label (an
    imported final label is shown as imported, to be checked).

    \b
    Keys: 1-9 adopt the n-th annotator's label as final (then next),
    e write your own final label, u undo, n/p next/previous,
    g/r/d/w generated/reference/diff/prompt (v: the next one), t full test output,
    G agreement matrix (Enter on a cell: that pair's samples),
    S category statistics, ? all keys, q quit.
    """
    name = (annotator or _default_annotator()).strip()
    if not name:
        raise UserError("--annotator must not be empty")
    ctx.store.check_new_annotator(name)
    run_ui(ctx.store, name, review=True, with_final=with_final, keys=keys)


def demo_path() -> Path:
    try:
        from ..demo import DEMO_PATH
    except ImportError:
        raise UserError("the demo dataset is not installed (annotator/demo)") from None
    return Path(DEMO_PATH)


@click.command()
@click.option("--no-ui", is_flag=True, hidden=True, help="Import and print status only.")
@click.option("--blind-suggestions", "blind", type=float, default=0.0, hidden=True)
@pass_context
def demo(ctx: Context, no_ui: bool, blind: float) -> None:
    """Try the labeling UI on the bundled demo dataset (a throwaway database)."""
    from ..importers import import_path

    source = demo_path()
    with tempfile.TemporaryDirectory(prefix="annotator-demo-") as folder:
        db_path = Path(folder) / "demo.db"
        with Store.open(db_path, ctx.taxonomy) as store:
            summary = import_path(store, "jsonl", source)
            status = store.status()
            if no_ui:
                new = summary.samples.get("new", 0)
                echo(f"Demo database: {db_path}")
                echo(f"Imported {new} samples ({status.failing} failing).")
                echo(f"Samples:  {status.samples}")
                return
            run_ui(store, "demo", _blind_share(blind))


COMMANDS: list[click.Command] = [label, review, demo]
