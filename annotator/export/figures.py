"""The paper's figures: ``annotator figures --out DIR [--format svg|pdf|png]``.

Contract: :func:`write_figures(store, out, fmt, source, pair)` writes, into
``out``, and returns ``{figure name: path}`` (figures without data are left
out and listed in ``skipped``):

- ``categories``: occurrences per taxonomy category, stacked DL-specific /
  not DL-specific (the occurrence table as a chart), for ``source``;
- ``pass_at_1_by_stage``: pass@1 (averaged over tasks, as in the report) by
  stage, one bar per model;
- ``category_model_heatmap``: occurrences per category (rows) and model
  (columns), each cell annotated with its count;
- ``confusion``: the agreement confusion matrix of ``pair`` (rows: the first
  annotator); by default the first pair of raters who share items, else the
  first rater against ``final``.

Figures are sized for a two-column paper (3.5 in column width, 7.16 in full
width, 8 pt text) and written without pyplot (``matplotlib.figure.Figure``).
Output is deterministic: SVG with a fixed ``svg.hashsalt``, no date in the
metadata, text kept as ``<text>`` (``svg.fonttype: none``), so tests can parse
the numbers and labels; PDF and PNG without creation dates either. Text from
the data is shown literally (math text off, control characters removed).
Each file is written through :func:`annotator.safefiles.write_bytes_atomic`
(an O_EXCL temporary file, then a rename: a link planted in ``out`` is never
written through). matplotlib is an optional extra (``pip install 'annotator[figures]'``);
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
from ..safefiles import write_bytes_atomic
from ..store import Store
from ..textsafe import CONTROL
from .counts import AUTO, count_table
from .crosstab import cross_table
from .passk import pass_table

FORMATS = ("svg", "pdf", "png")
COLUMN_IN = 3.5
FULL_IN = 7.16
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


def require_matplotlib() -> Any:
    from .._entry import reveal_hidden

    reveal_hidden()  # the command hides numpy to start fast; matplotlib needs it
    try:
        import matplotlib
    except ImportError as exc:
        missing = exc.name or "matplotlib"
        raise UserError(f"figures need {missing}, which is not installed: {INSTALL}") from None
    return matplotlib


def clean(text: object, limit: int = 40) -> str:
    """One literal line of at most ``limit`` characters."""
    value = CONTROL.sub("", " ".join(str(text).split()))
    return value if len(value) <= limit else value[: limit - 1] + "…"


@dataclass
class FigureSet:
    written: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def _figure(width: float, height: float) -> Any:
    from matplotlib.figure import Figure

    return Figure(figsize=(width, height), layout="constrained")


def categories_figure(store: Store, source: str) -> Any | None:
    table = count_table(store, source)
    cats = [c for c in table.categories if c.total]
    if not cats:
        return None
    fig = _figure(COLUMN_IN, 0.6 + 0.22 * len(cats))
    ax = fig.add_subplot()
    names = [clean(f"{c.id}. {c.name}") for c in cats][::-1]
    dl = [c.dl_specific_total for c in cats][::-1]
    other = [c.total - c.dl_specific_total for c in cats][::-1]
    ax.barh(names, dl, color="#1b6ca8", label="DL-specific")
    ax.barh(names, other, left=dl, color="#b8c4ce", label="Not DL-specific")
    for y, (a, b) in enumerate(zip(dl, other, strict=True)):
        ax.text(a + b, y, f" {a + b}", va="center", fontsize=FONT_PT - 1)
    ax.set_xlabel("Occurrences")
    ax.set_xlim(0, max(a + b for a, b in zip(dl, other, strict=True)) * 1.15)
    ax.legend(loc="lower center", bbox_to_anchor=(0.5, 1.0), ncols=2, frameon=False)
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def pass_figure(store: Store) -> Any | None:
    rows = [r for r in pass_table(store.attempts(), "stage", (1,)) if r.values.get(1) is not None]
    if not rows:
        return None
    stages = sorted({str(r.group) for r in rows})
    models = sorted({r.model for r in rows})
    cells = {(r.group, r.model): r.values[1] for r in rows}
    fig = _figure(COLUMN_IN, 2.4)
    ax = fig.add_subplot()
    width = 0.8 / len(models)
    for i, model in enumerate(models):
        xs = [s + (i - (len(models) - 1) / 2) * width for s in range(len(stages))]
        values = [100 * (cells.get((stage, model)) or 0.0) for stage in stages]
        bars = ax.bar(xs, values, width, label=clean(model, 24))
        for bar, stage in zip(bars, stages, strict=True):
            value = cells.get((stage, model))
            if value is not None:
                x = bar.get_x() + bar.get_width() / 2
                text = f"{100 * value:.1f}"
                ax.text(x, bar.get_height(), text, ha="center", va="bottom", fontsize=FONT_PT - 2)
    ax.set_xticks(range(len(stages)), [clean(s, 22) for s in stages], rotation=20, ha="right")
    ax.set_ylabel("pass@1 (%)")
    ax.set_ylim(0, 110)
    ax.legend(frameon=False, ncols=min(3, len(models)), loc="upper center")
    ax.spines[["top", "right"]].set_visible(False)
    return fig


def heatmap_figure(store: Store, source: str) -> Any | None:
    cross = cross_table(store, "model", source)
    groups = [(g, t) for g, t in cross.groups if t.total]
    if not groups:
        return None
    ids = sorted({c.id for _, t in groups for c in t.categories if c.total})
    matrix = [[_total(t, cat_id) for _, t in groups] for cat_id in ids]
    names = {c.id: c.name for _, t in groups for c in t.categories}
    fig = _figure(FULL_IN if len(groups) > 4 else COLUMN_IN * 1.4, 0.8 + 0.22 * len(ids))
    ax = fig.add_subplot()
    image = ax.imshow(matrix, cmap="Blues", aspect="auto")
    top = max((v for row in matrix for v in row), default=0)
    for y, row in enumerate(matrix):
        for x, value in enumerate(row):
            colour = "white" if top and value > top / 2 else "black"
            ax.text(x, y, str(value), ha="center", va="center", fontsize=FONT_PT - 1, color=colour)
    ax.set_xticks(range(len(groups)), [clean(g, 18) for g, _ in groups], rotation=30, ha="right")
    ax.set_yticks(range(len(ids)), [clean(f"{i}. {names[i]}", 36) for i in ids])
    fig.colorbar(image, ax=ax, shrink=0.8, label="Occurrences")
    return fig


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


def confusion_figure(store: Store, pair: Sequence[str] | None) -> Any | None:
    chosen = tuple(pair) if pair else default_pair(store)
    if not chosen:
        return None
    if len(chosen) != 2:
        raise UserError("--pair takes two annotators, e.g. --pair alice,bob", field="pair")
    a, b = chosen
    report = agreement_report(store, [a, b])
    conf = report["confusion"][f"{a}|{b}"]
    if not conf["labels"]:
        return None
    labels = [
        clean(label_text(x if not isinstance(x, list) else frozenset(x)), 12)
        for x in conf["labels"]
    ]
    n = len(labels)
    fig = _figure(COLUMN_IN, COLUMN_IN * 0.9)
    ax = fig.add_subplot()
    ax.imshow(conf["matrix"], cmap="Greens")
    top = max(v for row in conf["matrix"] for v in row)
    for y, row in enumerate(conf["matrix"]):
        for x, value in enumerate(row):
            if value:
                colour = "white" if value > top / 2 else "black"
                ax.text(
                    x, y, str(value), ha="center", va="center", fontsize=FONT_PT - 1, color=colour
                )
    ax.set_xticks(range(n), labels, rotation=90 if n > 8 else 0)
    ax.set_yticks(range(n), labels)
    ax.set_xlabel(clean(b, 30))
    ax.set_ylabel(clean(a, 30))
    pair_info = report["pairs"][0]
    kappa = pair_info["cohen_kappa"]
    title = f"n = {pair_info['n']}, agreement {100 * pair_info['percent']:.1f}%"
    ax.set_title(title + (f", κ = {kappa:.3f}" if kappa is not None else ""))
    return fig


def figures(
    store: Store, source: str = AUTO, pair: Sequence[str] | None = None
) -> dict[str, Any | None]:
    """Every figure as a matplotlib Figure (None: no data)."""
    matplotlib = require_matplotlib()
    with matplotlib.rc_context(RC):
        # Figures keep the rc values they were created with (fonts, sizes); saving
        # happens inside the same context too (svg.hashsalt, fonttype).
        return {
            "categories": categories_figure(store, source),
            "pass_at_1_by_stage": pass_figure(store),
            "category_model_heatmap": heatmap_figure(store, source),
            "confusion": confusion_figure(store, pair),
        }


REASONS = {
    "categories": "no bug label counts",
    "pass_at_1_by_stage": "no sample has both a stage and a known outcome",
    "category_model_heatmap": "no bug label counts",
    "confusion": "no two annotators rated the same sample",
}


def render_figures(
    store: Store, fmt: str = "svg", source: str = AUTO, pair: Sequence[str] | None = None
) -> tuple[dict[str, bytes], dict[str, str]]:
    """Every figure as bytes in ``fmt``, and the skipped ones with their reason."""
    if fmt not in FORMATS:
        raise UserError(f"unknown figure format '{fmt}' (choose: {', '.join(FORMATS)})")
    matplotlib = require_matplotlib()
    out: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    with matplotlib.rc_context(RC):
        for name, fig in figures(store, source, pair).items():
            if fig is None:
                skipped[name] = REASONS[name]
                continue
            buffer = io.BytesIO()
            metadata: dict[str, Any] = {
                "svg": {"Date": None},
                "pdf": {"CreationDate": None, "ModDate": None},
                "png": {"Software": None},
            }[fmt]
            fig.savefig(buffer, format=fmt, metadata=metadata, dpi=300)
            out[name] = buffer.getvalue()
    return out, skipped


def write_figures(
    store: Store, out: Path, fmt: str = "svg", source: str = AUTO, pair: Sequence[str] | None = None
) -> FigureSet:
    """Write every figure with data into ``out`` (created if missing)."""
    rendered, skipped = render_figures(store, fmt, source, pair)
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UserError(f"cannot create the folder: {exc.strerror}", file=out) from None
    result = FigureSet(skipped=skipped)
    for name, data in rendered.items():
        path = out / f"{name}.{fmt}"
        write_bytes_atomic(path, data)  # never through a planted link
        result.written[name] = path
    return result
