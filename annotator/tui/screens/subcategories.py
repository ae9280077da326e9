"""Confirming subcategories (from review): one label slot at a time, one key each.

Contract: :class:`SubcategoryScreen` walks
:meth:`~annotator.store.notes.NoteQueries.unconfirmed_subcategories` - the label slots of
every human annotator and ``final`` (review is not blind) whose subcategory
is missing, 'Unspecified' or inferred from the note. For the highlighted slot
it shows the sample, the annotator, the category with the subcategory as it
stands (marked inferred), the note, the codebook's definition of each of the
category's subcategories, numbered, and the generated code. A digit ``1``-``9``
gives the slot that subcategory through
:meth:`~annotator.store.notes.NoteQueries.confirm_subcategory` (history kept, the inferred
mark cleared; written before the screen says "saved"), marks the row done
and moves to the next one. ``n``/``p`` move, Escape closes. Every string from
the database is shown literally. A write refused (the label changed since it
was listed, a locked or read-only database) is said on screen and nothing
moves on.
"""

from __future__ import annotations

import sqlite3

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option

from ...errors import UserError
from ...store import Store
from ...store.notes import SubcategorySlot
from ..names import common_prefix, short_name
from ..render import visible
from ..widgets.lines_view import LinesView

NAME_WIDTH = 18
"""Cells of a row's sample name (the prefix all ids share left out, cut in the middle)."""


def slot_prompt(slot: SubcategorySlot, prefix: str = "", done: str | None = None) -> Text:
    """A row: done or open, sample, annotator, category and what stands."""
    mark = ("✓ ", "green") if done else ("● ", "yellow")
    state = done or (f"~{slot.subcategory}" if slot.inferred else "Unspecified")
    name = short_name(visible(slot.sample_id), NAME_WIDTH, visible(prefix))
    return Text.assemble(
        mark,
        name.ljust(NAME_WIDTH),
        " ",
        (short_name(visible(slot.annotator), 8), "bold"),
        f" {slot.category}{'²' if slot.second else ''} ",
        (visible(state), "dim"),
        no_wrap=True,
        overflow="ellipsis",
        end="",
    )


class SubcategoryScreen(Screen[None]):
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]
    BINDINGS = [
        *[Binding(str(n), f"pick({n})", show=False) for n in range(1, 10)],
        Binding("n", "next", "Next"),
        Binding("p", "previous", "Prev"),
        Binding("escape", "close", "Back"),
    ]

    def __init__(self, store: Store, annotator: str | None = None) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.slots: list[SubcategorySlot] = []
        self.prefix = ""
        self.done: dict[int, str] = {}
        """Index of a slot confirmed in this sitting -> the subcategory given."""
        self.title = "Confirm subcategories"

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="sub-body"):
            yield OptionList(id="sub-list")
            with Vertical(id="sub-work"):
                with VerticalScroll(id="sub-info-box"):
                    yield Static(id="sub-label")
                    yield Static(id="sub-defs")
                yield LinesView(id="sub-code")
        yield Footer()

    def on_mount(self) -> None:
        self.query_one("#sub-list").border_title = "Unspecified or inferred"
        self.query_one("#sub-code", LinesView).border_title = "Generated"
        self.slots = self.store.unconfirmed_subcategories(self.annotator)
        self.prefix = common_prefix(slot.sample_id for slot in self.slots)
        options = self.query_one(OptionList)
        options.add_options([Option(slot_prompt(slot, self.prefix)) for slot in self.slots])
        self._count()
        if self.slots:
            options.highlighted = 0
        else:
            self.query_one("#sub-label", Static).update(
                Text("every subcategory is confirmed", style="green")
            )
        options.focus()

    def _count(self) -> None:
        left = len(self.slots) - len(self.done)
        self.sub_title = f"{left} to confirm of {len(self.slots)} · digit: the subcategory"

    @property
    def index(self) -> int | None:
        return self.query_one(OptionList).highlighted

    @on(OptionList.OptionHighlighted, "#sub-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show(event.option_index)

    def show(self, index: int) -> None:
        slot = self.slots[index]
        taxonomy = self.store.taxonomy
        cat = taxonomy.category(slot.category) if taxonomy.has(slot.category) else None
        head = Text.assemble(
            (visible(slot.sample_id), "bold"),
            " · ",
            (visible(slot.annotator), "bold cyan"),
            f" · {'second category' if slot.second else 'category'} {slot.category}",
            f". {visible(cat.name)}" if cat is not None else "",
            end="",
        )
        head.append("\nnow: ")
        if index in self.done:
            head.append(f"{visible(self.done[index])} (confirmed)", "green")
        elif slot.inferred:
            head.append(f"{visible(slot.subcategory or '')} (inferred from the note)", "yellow")
        else:
            head.append("Unspecified", "yellow")
        head.append("\nnote: ")
        head.append(visible(slot.note) or "(none)", "italic")
        self.query_one("#sub-label", Static).update(head)
        defs = Text(end="")
        for n, sub in enumerate(cat.subcategories if cat is not None else [], start=1):
            defs.append(f"\n{n} ", "bold cyan")
            defs.append(visible(sub.name), "bold")
            defs.append(" [DL]" if sub.dl_specific else "", "cyan")
            if sub.definition:
                defs.append(f"\n  {visible(sub.definition)}", "dim")
        self.query_one("#sub-defs", Static).update(defs)
        sample = self.store.sample(slot.sample_id)
        code = sample.generated_code if sample is not None else ""
        self.query_one("#sub-code", LinesView).set_lines(
            [Text(visible(line)) for line in code.splitlines()]
        )

    def action_pick(self, n: int) -> None:
        index = self.index
        if index is None or index in self.done:
            if index is not None:
                self.notify("already confirmed in this sitting", severity="warning")
            return
        slot = self.slots[index]
        taxonomy = self.store.taxonomy
        subs = taxonomy.category(slot.category).subcategories if taxonomy.has(slot.category) else ()
        if not 1 <= n <= len(subs):
            self.notify(f"category {slot.category} has no subcategory {n}", severity="warning")
            return
        name = subs[n - 1].name
        try:
            self.store.confirm_subcategory(slot, name)
        except (UserError, sqlite3.Error) as exc:
            self.notify(f"not saved: {exc}", severity="error")
            return
        self.done[index] = name
        options = self.query_one(OptionList)
        options.replace_option_prompt_at_index(index, slot_prompt(slot, self.prefix, name))
        self._count()
        self.notify(f"{visible(slot.sample_id)} · {visible(slot.annotator)}: {name} (saved)")
        following = next((i for i in range(index + 1, len(self.slots)) if i not in self.done), None)
        if following is not None:
            options.highlighted = following
        else:
            self.show(index)

    def action_next(self) -> None:
        self.query_one(OptionList).action_cursor_down()

    def action_previous(self) -> None:
        self.query_one(OptionList).action_cursor_up()

    def action_close(self) -> None:
        self.dismiss(None)
