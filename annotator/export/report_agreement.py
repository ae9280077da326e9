"""The report's agreement section, computed by the same function as ``annotator agreement``.

Contract: :func:`agreement_section(store, raters=None, n_boot=None)` returns
Markdown lines. Every number comes from
:func:`annotator.agreement.agreement_report` at level ``category`` ('pass' a
category of its own, skipped and flag-only labels missing), so the report and
the CLI print the same values.

- The raters are ``raters`` (``report --annotators a,b``), else every annotator
  with labels except ``final``.
- With two or more raters: per pair the co-rated items, percent agreement (a
  percentage, with a 95 % Wilson interval) and Cohen's kappa (bootstrap 95 %
  interval), then percent agreement, Fleiss' kappa, Krippendorff's alpha
  (nominal, bootstrap interval) and Gwet's AC1 over all raters.
- When no two raters ever labeled the same sample, the section says so, and if
  ``final`` labels exist shows each rater against ``final`` under a heading
  that calls it rater-vs-adjudicated: final is made after seeing the raters'
  labels, so it overstates agreement and is no inter-rater statistic.
- One rater and a final: rater-vs-adjudicated only. Nothing to compare: one line.
- Bootstrap: ``n_boot`` resamples (fixed seed); by default 200 up to
  :data:`AUTO_BOOT_LIMIT` samples, none above (a line says so).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..agreement import agreement_report, default_annotators, resolve_annotators
from ..stats.proportion import wilson_interval
from ..store import Store
from .markdown import cell, row

FINAL = "final"
DEFAULT_BOOT = 200
AUTO_BOOT_LIMIT = 20_000
DASH = "—"


def wilson(successes: int, n: int) -> tuple[float, float] | None:
    """The 95 % Wilson score interval of a proportion; None when ``n`` is 0."""
    return wilson_interval(successes, n)


def pct(value: float | None, ci: Sequence[float] | None = None) -> str:
    if value is None:
        return DASH
    text = f"{100 * value:.1f}%"
    return text + (f" [{100 * ci[0]:.1f}, {100 * ci[1]:.1f}]" if ci else "")


def num(value: float | None, ci: Sequence[float] | None = None) -> str:
    if value is None:
        return DASH
    return f"{value:.3f}" + (f" [{ci[0]:.3f}, {ci[1]:.3f}]" if ci else "")


def _pair_percent(pair: dict[str, Any]) -> str:
    n, value = pair["n"], pair["percent"]
    if value is None:
        return DASH
    return pct(value, wilson(round(value * n), n))


def _pairs(report: dict[str, Any]) -> list[str]:
    lines = [
        row("Pair", "Items", "Agreement [95% CI]", "Cohen's κ [95% CI]"),
        "|---|---:|---:|---:|",
    ]
    for p in report["pairs"]:
        name = cell(f"{p['a']} / {p['b']}")
        lines.append(row(name, p["n"], _pair_percent(p), num(p["cohen_kappa"], p["ci"])))
    return lines


def _overall(report: dict[str, Any]) -> list[str]:
    ci = report["ci"]
    return [
        row("Statistic", "Value [95% CI]"),
        "|---|---:|",
        row("Percent agreement", pct(report["percent"])),
        row("Fleiss' κ", num(report["fleiss_kappa"])),
        row(
            "Krippendorff's α (nominal)",
            num(report["krippendorff_alpha"], ci.get("krippendorff_alpha")),
        ),
        row("Gwet's AC1", num(report["gwet_ac1"])),
        row("Items rated by ≥2", report["n_items"]),
        row("Rated once (left out)", report["n_dropped"]),
    ]


def _undefined(report: dict[str, Any]) -> list[str]:
    if not report["undefined"]:
        return []
    reasons = "; ".join(f"{k}: {v}" for k, v in sorted(report["undefined"].items()))
    return ["", f"{DASH} undefined: {cell(reasons)}"]


def _vs_final(store: Store, raters: Sequence[str], n_boot: int) -> list[str]:
    lines = [
        "### Each rater vs the adjudicated label (final)",
        "",
        "Rater-vs-adjudicated, not agreement between raters: final was decided after seeing the"
        " raters' labels, so these figures overstate how far independent raters agree.",
        "",
        row(
            "Rater",
            "Items",
            "Agreement [95% CI]",
            "Cohen's κ [95% CI]",
            "Krippendorff's α [95% CI]",
            "Gwet's AC1",
        ),
        "|---|---:|---:|---:|---:|---:|",
    ]
    for rater in raters:
        rep = agreement_report(store, [rater, FINAL], n_boot=n_boot)
        pair = rep["pairs"][0]
        alpha = num(rep["krippendorff_alpha"], rep["ci"].get("krippendorff_alpha"))
        lines.append(
            row(
                cell(rater),
                pair["n"],
                _pair_percent(pair),
                num(pair["cohen_kappa"], pair["ci"]),
                alpha,
                num(rep["gwet_ac1"]),
            )
        )
    return lines


def default_boot(n_samples: int) -> int:
    """The report's bootstrap resamples for ``n_samples`` samples when none are asked for
    (module docstring)."""
    return DEFAULT_BOOT if n_samples <= AUTO_BOOT_LIMIT else 0


def report_raters(store: Store, raters: Sequence[str] | None) -> list[str]:
    """The raters the report compares: ``raters`` (checked), else every annotator but final."""
    if raters:
        return [n for n in resolve_annotators(store, raters) if n != FINAL]
    return [a for a in default_annotators(store) if a != FINAL]


def agreement_section(
    store: Store,
    raters: Sequence[str] | None = None,
    n_boot: int | None = None,
    computed: dict[str, Any] | None = None,
) -> list[str]:
    """The agreement section (see the module docstring); ``computed``: the raters'
    :func:`agreement_report` at ``n_boot`` when the caller has it already."""
    lines = ["## Agreement", ""]
    everyone = default_annotators(store)
    has_final = FINAL in everyone
    names = report_raters(store, raters)
    boot_note: list[str] = []
    if n_boot is None:
        n_samples = store.status().samples
        n_boot = default_boot(n_samples)
        if not n_boot:
            boot_note = [
                f"Confidence intervals of κ and α skipped: {n_samples:,} samples (over"
                f" {AUTO_BOOT_LIMIT:,}); `report --bootstrap {DEFAULT_BOOT}` computes them.",
                "",
            ]
    if len(names) < 2 and not (names and has_final):
        have = f" ({', '.join(cell(n) for n in names)})" if names else ""
        return [
            *lines,
            f"Agreement needs two raters, or a rater and final; this database has {len(names)} rater(s){have}.",
            "",
        ]
    lines += [
        f"Raters: {', '.join(cell(n) for n in names)}. Rated: the primary category, 'pass' a"
        " category of its own; skipped and flag-only labels are missing. The same computation as"
        " `annotator agreement`"
        + (f" (bootstrap: {n_boot} resamples, seed 0)" if n_boot else "")
        + "; intervals of percentages are Wilson 95% intervals.",
        "",
        *boot_note,
    ]
    if len(names) >= 2:
        report = computed or agreement_report(store, names, n_boot=n_boot)
        if report["n_items"] == 0:
            rated = ", ".join(f"{cell(n)} {agreement_report(store, [n])['n_rated']}" for n in names)
            lines += [
                f"The raters never labeled the same sample (samples rated: {rated}), so"
                " agreement between them cannot be computed from this data.",
                "",
            ]
        else:
            lines += ["### Between raters", "", *_pairs(report), "", *_overall(report)]
            lines += [*_undefined(report), ""]
            return lines
    if has_final:
        lines += [*_vs_final(store, names, n_boot), ""]
    return lines
