"""One annotator's labeling sitting: how a label is built, written and undone.

Contract: the session holds only a :class:`~annotator.blind.BlindView`
of one annotator (labeling is blind: no other annotator's labels are
reachable from here; the review screen's view of the ``final`` labels is
:class:`annotator.review.FinalLabels`). Every write goes through
:meth:`LabelSession.save` (or :meth:`LabelSession.save_many`), which calls
``BlindView.set_label`` under the session's ``source`` (committed when it
returns) and pushes one undo entry holding, per touched sample, the
label-history id to go back to (``None``: the sample had no label).
:meth:`LabelSession.undo` restores one entry as a whole (a bulk cluster label
is one entry) in a single transaction. The ``*_value`` methods build the next
label from the current one (the labeling rules: an unchanged category keeps
its subcategory, a category with one subcategory gets it, a skip keeps note
and flag). The labeling screen, the review screen and any command that writes
labels share this one implementation. Nothing here imports Textual; the
screens call it on the UI thread because a single-row write takes about a
millisecond.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from . import models
from .blind import BlindView
from .migrate import TO_CONFIRM
from .taxonomy import Taxonomy

if TYPE_CHECKING:
    from .models import Label, LabelValue, Suggestion


@dataclass
class LabelSession:
    view: BlindView
    source: str = "ui"
    """Recorded on every label written (``<source>-cluster`` for a bulk label)."""
    undo_stack: list[list[tuple[str, int | None]]] = field(default_factory=list)
    started: float = field(default_factory=time.monotonic)
    touched: set[str] = field(default_factory=set)
    """Samples labeled in this sitting (for labels per hour)."""

    @property
    def annotator(self) -> str:
        return self.view.annotator

    @property
    def taxonomy(self) -> Taxonomy:
        return self.view.taxonomy

    # -- reads ---------------------------------------------------------------
    def label(self, sample_id: str) -> Label | None:
        return self.view.label(sample_id)

    def value(self, sample_id: str) -> LabelValue:
        """The current decision, or an empty one to build on."""
        label = self.label(sample_id)
        return label.value() if label is not None else models.LabelValue(kind="none")

    def progress(self) -> tuple[int, int]:
        """(decided, to decide): see :meth:`BlindView.progress`."""
        return self.view.progress()

    def current_round(self) -> tuple[str, int, int] | None:
        """(round name, decided, assigned): see :meth:`BlindView.current_round`."""
        return self.view.current_round()

    def per_hour(self) -> float:
        hours = max(time.monotonic() - self.started, 60.0) / 3600
        return len(self.touched) / hours

    # -- writes --------------------------------------------------------------
    def _before(self, sample_id: str) -> int | None:
        if self.view.label(sample_id) is None:
            return None
        return self.view.last_history_id(sample_id)

    def save(self, sample_id: str, value: LabelValue) -> Label:
        before = self._before(sample_id)
        label = self.view.set_label(sample_id, value, source=self.source)
        self.undo_stack.append([(sample_id, before)])
        self.touched.add(sample_id)
        return label

    def save_many(self, sample_ids: Sequence[str], value: LabelValue) -> int:
        """Label several samples in one transaction and one undo step."""
        entry = [(sid, self._before(sid)) for sid in sample_ids]
        with self.view.transaction():
            for sid in sample_ids:
                self.view.set_label(sid, value, source=f"{self.source}-cluster")
        self.undo_stack.append(entry)
        self.touched.update(sample_ids)
        return len(sample_ids)

    def undo(self) -> list[str]:
        """Undo the last action; returns the samples it changed (empty: nothing to undo)."""
        if not self.undo_stack:
            return []
        entry = self.undo_stack.pop()
        with self.view.transaction():
            for sid, history_id in reversed(entry):
                self.view.restore_label(sid, history_id)
        for sid, _ in entry:
            if self.label(sid) is None:
                self.touched.discard(sid)
        return [sid for sid, _ in entry]

    # -- decisions -----------------------------------------------------------
    def category_value(
        self,
        sample_id: str,
        category: int,
        subcategory: str | None,
        *,
        second: bool = False,
        shown: bool | None = None,
    ) -> LabelValue:
        """The current label with (second) category set; an unchanged category
        keeps its subcategory, a single-subcategory category gets it."""
        current = self.value(sample_id)
        cat = self.taxonomy.category(category)
        if subcategory is None and len(cat.subcategories) == 1:
            subcategory = cat.subcategories[0].name
        update: dict[str, object] = {"suggestions_shown": shown}
        if second:
            if subcategory is None and current.category2 == category:
                subcategory = current.subcategory2
            update |= {"category2": category, "subcategory2": subcategory}
            if current.kind != "bug":
                update["kind"] = "bug"
                if current.category is None:
                    update |= {"category": category, "subcategory": subcategory}
                    update |= {"category2": None, "subcategory2": None}
        else:
            if subcategory is None and current.category == category:
                subcategory = current.subcategory
            update |= {"kind": "bug", "category": category, "subcategory": subcategory}
            update["subcategory_inferred"] = False
        if current.flag == TO_CONFIRM:
            update["flag"] = None  # choosing the category again confirms it
        return current.model_copy(update=update)

    def subcategory_value(self, sample_id: str, subcategory: str, *, second: bool) -> LabelValue:
        key = "subcategory2" if second else "subcategory"
        return self.value(sample_id).model_copy(update={key: subcategory})

    def suggestion_value(self, sample_id: str, suggestion: Suggestion) -> LabelValue:
        return self.category_value(
            sample_id, suggestion.category, suggestion.subcategory, shown=True
        )

    def flag_value(self, sample_id: str) -> LabelValue:
        current = self.value(sample_id)
        return current.model_copy(update={"flag": None if current.flag else "flagged"})

    def pass_value(self, sample_id: str, *, shown: bool | None = None) -> LabelValue:
        """'Not a failure' (the sheet's ``pass``); keeps the note and the flag."""
        current = self.value(sample_id)
        return models.LabelValue(
            kind="pass", note=current.note, flag=current.flag, suggestions_shown=shown
        )

    def skip_value(self, sample_id: str) -> LabelValue:
        current = self.value(sample_id)
        return models.LabelValue(kind="skip", note=current.note, flag=current.flag)

    def note_value(self, sample_id: str, note: str) -> LabelValue:
        return self.value(sample_id).model_copy(update={"note": note})
