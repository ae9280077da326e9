"""The study report: the whole study as one Markdown document.

Contract: :func:`build_report` returns Markdown with these sections, in order:

1. Dataset - samples, failing / passing / unknown outcome, labels per
   annotator, and samples by stage, data type and task type.
2. pass@1 - per model, and per model by stage, data type and task type.
   pass@1 is the share of samples with ``passed`` true among those whose
   ``passed`` is known; samples without a model are grouped as "(no model)".
3. Taxonomy occurrences - the tables of :mod:`annotator.export.markdown` for
   the given source (default ``auto``).
4. Agreement - when at least two annotators other than ``final`` labeled:
   percent agreement, Krippendorff's alpha (nominal) and Cohen's kappa per
   pair on the primary category, with ``pass`` as a category of its own
   (skip and flag-only labels are missing ratings), from the ratings and
   formulas of :mod:`annotator.agreement`.

A section without data says so in a sentence ("No sample carries a stage.")
instead of showing zeros. Every value taken from the data goes through
:func:`annotator.export.markdown.cell`. Queries read only the small sample
columns and label columns, never sample texts.
"""

from __future__ import annotations

from collections import defaultdict

from ..agreement import weighted
from ..agreement.ratings import load_ratings
from ..stats import Stat
from ..store import Store
from .counts import AUTO, FINAL, count_table, share
from .markdown import cell, render, row

DIMENSIONS = (("stage", "stage"), ("data_type", "data type"), ("task_type", "task type"))
NO_MODEL = "(no model)"


def _dataset(store: Store) -> list[str]:
    total, failing, passing = store.outcomes()
    lines = ["## Dataset", ""]
    if not total:
        return [*lines, "The database holds no samples.", ""]
    lines += [
        row("Samples", "Count"),
        "|---|---:|",
        row("Total", total),
        row("Failing", failing),
        row("Passing", passing),
        row("Outcome unknown", total - failing - passing),
        "",
        "### Labels per annotator",
        "",
    ]
    progress = store.progress()
    if progress:
        lines += [row("Annotator", "Labeled", "Bug", "Pass", "Skipped", "Flagged")]
        lines += ["|---|---:|---:|---:|---:|---:|"]
        lines += [
            row(cell(r.annotator), r.labeled, r.bugs, r.passes, r.skipped, r.flagged)
            for r in progress
        ]
    else:
        lines.append("No sample has a label yet.")
    lines.append("")
    for column, title in DIMENSIONS:
        lines += [f"### Samples by {title}", ""]
        groups = store.dimension_counts(column)
        if not groups:
            lines += [f"No sample carries a {title}.", ""]
            continue
        lines += [row(title.capitalize(), "Samples", "Failing"), "|---|---:|---:|"]
        lines += [row(cell(g.value), g.samples, g.failing) for g in groups]
        lines.append("")
    return lines


def _rate(passed: int, known: int) -> str:
    return f"{share(passed, known)} ({passed}/{known})"


def _pass_at_1(store: Store) -> list[str]:
    lines = [
        "## pass@1",
        "",
        "pass@1 is the share of samples that passed among those with a known outcome.",
        "",
    ]
    per_model = store.pass_counts(NO_MODEL)
    if not per_model:
        return [*lines, "No sample carries a pass/fail outcome.", ""]
    models = [p.model for p in per_model]
    lines += ["### Per model", "", row("Model", "Known outcome", "Passed", "pass@1")]
    lines += ["|---|---:|---:|---:|"]
    for p in per_model:
        lines.append(row(cell(p.model), p.known, p.passed, share(p.passed, p.known)))
    lines.append("")
    for column, title in DIMENSIONS:
        lines += [f"### pass@1 by {title}", ""]
        by_value = store.pass_counts_by(column, NO_MODEL)
        if not by_value:
            lines += [f"No sample with a known outcome carries a {title}.", ""]
            continue
        table: dict[str, dict[str, str]] = defaultdict(dict)
        for p in by_value:
            table[str(p.value)][p.model] = _rate(p.passed, p.known)
        lines += [row(title.capitalize(), *(cell(m) for m in models))]
        lines += ["|---" + "|---:" * len(models) + "|"]
        for value in sorted(table):
            lines.append(row(cell(value), *(table[value].get(m, "-") for m in models)))
        lines.append("")
    return lines


def _stat(stat: Stat) -> tuple[str, int, int]:
    value = f"{stat.value:.3f}" if stat.value is not None else cell(stat.reason or "undefined")
    return value, stat.n_items, stat.n_dropped


def _agreement(store: Store) -> list[str]:
    lines = ["## Agreement", ""]
    raters = [n for n in store.annotators_with_labels() if n != FINAL]
    patterns = load_ratings(store, raters, "category").patterns
    names = sorted({a for p in patterns for a, _ in p})
    if len(names) < 2:
        have = f" ({', '.join(cell(n) for n in names)})" if names else ""
        return [
            *lines,
            "Agreement needs at least two annotators besides final; this database has"
            f" {len(names)}{have}.",
            "",
        ]
    lines += [
        f"Annotators: {', '.join(cell(n) for n in names)}. Rated: the primary category, with"
        " 'pass' as a category of its own; skipped and flag-only labels are missing."
        " Items = samples rated by at least two of them; dropped = samples rated once.",
        "",
        row("Statistic", "Value", "Items", "Dropped"),
        "|---|---:|---:|---:|",
        row("Percent agreement", *_stat(weighted.percent(patterns))),
        row("Krippendorff's alpha (nominal)", *_stat(weighted.alpha(patterns))),
    ]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            kappa = weighted.cohen(*weighted.pair_counts(patterns, a, b))
            lines.append(row(cell(f"Cohen's kappa {a} / {b}"), *_stat(kappa)))
    return [*lines, ""]


def build_report(store: Store, source: str = AUTO, title: str = "") -> str:
    """The whole report as Markdown (see the module docstring)."""
    heading = "# Study report" + (f": {cell(title)}" if title else "")
    lines = [heading, "", *_dataset(store), *_pass_at_1(store)]
    lines += render(count_table(store, source), level=2).splitlines()
    lines += ["", *_agreement(store)]
    return "\n".join(lines).rstrip("\n") + "\n"
