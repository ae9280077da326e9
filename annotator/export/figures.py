"""The paper's figures: ``annotator figures --out DIR [--format svg|pdf|png] [--width ...]``.

Contract: :func:`write_figures(store, out, fmt, source, pair, widths)` writes,
into ``out``, every figure in each width of ``widths`` (:data:`WIDTHS`: ``column``
3.5 in, one column of a two-column paper; ``page`` 7.16 in, the full text width)
as ``<name>_<width>.<fmt>``, and returns them; figures without data are left out
with the reason in ``skipped``:

- ``categories``: occurrences per taxonomy category (every category, zero ones
  kept), stacked DL-specific / not DL-specific / Unspecified (labels that name
  no subcategory: their DL flag is unknown, so they are a segment of their own),
  with each category's total; title names the source of the labels;
- ``pass_at_1_by_stage``: pass@1 (averaged over tasks, as ``export passk``) by
  stage in pipeline order, one bar per model (samples without a model left out);
- ``category_model_heatmap``: occurrences per category (rows, all of them) and
  model (columns); only with two or more models, else skipped with the reason;
- ``confusion``: the agreement confusion matrix of ``pair`` (rows: the first
  annotator); by default the first pair of raters who share items, else the
  first rater against ``final``, titled "rater vs adjudicated".

Printable: 8 pt text (7 pt ticks), names wrapped, never cut
(:func:`annotator.export.figure_fit.wrap`); legends outside the axes; value
labels only where they fit (:func:`~annotator.export.figure_fit.keep_fitting`);
no text outside the canvas and no two texts overlapping (the tests measure
every text's extent with matplotlib's renderer). Titles say what is compared.
Figures are built without pyplot. Output is deterministic: SVG with a fixed
``svg.hashsalt``, no date in the metadata, text kept as ``<text>``
(``svg.fonttype: none``); PDF with TrueType fonts embedded (``pdf.fonttype`` 42)
and no creation date; PNG at 300 dpi. Text from the data is shown literally
(math text off, control characters removed). matplotlib is an optional extra;
without it :func:`require_matplotlib` raises a :class:`UserError` saying so.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..agreement import agreement_report, default_annotators, label_text
from ..errors import UserError
from ..models import FINAL
from ..store import Store
from .counts import AUTO, MAJORITY
from .crosstab import NO_VALUE, cross_table, merged
from .figure_fit import clean, fit_legend, fit_title, keep_fitting, overlapping, wrap
from .order import order_groups
from .passk import pass_table

FORMATS = ("svg", "pdf", "png")
WIDTHS = {"column": 3.5, "page": 7.16}
COLUMN_IN = WIDTHS["column"]
FULL_IN = WIDTHS["page"]
FONT_PT = 8
INSTALL = "pip install 'annotator[figures]'"
RC = {
    "font.size": FONT_PT,
    "axes.titlesize": FONT_PT,
    "axes.labelsize": FONT_PT,
    "xtick.labelsize": FONT_PT - 1,
    "ytick.labelsize": FONT_PT - 1,
    "legend.fontsize": FONT_PT - 1,
    "font.family": "DejaVu Sans",
    "svg.fonttype": "none",
    "svg.hashsalt": "annotator",
    "pdf.fonttype": 42,
    "text.parse_math": False,
    "path.simplify": False,
}
# Characters per line of a wrapped label, by figure width (about 7 pt text).
_CHARS = {"column": 26, "page": 48}
BLUE, GREY, WHITE = "#1b6ca8", "#9fb2c2", "#ffffff"


def require_matplotlib() -> Any:
    from .._entry import reveal_hidden

    reveal_hidden()  # the command hides numpy to start fast; matplotlib needs it
    try:
        import matplotlib
    except ImportError as exc:
        missing = exc.name or "matplotlib"
        raise UserError(f"figures need {missing}, which is not installed: {INSTALL}") from None
    return matplotlib


@dataclass
class FigureData:
    """What the figures draw, read once for every width."""

    source: str
    counts: Any
    passes: list[Any]
    cross: Any
    names: dict[str, str]
    confusion: tuple[str, str, dict[str, Any]] | None

    @classmethod
    def load(cls, store: Store, source: str, pair: Sequence[str] | None) -> FigureData:
        chosen = tuple(pair) if pair else default_pair(store)
        confusion = None
        if chosen:
            if len(chosen) != 2:
                raise UserError("--pair takes two annotators, e.g. --pair alice,bob", field="pair")
            a, b = chosen
            confusion = (a, b, agreement_report(store, [a, b]))
        attempts = [a for a in store.attempts() if a.model is not None]
        cross = cross_table(store, "model", source)
        return cls(
            source=source,
            # The groups of the cross table add up to the occurrence table (tested).
            counts=merged(cross, store.taxonomy),
            passes=[r for r in pass_table(attempts, "stage", (1,)) if r.values.get(1) is not None],
            cross=cross,
            names=store.model_display_names(),
            confusion=confusion,
        )


@dataclass
class FigureSet:
    written: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _figure(width: str, height: float) -> Any:
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    fig = Figure(figsize=(WIDTHS[width], height), layout="constrained")
    FigureCanvasAgg(fig)
    return fig


def _lines(text: str) -> int:
    return text.count("\n") + 1


def source_title(source: str) -> str:
    if source == AUTO:
        return "final labels, else majority vote"
    if source == MAJORITY:
        return "majority vote of the raters"
    if source == FINAL:
        return "adjudicated (final) labels"
    return f"labels of {clean(source)}"


def categories_figure(data: FigureData, width: str = "column") -> Any | None:
    from matplotlib.ticker import MaxNLocator

    table, source = data.counts, data.source
    if not table.total:
        return None
    cats = list(table.categories)  # zero categories kept, as the paper's table keeps them
    names = [wrap(f"{c.id}. {c.name}", _CHARS[width]) for c in cats][::-1]
    dl = [c.dl_specific_total for c in cats][::-1]
    unspecified = [sum(s.count for s in c.subcategories if s.unspecified) for c in cats][::-1]
    other = [c.total - a - u for c, a, u in zip(cats[::-1], dl, unspecified, strict=True)]
    rows = sum(_lines(n) for n in names)
    # Legend, title and axis take about an inch (more when the narrow legend wraps);
    # each line of a category name 0.14 in, so wrapped names never crowd their neighbours.
    fig = _figure(width, (1.35 if width == "column" else 1.0) + 0.14 * rows + 0.06 * len(cats))
    ax = fig.add_subplot()
    ys = range(len(cats))
    ax.barh(ys, dl, color=BLUE, label="DL-specific")
    ax.barh(ys, other, left=dl, color=GREY, label="Not DL-specific")
    lefts = [a + b for a, b in zip(dl, other, strict=True)]
    ax.barh(
        ys,
        unspecified,
        left=lefts,
        color=WHITE,
        edgecolor="#555555",
        hatch="////",
        linewidth=0.4,
        label="Unspecified subcategory",
    )
    ax.set_yticks(list(ys), names)
    totals = [a + b + u for a, b, u in zip(dl, other, unspecified, strict=True)]
    labels = [
        ax.text(t, y, f" {t}", va="center", fontsize=FONT_PT - 1, in_layout=False)
        for y, t in enumerate(totals)
    ]
    ax.set_xlabel("Occurrences")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.set_xlim(0, max(totals) * 1.18 or 1)
    ax.set_ylim(-0.6, len(cats) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    title = f"Bug occurrences per category ({source_title(source)})"
    ax.set_title(clean(title))
    fit_legend(fig, 3)
    fit_title(fig, ax, title, drawn=True)
    keep_fitting(fig, labels, inside=lambda _t: ax.bbox, laid_out=True)
    return fig


def pass_figure(data: FigureData, width: str = "column") -> Any | None:
    """Grouped bars of pass@1: stages along x at page width, along y (horizontal bars,
    room for the stage names) at column width."""
    rows = data.passes
    if not rows:
        return None
    stages = order_groups("stage", sorted({str(r.group) for r in rows}))
    models = list(dict.fromkeys(r.model for r in rows))
    display = data.names
    cells = {(r.group, r.model): r.values[1] for r in rows}
    across = width == "page"
    height = 2.8 if across else 1.2 + 0.16 * len(stages) * max(2, len(models)) ** 0.8
    fig = _figure(width, height)
    ax = fig.add_subplot()
    step = 0.8 / len(models)
    labels, bars_of = [], {}
    for i, model in enumerate(models):
        offset = (i - (len(models) - 1) / 2) * step
        pos = (
            [s + offset for s in range(len(stages))]
            if across
            else [len(stages) - 1 - s - offset for s in range(len(stages))]
        )
        values = [100 * (cells.get((stage, model)) or 0.0) for stage in stages]
        name = wrap(display.get(model, model), 32 if across else 24)
        draw = ax.bar if across else ax.barh
        bars = draw(pos, values, step, label=name)
        for bar, p, v, stage in zip(bars, pos, values, stages, strict=True):
            if cells.get((stage, model)) is None:
                continue
            at = (p, v + 1) if across else (v + 1, p)
            text = ax.text(
                *at,
                f"{v:.1f}",
                ha="center" if across else "left",
                va="bottom" if across else "center",
                fontsize=FONT_PT - 2,
                in_layout=False,
            )
            labels.append(text)
            bars_of[id(text)] = bar
    names = [wrap(s, max(6, int(96 / len(stages))) if across else 14) for s in stages]
    if across:
        ax.set_xticks(range(len(stages)), names)
        ax.set_ylabel("pass@1 (%)")
        ax.set_ylim(0, 112)
        ax.set_yticks(range(0, 101, 20))
    else:
        ax.set_yticks(range(len(stages))[::-1], names)
        ax.set_xlabel("pass@1 (%)")
        ax.set_xlim(0, 112)
        ax.set_xticks(range(0, 101, 20))
    ax.spines[["top", "right"]].set_visible(False)
    plural = "s" if len(models) > 1 else ""
    title = f"pass@1 by stage, per model ({len(models)} model{plural})"
    ax.set_title(title)
    fit_legend(fig, min(len(models), 5 if across else 2))
    fit_title(fig, ax, title, drawn=True)

    def room(text: Any) -> Any:
        from matplotlib.transforms import Bbox

        bar = bars_of[id(text)].get_window_extent()
        if across:
            return Bbox.from_extents(bar.x0 - 1, bar.y0, bar.x1 + 1, ax.bbox.y1)
        return Bbox.from_extents(bar.x0, bar.y0 - 1, ax.bbox.x1, bar.y1 + 1)

    keep_fitting(fig, labels, inside=room, all_or_none=True, laid_out=True)
    return fig


def heatmap_skip(data: FigureData) -> str | None:
    """Why the heatmap is not drawn (None: it is)."""
    cross = data.cross
    models = [g for g, t in cross.groups if g != NO_VALUE]
    if not cross.total:
        return "no bug label counts"
    if len(models) < 2:
        found = f"found {len(models)}" + (f": {clean(models[0])}" if models else "")
        return f"a category x model heatmap needs two or more models ({found})"
    return None


def heatmap_figure(data: FigureData, width: str = "column") -> Any | None:
    from matplotlib.ticker import MaxNLocator

    if heatmap_skip(data):
        return None
    source = data.source
    groups = [(g, t) for g, t in data.cross.groups if g != NO_VALUE]
    display = data.names
    ids = [c.id for c in groups[0][1].categories]
    matrix = [[_total(t, cat_id) for _, t in groups] for cat_id in ids]
    names = {c.id: c.name for c in groups[0][1].categories}
    ynames = [wrap(f"{i}. {names[i]}", _CHARS[width] - 4) for i in ids]
    per_col = max(4, int((_CHARS[width] + 10) / len(groups)))
    xnames = [wrap(display.get(g, g), per_col) for g, _ in groups]
    rows = sum(_lines(n) for n in ynames) + max(_lines(n) for n in xnames)
    fig = _figure(width, 1.0 + 0.14 * rows + 0.06 * len(ids))
    ax = fig.add_subplot()
    # From 0: shades compare counts, and the text colour flips at half the top count.
    image = ax.imshow(matrix, cmap="Blues", aspect="auto", vmin=0)
    top = max((v for row in matrix for v in row), default=0)
    labels = []
    for y, row in enumerate(matrix):
        for x, value in enumerate(row):
            colour = "white" if top and value > top / 2 else "black"
            labels.append(
                ax.text(
                    x,
                    y,
                    str(value),
                    ha="center",
                    va="center",
                    fontsize=FONT_PT - 2,
                    color=colour,
                    in_layout=False,
                )
            )
    ax.set_xticks(range(len(groups)), xnames)
    ax.set_yticks(range(len(ids)), ynames)
    bar = fig.colorbar(image, ax=ax, shrink=0.8, label="Occurrences")
    bar.locator = MaxNLocator(integer=True)
    bar.update_ticks()
    title = f"Occurrences per category and model ({source_title(source)})"
    ax.set_title(clean(title))
    rotated = False
    if overlapping(fig, ax.get_xticklabels()):
        # Side by side the names do not fit: upright, one name per column.
        upright = [wrap(display.get(g, g), 18) for g, _ in groups]
        ax.set_xticks(range(len(groups)), upright, rotation=90)
        rotated = True
    fit_title(fig, ax, title, drawn=not rotated)
    keep_fitting(
        fig, labels, inside=_cell(ax, len(groups), len(ids)), all_or_none=True, laid_out=True
    )
    return fig


def _cell(ax: Any, ncols: int, nrows: int) -> Any:
    def room(text: Any) -> Any:
        from matplotlib.transforms import Bbox

        x, y = text.get_position()
        (x0, y0), (x1, y1) = ax.transData.transform([(x - 0.5, y + 0.5), (x + 0.5, y - 0.5)])
        return Bbox.from_extents(min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1))

    return room


def _total(table: Any, cat_id: int) -> int:
    return sum(c.total for c in table.categories if c.id == cat_id)


def default_pair(store: Store) -> tuple[str, str] | None:
    names = default_annotators(store)
    raters = [n for n in names if n != "final"]
    if len(raters) >= 2:
        report = agreement_report(store, raters)
        for pair in report["pairs"]:
            if pair["n"]:
                return pair["a"], pair["b"]
    if raters and "final" in names:
        return raters[0], "final"
    return None


def _role(name: str) -> str:
    return "adjudicated (final)" if name == FINAL else f"rater {clean(name)}"


def confusion_figure(data: FigureData, width: str = "column") -> Any | None:
    if data.confusion is None:
        return None
    a, b, report = data.confusion
    conf = report["confusion"][f"{a}|{b}"]
    if not conf["labels"]:
        return None
    labels = [
        wrap(label_text(x if not isinstance(x, list) else frozenset(x)), 8) for x in conf["labels"]
    ]
    n = len(labels)
    size = WIDTHS[width]
    fig = _figure(width, min(size * 0.95, 4.6) + 0.2)
    ax = fig.add_subplot()
    ax.imshow(conf["matrix"], cmap="Greens", vmin=0)
    top = max(v for row in conf["matrix"] for v in row)
    texts = []
    for y, row in enumerate(conf["matrix"]):
        for x, value in enumerate(row):
            if value:
                colour = "white" if value > top / 2 else "black"
                texts.append(
                    ax.text(
                        x,
                        y,
                        str(value),
                        ha="center",
                        va="center",
                        fontsize=FONT_PT - 2,
                        color=colour,
                        in_layout=False,
                    )
                )
    ax.set_xticks(range(n), labels, rotation=90 if n > 8 else 0)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel(wrap(_role(b), 40))
    ax.set_ylabel(wrap(_role(a), 40))
    info = report["pairs"][0]
    kappa = info["cohen_kappa"]
    what = "rater vs adjudicated" if FINAL in (a, b) else "rater vs rater"
    stats = f"n = {info['n']}, agreement {100 * info['percent']:.1f}%"
    stats += f", κ = {kappa:.3f}" if kappa is not None else ""
    fit_title(fig, ax, f"Confusion matrix, {what}: {stats}")
    keep_fitting(fig, texts, inside=_cell(ax, n, n), all_or_none=True, laid_out=True)
    return fig


def figures(
    store: Store | FigureData,
    source: str = AUTO,
    pair: Sequence[str] | None = None,
    width: str = "column",
) -> dict[str, Any | None]:
    """Every figure as a matplotlib Figure of ``width`` (None: no data)."""
    matplotlib = require_matplotlib()
    data = store if isinstance(store, FigureData) else FigureData.load(store, source, pair)
    with matplotlib.rc_context(RC):
        # Figures keep the rc values they were created with (fonts, sizes); saving
        # happens inside the same context too (svg.hashsalt, fonttype).
        return {
            "categories": categories_figure(data, width),
            "pass_at_1_by_stage": pass_figure(data, width),
            "category_model_heatmap": heatmap_figure(data, width),
            "confusion": confusion_figure(data, width),
        }


REASONS = {
    "categories": "no bug label counts",
    "pass_at_1_by_stage": "no sample has a model, a stage and a known outcome",
    "category_model_heatmap": "no bug label counts",
    "confusion": "no two annotators rated the same sample",
}


def render_figures(
    store: Store,
    fmt: str = "svg",
    source: str = AUTO,
    pair: Sequence[str] | None = None,
    widths: Sequence[str] = ("page",),
    suffix: bool | None = None,
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every figure as bytes in ``fmt`` (named ``<figure>_<width>`` with ``suffix``,
    by default when several widths are asked for), and the skipped ones with their reason."""
    if suffix is None:
        suffix = len(widths) > 1
    if fmt not in FORMATS:
        raise UserError(f"unknown figure format '{fmt}' (choose: {', '.join(FORMATS)})")
    for width in widths:
        if width not in WIDTHS:
            raise UserError(f"unknown width '{width}' (choose: {', '.join(WIDTHS)})")
    matplotlib = require_matplotlib()
    out: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    data = FigureData.load(store, source, pair)
    with matplotlib.rc_context(RC):
        for width in widths:
            for name, fig in figures(data, source, pair, width).items():
                if fig is None:
                    reason = REASONS[name]
                    if name == "category_model_heatmap":
                        reason = heatmap_skip(data) or reason
                    skipped[name] = reason
                    continue
                buffer = io.BytesIO()
                metadata: dict[str, Any] = {
                    "svg": {"Date": None},
                    "pdf": {"CreationDate": None, "ModDate": None},
                    "png": {"Software": None},
                }[fmt]
                fig.savefig(buffer, format=fmt, metadata=metadata, dpi=300)
                out[f"{name}_{width}" if suffix else name] = buffer.getvalue()
    return out, skipped


def write_figures(
    store: Store,
    out: Path,
    fmt: str = "svg",
    source: str = AUTO,
    pair: Sequence[str] | None = None,
    widths: Sequence[str] = tuple(WIDTHS),
) -> FigureSet:
    """Write every figure with data into ``out`` (created if missing), as
    ``<name>_<width>.<fmt>``."""
    rendered, skipped = render_figures(store, fmt, source, pair, widths, suffix=True)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder: {exc.strerror}", file=out) from None
    result = FigureSet(skipped=skipped)
    for name, data in rendered.items():
        path = out / f"{name}.{fmt}"
        tmp = path.with_suffix(path.suffix + ".tmp")
        tmp.write_bytes(data)
        tmp.replace(path)
        result.written[name] = path
    return result
