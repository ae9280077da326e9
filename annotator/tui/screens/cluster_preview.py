"""Preview of a bulk cluster label: which samples it will touch.

Contract: :class:`ClusterPreview` lists the sample ids and the label to apply,
says how often the members the annotator already labeled have that category,
and dismisses with True (confirm: Enter, ``y`` or the button) or False
(cancel: Escape, ``n``). It writes nothing itself.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, OptionList, Static
from textual.widgets.option_list import Option

from ..render import visible


class ClusterPreview(ModalScreen[bool]):
    BINDINGS = [
        Binding("escape", "answer(False)", "Cancel"),
        Binding("n", "answer(False)", "Cancel", show=False),
        Binding("y", "answer(True)", "Confirm"),
        Binding("enter", "answer(True)", "Confirm", show=False),
    ]

    def __init__(
        self,
        signature: str,
        label: str,
        sample_ids: Sequence[str],
        kept: int,
        agreement: tuple[int, int] = (0, 0),
    ) -> None:
        super().__init__()
        self.signature = signature
        self.label = label
        self.sample_ids = list(sample_ids)
        self.kept = kept
        self.agreement = agreement
        """(members you labeled with this category, members you labeled with a bug)."""

    def compose(self) -> ComposeResult:
        head = Text(end="")
        count = len(self.sample_ids)
        head.append(f"Label {count} sample{'' if count == 1 else 's'} as ", style="bold")
        head.append(visible(self.label), style="bold green")
        head.append("\nfailure: ")
        head.append(visible(self.signature) or "(no error)", style="red")
        if self.kept:
            head.append(f"\n{self.kept} samples you already labeled are left as they are", "dim")
        agreed, labeled = self.agreement
        if labeled:
            # Identical failures do not always share a cause: say how often they did.
            head.append(
                f"\nof the {labeled} members you labeled as bugs, {agreed}"
                f" ({agreed / labeled:.0%}) have this category",
                "yellow" if agreed < labeled else "dim",
            )
        else:
            head.append("\nno other member is labeled yet: nothing says they share a cause", "dim")
        with Vertical(id="cluster-preview", classes="dialog"):
            yield Static(head)
            yield OptionList(*(Option(Text(visible(i))) for i in self.sample_ids), id="cluster-ids")
            with Horizontal(id="cluster-buttons"):
                yield Button("Label all (y)", id="confirm", variant="primary", compact=True)
                yield Button("Cancel (n)", id="cancel", compact=True)

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        self.dismiss(event.button.id == "confirm")
