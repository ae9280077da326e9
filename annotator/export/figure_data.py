"""What the paper's figures draw, read once for every width, and the figures' constants.

Contract: :meth:`FigureData.load(store, source, pair)` reads the occurrence
table (as the sum of the cross table by model, which equals ``export counts``
for the same source), pass@1 by stage per model (samples without a model left
out), the model display names and the agreement report of the confusion
matrix's pair (:func:`default_pair` when none is given) and the saturation rows
(:func:`annotator.export.saturation.saturation` over :func:`~annotator.export.saturation.study_batches`
with ``batch_size``, the rows of ``annotator saturation``). The constants are the
sizes and styles of :mod:`annotator.export.figures`.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from dataclasses import dataclass
from typing import Any

from ..agreement import agreement_report, default_annotators
from ..errors import UserError
from ..store import Store
from .crosstab import cross_table, merged
from .passk import folded_outcomes, pass_table
from .saturation import Batches, SaturationRow, raters_of, saturation, study_batches

WIDTHS = {"column": 3.5, "page": 7.16}
COLUMN_IN = WIDTHS["column"]
FULL_IN = WIDTHS["page"]
FONT_PT = 8
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
CHARS = {"column": 26, "page": 48}
BLUE, GREY, WHITE = "#1b6ca8", "#9fb2c2", "#ffffff"


# What each figure reads (FigureData.load's ``parts``): the figures can be drawn in
# two processes, each reading only its part.
PARTS = {
    "categories": "cross",
    "pass_at_1_by_stage": "passes",
    "category_model_heatmap": "cross",
    "confusion": "confusion",
    "saturation": "saturation",
}


@dataclass
class FigureData:
    """What the figures draw, read once for every width (``parts``: only what those
    figures read; the other fields stay empty)."""

    source: str
    counts: Any
    passes: list[Any]
    cross: Any
    names: dict[str, str]
    confusion: tuple[str, str, dict[str, Any]] | None
    saturation: list[SaturationRow] | None = None
    batches: Batches | None = None

    @classmethod
    def load(
        cls,
        store: Store,
        source: str,
        pair: Sequence[str] | None,
        parts: Collection[str] = ("cross", "passes", "confusion", "saturation"),
        batch_size: int | None = None,
    ) -> FigureData:
        confusion = None
        if "confusion" in parts:
            chosen = tuple(pair) if pair else default_pair(store)
            if chosen:
                if len(chosen) != 2:
                    raise UserError(
                        "--pair takes two annotators, e.g. --pair alice,bob", field="pair"
                    )
                a, b = chosen
                confusion = (a, b, agreement_report(store, [a, b]))
        passes = []
        if "passes" in parts:
            outcomes = folded_outcomes(store.task_rows(with_model=True))
            passes = [r for r in pass_table(outcomes, "stage", (1,)) if r.values.get(1) is not None]
        cross = counts = None
        if "cross" in parts:
            cross = cross_table(store, "model", source)
            # The groups of the cross table add up to the occurrence table (tested).
            counts = merged(cross, store.taxonomy)
        rows = batches = None
        if "saturation" in parts:
            raters = raters_of(store, None)
            initial = store.initial_decisions(raters)  # read once for batches and rows
            batches = study_batches(store, batch_size, raters, initial=initial)
            rows = saturation(store, batches.batches, raters, initial=initial, with_clusters=False)
        return cls(
            source=source,
            counts=counts,
            passes=passes,
            cross=cross,
            names=store.model_display_names(),
            confusion=confusion,
            saturation=rows,
            batches=batches,
        )


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
