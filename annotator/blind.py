"""One annotator's blind view: the only door the labeling UI has to the data.

Contract: :class:`BlindView` is the store's :class:`~annotator.store.blind.BlindStore`
(annotator A's own-label queries, every one bound to A, filters over other
annotators' labels refused with :class:`~annotator.store.blind.BlindnessError`)
plus what the services compute from A's labels alone: A's occurrence counts
(:func:`annotator.export.counts.count_table` for A), suggestions that only A's
labels (and the rules' prior) vote on and calibrate, and a sample's cluster with
the members A has not labeled. Nothing here takes another annotator's name, and
the store stays private, so code that holds a view cannot reach other
annotators' labels. The labeling screen, its workers and the statistics screen
opened from ``annotator label`` all receive a view.

Why here and not in the store: counts and suggestions are services
(``export``, ``suggest``) built on the store; the store must not call up into
them (the layers contract of pyproject.toml). They are imported when first
used, so that ``annotator label`` starts without loading the suggester.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from .store.blind import BLIND_STATUSES, BlindnessError, BlindStore, Sitting

if TYPE_CHECKING:
    from .export.counts import CountTable
    from .models import Suggestion
    from .store import Store
    from .suggest.rules import RuleSet

__all__ = ["BLIND_STATUSES", "BlindView", "BlindnessError"]


class BlindView(BlindStore):
    """Annotator ``annotator``'s labeling view of ``store`` (never closes it); ``rules``:
    the suggestions' rule table when the annotator chose one (``annotator label --rules``),
    else the taxonomy's."""

    def __init__(
        self,
        store: Store,
        annotator: str,
        sitting: Sitting | None = None,
        *,
        rules: RuleSet | None = None,
    ) -> None:
        super().__init__(store, annotator, sitting)
        self.rules = rules

    def reopen(self) -> BlindView:
        """The same view over a second connection (for a worker thread)."""
        return BlindView(self._store.reopen(), self.annotator, self._sitting, rules=self.rules)

    def count_table(self) -> CountTable:
        """This annotator's own occurrence counts (the only source blind labeling has)."""
        from .export.counts import own_count_table

        # Never count_table(): for an annotator with no label yet, its error
        # lists every annotator in the database.
        # The sitting's re-shows count by their second answer, as progress does.
        return own_count_table(self._store, self.annotator, self.hidden())

    def suggestions(self, sample_id: str, top: int = 5) -> list[Suggestion]:
        """Only this annotator's own labels (and the rules' prior) vote and calibrate."""
        from .suggest import engine

        return list(
            engine.suggestions_for(
                self._store,
                sample_id,
                top=top,
                annotator=self.annotator,
                hidden=self.hidden(),
                rules=self.rules,
            )
        )

    def suggestion_note(self) -> str:
        """What the panel says before the suggestions (this annotator's labels only)."""
        from .suggest import engine

        return engine.suggestion_note(self._store, self.annotator, self.hidden(), self.rules)

    def cluster(self, sample_id: str) -> tuple[str, list[str], list[str]]:
        """(signature, members, members other than ``sample_id`` this annotator has not labeled)."""
        from .suggest import engine

        signature, members = engine.engine_for(self._store, self.rules).cluster_of(sample_id)
        labeled = self.labeled_among(members)
        unlabeled = [sid for sid in members if sid != sample_id and sid not in labeled]
        return signature, members, unlabeled
