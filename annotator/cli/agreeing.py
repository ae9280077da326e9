"""CLI command ``annotator agreement``: inter-annotator agreement over the database.

Contract: parses the options, calls :func:`annotator.agreement.agreement_report` and prints
it as JSON (``--json``, the full report) or as rich tables: per pair n, percent and Cohen's
kappa [95 % CI]; the overall statistics (with and without pass); per-category kappa; initial
versus negotiated agreement, overall and per round (when there are rounds or changed
decisions); and the confusion matrices only with ``--confusion``. Annotator names and labels come from the
database and are rendered literally (``rich.text.Text``, control characters removed), never as
markup. Undefined statistics print as ``—`` and their reasons are listed below the tables.
"""

from __future__ import annotations

import re
from typing import Any

import click
from rich.console import Console
from rich.table import Table
from rich.text import Text

from ..agreement import LEVELS, SelfAgreement, agreement_report, label_text, retest_agreement
from ..errors import UserError
from .context import Context, pass_context
from .output import SafeConsole, echo, echo_json

DEFAULT_BOOT = 200
AUTO_BOOT_LIMIT = 20_000

_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_DASH = "—"


def _t(value: object) -> Text:
    """Literal, single-line text for a table cell."""
    return Text(_CONTROL.sub("", " ".join(str(value).splitlines())))


def _num(value: float | None, ci: list[float] | None = None) -> Text:
    if value is None:
        return Text(_DASH)
    text = f"{value:.3f}"
    if ci is not None:
        text += f" [{ci[0]:.3f}, {ci[1]:.3f}]"
    return Text(text)


def _pct(value: float | None) -> Text:
    return Text(_DASH if value is None else f"{100 * value:.1f}%")


def _label(value: Any) -> Text:
    if isinstance(value, list):
        return _t("+".join(str(v) for v in value))
    return _t(label_text(value))


def _pairs_table(block: dict[str, Any]) -> Table:
    table = Table(title="Pairwise agreement")
    table.add_column("A", overflow="fold")
    table.add_column("B", overflow="fold")
    table.add_column("n", justify="right")
    table.add_column("%", justify="right")
    table.add_column("Cohen κ [95% CI]", justify="right")
    for pair in block["pairs"]:
        table.add_row(
            _t(pair["a"]),
            _t(pair["b"]),
            Text(str(pair["n"])),
            _pct(pair["percent"]),
            _num(pair["cohen_kappa"], pair["ci"]),
        )
    return table


_OVERALL = (
    ("Percent agreement", "percent"),
    ("Krippendorff α (nominal)", "krippendorff_alpha"),
    ("Krippendorff α (MASI)", "alpha_masi"),
    ("Krippendorff α (Jaccard)", "alpha_jaccard"),
    ("Fleiss κ", "fleiss_kappa"),
    ("Gwet AC1", "gwet_ac1"),
    ("Light κ", "light_kappa"),
)


def _overall_table(report: dict[str, Any]) -> Table:
    blocks = [("with pass" if report["pass_included"] else "without pass", report)]
    if report["pass_included"]:
        blocks.append(("without pass", report["without_pass"]))
    table = Table(title="Overall")
    table.add_column("Statistic")
    for title, _ in blocks:
        table.add_column(title, justify="right")
    for title, key in _OVERALL:
        if key not in report:
            continue
        cells = []
        for _, block in blocks:
            value = block.get(key)
            cells.append(_pct(value) if key == "percent" else _num(value, block["ci"].get(key)))
        table.add_row(Text(title), *cells)
    table.add_row(Text("Items rated by ≥2"), *(Text(str(b["n_items"])) for _, b in blocks))
    table.add_row(Text("Single-rated (dropped)"), *(Text(str(b["n_dropped"])) for _, b in blocks))
    return table


def _category_table(block: dict[str, Any]) -> Table:
    table = Table(title="Per-category κ (one vs rest)")
    table.add_column("Category", overflow="fold")
    table.add_column("κ", justify="right")
    table.add_column("items", justify="right")
    for entry in block["per_category"]:
        table.add_row(_label(entry["category"]), _num(entry["kappa"]), Text(str(entry["n"])))
    return table


def _confusion_tables(block: dict[str, Any]) -> list[Table]:
    tables = []
    for pair in block["pairs"]:
        conf = block["confusion"][f"{pair['a']}|{pair['b']}"]
        if not conf["labels"]:
            continue
        title = Text("Confusion: rows ")
        title.append(_t(pair["a"]))
        title.append(", columns ")
        title.append(_t(pair["b"]))
        table = Table(title=title)
        table.add_column("")
        for label in conf["labels"]:
            table.add_column(_label(label), justify="right")
        for label, row in zip(conf["labels"], conf["matrix"], strict=True):
            table.add_row(_label(label), *(Text(str(c)) for c in row))
        tables.append(table)
    return tables


def render(report: dict[str, Any], console: Console, confusion: bool = False) -> None:
    """Print the report as tables."""
    head = Text(f"Agreement at level '{report['level']}' between ")
    head.append(_t(", ".join(report["annotators"]) or "nobody"))
    if not report["pass_included"]:
        head.append(f" (items with a pass dropped: {report['without_pass']['n_pass_items']})")
    console.print(head)
    if report["includes_adjudicated"]:
        console.print(
            Text(
                "This includes the adjudicated labels (final): they were made after seeing the"
                " raters' labels, so these figures overstate how far independent raters agree."
            )
        )
    tax = report["taxonomy"]
    versions = ", ".join(f"{v}: {n}" for v, n in tax["label_versions"].items())
    line = Text("Taxonomy ")
    line.append(_t(f"{tax['name']} {tax['version']}"))
    if tax["as_of_version"]:
        line.append(" (labels as they were under this version)")
    else:
        line.append(_t(f" (current labels per version: {versions or 'none'})"))
    console.print(line)
    console.print(_pairs_table(report))
    console.print(_overall_table(report))
    if report["per_category"]:
        console.print(_category_table(report))
    if confusion:
        for table in _confusion_tables(report):
            console.print(table)
    groups = report.get("by_suggestions")
    if groups:
        table = Table(title="By suggestions shown to the raters")
        table.add_column("Statistic")
        table.add_column("shown", justify="right")
        table.add_column("hidden", justify="right")
        for title, key in (("Items rated by ≥2", "n_items"), *_OVERALL):
            if key not in groups["shown"]:
                continue
            cells = [groups[g][key] for g in ("shown", "hidden")]
            if key == "n_items":
                table.add_row(Text(title), *(Text(str(c)) for c in cells))
            else:
                fmt = _pct if key == "percent" else _num
                table.add_row(Text(title), *(fmt(c) for c in cells))
        console.print(table)
        console.print(
            Text(f"Left out: {groups['n_mixed']} mixed, {groups['n_unknown']} without the flag.")
        )
    _negotiation_tables(report, console)
    for key, reason in report["undefined"].items():
        line = Text(f"{_DASH} ")
        line.append(_t(key))
        line.append(": ")
        line.append(_t(reason))
        console.print(line)


def _kappa(block: dict[str, Any]) -> Text:
    """Cohen's κ of the one pair (two raters), else Fleiss' κ, with its interval."""
    if len(block["pairs"]) == 1:
        pair = block["pairs"][0]
        return _num(pair["cohen_kappa"], pair["ci"])
    return _num(block["fleiss_kappa"])


def _negotiation_tables(report: dict[str, Any], console: Console) -> None:
    """Initial versus negotiated agreement, overall and per round: printed when the
    database has rounds or a label changed its decision since its initial value."""
    initial = report.get("initial")
    if initial is None:
        return
    differs = any(initial.get(k) != report.get(k) for k in ("n_items", "percent", "fleiss_kappa"))
    if not report["rounds"] and not differs:
        return
    kappa = "Cohen κ" if len(report["pairs"]) == 1 else "Fleiss κ"
    table = Table(title="Initial and negotiated agreement")
    table.add_column("Statistic")
    table.add_column("initial", justify="right")
    table.add_column("negotiated", justify="right")
    table.add_row(
        Text("Items rated by ≥2"), Text(str(initial["n_items"])), Text(str(report["n_items"]))
    )
    table.add_row(Text("Percent agreement"), _pct(initial["percent"]), _pct(report["percent"]))
    table.add_row(Text(f"{kappa} [95% CI]"), _kappa(initial), _kappa(report))
    for title, key in _OVERALL[1:]:
        if key in report and key != "fleiss_kappa":
            table.add_row(
                Text(title),
                _num(initial[key], initial["ci"].get(key)),
                _num(report[key], report["ci"].get(key)),
            )
    console.print(table)
    if not report["rounds"]:
        return
    table = Table(title="Per round")
    for column in (
        "Round",
        "items",
        "initial %",
        f"initial {kappa}",
        "negotiated %",
        f"negotiated {kappa}",
    ):
        table.add_column(column, justify="left" if column == "Round" else "right", overflow="fold")
    for entry in report["rounds"]:
        first, last = entry["initial"], entry["negotiated"]
        table.add_row(
            _t(f"{entry['round']}. {entry['name']}"),
            Text(f"{first['n_items']}/{last['n_items']}"),
            _pct(first["percent"]),
            _kappa(first),
            _pct(last["percent"]),
            _kappa(last),
        )
    console.print(table)


@click.command("agreement")
@click.option(
    "--annotators",
    default=None,
    metavar="A,B,...",
    help="Comma-separated annotators to compare (default: the raters, everyone with labels"
    " but final and machine annotators; name final to include the adjudicated labels).",
)
@click.option(
    "--level",
    type=click.Choice(LEVELS),
    default="category",
    show_default=True,
    help="category: primary category; subcategory: cat/sub; set: {first, second} category.",
)
@click.option("--no-pass", is_flag=True, help="Drop items where any annotator said pass.")
@click.option(
    "--bootstrap",
    "n_boot",
    type=click.IntRange(min=0),
    default=None,
    help="Bootstrap resamples for the 95% CIs of kappa and alpha (0 disables; fixed seed, so"
    " the output is reproducible). Default: 200 up to 20,000 labeled samples, none above"
    " (where 200 resamples take several seconds); give a number to force them.",
)
@click.option(
    "--taxonomy-version",
    default=None,
    metavar="V",
    help="Compute on the labels as they were under taxonomy version V (before a migration).",
)
@click.option("--confusion", is_flag=True, help="Also print the confusion matrix of every pair.")
@click.option(
    "--round",
    "round_id",
    type=int,
    default=None,
    metavar="R",
    help="Only the samples of round R (see `annotator round list`).",
)
@click.option(
    "--retest",
    is_flag=True,
    help="Test-retest instead: each annotator's agreement with their own earlier answers on"
    " the re-shown samples (n, percent, Cohen's kappa [95% CI], the flips); see"
    " 'annotator retest'. Levels category and subcategory.",
)
@click.option("--json", "as_json", is_flag=True, help="Print the full report as JSON.")
@pass_context
def agreement_cmd(
    ctx: Context,
    annotators: str | None,
    level: str,
    no_pass: bool,
    n_boot: int | None,
    confusion: bool,
    as_json: bool,
    taxonomy_version: str | None,
    round_id: int | None,
    retest: bool,
) -> None:
    """Inter-annotator agreement: pairwise Cohen's kappa, Krippendorff's alpha,
    Fleiss' kappa, Gwet's AC1, Light's kappa and per-category kappa.

    'pass' is a category of its own (--no-pass drops items where anyone said
    pass; the JSON always has both under 'without_pass'); skipped and
    flag-only labels are missing ratings.

    Initial and negotiated: the main figures are on the current labels (after
    any negotiation); 'initial' (JSON) and the table "Initial and negotiated
    agreement" give the same statistics on each label's initial value (its
    first decided answer, before discussion), overall and per round ('rounds'
    in the JSON; --round R restricts everything to round R).
    """
    if retest:
        _retest(ctx, level, DEFAULT_BOOT if n_boot is None else n_boot, as_json)
        return
    names = annotators.split(",") if annotators else None
    if n_boot is None:
        labeled = ctx.store.labeled_samples()
        n_boot = DEFAULT_BOOT if labeled <= AUTO_BOOT_LIMIT else 0
        if not n_boot:
            echo(
                f"Confidence intervals skipped: {labeled:,} labeled samples (over"
                f" {AUTO_BOOT_LIMIT:,}); --bootstrap {DEFAULT_BOOT} computes them.",
                err=True,
            )
    report = agreement_report(
        ctx.store,
        names,
        level=level,
        no_pass=no_pass,
        n_boot=n_boot,
        taxonomy_version=taxonomy_version,
        round_id=round_id,
    )
    if as_json:
        echo_json(report, indent=2)
        return
    render(report, SafeConsole(highlight=False), confusion=confusion)


def _retest(ctx: Context, level: str, n_boot: int, as_json: bool) -> None:
    if level not in ("category", "subcategory"):
        raise UserError("--retest rates at level category or subcategory", field="level")
    results = retest_agreement(ctx.store, level=level, n_boot=n_boot)
    if as_json:
        echo_json({"level": level, "annotators": [r.to_json() for r in results]}, indent=2)
        return
    render_retest(results, level, SafeConsole(highlight=False))


def render_retest(results: list[SelfAgreement], level: str, console: Console) -> None:
    """Each annotator's self-agreement, then their flips (all text literal)."""
    plan = Text(f"Test-retest at level '{level}': each annotator's first answer against their")
    plan.append(" second answer on the same sample, given blind.")
    console.print(plan)
    if not results:
        console.print(Text("No second answers yet (see 'annotator retest set')."))
        return
    table = Table(title="Self-agreement")
    table.add_column("Annotator", overflow="fold")
    table.add_column("n", justify="right")
    table.add_column("%", justify="right")
    table.add_column("Cohen κ [95% CI]", justify="right")
    table.add_column("flips", justify="right")
    for r in results:
        ci = list(r.kappa.ci) if r.kappa.ci is not None else None
        table.add_row(
            _t(r.annotator),
            Text(str(r.n)),
            _pct(r.percent),
            _num(r.kappa.value, ci),
            Text(str(len(r.flips))),
        )
    console.print(table)
    for r in results:
        if r.flips:
            flips = Table(title=Text(f"Flips of {_t(r.annotator)}"))
            flips.add_column("Sample", overflow="fold")
            flips.add_column("First", overflow="fold")
            flips.add_column("Second", overflow="fold")
            for f in r.flips:
                flips.add_row(_t(f.sample_id), _t(f.first), _t(f.second))
            console.print(flips)
        if r.dropped:
            console.print(
                _t(f"{r.annotator}: {r.dropped} pair(s) with a skip or no decision left out.")
            )
        if r.kappa.reason:
            line = Text(f"{_DASH} ")
            line.append(_t(f"cohen_kappa:{r.annotator}: {r.kappa.reason}"))
            console.print(line)


@click.group("retest")
def retest_group() -> None:
    """Test-retest: re-show a stable share of each annotator's own decided samples, blind.

    A re-shown sample appears in the annotator's ordinary queue like an unlabeled one; the
    second answer is kept apart (it never changes the label, and no count includes it);
    'annotator agreement --retest' gives each annotator's self-agreement.
    """


@retest_group.command("set")
@click.argument("share", type=click.FloatRange(0, 1))
@click.option(
    "--after",
    type=click.IntRange(min=0),
    default=20,
    show_default=True,
    help="Re-show once at least N of the annotator's other samples were decided since.",
)
@click.option(
    "--days",
    type=click.FloatRange(min=0),
    default=None,
    help="... or once D days passed since the sample was labeled.",
)
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the choice.")
@pass_context
def retest_set(ctx: Context, share: float, after: int, days: float | None, seed: int) -> None:
    """Set the study's retest SHARE (e.g. 0.05; 0 turns it off), for every annotator."""
    plan = ctx.store.set_retest_plan(share, after=after, days=days, seed=seed)
    echo(_plan_line(plan.share, plan.after, plan.days, plan.seed))


@retest_group.command("show")
@click.option("--json", "as_json", is_flag=True, help="Print the plan as JSON.")
@pass_context
def retest_show(ctx: Context, as_json: bool) -> None:
    """Print the study's retest plan."""
    plan = ctx.store.retest_plan()
    if as_json:
        echo_json(None if plan is None else plan._asdict(), indent=2)
        return
    echo(
        "No retest plan."
        if plan is None
        else _plan_line(plan.share, plan.after, plan.days, plan.seed)
    )


def _plan_line(share: float, after: int, days: float | None, seed: int) -> str:
    if share == 0:
        return "Retest off."
    delay = f"at least {after} other samples decided since"
    if days is not None:
        delay += f" or {days:g} days"
    return f"Retest: {share:.1%} of each annotator's decided samples, re-shown after {delay} (seed {seed})."


COMMANDS: list[click.Command] = [agreement_cmd, retest_group]
