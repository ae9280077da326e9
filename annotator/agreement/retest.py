"""Test-retest: each annotator's agreement with themselves (core of ``agreement --retest``).

Contract: :func:`retest_agreement(store, level="category", n_boot=200)` pairs every second
answer (``retest_answers``, written when a re-show was labeled; see
:mod:`annotator.store.retest`) with the first answer it was given against (the
``label_history`` row recorded with it, so a later edit of the label does not rewrite the
test), and returns one :class:`SelfAgreement` per annotator with a second answer, by name:
``n`` pairs rated both times, percent agreement, Cohen's kappa (first answer as rater 1,
second as rater 2: ``annotator.stats.cohen_kappa_pair``) with its percentile bootstrap 95 %
interval (``annotator.stats.with_bootstrap_ci``, fixed seed 0), and the *flips* (sample,
first, second) in the samples' import order. A rating is the one ``agreement`` uses
(:func:`annotator.agreement.ratings.label_value`): a category (or ``cat/sub``), or
``pass``; a skip or a flag-only answer is a missing rating and its pair is counted in
``dropped``, not in ``n``. Nothing here reads another table than those two, and the study's
agreement (:func:`annotator.agreement.agreement_report`) never reads second answers.
"""

from __future__ import annotations

from collections.abc import Hashable
from dataclasses import dataclass, field
from typing import Any

from ..errors import UserError
from ..stats import Stat, cohen_kappa_pair, percent_agreement, with_bootstrap_ci
from ..store import RetestPair, Store
from .blocks import label_text
from .ratings import label_value

RETEST_LEVELS = ("category", "subcategory")
FIRST, SECOND = "first", "second"


@dataclass(frozen=True)
class Flip:
    """A sample whose second answer differs from the first."""

    sample_id: str
    first: str
    second: str


@dataclass(frozen=True)
class SelfAgreement:
    """One annotator's test-retest agreement."""

    annotator: str
    n: int
    """Pairs rated both times (a category or pass each time)."""
    dropped: int
    """Pairs left out: a skip or a flag-only answer on one side."""
    percent: float | None
    kappa: Stat
    flips: list[Flip] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "n": self.n,
            "dropped": self.dropped,
            "percent": self.percent,
            "cohen_kappa": self.kappa.value,
            "ci": list(self.kappa.ci) if self.kappa.ci is not None else None,
            "undefined": self.kappa.reason,
            "flips": [
                {"sample_id": f.sample_id, "first": f.first, "second": f.second} for f in self.flips
            ],
        }


def _rating(level: str, kind: str | None, category: int | None, sub: str | None) -> Hashable:
    if kind is None:
        return None
    return label_value(level, kind, category, sub)


def _one(annotator: str, pairs: list[RetestPair], level: str, n_boot: int) -> SelfAgreement:
    ratings: dict[str, dict[str, Hashable]] = {}
    flips: list[Flip] = []
    dropped = 0
    for p in pairs:
        first = _rating(level, p.first_kind, p.first_category, p.first_subcategory)
        second = _rating(level, p.second_kind, p.second_category, p.second_subcategory)
        if first is None or second is None:
            dropped += 1
            continue
        ratings[p.sample_id] = {FIRST: first, SECOND: second}
        if first != second:
            flips.append(Flip(p.sample_id, label_text(first), label_text(second)))
    percent = percent_agreement(ratings, [FIRST, SECOND]).value if ratings else None

    def kappa_of(items: Any) -> Stat:
        return cohen_kappa_pair(items, FIRST, SECOND)

    kappa = with_bootstrap_ci(kappa_of, ratings, n_boot, seed=0) if n_boot else kappa_of(ratings)
    return SelfAgreement(annotator, len(ratings), dropped, percent, kappa, flips)


def retest_agreement(
    store: Store, level: str = "category", n_boot: int = 200
) -> list[SelfAgreement]:
    """Each annotator's self-agreement over their second answers (see the module docstring)."""
    if level not in RETEST_LEVELS:
        raise UserError(f"unknown level {level!r}; choose one of {', '.join(RETEST_LEVELS)}")
    per: dict[str, list[RetestPair]] = {}
    for pair in store.retest_pairs():
        per.setdefault(pair.annotator, []).append(pair)
    return [_one(who, pairs, level, n_boot) for who, pairs in sorted(per.items())]
