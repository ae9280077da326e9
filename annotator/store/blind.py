"""One annotator's own-label queries: the store half of blind labeling.

Contract: :class:`BlindStore` wraps a :class:`~annotator.store.Store` for one
annotator A and exposes what labeling reads and writes and nothing more: the
queue (and its size), sample contents, filter values, A's *own* labels, their
history ids (for undo), A's progress (and in A's current round), A's change token, A's codebook examples
and A's categories on a cluster. Every query binds A: there is no method that
takes another annotator's name, and a filter that would read other labels (the
``disagreement`` status, a category filter over everyone) is refused with
:class:`BlindnessError` rather than run. The store itself is private
(``_store``): code that holds only a view cannot reach other annotators'
labels by accident.

Re-shows (test-retest, :mod:`annotator.store.retest`): a view is one *sitting*.
On first use it fixes the samples due to be re-shown to A (``hidden``); it is
shared by the views :meth:`BlindStore.reopen` makes for workers. For a hidden
sample every method answers as for a sample A never labeled: the queue row (order,
status filter, label columns), :meth:`label`, :meth:`labeled_among`, searches in
A's notes, codebook examples, cluster categories, focus time (not recorded).
:meth:`set_label`, :meth:`last_history_id` and :meth:`restore_label` (the
session's save and undo) act on the sample's second answer (``retest_answers``),
never on the first. Once answered, the second answer stands in for the label for
the rest of the sitting (a newly labeled sample shows its label too; a row that
vanished would mark the re-show). :meth:`progress` and :meth:`current_round` count
a re-show as the sitting shows it: not labeled until its second answer, then by
that answer. The study's count (``annotator status``) counts the first answer;
the two differ only by the sitting's unanswered re-shows, and must: a count that
did not move when a sample was answered would tell A it was labeled before.

Why in the store: blindness is a property of the data the UI is *given*, not
of which widgets a screen happens to draw. What is computed from A's labels by
the services (A's count table, suggestions A's labels calibrate, a sample's
cluster) is added one layer up by :class:`annotator.blind.BlindView`, the view
the labeling screen, its workers and the statistics screen of
``annotator label`` receive.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Self

from ..models import Sample
from ..taxonomy import Taxonomy
from .connection import now
from .queue import SampleFilter
from .rows import QueueRow

if TYPE_CHECKING:
    from ..models import Label, LabelValue
    from . import Store
    from .rows import CategoryExample

BLIND_STATUSES = ("unlabeled", "labeled", "flagged", "skipped")
"""Queue statuses a blind annotator may filter by (all about their own labels)."""


class BlindnessError(ValueError):
    """A labeling query would have read other annotators' labels."""


@dataclass
class Sitting:
    """One labeling sitting: when it began and (once asked) its due re-shows."""

    started: str = field(default_factory=now)
    hidden: frozenset[str] | None = None


class BlindStore:
    """Annotator ``annotator``'s own-label queries over ``store`` (never closes it)."""

    def __init__(self, store: Store, annotator: str, sitting: Sitting | None = None) -> None:
        self._store = store
        self.annotator = annotator
        self._sitting = sitting or Sitting()

    def hidden(self) -> frozenset[str]:
        """This sitting's re-shows (fixed on first use; see the module docstring)."""
        sitting = self._sitting
        if sitting.hidden is None:
            sitting.hidden = self._store.retest_due(self.annotator, before=sitting.started)
        return sitting.hidden

    # -- the connection --------------------------------------------------------
    @property
    def taxonomy(self) -> Taxonomy:
        return self._store.taxonomy

    @property
    def _conn(self) -> sqlite3.Connection:
        return self._store._db.conn

    @property
    def path(self) -> Path:
        return self._store.path

    def reopen(self) -> BlindStore:
        """The same view over a second connection (for a worker thread)."""
        return BlindStore(self._store.reopen(), self.annotator, self._sitting)

    def close(self) -> None:
        """Close this view's connection (only for views made by :meth:`reopen`)."""
        self._store.close()

    @contextmanager
    def transaction(self) -> Iterator[Self]:
        with self._store.transaction():
            yield self

    @contextmanager
    def write_lock(self, give_up: float) -> Iterator[Self]:
        """A write transaction that waits at most ``give_up`` s for another
        process's lock (:func:`annotator.store.locking.write_lock`)."""
        from .locking import write_lock

        with write_lock(self._store._db, give_up):
            yield self

    # -- the queue --------------------------------------------------------------
    def own_filter(self, filt: SampleFilter | None) -> SampleFilter:
        """``filt`` restricted to this annotator's labels; refused when it cannot be."""
        filt = filt or SampleFilter()
        if filt.status is not None and filt.status not in BLIND_STATUSES:
            raise BlindnessError(
                f"status '{filt.status}' reads other annotators' labels: labeling is blind"
            )
        if filt.category is not None and filt.category_annotator != self.annotator:
            filt = replace(filt, category_annotator=self.annotator)
        return filt

    def queue(
        self, filt: SampleFilter | None = None, *, offset: int = 0, limit: int | None = None
    ) -> list[QueueRow]:
        return self._store.queue(
            self.annotator, self.own_filter(filt), offset=offset, limit=limit, hidden=self.hidden()
        )

    def queue_count(self, filt: SampleFilter | None = None) -> int:
        return self._store.queue_count(self.annotator, self.own_filter(filt), hidden=self.hidden())

    def distinct_values(self, column: str) -> list[str]:
        return self._store.distinct_values(column)

    def sample(self, sample_id: str) -> Sample | None:
        return self._store.sample(sample_id)

    # -- own labels -------------------------------------------------------------
    def label(self, sample_id: str) -> Label | None:
        """A's label (on a re-show: A's second answer, None before it is given)."""
        if sample_id in self.hidden():
            return self._store.retest_answer(sample_id, self.annotator)
        return self._store.label(sample_id, self.annotator)

    def set_label(self, sample_id: str, value: LabelValue, *, source: str = "ui") -> Label:
        """Save A's label, committed on return (on a re-show: the second answer)."""
        if sample_id in self.hidden():
            return self._store.put_retest_answer(sample_id, self.annotator, value, source=source)
        return self._store.set_label(sample_id, self.annotator, value, source=source)

    def last_history_id(self, sample_id: str) -> int | None:
        if sample_id in self.hidden():
            return self._store.last_retest_history_id(sample_id, self.annotator)
        return self._store.last_history_id(sample_id, self.annotator)

    def restore_label(self, sample_id: str, history_id: int | None) -> None:
        if sample_id in self.hidden():
            self._store.restore_retest_answer(sample_id, self.annotator, history_id)
            return
        self._store.restore_label(sample_id, self.annotator, history_id)

    def search_matches(self, sample_ids: list[str], text: str) -> dict[str, str]:
        """Where ``text`` occurs in each sample (its code, output, prompt, or
        this annotator's own note: never another annotator's)."""
        return self._store.search_matches(self.annotator, sample_ids, text, hidden=self.hidden())

    def add_focus_time(self, seconds: dict[str, float]) -> None:
        """Add this annotator's focus seconds per sample (committed; not on a re-show,
        whose time would add to the first answer's)."""
        hidden = self.hidden()
        self._store.add_focus_time(
            self.annotator, {sid: s for sid, s in seconds.items() if sid not in hidden}
        )

    def labeled_among(self, sample_ids: list[str]) -> set[str]:
        """Which of ``sample_ids`` this annotator has a label for (any kind; a re-show:
        once answered a second time)."""
        hidden = self.hidden()
        labeled = self._store.labeled_among(self.annotator, sample_ids) - hidden
        shown = [sid for sid in sample_ids if sid in hidden]
        if shown:
            labeled |= self._store.answered_retests(self.annotator, shown)
        return labeled

    def progress(self) -> tuple[int, int]:
        """(labeled, to label): this annotator's labels on samples to label, and all
        samples to label (failing or outcome unknown).

        A label is a category, 'pass' (not a failure after all) or a flag; a skip
        is none. Samples whose tests passed are not to label, so labeling every
        one to label reaches 100%. The same counts as ``annotator status`` (the
        ``annotator_progress`` row of this annotator only: blind), except that the
        sitting's re-shows count by their second answer (see the module docstring).
        """
        own = self._store.annotator_progress(self.annotator)
        labeled = own.of_to_label if own is not None else 0
        hidden = self.hidden()
        if hidden:
            labeled += self._store.reshow_shift(self.annotator, hidden).to_label
        return labeled, self._store.to_label()

    def current_round(self) -> tuple[str, int, int] | None:
        """(name, decided, assigned) of this annotator's current round: the oldest round
        with a sample assigned to them they have not decided, else the last round they
        were assigned to; None: no round assigns them anything. Only their own
        assignments and labels count (others' progress in the round stays unseen)."""
        rows = self._store.round_progress(annotator=self.annotator, times=False)
        if not rows:
            return None
        hidden = self.hidden()
        if hidden:
            moved = self._store.reshow_shift(self.annotator, hidden).rounds
            rows = [r._replace(decided=r.decided + moved.get(r.round_id, 0)) for r in rows]
        row = next((r for r in rows if r.decided < r.assigned), rows[-1])
        found = self._store.round(row.round_id)
        name = found.name if found is not None else f"round {row.round_id}"
        return name, row.decided, row.assigned

    def change_token(self) -> tuple[int, int]:
        """Moves whenever one of this annotator's labels (or second answers) is written,
        changed or undone (and only then: others' work is invisible here too)."""
        row = self._conn.execute(
            "SELECT (SELECT IFNULL(MAX(id), 0) FROM label_history WHERE annotator = :a)"
            " + (SELECT IFNULL(MAX(id), 0) FROM retest_history WHERE annotator = :a),"
            " (SELECT COUNT(*) FROM labels WHERE annotator = :a)"
            " + (SELECT COUNT(*) FROM retest_answers WHERE annotator = :a)",
            {"a": self.annotator},
        ).fetchone()
        return int(row[0]), int(row[1])

    def category_examples(
        self, category: int, *, limit: int = 5, exclude: str | None = None
    ) -> list[CategoryExample]:
        """The codebook's examples of ``category``: this annotator's own labels only
        (never a re-show's first answer)."""
        hidden = self.hidden()
        found = self._store.codebook_examples(
            category, self.annotator, blind=True, limit=limit + len(hidden), exclude=exclude
        )
        return [e for e in found if e.sample_id not in hidden][:limit]

    def own_categories(self, sample_ids: list[str]) -> dict[str, set[int]]:
        """This annotator's bug categories on those of ``sample_ids`` they labeled (a
        re-show: those of its second answer, once given)."""
        hidden = self.hidden()
        out = {
            sid: cats
            for sid, cats in self._store.own_bug_categories(self.annotator, sample_ids).items()
            if sid not in hidden
        }
        for sid in sample_ids:
            if sid in hidden:
                answer = self._store.retest_answer(sid, self.annotator)
                if answer is not None and answer.kind == "bug":
                    out[sid] = answer.categories()
        return out
