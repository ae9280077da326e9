"""The reviewer's own final label: category, subcategory and note pickers.

Contract: :class:`WriteFinalFlow` is a base of
:class:`~annotator.tui.screens.review.ReviewScreen`. ``action_write`` asks,
in modal screens, for a category (or "pass"), then a subcategory when the
category has more than one, then an optional note (Escape at any step writes
nothing), and hands the finished ``LabelValue`` to the screen's ``write_final``.
Every choice label is ``Text`` built through ``visible`` (literal).
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.screen import Screen

from ...models import FINAL, LabelValue
from ...store import Store
from ..render import visible
from .note import NoteScreen
from .picker import PickerScreen


class WriteFinalFlow(Screen[None]):
    store: Store
    current: str | None

    def write_final(self, sample_id: str, value: LabelValue) -> None:
        raise NotImplementedError

    def action_write(self) -> None:
        sid = self.current
        if sid is None:
            return
        taxonomy = self.store.taxonomy
        choices = [
            (Text.assemble((f"{c.id}. ", "bold"), visible(c.name), end=""), c.id)
            for c in taxonomy.categories
        ]
        choices.append((Text("pass: not a failure", style="green"), 0))
        title = f"Your final label for {visible(sid)}: category"
        self.app.push_screen(PickerScreen(title, choices), partial(self._write_category, sid))

    def _write_category(self, sid: str, category: int | None) -> None:
        if category is None:
            return
        if category == 0:
            self._ask_note(sid, LabelValue(kind="pass"))
            return
        cat = self.store.taxonomy.category(category)
        if len(cat.subcategories) == 1:
            self._ask_note(
                sid, LabelValue(category=category, subcategory=cat.subcategories[0].name)
            )
            return
        choices = [
            (Text.assemble(visible(s.name), (" [DL]" if s.dl_specific else "", "cyan")), s.name)
            for s in cat.subcategories
        ]

        def chosen(name: str | None) -> None:
            if name is not None:
                self._ask_note(sid, LabelValue(category=category, subcategory=name))

        title = f"Subcategory of {category}. {visible(cat.name)}"
        self.app.push_screen(PickerScreen(title, choices), chosen)

    def _ask_note(self, sid: str, value: LabelValue) -> None:
        final = self.store.label(sid, FINAL)
        current = final.note if final is not None else ""

        def noted(note: str | None) -> None:
            if note is not None:
                self.write_final(sid, value.model_copy(update={"note": note}))

        self.app.push_screen(NoteScreen(f"Note for the final label of {sid}", current), noted)
