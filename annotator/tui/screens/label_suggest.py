"""The suggestions of the labeling screen: computed in the background, never stale.

Contract: :class:`Suggestions` keeps the suggestions computed for the
samples around the shown one, for one *label version*: every label written or
undone in this sitting (:meth:`Suggestions.labels_changed`) may rank them
differently, so it empties the cache and makes results still on their way
stale (they carry the version they were computed for and are asked for again
when their sample is on screen). For a stable pseudo-random ``blind_share`` of
samples suggestions are hidden (:meth:`Suggestions.shown` is false) and never
computed. :meth:`Suggestions.show` fills the
:class:`~annotator.tui.widgets.suggestion_list.SuggestionList` for a sample,
starting the computation (:meth:`~.label_reads.LabelReads.compute_suggestions`)
when it is not known yet; :meth:`Suggestions.ready` takes a result.

A plain object: the screen hands it the widget, the reads and the shown sample.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from ..messages import SuggestionsReady
from ..sample_data import suggestions_hidden
from ..widgets.suggestion_list import SuggestionList
from .label_reads import LabelReads

if TYPE_CHECKING:
    from ...models import Suggestion


class Suggestions:
    """Suggestions per sample of this label version; hidden ones never computed."""

    def __init__(self, reads: LabelReads, blind_share: float = 0.0) -> None:
        self.reads = reads
        self.blind_share = blind_share
        self.version = 0
        """Label changes in this sitting: suggestions computed before one are stale."""
        self.cache: dict[str, list[Suggestion]] = {}
        """Suggestions of this label version (emptied whenever a label changes)."""
        self.note = ""
        """What the panel says before them (the latest result's)."""

    def shown(self, sample_id: str) -> bool:
        """Whether the annotator sees suggestions for ``sample_id`` (blind share)."""
        return not suggestions_hidden(sample_id, self.blind_share)

    def get(self, sample_id: str) -> list[Suggestion] | None:
        """The suggestions known for ``sample_id`` (None: hidden or not computed yet)."""
        return self.cache.get(sample_id) if self.shown(sample_id) else None

    def missing(self, sample_ids: Iterable[str]) -> list[str]:
        """The samples among ``sample_ids`` whose suggestions are still to compute."""
        return [i for i in sample_ids if i not in self.cache and self.shown(i)]

    def labels_changed(self) -> None:
        """A label is being written or undone: suggestions may rank differently."""
        self.version += 1
        self.cache.clear()

    def show(self, widget: SuggestionList, sample_id: str) -> None:
        if not self.shown(sample_id):
            widget.show_hidden()
        elif sample_id in self.cache:
            widget.show_suggestions(self.cache[sample_id], self.note)
        else:
            widget.show_loading()
            self.reads.compute_suggestions(sample_id, self.version)

    def ready(self, widget: SuggestionList, message: SuggestionsReady, current: str | None) -> None:
        """Keep a result of this version; show it when its sample is ``current``."""
        on_screen = message.sample_id == current
        if message.version != self.version:
            # Computed before a label changed: ask again if it is on screen.
            if on_screen:
                self.show(widget, message.sample_id)
            return
        if message.error is not None:
            if on_screen:
                widget.show_error(message.error)
            return
        self.cache[message.sample_id] = message.suggestions
        self.note = message.note
        if on_screen:
            widget.show_suggestions(message.suggestions, message.note)
