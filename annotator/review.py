"""Adjudication: the samples where annotators disagree, and final labels.

Contract:
- :func:`disagreements` lists the samples on which the annotators (all but
  ``final`` by default) gave different decisions, largest disagreement first:
  different categories (or bug vs pass) before different subcategories only,
  then by how many distinct answers there are; each with every annotator's
  label. Samples already adjudicated come after those still open.
- :func:`adopt` makes one annotator's label the final label; :func:`write_final`
  writes a final label of the reviewer's own. Both write through a
  :class:`~annotator.labeling.LabelSession` over :class:`FinalLabels`
  (:func:`final_session`: source ``review``, the reviewer in ``written_by``),
  so the final label keeps its history and the session's undo takes it back.
- :func:`pair_disagreements` lists the samples on which two annotators differ
  (the cells of the agreement matrix).
No Textual here: the review screen is a thin shell over these functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .blind import BlindView
from .errors import UserError
from .labeling import LabelSession
from .models import FINAL, Label, LabelValue
from .store import Store


def decision(label: Label | LabelValue) -> str:
    """The category-level answer of a label: 'pass', a category, or ''."""
    if label.kind == "pass":
        return "pass"
    if label.kind == "bug" and label.category is not None:
        return str(label.category)
    return ""


def fine_decision(label: Label | LabelValue) -> str:
    """The subcategory-level answer (with the second category)."""
    if label.kind != "bug":
        return decision(label)
    second = f"+{label.category2}/{label.subcategory2 or '?'}" if label.category2 else ""
    return f"{label.category}/{label.subcategory or '?'}{second}"


@dataclass
class Disagreement:
    sample_id: str
    labels: dict[str, Label] = field(default_factory=dict)
    final: Label | None = None
    level: str = "category"
    """'category' when the answers differ in category (or bug vs pass),
    'subcategory' when only subcategories (or second categories) differ."""

    @property
    def distinct(self) -> int:
        return len({decision(label) for label in self.labels.values()})

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.final is not None, self.level != "category", -self.distinct, self.sample_id)


def disagreements(
    store: Store, annotators: list[str] | None = None, include_resolved: bool = True
) -> list[Disagreement]:
    """Samples with conflicting labels, the largest disagreement first."""
    by_sample: dict[str, dict[str, Label]] = defaultdict(dict)
    finals: dict[str, Label] = {}
    for label in store.labels():
        if label.annotator == FINAL:
            finals[label.sample_id] = label
            continue
        if annotators is not None and label.annotator not in annotators:
            continue
        if decision(label):
            by_sample[label.sample_id][label.annotator] = label
    out = []
    for sample_id, labels in by_sample.items():
        if len(labels) < 2:
            continue
        coarse = {decision(label) for label in labels.values()}
        fine = {fine_decision(label) for label in labels.values()}
        if len(fine) < 2:
            continue
        item = Disagreement(sample_id, labels, finals.get(sample_id))
        item.level = "category" if len(coarse) > 1 else "subcategory"
        if include_resolved or item.final is None:
            out.append(item)
    out.sort(key=Disagreement.sort_key)
    return out


class FinalLabels(BlindView):
    """The ``final`` labels as one reviewer writes them: every write records the reviewer
    in ``written_by``. (Review is not blind; this view only scopes the writes.)"""

    def __init__(self, store: Store, reviewer: str) -> None:
        super().__init__(store, FINAL)
        self.reviewer = reviewer

    def reopen(self) -> FinalLabels:
        """The same reviewer's view over a second connection (for the writer thread)."""
        return FinalLabels(self._store.reopen(), self.reviewer)

    def set_label(self, sample_id: str, value: LabelValue, *, source: str = "review") -> Label:
        return self._store.set_label(
            sample_id, FINAL, value, source=source, written_by=self.reviewer
        )


def final_session(store: Store, reviewer: str) -> LabelSession:
    """A sitting in which ``reviewer`` writes final labels (and can undo them)."""
    return LabelSession(FinalLabels(store, reviewer), source="review")


def adopted_value(store: Store, sample_id: str, annotator: str) -> LabelValue:
    """``annotator``'s label of the sample as a final label that says where it came from."""
    label = store.label(sample_id, annotator)
    if label is None:
        raise UserError(f"{annotator} has no label for '{sample_id}'")
    value = label.value()
    value.raw = {"adopted_from": annotator}
    return value


def adopt(
    store: Store,
    sample_id: str,
    annotator: str,
    reviewer: str,
    session: LabelSession | None = None,
) -> Label:
    """Make ``annotator``'s label the final label of the sample."""
    value = adopted_value(store, sample_id, annotator)
    return (session or final_session(store, reviewer)).save(sample_id, value)


def write_final(
    store: Store,
    sample_id: str,
    value: LabelValue,
    reviewer: str,
    session: LabelSession | None = None,
) -> Label:
    """The reviewer's own final label."""
    return (session or final_session(store, reviewer)).save(sample_id, value)


def pair_disagreements(store: Store, a: str, b: str) -> list[str]:
    """Samples both annotators decided on, with different category-level answers."""
    return store.pair_disagreements(a, b)
