"""Ranking: rule scores plus the votes of already-labeled samples.

Contract: :class:`Votes` aggregates the categories that annotators gave to
labeled samples, grouped by failure signature (exception + masked message)
and by exception type. :func:`rank` combines, for one sample's
:class:`~annotator.suggest.features.Facts`, the weights of the rules that
fire with those votes (the sample's own labels are left out: leave-one-out)
into a ranked list of :class:`~annotator.models.Suggestion` whose scores sum
to 1, each with human-readable evidence. Pure: no I/O.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from ..models import Suggestion
from ..taxonomy import Taxonomy
from .features import Facts, signature_key
from .rules import RuleSet


@dataclass(frozen=True)
class Weights:
    """How much the labeled samples' votes weigh against the rules.

    Chosen on a coarse grid with `annotator evaluate` (leave-one-out) on
    DL-Bench and checked on split halves (benchmarks/suggest_cv.py). There,
    labels follow the overall category frequencies more closely than the
    failure signature, so the prior weighs most; a group can re-tune these.
    """

    signature: float = 0.5
    exception: float = 0.5
    prior: float = 1.2


DEFAULT_WEIGHTS = Weights()


@dataclass
class _Group:
    categories: Counter[int] = field(default_factory=Counter)
    subcategories: dict[int, Counter[str]] = field(default_factory=lambda: defaultdict(Counter))
    samples: int = 0


@dataclass
class Votes:
    """Category counts of labeled samples, by signature and by exception."""

    by_signature: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    by_exception: dict[str, _Group] = field(default_factory=lambda: defaultdict(_Group))
    overall: _Group = field(default_factory=_Group)
    labeled: dict[str, list[tuple[int, str | None]]] = field(default_factory=dict)
    keys: dict[str, tuple[str, str]] = field(default_factory=dict)

    def add(self, sample_id: str, facts: Facts, labels: list[tuple[int, str | None]]) -> None:
        """Record a labeled sample's categories (with subcategories)."""
        if not labels:
            return
        key = (signature_key(facts), facts.exception)
        self.labeled[sample_id] = labels
        self.keys[sample_id] = key
        for group in (self.by_signature[key[0]], self.by_exception[key[1]], self.overall):
            self._apply(group, labels, 1)

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

    def __enter__(self) -> Votes:
        if self.labels:
            sig, exc = self.votes.keys[self.sample_id]
            for group in (
                self.votes.by_signature[sig],
                self.votes.by_exception[exc],
                self.votes.overall,
            ):
                Votes._apply(group, self.labels, -1)
        return self.votes

    def __exit__(self, *exc: object) -> None:
        if self.labels:
            sig, exc_type = self.votes.keys[self.sample_id]
            for group in (
                self.votes.by_signature[sig],
                self.votes.by_exception[exc_type],
                self.votes.overall,
            ):
                Votes._apply(group, self.labels, 1)


def rank(
    facts: Facts,
    rules: RuleSet,
    taxonomy: Taxonomy,
    votes: Votes | None = None,
    sample_id: str | None = None,
    top: int = 5,
    weights: Weights = DEFAULT_WEIGHTS,
) -> list[Suggestion]:
    """Ranked suggestions for one sample; ``sample_id``'s own labels never vote."""
    scores: dict[int, float] = defaultdict(float)
    evidence: dict[int, list[str]] = defaultdict(list)
    subs: dict[int, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for rule in rules.fired(facts):
        scores[rule.category] += rule.weight
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
        (c for c in scores if scores[c] > 0 and taxonomy.has(c)), key=lambda c: (-scores[c], c)
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
    sig = signature_key(facts)
    layers = [
        (votes.by_signature.get(sig), weights.signature, f"failing with '{sig[:90]}'"),
        (
            votes.by_exception.get(facts.exception),
            weights.exception,
            f"failing with {facts.exception or 'no exception'}",
        ),
        (votes.overall, weights.prior, ""),
    ]
    for group, weight, what in layers:
        if group is None or group.samples <= 0:
            continue
        for category, count in group.categories.items():
            if count <= 0:
                continue
            share = count / (group.samples + 1)
            scores[category] += weight * share
            if what and count >= 2:
                evidence[category].append(
                    f"{count} of {group.samples} labeled samples {what} are category {category}"
                )
            for sub, n in group.subcategories[category].items():
                if n > 0:
                    subs[category][sub] += 0.1 * weight * n / group.samples
