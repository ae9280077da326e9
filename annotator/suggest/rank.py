"""Ranking: rule scores plus category frequencies of already-labeled samples.

Contract: :class:`Votes` counts the categories that the visible labels (the
caller's own, in a blind session; every annotator's otherwise) gave to labeled
samples, on top of a prior of category frequencies that ships with the rule
table. :func:`rank` combines, for one
sample's :class:`~annotator.suggest.features.Facts`, the weights of the rules
that fire with those votes (the sample's own labels are left out:
leave-one-out) into a ranked list of :class:`~annotator.models.Suggestion`
whose scores sum to 1, each with human-readable evidence. A decisive rule's
category ranks first (none is decisive unless visible labels show it to be,
:mod:`.triggers`); ties are broken by category id, the one order the panel,
``a``, ``suggest --json`` and ``evaluate`` share. A sample
with no failure signal (its tests passed, or the output names no failure) and
no code fact gets no ranking: the annotator judges the code against the
prompt (:data:`annotator.suggest.NO_SIGNAL`). Pure: no I/O.

Identical failures do not share labels: vote layers by failure signature and
by exception type measured a negative or zero weight when refitted on split
halves (benchmarks/suggest_cv.py) and were dropped; only the category
frequencies remain.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping
from dataclasses import dataclass, field

from ..models import Suggestion
from ..taxonomy import Taxonomy
from .features import Facts
from .rules import RuleSet


@dataclass(frozen=True)
class Weights:
    """How much the category frequencies weigh against the rules.

    Chosen on a coarse grid by leave-one-out on split halves of DL-Bench
    (benchmarks/suggest_cv.py); a group can re-tune these. ``prior_strength``
    is how many labeled samples the shipped prior counts for before the
    group's own labels.
    """

    prior: float = 2.0
    prior_strength: float = 10.0


DEFAULT_WEIGHTS = Weights()


@dataclass
class _Group:
    categories: Counter[int] = field(default_factory=Counter)
    subcategories: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    samples: int = 0


@dataclass
class Votes:
    """Category counts of labeled samples, over a prior."""

    prior: Mapping[int, float] = field(default_factory=dict)
    """Category frequencies that ship with the rule table (shares summing to 1)."""
    overall: _Group = field(default_factory=_Group)
    labeled: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)

    def add(self, sample_id: str, facts: Facts, labels: list[tuple[int, str | None]]) -> None:
        """Record a labeled sample's categories (with subcategories)."""
        if not labels:
            return
        self.labeled[sample_id] = labels
        self._apply(self.overall, labels, 1)

    @staticmethod
    def _apply(group: _Group, labels: list[tuple[int, str | None]], sign: int) -> None:
        # A sample counts once per category however many annotators named it.
        group.samples += sign
        for category in {c for c, _ in labels}:
            group.categories[category] += sign
        for category, sub in labels:
            if sub:
                group.subcategories[category][sub] += sign

    def without(self, sample_id: str) -> _Exclusion:
        return _Exclusion(self, sample_id)


class _Exclusion:
    """Temporarily removes one sample's labels (leave-one-out)."""

    def __init__(self, votes: Votes, sample_id: str) -> None:
        self.votes, self.sample_id = votes, sample_id
        self.labels = votes.labeled.get(sample_id)

    def _shift(self, sign: int) -> None:
        if self.labels:
            Votes._apply(self.votes.overall, self.labels, sign)

    def __enter__(self) -> Votes:
        self._shift(-1)
        return self.votes

    def __exit__(self, *exc: object) -> None:
        self._shift(1)


def rank(
    facts: Facts,
    rules: RuleSet,
    taxonomy: Taxonomy,
    votes: Votes | None = None,
    sample_id: str | None = None,
    top: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
    decisive_rules: frozenset[str] | None = None,
) -> list[Suggestion]:
    """Ranked suggestions for one sample; ``sample_id``'s own labels never vote.

    ``decisive_rules``: the ids of the rules that are decisive (shown to be by
    visible labels, :mod:`.triggers`); None: none is."""
    scores: dict[int, float] = defaultdict(float)
    evidence: dict[int, list[str]] = defaultdict(list)
    subs: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    decisive: dict[int, float] = {}
    fired = rules.fired(facts)
    if facts.has("out:no_failure") and not any(rule.weight > 0 for rule in fired):
        # No failure signal: a ranking from the prior would only be a guess;
        # the annotator judges the code against the prompt.
        return []
    for rule in fired:
        scores[rule.category] += rule.weight
        if decisive_rules is not None and rule.id in decisive_rules:
            decisive[rule.category] = max(decisive.get(rule.category, 0.0), rule.weight)
        for text in rule.evidence(facts):
            if text not in evidence[rule.category]:
                evidence[rule.category].append(text)
        if rule.subcategory:
            subs[rule.category][rule.subcategory] += rule.weight
    if votes is not None:
        if sample_id is not None:
            with votes.without(sample_id) as loo:
                _vote(facts, loo, weights, scores, evidence, subs)
        else:
            _vote(facts, votes, weights, scores, evidence, subs)
    total = sum(v for v in scores.values() if v > 0)
    if total <= 0:
        return []
    ranked = sorted(
        (c for c in scores if scores[c] > 0 and taxonomy.has(c)),
        key=lambda c: (-decisive.get(c, 0.0), -scores[c], c),
    )
    out = []
    for category in ranked[:top]:
        cat = taxonomy.category(category)
        sub_weights = subs[category]
        sub = max(sub_weights, key=lambda n: (sub_weights[n], n)) if sub_weights else None
        if sub is None and len(cat.subcategories) == 1:
            sub = cat.subcategories[0].name
        out.append(
            Suggestion(
                category=category,
                subcategory=sub,
                score=round(scores[category] / total, 4),
                evidence=evidence[category][:4],
                decisive=category in decisive,
            )
        )
    return out


def _vote(
    facts: Facts,
    votes: Votes,
    weights: Weights,
    scores: dict[int, float],
    evidence: dict[int, list[str]],
    subs: dict[int, dict[str, float]],
) -> None:
    overall = votes.overall
    strength = weights.prior_strength if votes.prior else 0.0
    denominator = max(overall.samples, 0) + strength
    if denominator <= 0:
        return
    for category in set(overall.categories) | set(votes.prior):
        share = max(overall.categories.get(category, 0), 0) + strength * votes.prior.get(
            category, 0.0
        )
        if share > 0:
            scores[category] += weights.prior * share / (denominator + 1)
        for sub, n in overall.subcategories[category].items():
            if n > 0 and overall.samples > 0:
                subs[category][sub] += 0.1 * weights.prior * n / overall.samples
