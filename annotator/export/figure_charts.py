"""The five charts of ``annotator figures``, each at one width (see :mod:`annotator.export.figures`).

Contract: each ``*_figure(data, width)`` takes a :class:`~annotator.export.figure_data.FigureData`
and a key of :data:`~annotator.export.figure_data.WIDTHS` and returns a matplotlib
``Figure`` (drawn through an Agg canvas, never pyplot) whose texts are fitted by
:mod:`annotator.export.figure_fit`, or None when there is nothing to draw.
"""

from __future__ import annotations

from typing import Any

from ..agreement import label_text
from ..models import FINAL
from .counts import AUTO, MAJORITY
from .crosstab import NO_VALUE
from .figure_data import BLUE, CHARS, FONT_PT, GREY, WHITE, WIDTHS, FigureData
from .figure_fit import clean, fit_legend, fit_ticks, fit_title, keep_fitting, overlapping, wrap
from .order import order_groups


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


def _cell_texts(ax: Any, image: Any, matrix: Any, zeros: bool) -> list[Any]:
    """Each cell's count written on it, black or white by its shade (:func:`_ink`);
    ``zeros=False`` leaves empty cells blank (the confusion matrix's off-diagonal)."""
    return [
        ax.text(
            x,
            y,
            str(value),
            ha="center",
            va="center",
            fontsize=FONT_PT - 2,
            color=_ink(image, value),
            in_layout=False,
        )
        for y, row in enumerate(matrix)
        for x, value in enumerate(row)
        if zeros or value
    ]


def categories_figure(data: FigureData, width: str = "column") -> Any | None:

    table, source = data.counts, data.source
    if not table.total:
        return None
    cats = list(table.categories)  # zero categories kept, as the paper's table keeps them
    names = [wrap(f"{c.id}. {c.name}", CHARS[width]) for c in cats][::-1]
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
    ax.set_xlim(0, max(totals) * 1.18 or 1)
    ax.set_ylim(-0.6, len(cats) - 0.4)
    ax.spines[["top", "right"]].set_visible(False)
    title = f"Bug occurrences per category ({source_title(source)})"
    ax.set_title(clean(title))
    fit_legend(fig, 3)
    fit_title(fig, ax, title, drawn=True)
    fit_ticks(fig, ax.xaxis)  # counts in the thousands must not run together
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
    ynames = [wrap(f"{i}. {names[i]}", CHARS[width] - 4) for i in ids]
    per_col = max(4, int((CHARS[width] + 10) / len(groups)))
    xnames = [wrap(display.get(g, g), per_col) for g, _ in groups]
    rows = sum(_lines(n) for n in ynames) + max(_lines(n) for n in xnames)
    fig = _figure(width, 1.0 + 0.14 * rows + 0.06 * len(ids))
    ax = fig.add_subplot()
    # From 0: shades compare counts; the text is black or white by the shade (_ink).
    image = ax.imshow(matrix, cmap="Blues", aspect="auto", vmin=0)
    labels = _cell_texts(ax, image, matrix, zeros=True)
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


def _ink(image: Any, value: float) -> str:
    """Black on light cells, white on dark ones (by the cell colour's luminance)."""
    red, green, blue, _ = image.cmap(image.norm(value))
    return "black" if 0.299 * red + 0.587 * green + 0.114 * blue > 0.5 else "white"


def _total(table: Any, cat_id: int) -> int:
    return sum(c.total for c in table.categories if c.id == cat_id)


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
    image = ax.imshow(conf["matrix"], cmap="Greens", vmin=0)
    texts = _cell_texts(ax, image, conf["matrix"], zeros=False)
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


MARKERS_UP_TO = 30
"""Batches up to which the curves mark each batch."""
MANY_BATCHES = 60
"""Above this many batches the conflicts are one stepped area, not a bar per batch."""


def _steps(n: int) -> list[int]:
    """Tick steps to try for ``n`` batches: 1, 2, 5, 10, 20, 50, ... up to ``n``."""
    steps: list[int] = []
    scale = 1
    while not steps or steps[-1] < n:
        steps += [m * scale for m in (1, 2, 5)]
        scale *= 10
    return [s for s in steps if s < n] + [max(n, 1)]


def saturation_skip(data: FigureData) -> str | None:
    """Why the saturation curve is not drawn (None: it is)."""
    rows = data.saturation or []
    if not rows:
        return "no rater has decided a sample"
    if len(rows) < 2:
        what = "rounds" if data.batches and data.batches.source == "rounds" else "batches"
        return (
            f"a saturation curve needs two or more {what} (found {len(rows)};"
            " --batches N makes smaller batches)"
        )
    return None


def saturation_figure(data: FigureData, width: str = "column") -> Any | None:
    """Cumulative distinct categories and subcategories used (lines) and conflicts between
    the raters' initial decisions per batch (bars), one step per round or batch."""
    if saturation_skip(data):
        return None
    rows = data.saturation or []
    batches = data.batches
    rounds = batches is not None and batches.source == "rounds"
    xs = list(range(len(rows)))
    fig = _figure(width, 2.4 if width == "column" else 2.8)
    ax = fig.add_subplot()
    unit = "round" if rounds else "batch"
    conflicts = [r.conflicts for r in rows]
    if len(rows) <= MANY_BATCHES:
        ax.bar(xs, conflicts, 0.6, color=GREY, label=f"Conflicts in the {unit}")
    else:  # one shape instead of hundreds of bars: as readable, drawn in a fraction of the time
        ax.fill_between(
            xs, conflicts, step="mid", color=GREY, linewidth=0, label=f"Conflicts in the {unit}"
        )
    ax.plot(
        xs,
        [r.categories_so_far for r in rows],
        color=BLUE,
        marker="o",
        markersize=3 if len(rows) <= MARKERS_UP_TO else 0,
        label="Categories used so far",
    )
    ax.plot(
        xs,
        [r.subcategories_so_far for r in rows],
        color="#c0504d",
        marker="s",
        markersize=3 if len(rows) <= MARKERS_UP_TO else 0,
        label="Subcategories used so far",
    )
    names = [wrap(r.batch.name, 10) for r in rows]
    # Every batch named while the names fit side by side; else every 2nd, 5th, 10th, ...
    # starting from the step that the names' length suggests (each try is a draw).
    longest = max(len(line) for name in names for line in name.split("\n"))
    room = WIDTHS[width] * 72 * 0.8 / ((FONT_PT - 1) * 0.62 * longest + 4)
    for step in [s for s in _steps(len(xs)) if s * room >= len(xs) * 0.7] or [len(xs)]:
        shown = xs[::step]
        ax.set_xticks(shown, [names[i] for i in shown])
        if not overlapping(fig, ax.get_xticklabels()):
            break
    size = "" if rounds or batches is None else f" ({batches.size} samples each, labeling order)"
    ax.set_xlabel(("Round" if rounds else "Batch") + size)
    ax.set_ylabel("Count")
    # Every series decides the top: raters who name few subcategories use more
    # categories than subcategories, and a line above the axes would simply vanish.
    top = max(max(r.conflicts, r.categories_so_far, r.subcategories_so_far) for r in rows)
    ax.set_ylim(0, top * 1.1 or 1)
    ax.spines[["top", "right"]].set_visible(False)
    fit_ticks(fig, ax.yaxis)
    fit_legend(fig, 3)
    title = f"Saturation: codes used and conflicts per {unit}"
    fit_title(fig, ax, title)
    return fig
