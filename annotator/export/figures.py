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
(math text off, control characters removed). With two or more CPUs (Linux) a forked worker, on a database connection of
its own, reads the cross table and draws ``categories`` and the heatmap while
the command reads and draws the other two (same bytes, same order; a worker
that fails is replaced by drawing its figures in the command). Each file is written through
:func:`annotator.safefiles.write_bytes_atomic` (an O_EXCL temporary file, then a
rename: a link planted in ``out`` is never written through). matplotlib is an
optional extra (``pip install 'dl-bug-annotator[figures]'``);
without it :func:`require_matplotlib` raises a :class:`UserError` saying so.
"""

from __future__ import annotations

import io
import os
import sys
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..paths import install_hint
from ..safefiles import write_bytes_atomic
from ..store import Store
from .counts import AUTO
from .figure_charts import (
    categories_figure,
    confusion_figure,
    heatmap_figure,
    heatmap_skip,
    pass_figure,
)
from .figure_data import COLUMN_IN, FULL_IN, PARTS, RC, WIDTHS, FigureData, default_pair

FORMATS = ("svg", "pdf", "png")
INSTALL = install_hint("figures")

__all__ = [
    "COLUMN_IN",
    "FORMATS",
    "FULL_IN",
    "INSTALL",
    "RC",
    "WIDTHS",
    "FigureData",
    "FigureSet",
    "default_pair",
    "figures",
    "render_figures",
    "require_matplotlib",
    "start_render",
    "write_figures",
]


def require_matplotlib() -> Any:
    from ..startup import reveal_hidden

    reveal_hidden()  # the command hides numpy to start fast; matplotlib needs it
    try:
        import matplotlib
    except ImportError as exc:
        missing = exc.name or "matplotlib"
        raise UserError(f"figures need {missing}, which is not installed: {INSTALL}") from None
    return matplotlib


@dataclass
class FigureSet:
    written: dict[str, Path] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)


def figures(
    store: Store | FigureData,
    source: str = AUTO,
    pair: Sequence[str] | None = None,
    width: str = "column",
    only: Collection[str] | None = None,
) -> dict[str, Any | None]:
    """Every figure (``only``: those named) as a matplotlib Figure of ``width`` (None: no data)."""
    matplotlib = require_matplotlib()
    data = store if isinstance(store, FigureData) else FigureData.load(store, source, pair)
    charts = {
        "categories": categories_figure,
        "pass_at_1_by_stage": pass_figure,
        "category_model_heatmap": heatmap_figure,
        "confusion": confusion_figure,
    }
    with matplotlib.rc_context(RC):
        # Figures keep the rc values they were created with (fonts, sizes); saving
        # happens inside the same context too (svg.hashsalt, fonttype).
        return {
            name: chart(data, width)
            for name, chart in charts.items()
            if only is None or name in only
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
    parallel: bool = True,
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
    require_matplotlib()
    # The figures in two groups of about equal work, each reading only its part of
    # the data: with two CPUs (Linux) a forked worker, on a connection of its own,
    # reads and draws the first group while this process does the second.
    worker_names = [n for n in PARTS if PARTS[n] == "cross"]
    own_names = [n for n in PARTS if n not in worker_names]

    def group(db: Store, names: Sequence[str]) -> tuple[dict[str, bytes], dict[str, str]]:
        data = FigureData.load(db, source, pair, parts={PARTS[n] for n in names})
        return _render(data, fmt, source, pair, widths, suffix, names)

    forked = None
    if parallel and _cpus() > 1 and sys.platform.startswith("linux"):
        forked = _Forked(lambda: group(store.reopen(), worker_names))
    if forked is None:
        parts = [group(store, list(PARTS))]
    else:
        own = group(store, own_names)
        # The worker's figures, or (it failed in any way) the same drawn here.
        parts = [own, forked.result() or group(store, worker_names)]
    rendered: dict[str, bytes] = {}
    reasons: dict[str, str] = {}
    for figs, skips in parts:
        rendered.update(figs)
        reasons.update(skips)
    out: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    for width in widths:  # the order of one process: by width, then figure
        for name in PARTS:
            key = f"{name}_{width}" if suffix else name
            if key in rendered:
                out[key] = rendered[key]
            elif name in reasons:
                skipped.setdefault(name, reasons[name])
    return out, skipped


def start_render(
    store: Store,
    fmt: str = "svg",
    source: str = AUTO,
    pair: Sequence[str] | None = None,
    widths: Sequence[str] = ("page",),
    suffix: bool | None = None,
) -> Callable[[], tuple[dict[str, bytes], dict[str, str]]]:
    """:func:`render_figures` begun now: with two or more CPUs (Linux) in a forked
    worker on a connection of its own, while the caller goes on (e.g. builds the
    report's tables); call the result for the figures. Without a worker, or when
    it failed, they are rendered (and any error raised) in the caller."""

    def run() -> tuple[dict[str, bytes], dict[str, str]]:
        return render_figures(store.reopen(), fmt, source, pair, widths, suffix, parallel=False)

    forked = _Forked(run) if _cpus() > 1 and sys.platform.startswith("linux") else None

    def result() -> tuple[dict[str, bytes], dict[str, str]]:
        value = forked.result() if forked is not None else None
        if value is None:
            return render_figures(store, fmt, source, pair, widths, suffix)
        return value  # type: ignore[no-any-return]

    return result


def _cpus() -> int:
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        return os.cpu_count() or 1


def _render(
    data: FigureData,
    fmt: str,
    source: str,
    pair: Sequence[str] | None,
    widths: Sequence[str],
    suffix: bool,
    names: Sequence[str],
) -> tuple[dict[str, bytes], dict[str, str]]:
    """The figures ``names`` at every width as bytes, and the skipped ones' reasons."""
    matplotlib = require_matplotlib()
    out: dict[str, bytes] = {}
    skipped: dict[str, str] = {}
    with matplotlib.rc_context(RC):
        for width in widths:
            for name, fig in figures(data, source, pair, width, only=names).items():
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


class _Forked:
    """``work()`` in a forked process; :meth:`result` is its return value, or None
    when the worker failed (the caller then does the work itself)."""

    def __init__(self, work: Callable[[], Any]) -> None:
        import multiprocessing

        context = multiprocessing.get_context("fork")
        self._receive, send = context.Pipe(duplex=False)

        def run() -> None:
            try:
                send.send(work())
            except BaseException:  # noqa: BLE001 - the parent redoes the work
                send.send(None)
            finally:
                send.close()

        self._process = context.Process(target=run, daemon=True)
        self._process.start()
        send.close()

    def result(self) -> Any:
        try:
            value = self._receive.recv()
        except (EOFError, OSError):
            value = None
        finally:
            self._receive.close()
            self._process.join()
        return value


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
    for name in rendered:  # refuse before the first file is written, not halfway
        if (out / f"{name}.{fmt}").is_symlink():
            raise UserError(
                "is a symlink: refusing to write through it", file=out / f"{name}.{fmt}"
            )
    for name, data in rendered.items():
        path = out / f"{name}.{fmt}"
        write_bytes_atomic(path, data)  # never through a planted link
        result.written[name] = path
    return result
