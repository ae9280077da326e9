"""The help screen: every key binding of the labeling screen and the app.

Contract: :class:`HelpScreen` lists the bindings it is given (so it never
drifts from the real ``BINDINGS``) and closes on Escape, ``?`` or ``q``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from rich.table import Table
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from ...models import KINDS

LABEL_KEYS = {
    "pass": KINDS["pass"].help,
    "accept": "accept the top suggestion, then go to the next sample",
    "flag": "flag / unflag the sample (keeps its category)",
    "skip": KINDS["skip"].help,
    "search": "search code, test output, prompt and your notes; filter the queue (status,"
    " model, stage, data type, task, category, cluster)",
    "output": "the full test output",
    "cluster": "label the current sample's failure cluster like it (preview first)",
    "codebook": "codebook: definition, decision rules and your labeled examples of the category",
    "subcategory": "pick the subcategory (its definition is shown under the list)",
    "undo": "undo the last label action (a cluster label is one step)",
    "quit": "quit (every label is already saved)",
    "view_generated": "generated code (left pane from 160 columns on)",
    "view_reference": "reference code",
    "view_diff": "diff of the generated code against the reference",
    "view_prompt": "the prompt",
}
"""What the labeling keys do (by binding id or action), where a binding's
short description says too little."""
_KEY_NAMES = {"slash": "/", "question_mark": "?", "escape": "Esc"}


def key_rows(screen: Screen[Any], texts: dict[str, str]) -> list[tuple[str, str]]:
    """One row per action of ``screen`` (and the app) with the keys in force
    (after the keymap file), digits left out (the caller describes them)."""
    keys: dict[str, list[str]] = {}
    described: dict[str, str] = {}
    for key, active in screen.active_bindings.items():
        binding: Binding = active.binding
        if key.isdigit() or binding.system or active.node not in (screen, screen.app):
            continue  # digits: the caller; widgets' own keys: obvious
        name = binding.id or binding.action
        keys.setdefault(name, []).append(_KEY_NAMES.get(key, key))
        described[name] = texts.get(name, binding.description or binding.action)
    return [(" / ".join(keys[name]), described[name]) for name in keys]


def label_key_rows(screen: Screen[Any], digits: str = "1-9") -> list[tuple[str, str]]:
    """Help rows for the labeling screen's (and the app's) bindings in force;
    ``digits`` names the category-key scheme (:func:`annotator.tui.digits.scheme`)."""
    rows = [("digits", f"category {digits} (then a subcategory picker if needed)")]
    return rows + key_rows(screen, LABEL_KEYS)


class HelpScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("question_mark", "close", "Close"),
        Binding("q", "close", "Close"),
    ]

    def __init__(self, rows: Sequence[tuple[str, str]]) -> None:
        super().__init__()
        self.rows = [row for row in rows if "ctrl+p" not in row[0].split(" / ")]
        """Every row shown: the given ones, then the command palette and the mouse."""
        self.rows.append(("ctrl+p", "command palette: fuzzy search over all categories"))
        self.rows.append(("mouse", "click list rows, tabs and buttons"))

    def compose(self) -> ComposeResult:
        table = Table(title="Keys", box=None, show_header=False, pad_edge=False)
        table.add_column(style="bold cyan", no_wrap=True)
        table.add_column()
        for key, description in self.rows:
            table.add_row(key, description)
        with VerticalScroll(id="help", classes="dialog"):
            yield Static(table)

    def action_close(self) -> None:
        self.dismiss(None)
