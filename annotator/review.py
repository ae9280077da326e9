"""Adjudication: the samples where annotators disagree, and final labels.

Contract:
- :func:`disagreements` lists every sample on which the raters (all
  annotators but ``final`` by default) disagree with each other or with the
  sample's existing final label (``with_final=False``: with each other only),
  largest disagreement first: different categories (or bug vs pass) before
  different subcategories only, then by how many distinct answers the raters
  gave; each with every rater's label and the final label. An item is
  *adjudicated* (:func:`adjudicated`) only when its final label was written
  or adopted by a reviewer (``written_by`` set); an imported final label
  (a sheet's ``final`` column) is an opinion to check, not an adjudication.
  Adjudicated items come after the open ones.
- :func:`adopt` makes one annotator's label the final label; :func:`write_final`
  writes a final label of the reviewer's own. Both write through a
  :class:`~annotator.labeling.LabelSession` over :class:`FinalLabels`
  (:func:`final_session`: source ``review``, the reviewer in ``written_by``),
  so the final label keeps its history and the session's undo takes it back.
- :func:`pair_disagreements` lists the samples on which two annotators differ
  (the cells of the agreement matrix).
- :func:`mark_seen` records that a reviewer who is one of a sample's raters has
  seen the other raters' labels there: from then on their changes to their own
  label on it are negotiated (:mod:`annotator.rounds`).
No Textual here: the review screen is a thin shell over these functions.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .blind import BlindView
from .errors import UserError
from .labeling import LabelSession
from .models import FINAL, KINDS, Label, LabelValue, decides
from .store import Store


def decision(label: Label | LabelValue) -> str:
    """The category-level answer of a label: 'pass', a category, or ''."""
    if KINDS[label.kind].names_category:
        return "" if label.category is None else str(label.category)
    # A deciding kind without a category answers with its name (pass).
    return label.kind if decides(label.kind) else ""


def fine_decision(label: Label | LabelValue) -> str:
    """The subcategory-level answer (with the second category)."""
    if not KINDS[label.kind].names_category:
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

    @property
    def resolved(self) -> bool:
        """Adjudicated: its final label was written or adopted in review."""
        return adjudicated(self.final)

    @property
    def imported_final(self) -> bool:
        """It has a final label that no reviewer wrote (imported, to be checked)."""
        return self.final is not None and not self.resolved

    def sort_key(self) -> tuple[int, int, int, str]:
        return (self.resolved, self.level != "category", -self.distinct, self.sample_id)


def adjudicated(final: Label | None) -> bool:
    """Whether ``final`` was written or adopted by a reviewer (not imported)."""
    return final is not None and final.written_by is not None


def disagreement_of(
    sample_id: str, raters: dict[str, Label], final: Label | None, with_final: bool = True
) -> Disagreement | None:
    """The review item of one sample, or None when its raters agree (with
    each other and, ``with_final``, with its final label)."""
    if not raters:
        return None
    opinions = list(raters.values())
    if with_final and final is not None and decision(final):
        opinions.append(final)
    if len(opinions) < 2 or len({fine_decision(label) for label in opinions}) < 2:
        return None
    item = Disagreement(sample_id, dict(raters), final)
    item.level = "category" if len({decision(label) for label in opinions}) > 1 else "subcategory"
    return item


def disagreements(
    store: Store,
    annotators: list[str] | None = None,
    include_resolved: bool = True,
    *,
    with_final: bool = True,
) -> list[Disagreement]:
    """Samples whose raters disagree with each other or with the final label,
    the largest disagreement first (see the module docstring)."""
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
        item = disagreement_of(sample_id, labels, finals.get(sample_id), with_final)
        if item is not None and (include_resolved or not item.resolved):
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


def mark_seen(store: Store, sample_id: str, reviewer: str) -> bool:
    """Record that ``reviewer``, a rater of ``sample_id`` (a decided label of their own
    beside another rater's), has seen the disagreement there (committed); returns
    whether it was new. Anyone else (a reviewer who did not rate it) records nothing."""
    raters = {
        label.annotator
        for label in store.labels(sample_id=sample_id)
        if label.annotator != FINAL and decision(label)
    }
    if reviewer not in raters or len(raters) < 2:
        return False
    return store.record_shown([(sample_id, reviewer)], store.sample_round(sample_id)) > 0
