"""Ranked suggestions with their scores and evidence.

Contract: :class:`SuggestionList` displays what it is given
(:meth:`show_loading`, :meth:`show_hidden`, :meth:`show_suggestions`); it does
no computation. Evidence strings come from sample text and are rendered
literally.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.widgets import Static

from ...models import Suggestion
from ...taxonomy import Taxonomy
from ..render import visible


class SuggestionList(Static):
    """Suggestions for the shown sample, best first."""

    def __init__(self, taxonomy: Taxonomy, **kwargs: object) -> None:
        super().__init__(markup=False, **kwargs)  # type: ignore[arg-type]
        self.taxonomy = taxonomy
        self.suggestions: list[Suggestion] = []

    def show_loading(self) -> None:
        self.suggestions = []
        self.update(Text("computing suggestions…", style="dim italic"))

    def show_hidden(self) -> None:
        self.suggestions = []
        self.update(Text("suggestions hidden for this sample (blind share)", style="dim italic"))

    def show_error(self, message: str) -> None:
        self.suggestions = []
        self.update(Text(f"suggestions failed: {visible(message)}", style="red"))

    def show_suggestions(self, suggestions: Sequence[Suggestion]) -> None:
        self.suggestions = list(suggestions)
        if not suggestions:
            self.update(Text("no suggestion", style="dim italic"))
            return
        text = Text(end="")
        for rank, s in enumerate(suggestions, start=1):
            if rank > 1:
                text.append("\n")
            name = self.taxonomy.by_id[s.category].name if self.taxonomy.has(s.category) else "?"
            text.append(f"{s.score:4.2f} ", style="bold cyan" if rank == 1 else "cyan")
            text.append(f"{s.category}. {visible(name)}", style="bold" if rank == 1 else "")
            if s.subcategory:
                text.append(f" › {visible(s.subcategory)}", style="dim")
            for evidence in s.evidence[:3]:
                text.append(f"\n     {visible(evidence)[:300]}", style="italic dim")
        self.update(text)
