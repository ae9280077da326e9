"""The agreement screen: pairwise Cohen's kappa of every two annotators.

Contract: :class:`AgreementScreen` computes
:func:`annotator.agreement.agreement_report` (category level, no bootstrap)
in a thread worker with its own connection (``Store.reopen``) and shows the
pairs as a matrix (kappa and co-rated ``n`` per cell; ``final`` named, so its
column is rater-vs-adjudicated) plus the overall statistics of the raters
alone (``final`` left out, as ``annotator agreement`` does by default). Selecting a cell (Enter or a click)
lists the samples on which the two annotators differ
(:func:`annotator.review.pair_disagreements`, also in a worker);
choosing one posts :class:`JumpToSample`, which bubbles to the app, and the
app navigates. Escape, ``g`` or ``q`` close the screen.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.message import Message
from textual.screen import Screen
from textual.widgets import DataTable, Footer, Header, Static

from ...agreement import agreement_report, default_annotators
from ...models import FINAL
from ...review import decision, pair_disagreements
from ...store import Store
from .. import workers
from ..messages import JumpToSample
from ..render import visible
from .picker import PickerScreen


@dataclass
class MatrixReady(Message):
    report: dict[str, Any] | None
    error: str = ""
    raters: dict[str, Any] | None = None
    """The raters' report (``final`` left out): the overall statistics."""


@dataclass
class PairReady(Message):
    a: str
    b: str
    rows: list[tuple[str, str, str]]
    """(sample id, a's answer, b's answer)."""


def kappa_text(kappa: float | None, n: int) -> Text:
    if kappa is None:
        return Text(f"–  n={n}", style="dim")
    style = "green" if kappa >= 0.6 else "yellow" if kappa >= 0.4 else "red"
    return Text.assemble((f"{kappa:+.2f}", style), (f"  n={n}", "dim"))


def _number(value: object) -> str:
    return f"{value:.3f}" if isinstance(value, float) else "–"


class AgreementScreen(Screen[None]):
    on_worker_state_changed = workers.on_worker_state_changed
    """Failed workers are reported in one place (:mod:`annotator.tui.workers`)."""

    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("g", "close", "Back", show=False),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.names: list[str] = []
        self.report: dict[str, Any] | None = None
        self.title = "Agreement (category level)"

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(Text("computing…", style="dim"), id="agreement-summary")
        yield DataTable(id="agreement-matrix", cursor_type="cell", zebra_stripes=True)
        yield Static(
            Text("Enter / click on a cell: the samples on which the two differ", style="dim"),
            id="agreement-hint",
        )
        yield Footer()

    def on_mount(self) -> None:
        self.query_one(DataTable).border_title = "Cohen's kappa · n co-rated samples"
        self.compute()

    @work(thread=True, exclusive=True, group="agreement", exit_on_error=False)
    def compute(self) -> None:
        store = self.store.reopen()
        try:
            raters = agreement_report(store, level="category")
            names = default_annotators(store)
            report = agreement_report(store, names, level="category") if FINAL in names else raters
        except Exception as exc:  # shown on screen; the review must go on
            self.post_message(MatrixReady(None, f"{type(exc).__name__}: {exc}"))
            return
        finally:
            store.close()
        self.post_message(MatrixReady(report, raters=raters))

    @on(MatrixReady)
    def _ready(self, message: MatrixReady) -> None:
        summary = self.query_one("#agreement-summary", Static)
        if message.report is None:
            summary.update(Text(visible(message.error), style="red"))
            return
        report = self.report = message.report
        self.names = list(report["annotators"])
        overall = message.raters or report
        summary.update(
            Text.assemble(
                (f"raters: {overall['n_items']} samples rated by ≥2", "bold"),
                f" · percent {_number(overall['percent'])}",
                f" · Krippendorff α {_number(overall['krippendorff_alpha'])}",
                f" · Fleiss κ {_number(overall['fleiss_kappa'])}",
                " · the final column includes the adjudicated labels"
                if report["includes_adjudicated"]
                else "",
                end="",
            )
        )
        table = self.query_one(DataTable)
        table.clear(columns=True)
        if len(self.names) < 2:
            summary.update(Text("fewer than two annotators have labels", style="yellow"))
            return
        pairs = {(p["a"], p["b"]): p for p in report["pairs"]}
        table.add_column("")
        for name in self.names:
            table.add_column(Text(visible(name), style="bold"), key=name)
        for a in self.names:
            cells: list[Text] = [Text(visible(a), style="bold")]
            for b in self.names:
                pair = pairs.get((a, b)) or pairs.get((b, a))
                if a == b or pair is None:
                    cells.append(Text("·", style="dim"))
                else:
                    cells.append(kappa_text(pair["cohen_kappa"], pair["n"]))
            table.add_row(*cells, key=a)
        table.move_cursor(row=0, column=2)
        table.focus()

    def pair_at(self, row: int, column: int) -> tuple[str, str] | None:
        """The annotators of a matrix cell (None: the name column or the diagonal)."""
        if column < 1 or not 0 <= row < len(self.names) or column > len(self.names):
            return None
        a, b = self.names[row], self.names[column - 1]
        return None if a == b else (a, b)

    @on(DataTable.CellSelected)
    def _cell(self, event: DataTable.CellSelected) -> None:
        pair = self.pair_at(event.coordinate.row, event.coordinate.column)
        if pair is None:
            self.notify("choose a cell of two different annotators", severity="warning")
            return
        self.load_pair(*pair)

    @work(thread=True, exclusive=True, group="pair", exit_on_error=False)
    def load_pair(self, a: str, b: str) -> None:
        store = self.store.reopen()
        try:
            rows = []
            for sid in pair_disagreements(store, a, b):
                la, lb = store.label(sid, a), store.label(sid, b)
                rows.append((sid, decision(la) if la else "", decision(lb) if lb else ""))
        finally:
            store.close()
        self.post_message(PairReady(a, b, rows))

    @on(PairReady)
    def _pair(self, message: PairReady) -> None:
        a, b = visible(message.a), visible(message.b)
        if not message.rows:
            self.notify(f"{a} and {b} never differ in category")
            return
        choices = [
            (
                Text.assemble(
                    visible(sid), "  ", (f"{a}: {x}", "cyan"), "  ", (f"{b}: {y}", "magenta")
                ),
                sid,
            )
            for sid, x, y in message.rows
        ]
        title = f"{a} vs {b}: {len(choices)} samples with different categories"

        def chosen(sample_id: str | None) -> None:
            if sample_id is not None:
                self.post_message(JumpToSample(sample_id))

        self.app.push_screen(PickerScreen(title, choices), chosen)

    def action_close(self) -> None:
        self.dismiss(None)
