"""One annotator's training door: the only data the training screen has.

Contract: :class:`TrainingStore` wraps a :class:`~annotator.store.Store` for one annotator A
and exposes what training reads and writes: the training items (gold items of purpose
``training``) with A's own answers, their samples, A's answer (written to
``training_answers``, never to ``labels``) and, *once A has answered an item*, its
:class:`Feedback` (the reference label and A's answer). Before A answers, nothing of the
reference is readable through it (:meth:`TrainingStore.feedback` is None), and it reads no
study label of anyone: the reference it reveals after an answer is the gold set's, by design.
A sample that is not a training item is not readable here.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal, NamedTuple

from ..models import LabelValue, Sample
from ..taxonomy import Taxonomy
from .rows import QueueRow, TrainingAnswerRow

if TYPE_CHECKING:
    from . import Store


class Feedback(NamedTuple):
    """After an answer: what it was, what the reference is, and whether they agree.

    Right or wrong is decided at the category level (a pass is its own category),
    as agreement's default level is; the subcategory is shown, not scored."""

    sample_id: str
    kind: str
    category: int | None
    subcategory: str | None
    reference_kind: str
    reference_category: int | None
    reference_subcategory: str | None

    @property
    def correct(self) -> bool:
        return is_correct(self.kind, self.category, self.reference_kind, self.reference_category)

    @classmethod
    def of(cls, answer: TrainingAnswerRow) -> Feedback:
        return cls(
            answer.sample_id,
            answer.kind,
            answer.category,
            answer.subcategory,
            answer.reference_kind,
            answer.reference_category,
            answer.reference_subcategory,
        )


def is_correct(kind: str, category: int | None, ref_kind: str, ref_category: int | None) -> bool:
    """An answer agrees with a reference: both a pass, or both a bug of the same category."""
    if kind != ref_kind:
        return False
    return kind == "pass" or category == ref_category


class TrainingStore:
    """Annotator ``annotator``'s training view of ``store`` (never closes it)."""

    def __init__(self, store: Store, annotator: str) -> None:
        self._store = store
        self.annotator = annotator

    @property
    def taxonomy(self) -> Taxonomy:
        return self._store.taxonomy

    def reopen(self) -> TrainingStore:
        """The same view over a second connection (for a worker thread)."""
        return TrainingStore(self._store.reopen(), self.annotator)

    def close(self) -> None:
        """Close this view's connection (only for views made by :meth:`reopen`)."""
        self._store.close()

    def queue(self) -> list[QueueRow]:
        """The training items, unanswered first, each with A's answer (if any) as its label."""
        answers = {a.sample_id: a for a in self._store.training_answers(self.annotator)}
        rows = []
        for item in self._store.gold("training"):
            answer = answers.get(item.sample_id)
            if answer is None:
                rows.append(QueueRow(item.sample_id))
            else:
                rows.append(QueueRow(item.sample_id, kind=answer.kind, category=answer.category))
        return sorted(rows, key=lambda r: r.kind is not None)  # stable: gold order within

    def progress(self) -> tuple[int, int]:
        """(answered, training items)."""
        total = len(self._store.gold("training"))
        return total - self._store.training_pending(self.annotator), total

    def sample(self, sample_id: str) -> Sample | None:
        """A training item's sample (None for any other sample)."""
        item = self._store.gold_item(sample_id)
        if item is None or item.purpose != "training":
            return None
        return self._store.sample(sample_id)

    def feedback(self, sample_id: str) -> Feedback | None:
        """A's answer and the reference, once A has answered (None before)."""
        answer = self._store.training_answer(sample_id, self.annotator)
        return None if answer is None else Feedback.of(answer)

    def answer(
        self,
        sample_id: str,
        kind: Literal["bug", "pass"],
        category: int | None = None,
        subcategory: str | None = None,
    ) -> Feedback:
        """Record A's answer (committed on return) and give the feedback; a second
        answer to the same item is refused (:class:`~annotator.errors.UserError`)."""
        value = LabelValue(kind=kind, category=category, subcategory=subcategory)
        return Feedback.of(self._store.put_training_answer(sample_id, self.annotator, value))
