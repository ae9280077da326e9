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
   (skip and flag-only labels are missing ratings).

A section without data says so in a sentence ("No sample carries a stage.")
instead of showing zeros. Every value taken from the data goes through
:func:`annotator.export.markdown.cell`. Queries read only the small sample
columns and label columns, never sample texts.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Hashable
from typing import Any

from sqlite_utils import Database

from ..stats import Stat, cohen_kappa_pair, krippendorff_alpha, percent_agreement
from ..taxonomy import Taxonomy
from .counts import AUTO, FINAL, count_table, share
from .markdown import cell, render, row

DIMENSIONS = (("stage", "stage"), ("data_type", "data type"), ("task_type", "task type"))
NO_MODEL = "(no model)"


def _q(db: Database, sql: str, params: tuple[object, ...] = ()) -> list[tuple[Any, ...]]:
    return list(db.conn.execute(sql, params))


def _dataset(db: Database) -> list[str]:
    total, failing, passing = _q(
        db,
        "SELECT COUNT(*), COALESCE(SUM(passed = 0), 0), COALESCE(SUM(passed = 1), 0) FROM samples",
    )[0]
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
    progress = _q(
        db,
        "SELECT annotator, labeled, bugs, passes, skipped, flagged FROM annotator_progress"
        " ORDER BY annotator = 'final' DESC, annotator",
    )
    if progress:
        lines += [row("Annotator", "Labeled", "Bug", "Pass", "Skipped", "Flagged")]
        lines += ["|---|---:|---:|---:|---:|---:|"]
        lines += [row(cell(r[0]), *r[1:]) for r in progress]
    else:
        lines.append("No sample has a label yet.")
    lines.append("")
    for column, title in DIMENSIONS:
        lines += [f"### Samples by {title}", ""]
        groups = _q(
            db,
            f"SELECT {column}, COUNT(*), COALESCE(SUM(passed = 0), 0) FROM samples"
            f" WHERE {column} IS NOT NULL GROUP BY {column} ORDER BY {column}",
        )
        if not groups:
            lines += [f"No sample carries a {title}.", ""]
            continue
        lines += [row(title.capitalize(), "Samples", "Failing"), "|---|---:|---:|"]
        lines += [row(cell(value), n, fail) for value, n, fail in groups]
        lines.append("")
    return lines


def _rate(passed: int, known: int) -> str:
    return f"{share(passed, known)} ({passed}/{known})"


def _pass_at_1(db: Database) -> list[str]:
    lines = [
        "## pass@1",
        "",
        "pass@1 is the share of samples that passed among those with a known outcome.",
        "",
    ]
    per_model = _q(
        db,
        "SELECT COALESCE(model, ?), COUNT(*), SUM(passed = 1) FROM samples"
        " WHERE passed IS NOT NULL GROUP BY 1 ORDER BY model IS NULL, 1",
        (NO_MODEL,),
    )
    if not per_model:
        return [*lines, "No sample carries a pass/fail outcome.", ""]
    models = [str(m) for m, _, _ in per_model]
    lines += ["### Per model", "", row("Model", "Known outcome", "Passed", "pass@1")]
    lines += ["|---|---:|---:|---:|"]
    for model, known, passed in per_model:
        lines.append(row(cell(model), known, passed, share(passed, known)))
    lines.append("")
    for column, title in DIMENSIONS:
        lines += [f"### pass@1 by {title}", ""]
        groups = _q(
            db,
            f"SELECT {column}, COALESCE(model, ?), COUNT(*), SUM(passed = 1) FROM samples"
            f" WHERE passed IS NOT NULL AND {column} IS NOT NULL GROUP BY 1, 2",
            (NO_MODEL,),
        )
        if not groups:
            lines += [f"No sample with a known outcome carries a {title}.", ""]
            continue
        table: dict[str, dict[str, str]] = defaultdict(dict)
        for value, model, known, passed in groups:
            table[str(value)][str(model)] = _rate(passed, known)
        lines += [row(title.capitalize(), *(cell(m) for m in models))]
        lines += ["|---" + "|---:" * len(models) + "|"]
        for value in sorted(table):
            lines.append(row(cell(value), *(table[value].get(m, "-") for m in models)))
        lines.append("")
    return lines


def _ratings(db: Database) -> dict[str, dict[str, Hashable]]:
    ratings: dict[str, dict[str, Hashable]] = defaultdict(dict)
    for sample_id, annotator, kind, category in db.conn.execute(
        "SELECT sample_id, annotator, kind, category FROM labels"
        " WHERE annotator != ? AND kind IN ('bug', 'pass')",
        (FINAL,),
    ):
        ratings[sample_id][annotator] = "pass" if kind == "pass" else category
    return ratings


def _stat(stat: Stat) -> tuple[str, int, int]:
    value = f"{stat.value:.3f}" if stat.value is not None else cell(stat.reason or "undefined")
    return value, stat.n_items, stat.n_dropped


def _agreement(db: Database) -> list[str]:
    lines = ["## Agreement", ""]
    ratings = _ratings(db)
    names = sorted({a for r in ratings.values() for a in r})
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
        row("Percent agreement", *_stat(percent_agreement(ratings, names))),
        row(
            "Krippendorff's alpha (nominal)", *_stat(krippendorff_alpha(ratings, annotators=names))
        ),
    ]
    for i, a in enumerate(names):
        for b in names[i + 1 :]:
            lines.append(
                row(cell(f"Cohen's kappa {a} / {b}"), *_stat(cohen_kappa_pair(ratings, a, b)))
            )
    return [*lines, ""]


def build_report(db: Database, taxonomy: Taxonomy, source: str = AUTO, title: str = "") -> str:
    """The whole report as Markdown (see the module docstring)."""
    heading = "# Study report" + (f": {cell(title)}" if title else "")
    lines = [heading, "", *_dataset(db), *_pass_at_1(db)]
    lines += render(count_table(db, taxonomy, source), level=2).splitlines()
    lines += ["", *_agreement(db)]
    return "\n".join(lines).rstrip("\n") + "\n"
