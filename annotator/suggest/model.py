"""What the suggester learns from visible labels, in one place.

Contract: :func:`fit_model` takes the labeled samples the caller may see
(sample id, :class:`~.features.Facts`, categories with subcategories) and
returns a :class:`Model`: the category votes over the rule table's prior
(:class:`~.rank.Votes`), the decisive triggers (:class:`~.triggers.Triggers`)
and the confidence map (:class:`~.calibrate.Calibrator`, fitted on the
leave-one-out rankings of those samples: a sample's own labels neither vote,
nor count for a trigger, when its record is made). :meth:`Model.rank` ranks
one sample with confidences; a labeled sample's own labels are left out.
The engine fits one model per label-history position (and per blind
annotator); ``annotator evaluate`` and ``benchmarks/suggest_cv.py`` fit it on
some samples and measure it on others. A taxonomy the rule table was not
written for (:attr:`~.rules.RuleSet.foreign`) has no prior and no rule: its
votes are its own labels, and its suggestions carry no confidence until
:data:`CONFIDENCE_LABELS` samples are labeled (:meth:`Model.note` says so).
Pure: no I/O.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from ..models import Suggestion
from ..taxonomy import Taxonomy
from .calibrate import Calibrator, Record, records_for
from .features import Facts
from .rank import DEFAULT_WEIGHTS, Votes, Weights, rank
from .rules import RuleSet
from .triggers import Triggers

CALIBRATION_SAMPLES = 2000  # the confidence map is fitted on at most this many samples
CONFIDENCE_LABELS = 20
"""Labeled samples a taxonomy without a shipped table (:attr:`RuleSet.foreign`)
needs before its suggestions carry a confidence (fewer: none, and the panel
says so instead of a percentage)."""

Labeled = tuple[str, Facts, list[tuple[int, str | None]]]
"""A labeled sample: id, facts, every visible (category, subcategory)."""


@dataclass
class Model:
    rules: RuleSet
    taxonomy: Taxonomy
    votes: Votes
    triggers: Triggers
    calibrator: Calibrator
    weights: Weights = DEFAULT_WEIGHTS
    facts: Mapping[str, Facts] | None = None
    confident: bool = True
    """False: too few labels for a confidence (a foreign taxonomy's first ones)."""
    _decisive_all: frozenset[str] = field(default=frozenset(), init=False, repr=False)

    def __post_init__(self) -> None:
        self._decisive_all = self.triggers.decisive()

    def decisive_rules(self, sample_id: str | None = None) -> frozenset[str]:
        if sample_id is None or self.facts is None or sample_id not in self.facts:
            return self._decisive_all
        own = self.votes.labeled.get(sample_id)
        if own is None:
            return self._decisive_all
        fired = [r.id for r in self.rules.fired(self.facts[sample_id])]
        return self.triggers.decisive(without=(fired, {c for c, _ in own}))

    def raw(self, facts: Facts, sample_id: str | None = None, top: int = 5) -> list[Suggestion]:
        """Ranked suggestions without confidences (leave-one-out for a labeled sample)."""
        return rank(
            facts,
            self.rules,
            self.taxonomy,
            self.votes,
            sample_id,
            top,
            self.weights,
            self.decisive_rules(sample_id),
        )

    def rank(self, facts: Facts, sample_id: str | None = None, top: int = 5) -> list[Suggestion]:
        """Ranked suggestions with confidences (none when not :attr:`confident`)."""
        found = self.raw(facts, sample_id, top)
        return self.calibrator.apply(found) if self.confident else found

    def note(self) -> str:
        """What the panel says before the suggestions ('' when nothing to say)."""
        if not self.rules.foreign:
            return ""
        n = len(self.votes.labeled)
        enough = "" if self.confident else f"; a confidence needs {CONFIDENCE_LABELS}"
        return f"{self.rules.foreign}: suggestions come only from your labels ({n} labeled{enough})"


def fit_model(
    labeled: Sequence[Labeled],
    rules: RuleSet,
    taxonomy: Taxonomy,
    weights: Weights = DEFAULT_WEIGHTS,
    prior: Mapping[int, float] | None = None,
) -> Model:
    """Fit votes, decisive triggers and the confidence map on ``labeled``.

    ``prior``: category shares before any label (default: the rule table's)."""
    if prior is None:
        prior = rules.prior.shares(taxonomy) if rules.prior else {}
    votes = Votes(prior=prior)
    hit_rate = rules.prior.decisive_hit_rate if rules.prior else Calibrator.decisive_hit_rate
    triggers = Triggers(rules)
    facts: dict[str, Facts] = {}
    for sid, sample_facts, labels in labeled:
        if not labels:
            continue
        facts[sid] = sample_facts
        votes.add(sid, sample_facts, labels)
        triggers.add((r.id for r in rules.fired(sample_facts)), {c for c, _ in labels})
    unfitted = Model(rules, taxonomy, votes, triggers, Calibrator(hit_rate), weights, facts)
    records: list[Record] = []
    for sid in list(votes.labeled)[-CALIBRATION_SAMPLES:]:
        found = unfitted.raw(facts[sid], sid)
        records += records_for(sid, found, {c for c, _ in votes.labeled[sid]})
    calibrator = Calibrator.fit(records, hit_rate)
    confident = not rules.foreign or len(votes.labeled) >= CONFIDENCE_LABELS
    return Model(rules, taxonomy, votes, triggers, calibrator, weights, facts, confident)
