"""Full test output of one sample, however large.

Contract: :class:`OutputScreen` shows the raw output lines through a virtual
:class:`~annotator.tui.widgets.lines_view.LinesView` (escaped when drawn, so a
multi-MB output opens instantly) and closes on Escape, ``t`` or ``q``.
:meth:`OutputScreen.open` is the ``t`` key of the labeling and review screens.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.screen import Screen
from textual.widgets import Footer

from ..render import visible
from ..sample_data import SampleView
from ..widgets.lines_view import LinesView


class OutputScreen(Screen[None]):
    BINDINGS = [
        Binding("escape", "close", "Back"),
        Binding("t", "close", "Back"),
        Binding("q", "close", "Back", show=False),
    ]

    def __init__(self, sample_id: str, lines: Sequence[str]) -> None:
        super().__init__()
        self.sample_id = sample_id
        self.lines = lines

    @classmethod
    def open(cls, app: App[Any], view: SampleView | None) -> None:
        """Show the output of ``view`` (nothing while the sample is still loading)."""
        if view is not None:
            app.push_screen(cls(view.sample_id, view.output_lines))

    def compose(self) -> ComposeResult:
        view = LinesView(id="output")
        view.border_title = Text(
            f"Test output · {visible(self.sample_id)} · {len(self.lines)} lines"
        )
        yield view
        yield Footer()

    def on_mount(self) -> None:
        view = self.query_one(LinesView)
        view.set_lines(self.lines)
        view.focus()

    def action_close(self) -> None:
        self.dismiss(None)
