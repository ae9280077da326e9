"""The statistics screen: taxonomy occurrences per category as bars.

Contract: :class:`StatsScreen` shows
:func:`annotator.export.counts.count_table` for one source (``auto``,
``final``, ``majority`` or an annotator; ``s`` cycles, the title names the
current one) through :class:`~annotator.tui.widgets.count_bars.CountBars`.
Counting runs in a thread worker with its own connection (``Store.reopen``).

Blind labeling: given an annotator's
:class:`~annotator.blind.BlindView` (``annotator label``) instead of the
store, the only source is that annotator and ``s`` switches nowhere: final,
majority and other raters are review's.

Keeping it current: labels are written by other screens and by other
processes sharing the database file (several annotators at once), which no
in-app message can report. So while the screen is shown it polls, once a
second, a change token that costs one index lookup (the last label-history
id and the number of labels: every insert, update, delete and undo moves
it) and recounts only when the token or the source changed. Showing the
screen again (``on_screen_resume``) polls at once. Escape, ``S`` or ``q``
close it.
"""

from __future__ import annotations

from dataclasses import dataclass

from rich.text import Text
from textual import on, work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, Static

from ...blind import BlindView
from ...export.counts import AUTO, FINAL, MAJORITY, CountTable, count_table, source_description
from ...store import LabelsToken, Store
from .. import workers
from ..render import visible
from ..widgets.count_bars import CountBars

POLL_SECONDS = 1.0

Token = LabelsToken


@dataclass
class CountsReady(Message):
    source: str
    token: Token
    table: CountTable | None
    error: str = ""


def change_token(store: Store) -> Token:
    """Moves whenever any label is written, changed, deleted or restored."""
    return store.labels_token()


def sources(store: Store | BlindView) -> list[str]:
    """auto, final, majority, then every other annotator by name (blind: only oneself)."""
    if isinstance(store, BlindView):
        return [store.annotator]
    return [AUTO, FINAL, MAJORITY, *(n for n in store.annotators() if n != FINAL)]


def _token(store: Store | BlindView) -> Token:
    return store.change_token() if isinstance(store, BlindView) else change_token(store)


def _table(store: Store | BlindView, source: str) -> CountTable:
    if isinstance(store, BlindView):
        return store.count_table()
    return count_table(store, source)


class StatsScreen(Screen[None]):
    on_worker_state_changed = workers.on_worker_state_changed
    """Failed workers are reported in one place (:mod:`annotator.tui.workers`)."""

    BINDINGS = [
        Binding("s", "cycle_source", "Switch source"),
        Binding("escape", "close", "Back"),
        Binding("S", "close", "Back", show=False),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, store: Store | BlindView, source: str = AUTO) -> None:
        super().__init__()
        self.store = store
        self.sources = sources(store)
        self.source = source if source in self.sources else self.sources[0]
        self.table_key: tuple[str, Token] | None = None
        """Source and change token of the table on screen."""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(id="stats-source")
        with VerticalScroll(id="stats-body"):
            yield CountBars(id="stats-bars")
        yield Footer()

    def on_mount(self) -> None:
        self._titles()
        self.set_interval(POLL_SECONDS, self.poll)

    def on_screen_resume(self) -> None:
        self.poll()

    def _titles(self) -> None:
        self.title = f"Statistics · source: {visible(self.source)}"
        self.query_one("#stats-source", Static).update(
            Text.assemble(
                ("Source ", "bold"),
                (visible(self.source), "bold cyan"),
                f": {visible(source_description(self.source))}",
                "" if isinstance(self.store, BlindView) else " · s: switch",
                end="",
            )
        )
        self.query_one("#stats-body").border_title = "Occurrences per category"

    @property
    def bars(self) -> CountBars:
        return self.query_one(CountBars)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        # Blind labeling has one source: the switch is neither shown nor run.
        return not (action == "cycle_source" and isinstance(self.store, BlindView))

    def action_cycle_source(self) -> None:
        if isinstance(self.store, BlindView):
            self.notify("Labeling is blind: only your own counts (other sources are in review).")
            return
        self.sources = sources(self.store)
        index = self.sources.index(self.source) if self.source in self.sources else -1
        self.source = self.sources[(index + 1) % len(self.sources)]
        self._titles()
        self.poll()

    def poll(self) -> None:
        known = self.table_key[1] if self.table_key and self.table_key[0] == self.source else None
        self.count(self.source, known)

    @work(thread=True, exclusive=True, group="stats", exit_on_error=False)
    def count(self, source: str, known: Token | None) -> None:
        store = self.store.reopen()
        try:
            token = _token(store)
            if token == known:
                return  # nothing changed since the table on screen
            try:
                table = _table(store, source)
            except Exception as exc:  # e.g. an annotator that was merged away
                self.post_message(CountsReady(source, token, None, f"{type(exc).__name__}: {exc}"))
                return
        finally:
            store.close()
        self.post_message(CountsReady(source, token, table))

    @on(CountsReady)
    def _ready(self, message: CountsReady) -> None:
        if message.source != self.source:
            return  # switched again meanwhile; a newer count is on its way
        if message.table is None:
            self.notify(visible(message.error), severity="error")
            return
        self.table_key = (message.source, message.token)
        self.bars.show_table(message.table)

    def action_close(self) -> None:
        self.dismiss(None)
