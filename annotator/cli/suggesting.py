"""CLI commands ``suggest``, ``clusters`` and ``evaluate``."""

from __future__ import annotations

import json
from pathlib import Path

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table
from rich.text import Text

from ..suggest import NO_SIGNAL
from ..suggest.engine import Engine
from ..suggest.evaluate import evaluate as run_evaluation
from ..suggest.rules import RuleSet, load_rules
from .context import Context, pass_context
from .output import SafeConsole, echo


def _engine(ctx: Context, rules: Path | None) -> Engine:
    return Engine(ctx.store, load_rules(ctx.taxonomy, rules) if rules else None)


def warn_skipped_rules(rules: RuleSet) -> int:
    """Say on stderr which rules the taxonomy made skip; returns how many."""
    if rules.foreign:
        echo(
            f"warning: {rules.foreign}: no shipped rule or prior applies ({len(rules.skipped)}"
            " rules skipped); suggestions come only from this database's labels",
            err=True,
        )
    elif rules.skipped:
        echo(
            f"warning: {len(rules.skipped)} rules skipped (the taxonomy lacks what they name): "
            + "; ".join(rules.skipped),
            err=True,
        )
    return len(rules.skipped)


rules_option = click.option(
    "--rules",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="A rule table of your own (default: the bundled rules.yaml).",
)


def _warm(engine: Engine, ids: list[str] | None, quiet: bool) -> None:
    console = SafeConsole(stderr=True)
    with Progress(
        TextColumn("analysing"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=quiet or not console.is_terminal,
    ) as progress:
        task = progress.add_task("facts", total=len(engine.stale(ids)))
        engine.ensure_facts(ids, progress=lambda n: progress.advance(task, n))


@click.command()
@click.argument("samples", nargs=-1)
@click.option(
    "--top",
    default=3,
    show_default=True,
    type=click.IntRange(1, 14),
    help="Suggestions per sample.",
)
@click.option("--json", "as_json", is_flag=True, help="One JSON object per line.")
@click.option(
    "--annotator",
    default=None,
    help="Blind: exactly what this annotator's labeling UI shows (only their own labels vote).",
)
@rules_option
@pass_context
def suggest(
    ctx: Context,
    samples: tuple[str, ...],
    top: int,
    as_json: bool,
    annotator: str | None,
    rules: Path | None,
) -> None:
    """Suggest taxonomy categories for SAMPLES (all failing samples when none).

    Suggestions come from traceback and code rules plus the category
    frequencies of samples already labeled (every annotator's, or only
    ANNOTATOR's with --annotator) over a prior shipped with the rules; each
    carries its evidence and a confidence (the estimated probability that the
    category is among the sample's). A sample is "decisive" when a trigger
    fired whose precision the visible labels show to be high (95% lower
    bound at least 0.85; none by default). The first listed is the one the
    labeling panel names the likeliest and `a` takes. They are cached
    and recomputed when the sample, the rules or the labels change.
    """
    engine = _engine(ctx, rules)
    ids = list(samples) or ctx.store.sample_ids(failing_only=True)
    for sid in samples:
        ctx.store.require_sample(sid)
    skipped = warn_skipped_rules(engine.rules)
    _warm(engine, ids, as_json)
    console = SafeConsole(highlight=False)
    for sid, ranked in engine.suggest_many(ids, top, annotator):
        decisive = bool(ranked) and ranked[0].decisive
        if as_json:
            doc: dict[str, object] = {
                "sample": sid,
                "decisive": decisive,
                "suggestions": [s.model_dump() for s in ranked],
            }
            if skipped:
                doc["rules_skipped"] = skipped
            echo(json.dumps(doc))
            continue
        console.print(Text(sid + ("  (decisive)" if decisive else ""), style="bold"))
        if not ranked:
            note = (
                "no rule applies to this taxonomy and no label votes yet"
                if engine.rules.foreign
                else NO_SIGNAL
            )
            console.print(f"  ({note})")
        for s in ranked:
            name = ctx.taxonomy.label_text(s.category, s.subcategory)
            # No confidence: too few labels of a taxonomy without a shipped table.
            confidence = f"{s.confidence:4.0%}" if s.confidence is not None else "   ?"
            console.print(Text(f"  {confidence}  {name}"))
            for line in s.evidence:
                console.print(Text(f"         - {line}", style="dim"))


@click.command()
@click.option("--min-size", default=2, show_default=True, help="Smallest cluster to list.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@pass_context
def clusters(ctx: Context, min_size: int, as_json: bool) -> None:
    """List clusters of failing samples that fail the same way, largest first."""
    engine = _engine(ctx, None)
    _warm(engine, None, as_json)
    found = [c for c in engine.clusters() if len(c.members) >= min_size]
    if as_json:
        echo(
            json.dumps(
                [
                    {"size": len(c.members), "fingerprint": c.representative, "samples": c.members}
                    for c in found
                ]
            )
        )
        return
    table = Table("size", "fingerprint", "representative")
    for c in found:
        table.add_row(str(len(c.members)), Text(c.representative[:100]), Text(c.members[0]))
    SafeConsole(highlight=False).print(table)


@click.command()
@click.option("--annotator", default="final", show_default=True, help="Whose labels are the truth.")
@click.option("--json", "as_json", is_flag=True, help="Print as JSON.")
@rules_option
@pass_context
def evaluate(ctx: Context, annotator: str, as_json: bool, rules: Path | None) -> None:
    """How often the top-1 and top-3 suggestions hit the annotator's label.

    Leave-one-out: a sample's own labels never vote for it. A hit is a
    suggested category among the label's categories (first or second).
    """
    engine = _engine(ctx, rules)
    _warm(engine, None, as_json)
    result = run_evaluation(engine, annotator).as_dict()
    if as_json:
        echo(json.dumps(result, indent=2))
        return
    if not result["n"]:
        echo(f"No sample has a category from '{annotator}'.")
        return
    echo(
        f"{result['n']} samples labeled by {annotator}: top-1 {result['top1']:.1%}, top-3 {result['top3']:.1%}"
    )
    table = Table("category", "n", "top-1", "top-3", title="per category")
    for row in result["per_category"]:
        table.add_row(
            str(row["category"]), str(row["n"]), f"{row['top1']:.0%}", f"{row['top3']:.0%}"
        )
    confusion = Table(
        "label", "suggested first", "count", title="confusion (primary label vs top-1)"
    )
    for row in result["confusion"]:
        confusion.add_row(str(row["label"]), str(row["suggested"]), str(row["count"]))
    console = SafeConsole(highlight=False)
    console.print(table)
    console.print(confusion)
    calibration = result["calibration"]
    reliability = Table(
        "top-1 confidence", "n", "mean confidence", "right", title="reliability (top-1)"
    )
    for row in calibration["reliability"]:
        reliability.add_row(
            f"{row['low']:.1f}-{row['high']:.1f}",
            str(row["n"]),
            "-" if row["confidence"] is None else f"{row['confidence']:.0%}",
            "-" if row["accuracy"] is None else f"{row['accuracy']:.0%}",
        )
    console.print(reliability)
    decisive = calibration["decisive"]
    ece = calibration["ece"]
    console.print(
        f"expected calibration error: {'-' if ece is None else f'{ece:.3f}'}; decisive"
        f" suggestions: {decisive['n']} ({decisive['coverage']:.0%} of the samples),"
        + (
            f" right {decisive['precision']:.0%} of the time"
            if decisive["precision"] is not None
            else " none fired"
        )
    )


COMMANDS: list[click.Command] = [suggest, clusters, evaluate]
