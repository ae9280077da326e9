"""The help screen: every key binding of the labeling screen and the app.

Contract: :class:`HelpScreen` lists the bindings it is given (so it never
drifts from the real ``BINDINGS``) and closes on Escape, ``?`` or ``q``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

LABEL_KEYS = {
    "o": "pass: ok, not a failure (recorded like a category; u undoes)",
    "a": "accept the top suggestion, then go to the next sample",
    "f": "flag / unflag the sample (keeps its category)",
    "s": "skip the sample, then go to the next one",
    "slash": "filter the queue (status, model, stage, data type, task, category, cluster)",
    "t": "the full test output",
    "c": "label the current sample's failure cluster like it (preview first)",
    "b": "codebook: definition, decision rules and your labeled examples of the category",
    "v": "pick the subcategory (its definition is shown under the list)",
    "u": "undo the last label action (a cluster label is one step)",
    "q": "quit (every label is already saved)",
}
"""What the labeling keys do, where a binding's short description says too little."""
_KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc"}


def label_key_rows(bindings: Iterable[BindingType], digits: str = "1-9") -> list[tuple[str, str]]:
    """Help rows for the labeling screen's (and the app's) bindings; ``digits``
    names the category-key scheme (:func:`annotator.tui.digits.scheme`)."""
    rows = [("digits", f"category {digits} (then a subcategory picker if needed)")]
    for b in bindings:
        if isinstance(b, Binding) and not b.key.isdigit():
            text = LABEL_KEYS.get(b.key, b.description or b.action)
            rows.append((_KEY_NAMES.get(b.key, b.key), text))
    return rows


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
