"""The label panel: the current decision, the note field, flag and skip.

Contract: :class:`LabelPanel` shows one sample's label (own label only: blind
labeling) as set by :meth:`LabelPanel.show_label`, and posts
:class:`LabelPanel.NoteChanged` when the note is submitted (Enter) or the field
is left (Escape, blur). Buttons run the screen's actions, so mouse and keys do
the same thing. All sample text is rendered through ``rich.text.Text``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Button, Input, Static

from ...models import KINDS, PASS_KIND, SKIP_KIND
from ...taxonomy import Taxonomy
from ..digits import scheme
from ..render import visible

if TYPE_CHECKING:
    from ...models import Label


class LabelPanel(Vertical):
    """Current label of the shown sample."""

    @dataclass
    class NoteChanged(Message):
        sample_id: str
        note: str

    def __init__(self, taxonomy: Taxonomy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taxonomy = taxonomy
        self.digits = scheme(c.id for c in taxonomy.categories)
        self.sample_id: str | None = None
        self._note = ""
        self._shown: Text | None = None

    def compose(self) -> ComposeResult:
        yield Static(id="label-summary", markup=False)
        yield Input(placeholder="note (e) · Enter saves · Esc leaves", id="note", compact=True)
        with Horizontal(id="label-buttons"):
            yield Button("Flag f", id="flag", compact=True, action="screen.flag")
            yield Button("Skip s", id="skip", compact=True, action="screen.skip")
            yield Button("Sub v", id="sub", compact=True, action="screen.pick_subcategory")
            yield Button("Undo u", id="undo", compact=True, action="screen.undo")

    def show_label(self, sample_id: str, label: Label | None, status: str = "") -> None:
        """Display ``label`` (None: unlabeled); ``status`` e.g. 'saved 12:01:02'."""
        if sample_id != self.sample_id:
            self.sample_id = sample_id
            # Shown with control characters visible (an escape in a note must not
            # reach the terminal); unless edited, the stored note is kept.
            self._note = visible(label.note) if label else ""
            note = self.query_one("#note", Input)
            with note.prevent(Input.Changed):
                note.value = self._note
        elif label is not None:
            self._note = visible(label.note)
        summary = self._summary(label, status)
        # Updating asks for a layout pass (its height may change): skip it
        # when moving between samples whose summaries read the same.
        if summary != self._shown:
            self._shown = summary
            self.query_one("#label-summary", Static).update(summary)

    def _summary(self, label: Label | None, status: str) -> Text:
        text = Text(no_wrap=False, end="")
        if label is None:
            text.append("unlabeled", style="dim italic")
            text.append(f" · category {self.digits} · o pass", style="dim")
        elif label.kind == SKIP_KIND:
            text.append(KINDS[SKIP_KIND].shown, style="blue bold")
        elif label.kind == PASS_KIND:
            text.append(KINDS[PASS_KIND].shown, style="green")
        elif KINDS[label.kind].names_category and label.category is not None:
            text.append_text(self._category_line(label.category, label.subcategory))
            if label.category2 is not None:
                text.append("\n+ ")
                text.append_text(self._category_line(label.category2, label.subcategory2))
        else:
            text.append(KINDS[label.kind].shown or "no category", style="dim")
        if label is not None and label.flag:
            text.append(f"\n⚑ {visible(label.flag)}", style="yellow bold")
        if status:
            text.append(f"\n{status}", style="green")
        return text

    def _category_line(self, category: int, subcategory: str | None) -> Text:
        name = self.taxonomy.by_id[category].name if self.taxonomy.has(category) else "?"
        line = Text.assemble((f"{category}. ", "bold"), (visible(name), "bold"), end="")
        if subcategory:
            dl = self.taxonomy.is_dl(category, subcategory)
            line.append(f"\n  › {visible(subcategory)}")
            line.append(" [DL]" if dl else " [not DL]", style="cyan" if dl else "dim")
        else:
            line.append("\n  › subcategory? (v)", style="yellow")
        return line

    def focus_note(self) -> None:
        self.query_one("#note", Input).focus()

    @property
    def note_has_focus(self) -> bool:
        return self.query_one("#note", Input).has_focus

    def _commit_note(self) -> None:
        value = self.query_one("#note", Input).value
        if self.sample_id is not None and value != self._note:
            self._note = value
            self.post_message(self.NoteChanged(self.sample_id, value))

    @on(Input.Submitted, "#note")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._commit_note()

    @on(Input.Blurred, "#note")
    def _blurred(self, event: Input.Blurred) -> None:
        self._commit_note()
