"""Accuracy against the gold set: each annotator's training answers and hidden check items.

Contract: :func:`gold_accuracy(store)` returns one :class:`AnnotatorGold` per annotator who
answered a training item or labeled a check item, sorted by name; :func:`gold_report(store)`
is the same as a JSON-ready dict (``annotator gold report --json``)::

    {"level": "category", "block", "training_items", "check_items",
     "annotators": [{"annotator",
                     "training": {"correct", "n", "percent", "ci"},
                     "check": {...},
                     "training_by_reference": [{"reference", "name", "correct", "n", "percent", "ci"}],
                     "check_by_reference": [...],
                     "check_over_time": [{"from", "to", "correct", "n", "percent", "ci"}],
                     "training_subcategory": {...}, "check_subcategory": {...},
                     "labeled_after_training"}]}

Choices:
- An answer is right when it names the reference's category, or says pass where the
  reference is a pass (:func:`annotator.store.training.is_correct`): agreement's default
  level is the category too. ``*_subcategory`` counts the right answers that also name the
  reference's subcategory (a reference without one, or a pass, needs none).
- ``labeled_after_training``: the annotator's study labels on training items written after
  their training answer there, that is after seeing the reference. Training items are best
  drawn from settled rounds; these labels are not independent ratings.
- Training: the one answer per item, given before its feedback, against the item's current
  reference (an item removed from the gold set no longer counts). Check: the annotator's
  current study label (a category or a pass; a skip is no answer) on each check item. An
  annotator is never scored against a reference adopted from their own labels (``final`` on a
  gold set adopted from ``final``, say): those items are left out for them.
- Per reference category the figure is the recall: of the items whose reference is that
  category (or pass), the share the annotator answered with it.
- Drift: ``check_over_time`` cuts the annotator's check answers, in the order their labels
  were last written, into consecutive blocks of ``block`` answers (the last one may be
  shorter), each with its accuracy and the first and last time in it.
- Intervals are Wilson 95 % (:func:`annotator.stats.proportion.wilson_interval`), None for n = 0.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from ..stats.proportion import wilson_interval
from ..store import Store
from ..store.training import is_correct
from ..taxonomy import Taxonomy

PASS = "pass"


@dataclass(frozen=True)
class Accuracy:
    """``correct`` of ``n`` answers agree with the reference."""

    correct: int = 0
    n: int = 0

    @property
    def share(self) -> float | None:
        return self.correct / self.n if self.n else None

    @property
    def ci(self) -> tuple[float, float] | None:
        return wilson_interval(self.correct, self.n)

    def add(self, right: bool) -> Accuracy:
        return Accuracy(self.correct + int(right), self.n + 1)

    def as_dict(self) -> dict[str, Any]:
        share, ci = self.share, self.ci
        return {
            "correct": self.correct,
            "n": self.n,
            "percent": None if share is None else round(100 * share, 1),
            "ci": None if ci is None else [round(100 * ci[0], 1), round(100 * ci[1], 1)],
        }


Reference = int | str
"""A reference category id, or ``"pass"``."""


@dataclass(frozen=True)
class Period:
    """The accuracy of consecutive check answers, labeled from ``start`` to ``end``."""

    start: str
    end: str
    accuracy: Accuracy


@dataclass(frozen=True)
class AnnotatorGold:
    """One annotator's accuracy on training items and on hidden check items."""

    annotator: str
    training: Accuracy = Accuracy()
    check: Accuracy = Accuracy()
    training_by_reference: dict[Reference, Accuracy] = field(default_factory=dict)
    """Recall per reference category (pass: ``"pass"``), in taxonomy order."""
    check_by_reference: dict[Reference, Accuracy] = field(default_factory=dict)
    check_over_time: list[Period] = field(default_factory=list)
    """Blocks of consecutive check answers, oldest first (drift)."""
    training_subcategory: Accuracy = Accuracy()
    """Training answers that name the reference's subcategory too (see the module docstring)."""
    check_subcategory: Accuracy = Accuracy()
    labeled_after_training: int = 0
    """Study labels written on a training item after this annotator saw its reference."""


def _same_subcategory(kind: str, sub: str | None, ref_kind: str, ref_sub: str | None) -> bool:
    """At the subcategory level an answer also names the reference's subcategory (when the
    reference has one; a pass has none)."""
    return ref_kind == PASS or ref_sub is None or (kind == ref_kind and sub == ref_sub)


def _reference(kind: str, category: int | None) -> Reference:
    return PASS if kind == PASS or category is None else category


def _ordered(counts: dict[Reference, Accuracy], taxonomy: Taxonomy) -> dict[Reference, Accuracy]:
    """Taxonomy order, pass last."""
    order = {c.id: i for i, c in enumerate(taxonomy.categories)}

    def key(ref: Reference) -> tuple[int, int]:
        return (1, 0) if isinstance(ref, str) else (0, order.get(ref, len(order) + ref))

    return {ref: counts[ref] for ref in sorted(counts, key=key)}


def _periods(answers: list[tuple[str, bool]], block: int) -> list[Period]:
    """``answers`` (time, right) in time order, cut into blocks of ``block``."""
    periods = []
    for start in range(0, len(answers), block):
        chunk = answers[start : start + block]
        right = sum(r for _, r in chunk)
        periods.append(Period(chunk[0][0], chunk[-1][0], Accuracy(right, len(chunk))))
    return periods


BLOCK = 10
"""Check answers per block of ``check_over_time``."""


def gold_accuracy(store: Store, block: int = BLOCK) -> list[AnnotatorGold]:
    """Every annotator's accuracy on the gold set (see the module docstring)."""
    gold = {g.sample_id: g for g in store.gold()}
    own_source = {sid: g.source.removeprefix("annotator:") for sid, g in gold.items()}
    total: dict[str, dict[str, Accuracy]] = defaultdict(lambda: defaultdict(Accuracy))
    per: dict[str, dict[str, dict[Reference, Accuracy]]] = defaultdict(
        lambda: defaultdict(lambda: defaultdict(Accuracy))
    )

    timeline: dict[str, list[tuple[str, bool]]] = defaultdict(list)

    def score(who: str, part: str, ref: Reference, right: bool, sub_right: bool) -> None:
        total[who][part] = total[who][part].add(right)
        total[who][f"{part}_sub"] = total[who][f"{part}_sub"].add(right and sub_right)
        per[who][part][ref] = per[who][part][ref].add(right)

    for answer in store.training_answers():
        item = gold.get(answer.sample_id)
        if item is None or item.purpose != "training":
            continue
        right = is_correct(answer.kind, answer.category, item.kind, item.category)
        sub = _same_subcategory(answer.kind, answer.subcategory, item.kind, item.subcategory)
        score(answer.annotator, "training", _reference(item.kind, item.category), right, sub)
    for label in store.check_answers():
        item = gold[label.sample_id]
        if item.source.startswith("annotator:") and own_source[label.sample_id] == label.annotator:
            continue  # never scored against one's own label
        right = is_correct(label.kind, label.category, item.kind, item.category)
        sub = _same_subcategory(label.kind, label.subcategory, item.kind, item.subcategory)
        score(label.annotator, "check", _reference(item.kind, item.category), right, sub)
        timeline[label.annotator].append((label.updated_at, right))
    after = Counter(who for who, _ in store.labels_after_training())
    taxonomy = store.taxonomy
    return [
        AnnotatorGold(
            who,
            total[who]["training"],
            total[who]["check"],
            _ordered(per[who]["training"], taxonomy),
            _ordered(per[who]["check"], taxonomy),
            _periods(sorted(timeline[who]), block),
            total[who]["training_sub"],
            total[who]["check_sub"],
            after[who],
        )
        for who in sorted(total)
    ]


def _reference_rows(counts: dict[Reference, Accuracy], taxonomy: Taxonomy) -> list[dict[str, Any]]:
    rows = []
    for ref, acc in counts.items():
        name = "not a failure" if ref == PASS else taxonomy.label_text(int(ref))
        rows.append({"reference": ref, "name": name, **acc.as_dict()})
    return rows


def gold_report(store: Store, block: int = BLOCK) -> dict[str, Any]:
    """:func:`gold_accuracy` as a JSON-ready dict (see the module docstring)."""
    taxonomy = store.taxonomy
    return {
        "level": "category",
        "block": block,
        "training_items": len(store.gold("training")),
        "check_items": len(store.gold("check")),
        "annotators": [
            {
                "annotator": a.annotator,
                "training": a.training.as_dict(),
                "check": a.check.as_dict(),
                "training_by_reference": _reference_rows(a.training_by_reference, taxonomy),
                "check_by_reference": _reference_rows(a.check_by_reference, taxonomy),
                "training_subcategory": a.training_subcategory.as_dict(),
                "check_subcategory": a.check_subcategory.as_dict(),
                "labeled_after_training": a.labeled_after_training,
                "check_over_time": [
                    {"from": p.start, "to": p.end, **p.accuracy.as_dict()}
                    for p in a.check_over_time
                ],
            }
            for a in gold_accuracy(store, block)
        ],
    }
