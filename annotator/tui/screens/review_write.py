"""The reviewer's own final label: category, subcategory and note pickers.

Contract: :class:`FinalLabelDialog` asks, in modal screens pushed on the
owner's app, for a category (or "pass"), then a subcategory when the category
has more than one (:func:`~.picker.subcategory_picker`), then an optional
note, prefilled with the sample's current final note - the title then says
so and where that final label came from (``final_origin``: imported, or
adopted / written by whom) - (Escape at any step writes nothing), and hands the finished ``LabelValue`` to ``write_final``.
Every choice label is ``Text`` built through ``visible`` (literal). It writes
nothing itself: the review screen's ``write_final`` does, through its write
queue. :class:`NegotiateDialog` asks the same for the reviewer's own label
(a negotiated change, :mod:`annotator.rounds`), then a reason instead of a note.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any

from rich.text import Text
from textual.screen import Screen

from ...models import FINAL, LabelValue
from ...store import Store
from ..render import visible
from .note import NoteScreen
from .picker import PickerScreen, subcategory_picker
from .review_data import final_origin


class FinalLabelDialog:
    """``e`` of the review screen: build a final label from the reviewer's choices."""

    TITLE = "Your final label for {sid}: category"

    def __init__(
        self, owner: Screen[Any], store: Store, write_final: Callable[[str, LabelValue], None]
    ) -> None:
        self.owner = owner
        self.store = store
        self.write_final = write_final

    def start(self, sid: str) -> None:
        """Ask for the final label of ``sid``."""
        choices = [
            (Text.assemble((f"{c.id}. ", "bold"), visible(c.name), end=""), c.id)
            for c in self.store.taxonomy.categories
        ]
        choices.append((Text("pass: not a failure", style="green"), 0))
        title = self.TITLE.format(sid=visible(sid))
        self.owner.app.push_screen(PickerScreen(title, choices), partial(self._category, sid))

    def _category(self, sid: str, category: int | None) -> None:
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

        def chosen(name: str | None) -> None:
            if name is not None:
                self._ask_note(sid, LabelValue(category=category, subcategory=name))

        self.owner.app.push_screen(subcategory_picker(cat), chosen)

    def _ask_note(self, sid: str, value: LabelValue) -> None:
        final = self.store.label(sid, FINAL)
        current = final.note if final is not None else ""
        title = f"Note for the final label of {sid}"
        if final is not None and current:
            title += f"\nprefilled: the note of the current final label, {final_origin(final)}"

        def noted(note: str | None) -> None:
            if note is not None:
                self.write_final(sid, value.model_copy(update={"note": note}))

        screen = NoteScreen(title, current)
        self.owner.app.push_screen(screen, noted)


class NegotiateDialog(FinalLabelDialog):
    """``m`` of the review screen, for a reviewer who rated the sample: their *own*
    label changed after seeing the others' (a negotiated change), then an optional
    reason; hands (sample, label, reason) to ``negotiate``. Writes nothing itself."""

    TITLE = "Change your own label of {sid} (negotiated): category"

    def __init__(
        self,
        owner: Screen[Any],
        store: Store,
        negotiate: Callable[[str, LabelValue, str], None],
    ) -> None:
        super().__init__(owner, store, lambda sid, value: None)
        self.negotiate = negotiate

    def _ask_note(self, sid: str, value: LabelValue) -> None:
        def reasoned(reason: str | None) -> None:
            if reason is not None:
                self.negotiate(sid, value, reason)

        title = f"Why does your label of {sid} change? (optional; Enter saves)"
        self.owner.app.push_screen(NoteScreen(title, ""), reasoned)
