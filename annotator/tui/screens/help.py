"""The help screen: every key binding of the labeling screen and the app.

Contract: :class:`HelpScreen` lists the bindings it is given (so it never
drifts from the real ``BINDINGS``) and closes on Escape, ``?`` or ``q``.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close"),
        Binding("q", "close", "Close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = list(rows)

    def compose(self) -> ComposeResult:
        table = Table(title="Keys", box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.rows:
            table.add_row(key, description)
        table.add_row("ctrl+p", "command palette: fuzzy search over all categories")
        table.add_row("mouse", "click list rows, tabs and buttons")
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
