"""CLI command ``llm-label``: an LLM as one more, machine-made annotator."""

from __future__ import annotations

import click
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from ..errors import UserError
from ..llm.runner import Interrupted, LlmConfig, RunSummary, endpoint_of, estimate, pending, run
from ..textsafe import visible_line
from .context import Context, pass_context
from .output import SafeConsole, echo


@click.command("llm-label")
@click.option("--model", required=True, help="Model name as the endpoint knows it.")
@click.option(
    "--base-url",
    required=True,
    help="OpenAI-compatible endpoint, e.g. http://localhost:11434/v1 (Ollama).",
)
@click.option(
    "--annotator",
    default=None,
    help="Annotator name of the labels (default: llm:MODEL). Must start with 'llm:'.",
)
@click.option(
    "--samples",
    default=None,
    metavar="ID,ID,...",
    help="Only these samples (default: all failing).",
)
@click.option(
    "--dry-run", is_flag=True, help="Count requests and estimate tokens and cost; send nothing."
)
@click.option("--concurrency", type=click.IntRange(min=1, max=64), default=4, show_default=True)
@click.option(
    "--timeout",
    type=click.FloatRange(min=0.1),
    default=60.0,
    show_default=True,
    help="Seconds per request.",
)
@click.option(
    "--retries",
    type=click.IntRange(min=0, max=10),
    default=3,
    show_default=True,
    help="Retries per request (429s, timeouts, 5xx), with exponential backoff.",
)
@click.option(
    "--api-key-env",
    default="OPENAI_API_KEY",
    show_default=True,
    help="Environment variable holding the API key (never stored).",
)
@click.option(
    "--retry-invalid", is_flag=True, help="Ask again about samples whose answer was invalid."
)
@click.option(
    "--price-in",
    type=float,
    default=None,
    help="Price per million prompt tokens, for --dry-run's cost.",
)
@click.option(
    "--price-out",
    type=float,
    default=None,
    help="Price per million answer tokens, for --dry-run's cost.",
)
@pass_context
def llm_label(
    ctx: Context,
    model: str,
    base_url: str,
    annotator: str | None,
    samples: str | None,
    dry_run: bool,
    concurrency: int,
    timeout: float,
    retries: int,
    api_key_env: str,
    retry_invalid: bool,
    price_in: float | None,
    price_out: float | None,
) -> None:
    """Label failing samples with a language model behind an OpenAI-compatible endpoint.

    The answers become the labels of a machine-made annotator (llm:MODEL), never
    shown to a blind human annotator and in `agreement` only when named. Samples
    it already labeled are skipped, so an interrupted run resumes. Invalid
    answers are recorded as such, never as labels.
    """
    name = annotator or f"llm:{model}"
    if not name.startswith("llm:") or len(name) <= 4:
        raise UserError("a machine annotator's name starts with 'llm:'", field="annotator")
    endpoint = endpoint_of(base_url)
    store = ctx.store
    if name in store.annotators() and name not in _machines(ctx):
        raise UserError(
            f"annotator {name!r} is a human annotator of this database", field="annotator"
        )
    ids = pending(store, name, samples.split(",") if samples else None, retry_invalid=retry_invalid)
    if dry_run:
        est = estimate(store, ids)
        echo(
            f"Would ask {model} at {endpoint} about {est.samples} samples as {name}:"
            f" about {est.prompt_tokens:,} prompt tokens and {est.completion_tokens:,} answer"
            " tokens (estimated at 4 characters a token)."
        )
        cost = est.cost(price_in, price_out)
        if cost is not None:
            echo(f"Estimated cost: {cost:.4f} at the given prices per million tokens.")
        else:
            echo("Give --price-in and --price-out (per million tokens) for a cost estimate.")
        return
    config = LlmConfig(model, base_url, name, concurrency, timeout, retries, api_key_env)
    console = SafeConsole(stderr=True)
    with Progress(
        TextColumn(f"asking {model}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("llm", total=len(ids))
        try:
            summary = run(store, config, ids, lambda sid, status: progress.advance(task))
        except Interrupted as stop:
            progress.stop()
            _report(name, stop.summary, sum(stop.summary.statuses.values()))
            echo("Interrupted: the answers above are recorded; run again to ask the rest.")
            raise SystemExit(130) from None
    _report(name, summary, len(ids))
    answered = summary.statuses.get("labeled", 0) + summary.statuses.get("invalid", 0)
    if ids and not answered:
        raise UserError(
            f"no request to {endpoint} got an answer ({summary.statuses.get('failed', 0)} failed)"
        )


def _report(name: str, summary: RunSummary, asked: int) -> None:
    """The counts, then every distinct reason of a failed request or invalid answer."""
    counts = ", ".join(
        f"{status} {summary.statuses.get(status, 0)}" for status in ("labeled", "invalid", "failed")
    )
    echo(
        f"{name}: {asked} samples asked: {counts}; tokens: {summary.prompt_tokens:,} prompt,"
        f" {summary.completion_tokens:,} answer."
    )
    for status in ("failed", "invalid"):
        reasons = summary.reasons[status]
        for reason, count in reasons.most_common(REASONS_SHOWN):
            echo(f"  {status} {count}: {visible_line(reason)[:300]}")
        if len(reasons) > REASONS_SHOWN:
            echo(f"  {status}: {len(reasons) - REASONS_SHOWN} more reasons (see machine_answers)")
    if summary.statuses.get("failed"):
        echo("Failed requests are asked again on the next run.")


REASONS_SHOWN = 10
"""Distinct reasons printed per status."""


def _machines(ctx: Context) -> set[str]:
    return ctx.store.machine_names()


COMMANDS: list[click.Command] = [llm_label]
