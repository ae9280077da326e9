"""Suggestions with their confidence and evidence.

Contract: :class:`SuggestionList` displays what it is given
(:meth:`show_loading`, :meth:`show_hidden`, :meth:`show_suggestions`); it does
no computation. A decisive top suggestion is shown as the answer; otherwise
the top three are shown as equal candidates in category order, each with its
confidence (none, and the header says so, when there are too few labels for
one) and evidence, after a note when the engine gives one. Evidence strings come from sample text and are
rendered literally.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from rich.text import Text
from textual.widgets import Static

from ...suggest import NO_SIGNAL
from ...taxonomy import Taxonomy
from ..render import visible

if TYPE_CHECKING:
    from ...models import Suggestion


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

    def show_suggestions(self, suggestions: Sequence[Suggestion], note: str = "") -> None:
        """``note``: what to say first (the taxonomy has no shipped rule table)."""
        self.suggestions = list(suggestions)
        if not suggestions:
            self.update(Text(visible(note) if note else NO_SIGNAL, style="dim italic"))
            return
        text = Text(end="")
        if note:
            text.append(visible(note) + "\n", style="dim italic")
        top = suggestions[0]
        if top.decisive:
            # A decisive trigger fired: one answer, said as such.
            text.append("decisive ", style="bold green")
            self._line(text, top, "bold")
            rest = list(suggestions[1:3])
            if rest:
                text.append("\nalso: " + ", ".join(str(s.category) for s in rest), style="dim")
        else:
            # No decisive signal: the candidates as equals (category order, one
            # style), so that the first is not read as the answer.
            if top.confidence is None:
                text.append("candidates, too few labels for a confidence", style="dim")
            else:
                text.append("candidates, none decisive", style="dim")
            text.append(" (a: the likeliest, ", style="dim")
            text.append(f"{top.category}", style="dim bold")
            text.append(")", style="dim")
            for s in sorted(suggestions[:3], key=lambda s: s.category):
                text.append("\n")
                self._line(text, s, "")
        self.update(text)

    def _line(self, text: Text, s: Suggestion, style: str) -> None:
        name = self.taxonomy.by_id[s.category].name if self.taxonomy.has(s.category) else "?"
        # No confidence (too few labels): no percentage, rather than the raw score.
        text.append(f"{s.confidence:4.0%} " if s.confidence is not None else "   – ", style="cyan")
        text.append(f"{s.category}. {visible(name)}", style=style)
        if s.subcategory:
            text.append(f" › {visible(s.subcategory)}", style="dim")
        for evidence in s.evidence[:3]:
            text.append(f"\n     {visible(evidence)[:300]}", style="italic dim")
