"""A one-line text prompt (the note of a reviewer's own final label).

Contract: :class:`NoteScreen` dismisses with the typed text when Enter is
pressed (empty text allowed) and with ``None`` on Escape, which cancels the
whole action that asked for it. The title and the prefilled value are shown
literally.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from ..render import visible


class NoteScreen(ModalScreen[str | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(self, title: str, value: str = "") -> None:
        super().__init__()
        self.title_text = title
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical(id="note-dialog", classes="dialog"):
            yield Static(Text(visible(self.title_text), style="bold"), id="note-title")
            yield Static(Text("Enter saves · Esc cancels", style="dim"))
            yield Input(value=visible(self.value), placeholder="note (optional)", id="note-input")

    def on_mount(self) -> None:
        self.query_one(Input).focus()

    @on(Input.Submitted)
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
