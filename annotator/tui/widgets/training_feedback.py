"""The feedback of a training answer: right or wrong, the reference and its codebook entry.

Contract: :class:`TrainingFeedback` shows one training item's state as set by
:meth:`TrainingFeedback.show`: before an answer, how to answer (and nothing of the
reference); after it, in this order so that the essential lines come first at 80x24: the
verdict with the annotator's own answer, the reference label, its codebook definition (the
category's, then the subcategory's) and the category's decision rules (``when → label``, as
the codebook prints them, :mod:`annotator.export.codebook`). It scrolls when the rules do not
fit. All taxonomy and data text goes through ``rich.text.Text`` (never markup) with control
characters made visible.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import VerticalScroll
from textual.widgets import Static

from ...store.training import Feedback
from ...taxonomy import Taxonomy
from ..digits import scheme
from ..render import visible


def _label(taxonomy: Taxonomy, kind: str, category: int | None, sub: str | None) -> str:
    if kind == "pass":
        return "pass (not a failure)"
    return taxonomy.label_text(category, sub)


def feedback_text(taxonomy: Taxonomy, feedback: Feedback) -> Text:
    """The feedback as text (see the module docstring)."""
    text = Text()
    own = _label(taxonomy, feedback.kind, feedback.category, feedback.subcategory)
    if feedback.correct:
        text.append("✓ right", style="bold green")
    else:
        text.append("✗ wrong", style="bold red")
    text.append(" · your answer: ")
    text.append(visible(own), style="bold")
    text.append("\nReference: ")
    ref = _label(
        taxonomy,
        feedback.reference_kind,
        feedback.reference_category,
        feedback.reference_subcategory,
    )
    text.append(visible(ref), style="bold")
    category = feedback.reference_category
    if feedback.reference_kind != "bug" or category is None or not taxonomy.has(category):
        text.append("\nThe tests' failure is not a bug of the generated code.", style="dim")
        return text
    cat = taxonomy.category(category)
    if cat.meaning:
        text.append("\nDefinition: ", style="italic")
        text.append(visible(cat.meaning))
    sub = cat.subcategory(feedback.reference_subcategory or "")
    if sub is not None and sub.definition:
        text.append(f"\n{visible(sub.name)}: ", style="italic")
        text.append(visible(sub.definition))
    if cat.decision:
        text.append("\nDecision rules:", style="italic")
        for rule in cat.decision:
            text.append(f"\n • {visible(rule.when)} → ")
            text.append(visible(taxonomy.label_text(rule.then, rule.subcategory)))
    return text


class TrainingFeedback(VerticalScroll):
    """The shown training item's feedback (or, before the answer, how to answer)."""

    def __init__(self, taxonomy: Taxonomy, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.taxonomy = taxonomy
        self.digits = scheme(c.id for c in taxonomy.categories)
        self.feedback: Feedback | None = None

    def compose(self) -> Any:
        yield Static(id="feedback-text", markup=False)

    def show(self, feedback: Feedback | None) -> None:
        """Show ``feedback`` (None: the item is not answered yet)."""
        self.feedback = feedback
        if feedback is None:
            text = Text.assemble(
                ("Your answer: ", "bold"),
                f"a category ({self.digits}) or o (pass: not a failure).\n",
                ("The reference label is shown after your answer; the first answer counts.", "dim"),
            )
        else:
            text = feedback_text(self.taxonomy, feedback)
        self.pending(None)
        self.query_one("#feedback-text", Static).update(text)
        self.scroll_home(animate=False)

    def pending(self, digit: str | None) -> None:
        """The title, with a first digit waiting for a second one (None: none waits)."""
        title = "Training"
        if self.feedback is not None:
            title += " · right" if self.feedback.correct else " · wrong"
        self.border_title = f"{title} · {digit}" if digit else title
