"""A small modal that picks one of a few choices (subcategories, categories).

Contract: :class:`PickerScreen` dismisses with the chosen value, or ``None``
when cancelled (Escape). Digits 1-9 pick the n-th choice; Enter or a click
picks the highlighted one. Choice labels are ``Text`` (shown literally).
With ``details`` (one text per choice, e.g. the codebook definition of a
subcategory), the text of the highlighted choice is shown below the list.
:func:`subcategory_picker` is the one picker of a category's subcategories
(labeling and review).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Generic, TypeVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...taxonomy import Category
from ..render import visible

T = TypeVar("T")


class PickerScreen(ModalScreen[T | None], Generic[T]):
    BINDINGS = [
        Binding("escape", "cancel", "Cancel"),
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)],
    ]

    def __init__(
        self,
        title: str,
        choices: Sequence[tuple[Text, T]],
        details: Sequence[str] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.choices = list(choices)
        self.details = list(details) if details is not None else None

    def compose(self) -> ComposeResult:
        with Vertical(id="picker", classes="dialog"):
            yield Static(Text(self.title_text, style="bold"), id="picker-title")
            options = []
            for n, (label, _) in enumerate(self.choices, start=1):
                prefix = Text(f"{n}  " if n < 10 else "   ", style="bold")
                options.append(Option(Text.assemble(prefix, label, end="")))
            yield OptionList(*options, id="picker-options")
            if self.details is not None:
                yield Static(id="picker-detail")

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    @on(OptionList.OptionHighlighted)
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        if self.details is None:
            return
        index = event.option_index
        text = self.details[index] if 0 <= index < len(self.details) else ""
        # Literal: a Text is never parsed for markup (callers pass visible() text).
        self.query_one("#picker-detail", Static).update(Text(text))

    def action_pick(self, n: int) -> None:
        if 1 <= n <= len(self.choices):
            self.dismiss(self.choices[n - 1][1])

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(self.choices[event.option_index][1])


def subcategory_picker(category: Category, definitions: bool = False) -> PickerScreen[str]:
    """Pick one of ``category``'s subcategories (``[DL]`` marks the DL-specific ones);
    with ``definitions``, the codebook definition of the highlighted one is shown."""
    choices = [
        (Text.assemble(visible(s.name), (" [DL]" if s.dl_specific else "", "cyan")), s.name)
        for s in category.subcategories
    ]
    details = [visible(s.definition) for s in category.subcategories] if definitions else None
    return PickerScreen(f"Subcategory of {category.id}. {visible(category.name)}", choices, details)
