"""Figures ready to print: both widths; every text element measured with matplotlib's renderer
(inside the canvas, no two overlapping); Unspecified a segment of its own; zero categories
kept; stages in pipeline order; value labels only where they fit; heatmap only with two or
more models; titles say what is compared; fonts embedded in PDF."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from figure_study import MODELS, ZERO, build_study
from test_export_fixture import build

from annotator.cli import cli
from annotator.export.counts import count_table
from annotator.export.figure_fit import problems, wrap
from annotator.export.figures import RC, WIDTHS, figures, require_matplotlib
from annotator.export.order import PIPELINE
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

pytest.importorskip("matplotlib")


@pytest.fixture(scope="module")
def study(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_study(tmp_path_factory.mktemp("study") / "study.db")


@pytest.fixture(scope="module")
def one_model(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_study(tmp_path_factory.mktemp("one") / "one.db", models=1)


def _figures(db: Path, width: str, taxonomy: Path | None = None, **kw: Any) -> dict[str, Any]:
    matplotlib = require_matplotlib()
    tax = load_taxonomy(taxonomy) if taxonomy else None
    with Store.open(db, tax) as store, matplotlib.rc_context(RC):
        return figures(store, width=width, **kw)


@pytest.mark.parametrize("width", list(WIDTHS))
@pytest.mark.parametrize("which", ["study", "one_model", "mini"])
def test_no_text_clipped_or_overlapping(
    which: str, width: str, request: pytest.FixtureRequest, tmp_path: Path
) -> None:
    if which == "mini":
        tax, db = build(tmp_path)
        figs = _figures(db, width, tax)
    else:
        figs = _figures(request.getfixturevalue(which), width)
    drawn = {name: fig for name, fig in figs.items() if fig is not None}
    assert len(drawn) >= 3
    for name, fig in drawn.items():
        assert fig.get_figwidth() == WIDTHS[width], name
        assert problems(fig) == [], (name, width)


def _texts(fig: Any) -> list[str]:
    from matplotlib.text import Text

    return [t.get_text() for t in fig.findobj(Text) if t.get_visible() and t.get_text()]


def test_categories_unspecified_segment_and_zero_categories(study: Path) -> None:
    for width in WIDTHS:
        fig = _figures(study, width)["categories"]
        ax = fig.axes[0]
        with Store.open(study) as store:
            table = count_table(store, "auto")
        assert len(ax.get_yticklabels()) == len(table.categories) == 14
        dl, other, unspecified = (
            [round(p.get_width()) for p in c.patches][::-1] for c in ax.containers
        )
        for i, cat in enumerate(table.categories):
            unspec = sum(s.count for s in cat.subcategories if s.unspecified)
            assert (dl[i], other[i], unspecified[i]) == (
                cat.dl_specific_total,
                cat.total - cat.dl_specific_total - unspec,
                unspec,
            )
            if cat.id in ZERO:
                assert cat.total == 0
        assert sum(unspecified) > 0
        legend = fig.legends[0]
        assert [t.get_text() for t in legend.get_texts()] == [
            "DL-specific",
            "Not DL-specific",
            "Unspecified subcategory",
        ]
        assert "final labels, else majority vote" in " ".join(_texts(fig)).replace("\n", " ")


def test_stages_in_pipeline_order_and_value_labels_only_where_they_fit(study: Path) -> None:
    page = _figures(study, "page")["pass_at_1_by_stage"]
    stages = [t.get_text().replace("\n", " ") for t in page.axes[0].get_xticklabels()]
    assert [s.split("&")[0] for s in stages] == list(PIPELINE)
    column = _figures(study, "column")["pass_at_1_by_stage"]
    ticks = [t.get_text().replace("\n", " ") for t in column.axes[0].get_yticklabels()]
    assert ticks == [wrap(s, 14).replace("\n", " ") for s in stages]
    positions = list(column.axes[0].get_yticks())
    assert positions == sorted(positions, reverse=True)  # the first stage on top
    for fig in (page, column):
        values = [t for t in fig.axes[0].texts if re.fullmatch(r"\d+\.\d", t.get_text())]
        assert len(values) == 25
        shown = [t for t in values if t.get_visible()]
        assert len(shown) in (0, 25)  # every value or none, so no bar is left unlabeled
    assert any(t.get_visible() for t in page.axes[0].texts)


def test_heatmap_needs_two_models(study: Path, one_model: Path, tmp_path: Path) -> None:
    assert _figures(study, "page")["category_model_heatmap"] is not None
    assert _figures(one_model, "page")["category_model_heatmap"] is None
    out = CliRunner().invoke(
        cli, ["--db", str(one_model), "figures", "--out", str(tmp_path / "f"), "--format", "png"]
    )
    assert out.exit_code == 0, out.output
    assert (
        "skipped category_model_heatmap: a category x model heatmap needs two or more models"
        f" (found 1: {MODELS[0]})" in out.output
    )
    assert sorted(p.name for p in (tmp_path / "f").iterdir()) == [
        "categories_column.png",
        "categories_page.png",
        "confusion_column.png",
        "confusion_page.png",
        "pass_at_1_by_stage_column.png",
        "pass_at_1_by_stage_page.png",
        "saturation_column.png",
        "saturation_page.png",
    ]


def test_titles_say_what_is_compared(study: Path) -> None:
    rater = _figures(study, "page", pair=["alice", "final"])["confusion"]
    title = rater.axes[0].get_title().replace("\n", " ")
    assert title.startswith("Confusion matrix, rater vs adjudicated: n = 160")
    assert rater.axes[0].get_ylabel() == "rater alice"
    assert rater.axes[0].get_xlabel() == "adjudicated (final)"
    raters = _figures(study, "page")["confusion"]
    assert "rater vs rater" in raters.axes[0].get_title()
    heat = _figures(study, "page")["category_model_heatmap"]
    assert "per category and model" in heat.axes[0].get_title()


def test_pdf_embeds_truetype_fonts(study: Path, tmp_path: Path) -> None:
    out = tmp_path / "pdf"
    result = CliRunner().invoke(
        cli,
        ["--db", str(study), "figures", "--out", str(out), "--format", "pdf", "--width", "column"],
    )
    assert result.exit_code == 0, result.output
    pdfs = sorted(out.iterdir())
    assert [p.name for p in pdfs] == [
        "categories_column.pdf",
        "category_model_heatmap_column.pdf",
        "confusion_column.pdf",
        "pass_at_1_by_stage_column.pdf",
        "saturation_column.pdf",
    ]
    for pdf in pdfs:
        data = pdf.read_bytes()
        assert b"/FontFile2" in data and b"/Type3" not in data, pdf.name


@pytest.mark.parametrize("source", ["auto", "majority", "final", "alice"])
def test_the_figures_table_is_that_of_export_counts(study: Path, source: str) -> None:
    from annotator.export.crosstab import cross_table, merged

    with Store.open(study) as store:
        assert merged(cross_table(store, "model", source), store.taxonomy) == count_table(
            store, source
        )


def _tick_gaps(fig: Any, axis: Any) -> list[float]:
    """Pixels between neighbouring tick labels of ``axis`` (negative: they overlap)."""
    renderer = fig.canvas.get_renderer()
    lo, hi = sorted(axis.get_view_interval())
    boxes = [
        t.label1.get_window_extent(renderer)
        for t in axis.get_major_ticks()
        if lo <= t.get_loc() <= hi and t.label1.get_text()
    ]
    return [b.x0 - a.x1 for a, b in zip(boxes, boxes[1:], strict=False)]


@pytest.mark.parametrize("top", [9, 360, 3_600, 36_000, 360_000])
def test_count_ticks_never_run_together_at_column_width(top: int) -> None:
    # Counts in the thousands at 3.5 in once read "0 400 8001200160020002400..." (seen on
    # 100k samples; the fixtures' counts were too small to show it).
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import MaxNLocator

    from annotator.export.figure_fit import GAP_PX, fit_ticks

    matplotlib = require_matplotlib()
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(WIDTHS["column"], 2.0), layout="constrained")
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ax.barh([0], [top])
        ax.set_yticks([0], ["14. Prompt missing information"])
        ax.set_xlim(0, top * 1.18)
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        fig.draw_without_rendering()
        before = _tick_gaps(fig, ax.xaxis)
        fit_ticks(fig, ax.xaxis)
        after = _tick_gaps(fig, ax.xaxis)
    assert len(after) >= 1 and min(after) >= GAP_PX, (top, after)
    if top >= 3_600:  # what the fitting is for: matplotlib's own choice runs together
        assert min(before) < GAP_PX, (top, before)
