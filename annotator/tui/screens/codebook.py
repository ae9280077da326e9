"""The codebook screen: what a category means, while the choice is made.

Contract: :class:`CodebookScreen` shows one category of the store's taxonomy
with its definition, decision rules, hand-written examples and subcategories
(with their definitions), and up to five samples of this database labeled
with it that the viewer may see: :meth:`~annotator.store.codebook.CodebookQueries.codebook_examples`
decides which (the viewer's own labels when ``blind``, final labels
otherwise). PageUp / PageDown scroll the text; ``left`` / ``right`` move to the previous / next category; Enter
on an example posts :class:`~annotator.tui.messages.JumpToSample` (the app
shows that sample) and closes; Escape, ``b`` or ``q`` close. All taxonomy and
label text is shown literally. :func:`own_codebook` is the one opened while
labeling (blind: at the annotator's own label, examples of their own labels).
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical, VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...blind import BlindView
from ...labeling import LabelSession
from ...models import Label, Suggestion
from ...store import CategoryExample, Store
from ...taxonomy import Category, Taxonomy
from ..messages import JumpToSample
from ..render import visible

EXAMPLES = 5


def codebook_category(label: Label | None, suggestions: list[Suggestion] | None) -> int:
    """The category to open: the label's, else the top shown suggestion's, else 1."""
    if label is not None and label.kind == "bug" and label.category is not None:
        return label.category
    if suggestions:
        return suggestions[0].category
    return 1


def category_text(taxonomy: Taxonomy, cat: Category) -> Text:
    """Definition, decision rules, examples and subcategories as Rich text."""
    parts: list[Text] = [Text(visible(cat.meaning) or "(no definition)")]
    if cat.decision:
        parts.append(Text("\nDecision rules", style="bold"))
        for rule in cat.decision:
            target = taxonomy.label_text(rule.then, rule.subcategory)
            style = "bold" if rule.then == cat.id else ""
            parts.append(Text.assemble("  • ", visible(rule.when), " → ", (visible(target), style)))
    if cat.examples:
        parts.append(Text("\nExamples", style="bold"))
        parts += [Text.assemble("  • ", visible(example)) for example in cat.examples]
    parts.append(Text("\nSubcategories", style="bold"))
    for sub in cat.subcategories:
        dl = (" [DL]", "cyan") if sub.dl_specific else ""
        definition = f": {visible(sub.definition)}" if sub.definition else ""
        parts.append(Text.assemble("  • ", (visible(sub.name), "italic"), dl, definition))
    return Text("\n").join(parts)


def example_option(example: CategoryExample) -> Option:
    sub = f" / {visible(example.subcategory)}" if example.subcategory else ""
    note = f" - {visible(example.note)}" if example.note else ""
    return Option(Text.assemble((visible(example.sample_id), "bold"), sub, (note, "dim")))


class CodebookScreen(ModalScreen[None]):
    BINDINGS = [
        Binding("escape", "close", "Close"),
        Binding("b", "close", "Close"),
        Binding("q", "close", "Close"),
        Binding("left", "move(-1)", "Previous category"),
        Binding("right", "move(1)", "Next category"),
        Binding("pagedown", "scroll_body(1)", "Scroll down", show=False),
        Binding("pageup", "scroll_body(-1)", "Scroll up", show=False),
    ]

    def __init__(
        self,
        store: Store | BlindView,
        viewer: str,
        category: int,
        *,
        blind: bool,
        current: str | None = None,
    ) -> None:
        super().__init__()
        self.store = store
        self.viewer = viewer
        self.blind = blind
        self.current = current
        """The sample being labeled: not offered as its own example."""
        ids = [c.id for c in store.taxonomy.categories]
        self.index = ids.index(category) if category in ids else 0
        self.examples: list[CategoryExample] = []

    @property
    def category(self) -> Category:
        return self.store.taxonomy.categories[self.index]

    def compose(self) -> ComposeResult:
        with Vertical(id="codebook", classes="dialog"):
            yield Static(id="codebook-title")
            with VerticalScroll(id="codebook-body"):
                yield Static(id="codebook-text")
            yield Static(id="codebook-examples-title")
            yield OptionList(id="codebook-examples")
            yield Static(
                Text(
                    "←/→ other category · PgUp/PgDn scroll · Enter open example · Esc close",
                    style="dim",
                ),
                id="codebook-keys",
            )

    def on_mount(self) -> None:
        self.paint()
        self.query_one(OptionList).focus()

    def paint(self) -> None:
        cat = self.category
        taxonomy = self.store.taxonomy
        title = f"Codebook · {cat.id}. {visible(cat.name)}"
        self.query_one("#codebook-title", Static).update(Text(title, style="bold"))
        self.query_one("#codebook-text", Static).update(category_text(taxonomy, cat))
        if isinstance(self.store, BlindView):  # labeling: own labels only
            self.examples = self.store.category_examples(
                cat.id, limit=EXAMPLES, exclude=self.current
            )
        else:
            self.examples = self.store.codebook_examples(
                cat.id,
                self.viewer,
                blind=self.blind,
                limit=EXAMPLES,
                exclude=self.current,
            )
        whose = "your labels" if self.blind else "final labels"
        heading = f"Labeled in this database ({whose}): {len(self.examples)}"
        if not self.examples:
            heading += " - none yet"
        self.query_one("#codebook-examples-title", Static).update(Text(heading, style="bold"))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([example_option(e) for e in self.examples])
        if self.examples:
            options.highlighted = 0

    def action_move(self, step: int) -> None:
        self.index = (self.index + step) % len(self.store.taxonomy.categories)
        self.paint()

    def action_scroll_body(self, direction: int) -> None:
        body = self.query_one("#codebook-body", VerticalScroll)
        if direction > 0:
            body.scroll_page_down()
        else:
            body.scroll_page_up()

    def action_close(self) -> None:
        self.dismiss(None)

    @on(OptionList.OptionSelected)
    def _open(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        sample_id = self.examples[event.option_index].sample_id
        self.dismiss(None)
        self.app.post_message(JumpToSample(sample_id))


def own_codebook(
    session: LabelSession, current: str | None, shown: list[Suggestion] | None
) -> CodebookScreen:
    """The codebook for labeling ``current``: at its label's category, else at the top
    suggestion ``shown``; blind, so the examples are the annotator's own labels."""
    label = session.label(current) if current else None
    category = codebook_category(label, shown)
    return CodebookScreen(session.view, session.annotator, category, blind=True, current=current)
