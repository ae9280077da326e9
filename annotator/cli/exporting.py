"""CLI commands for exports: ``export counts|labels|inferred`` and ``report``.

Contract: every command writes to stdout, or with ``--out FILE`` to FILE
atomically (a temporary file renamed into place when complete). The counting,
listing and report building live in :mod:`annotator.export`; this module only
parses options and picks the writer.
"""

from __future__ import annotations

import re
from pathlib import Path

import click
from rich.table import Table
from rich.text import Text

from ..export import AUTO, WRITERS, count_table, csv_out
from ..export.labels_out import (
    INFERRED_FIELDS,
    LABEL_FIELDS,
    iter_inferred,
    iter_labels,
    write_csv,
    write_jsonl,
)
from ..export.output import open_output, write_text
from ..export.report import build_method_latex, build_report
from .context import Context, pass_context
from .output import SafeConsole
from .saturation import batches_option

_SOURCE_HELP = (
    "Whose labels count: 'final'; 'majority' (vote of all annotators except final: a category"
    " counts when more than half of the sample's annotators who decided (bug or pass) name it;"
    " ties - exactly half - do not count; the subcategory is the most common one among them,"
    " ties broken by taxonomy order); an annotator name; or 'auto' (default): final where it"
    " decides, else majority."
)
_OUT = click.option(
    "--out",
    "out",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Write to FILE (atomically) instead of stdout.",
)
_RAW_CSV = click.option(
    "--raw-csv",
    is_flag=True,
    help="CSV cells exactly as stored: no ' before cells starting with = + - @ tab or CR"
    " (by default they get one so spreadsheets do not run them as formulas).",
)
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


@click.group("export")
def export_group() -> None:
    """Export occurrence tables, labels and inferred subcategories."""


@export_group.command("counts")
@click.option(
    "--format", "fmt", type=click.Choice(sorted(WRITERS)), default="md", show_default=True
)
@click.option("--source", default=AUTO, show_default=True, help=_SOURCE_HELP)
@click.option(
    "--by",
    type=click.Choice(["model", "stage", "data_type", "task_type", "status"]),
    default=None,
    help="A cross table: occurrences per category and subcategory for each model, stage,"
    " data type, task type or harness status, with per-group totals and percentages.",
)
@click.option(
    "--layout",
    type=click.Choice(["sections", "paper"]),
    default="sections",
    show_default=True,
    help="paper: one table as DL-Bench's Table 6 prints it (category rows with their"
    " subcategory rows, DL-specific column, zero rows kept); json is the same either way.",
)
@click.option(
    "--inferred-marks/--no-inferred-marks",
    default=True,
    show_default=True,
    help="--layout paper: mark counts with inferred subcategories '12 (3 inferred)'"
    " (without: bare counts, the inferred total stated in the caption).",
)
@click.option(
    "--longtable",
    is_flag=True,
    help="--layout paper --format latex: a longtable that splits across pages (default: a"
    " tabularx as wide as the text).",
)
@_OUT
@_RAW_CSV
@pass_context
def counts_cmd(
    ctx: Context,
    fmt: str,
    source: str,
    by: str | None,
    layout: str,
    inferred_marks: bool,
    longtable: bool,
    out: Path | None,
    raw_csv: bool,
) -> None:
    """Taxonomy occurrence table: per category its subcategories (DL-specific or
    not) with occurrences, and the category total.

    Only bug labels count; a sample counts once per category it names (first
    or second). Occurrences whose subcategory was inferred from a note are
    marked; labels without a subcategory form an 'Unspecified' row.
    """
    if layout == "paper" and by is not None:
        raise click.UsageError("--layout paper is the table of all samples: leave out --by")
    if layout == "paper" and fmt != "json":
        from ..export import paper_table

        table = count_table(ctx.store, source)
        if fmt == "csv":
            text = paper_table.render_csv(table, inferred_marks, guard_formulas=not raw_csv)
        elif fmt == "latex":
            text = paper_table.render_latex(table, inferred_marks, longtable=longtable)
        else:
            text = paper_table.render_md(table, inferred_marks)
        with open_output(out, newline="") as handle:
            handle.write(text)
        return
    if by is not None:
        from ..export.crosstab import cross_table
        from ..export.crosstab_out import CROSS_WRITERS, render_csv

        cross = cross_table(ctx.store, by, source)
        cross_text = (
            render_csv(cross, guard_formulas=not raw_csv)
            if fmt == "csv"
            else CROSS_WRITERS[fmt](cross)
        )
        with open_output(out, newline="") as handle:
            handle.write(cross_text)
        return
    table = count_table(ctx.store, source)
    text = (
        csv_out.render(table, guard_formulas=not raw_csv) if fmt == "csv" else WRITERS[fmt](table)
    )
    with open_output(out, newline="") as handle:
        handle.write(text)


@export_group.command("labels")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["jsonl", "csv", "sheet"]),
    default="jsonl",
    show_default=True,
    help="sheet: the researchers' wide layout (sample, <annotator>_cat1, _note1, _cat2, _note2,"
    " _sub1, _sub2, _flag), which `annotator import labels FILE.csv` reads back.",
)
@_OUT
@_RAW_CSV
@pass_context
def labels_cmd(ctx: Context, fmt: str, out: Path | None, raw_csv: bool) -> None:
    """Every label: annotator, categories and subcategories, notes, flag, kind,
    source, written_by, revision, times and taxonomy version."""
    if fmt == "sheet":
        from ..sheet.writer import write_sheet

        with open_output(out, newline="") as handle:
            write_sheet(ctx.store, handle, guard_formulas=not raw_csv)
        return
    rows = iter_labels(ctx.store)
    with open_output(out, newline="") as handle:
        if fmt == "csv":
            write_csv(rows, handle, LABEL_FIELDS, guard_formulas=not raw_csv)
        else:
            write_jsonl(rows, handle)


def _clean(text: object) -> Text:
    """Literal text for the terminal: no markup, no escape sequences, one line."""
    value = " ".join(str(text).splitlines())
    return Text(_CONTROL.sub("", value))


@export_group.command("inferred")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["table", "csv", "jsonl"]),
    default="table",
    show_default=True,
)
@click.option("--annotator", default=None, help="Only this annotator's labels.")
@_OUT
@_RAW_CSV
@pass_context
def inferred_cmd(
    ctx: Context, fmt: str, annotator: str | None, out: Path | None, raw_csv: bool
) -> None:
    """List every subcategory inferred from a note, for confirmation."""
    rows = iter_inferred(ctx.store, annotator)
    if fmt == "csv":
        with open_output(out, newline="") as handle:
            write_csv(rows, handle, INFERRED_FIELDS, guard_formulas=not raw_csv)
        return
    if fmt == "jsonl":
        with open_output(out) as handle:
            write_jsonl(rows, handle)
        return
    table = Table()
    # Fold rather than truncate: a cut-off sample id cannot be looked up.
    for title in ("Sample", "Annotator", "Category", "Inferred subcategory", "Note"):
        table.add_column(title, overflow="fold")
    count = 0
    for data in rows:
        count += 1
        category = f"{data['category']}. {data['category_name'] or '?'}"
        if data["slot"] == 2:
            category += " (2nd)"
        table.add_row(
            *(_clean(v) for v in (data["sample_id"], data["annotator"], category)),
            _clean(data["subcategory"]),
            _clean(data["note"]),
        )
    with open_output(out) as handle:
        console = SafeConsole(file=handle, highlight=False, width=None if out is None else 160)
        if count:
            console.print(table)
            console.print(Text(f"{count} inferred subcategories."))
        else:
            console.print(Text("No inferred subcategories."))


def _ks(value: str) -> tuple[int, ...]:
    try:
        ks = tuple(sorted({int(k) for k in value.split(",") if k.strip()}))
    except ValueError:
        raise click.BadParameter(f"expected numbers like 1,5,10, got {value!r}") from None
    if not ks or ks[0] < 1:
        raise click.BadParameter("k must be at least 1")
    return ks


@export_group.command("passk")
@click.option(
    "--by",
    type=click.Choice(["stage", "data_type", "task_type", "none"]),
    default="stage",
    show_default=True,
    help="The columns: one per stage (pipeline order), data type or task type, then All.",
)
@click.option("--k", "ks", default="1", show_default=True, help="The k of pass@k, e.g. 1,5.")
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "csv", "json", "latex"]),
    default="md",
    show_default=True,
)
@click.option(
    "--order",
    default=None,
    metavar="A,B,...",
    help="The columns' order (values not named follow in the default order: pipeline order"
    " for stages, the data's order otherwise).",
)
@click.option(
    "--names",
    "names_file",
    type=click.Path(dir_okay=False, path_type=Path),
    default=None,
    help="Model display names: a CSV with columns model,name (its order is the rows' order)"
    " or a JSON object; default: the model_name attached by `import metadata`.",
)
@click.option(
    "--precision", type=click.IntRange(0, 6), default=1, show_default=True, help="Decimals."
)
@click.option("--with-n", is_flag=True, help="Each cell with the number of tasks averaged.")
@_OUT
@_RAW_CSV
@pass_context
def passk_cmd(
    ctx: Context,
    by: str,
    ks: str,
    fmt: str,
    order: str | None,
    names_file: Path | None,
    precision: int,
    with_n: bool,
    out: Path | None,
    raw_csv: bool,
) -> None:
    """pass@k per model (rows) and stage, data type or task type (columns), as
    papers print it. Samples without a model are left out and counted in a note."""
    from ..export.order import parse_order
    from ..export.passk_out import PASSK_WRITERS, passk_table, read_names, render_csv

    names = read_names(names_file) if names_file else ctx.store.model_display_names()
    table = passk_table(
        ctx.store.attempts(),
        None if by == "none" else by,
        _ks(ks),
        parse_order(order),
        names,
    )
    if fmt == "csv":
        text = render_csv(table, precision, with_n, guard_formulas=not raw_csv)
    else:
        text = PASSK_WRITERS[fmt](table, precision, with_n)
    with open_output(out, newline="") as handle:
        handle.write(text)


@click.command("report")
@click.option("--source", default=AUTO, show_default=True, help=_SOURCE_HELP)
@click.option("--title", default="", help="Title after 'Study report: '.")
@click.option(
    "--annotators",
    default=None,
    metavar="A,B,...",
    help="The raters whose agreement the report gives (default: every annotator but final).",
)
@click.option(
    "--k", "ks", default="1,5,10", show_default=True, help="The k of pass@k (shown when n >= k)."
)
@click.option(
    "--bootstrap",
    "n_boot",
    type=click.IntRange(min=0),
    default=None,
    help="Bootstrap resamples for the CIs of kappa and alpha (default: 200 up to 20,000"
    " samples, none above).",
)
@batches_option
@click.option(
    "--format",
    "fmt",
    type=click.Choice(["md", "html", "latex"]),
    default="md",
    show_default=True,
    help="html: one self-contained file with the tables and figures inline (needs matplotlib);"
    " latex: the Method section and the saturation table, to \\input in a paper.",
)
@_OUT
@pass_context
def report_cmd(
    ctx: Context,
    source: str,
    title: str,
    annotators: str | None,
    ks: str,
    n_boot: int | None,
    batch_size: int | None,
    fmt: str,
    out: Path | None,
) -> None:
    """The whole study as one document: dataset statistics (tasks by stage, data
    type and task type), pass@k, taxonomy occurrence tables, agreement, annotation time,
    saturation and the Method section (each number with the command that prints it)."""
    raters = [a for a in annotators.split(",") if a.strip()] if annotators else None
    if fmt == "latex":
        write_text(out, build_method_latex(ctx.store, raters, n_boot, batch_size))
        return
    rendered = None
    if fmt == "html":
        from ..export.html_report import start_figures

        rendered = start_figures(ctx.store, raters, batch_size)  # drawn while the tables are built
    text = build_report(
        ctx.store,
        source,
        title,
        raters=raters,
        ks=_ks(ks),
        n_boot=n_boot,
        batch_size=batch_size,
    )
    if fmt == "html":
        from ..export.html_report import build_html

        text = build_html(ctx.store, text, raters=raters, rendered=rendered, batch_size=batch_size)
    write_text(out, text)


COMMANDS: list[click.Command] = [export_group, report_cmd]
