"""Decisive triggers: which rules all but settle the category, learned from visible labels.

Contract: :class:`Triggers` counts, over the labeled samples the caller may
see, how often each rule fired and how often its category was among the
sample's categories (the rule's precision as a top suggestion: a decisive
rule's category ranks first). :meth:`Triggers.decisive` names the rules that
are decisive: a rule that fired on at least :data:`MIN_COUNT` visible samples
is decisive when the Wilson lower bound (z = :data:`Z`) of its precision is at
least :data:`LOWER_BOUND`, whatever the rule table says; a rule seen less
often keeps the table's ``decisive`` flag (the fallback, written as general
knowledge: syntax errors, timeouts, missing modules). A sample's own labels
never count for it (:meth:`Triggers.decisive` with ``without``). Pure: no I/O.

Why a bound and not the rate: on a few dozen labels a rule right 3 times out
of 3 is as likely a 60% rule as a 95% one; with z = 1 and 0.7 a rule needs
5 of 5, 9 of 10 or 17 of 20 to become decisive, and loses the flag at 3 of 5,
6 of 10 or 12 of 20.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field

from ..stats.proportion import wilson_interval
from .rules import RuleSet

Z = 1.645
MIN_COUNT = 5
DEFAULT_HIT_RATE = 0.8


def wilson(hits: int, n: int, z: float = Z) -> tuple[float, float]:
    """Wilson score interval of a proportion ((0, 1) when n is 0)."""
    return wilson_interval(hits, n, z) or (0.0, 1.0)


@dataclass
class Triggers:
    """Per rule: visible samples it fired on, and how many had its category."""

    rules: RuleSet
    hit_rate: float = DEFAULT_HIT_RATE
    fired: Counter[str] = field(default_factory=Counter)
    hits: Counter[str] = field(default_factory=Counter)
    _table: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        self._table = frozenset(r.id for r in self.rules.rules if r.decisive)

    def add(self, fired_ids: Iterable[str], categories: set[int]) -> None:
        """One labeled sample: the rules that fired on it and its categories."""
        self._shift(fired_ids, categories, 1)

    def _shift(self, fired_ids: Iterable[str], categories: set[int], sign: int) -> None:
        of = {r.id: r.category for r in self.rules.rules}
        for rule_id in fired_ids:
            if rule_id in of:
                self.fired[rule_id] += sign
                self.hits[rule_id] += sign * (of[rule_id] in categories)

    def is_decisive(self, rule_id: str, fired: int, hits: int) -> bool:
        if fired < MIN_COUNT:
            return rule_id in self._table
        low, high = wilson(hits, fired)
        if low >= self.hit_rate:
            return True
        if high < self.hit_rate:
            return False
        return rule_id in self._table

    def decisive(self, without: tuple[Iterable[str], set[int]] | None = None) -> frozenset[str]:
        """Ids of the decisive rules; ``without`` (fired ids, categories) is a
        sample whose own labels must not count (leave-one-out)."""
        minus_fired: Counter[str] = Counter()
        minus_hits: Counter[str] = Counter()
        if without is not None:
            of = {r.id: r.category for r in self.rules.rules}
            for rule_id in without[0]:
                if rule_id in of:
                    minus_fired[rule_id] += 1
                    minus_hits[rule_id] += of[rule_id] in without[1]
        return frozenset(
            rule.id
            for rule in self.rules.rules
            if rule.weight > 0
            and self.is_decisive(
                rule.id,
                self.fired[rule.id] - minus_fired[rule.id],
                self.hits[rule.id] - minus_hits[rule.id],
            )
        )

    def table(self) -> list[dict[str, object]]:
        """Every rule that fired on a visible sample: counts, bounds, decisive or not."""
        decisive = self.decisive()
        return [
            {
                "rule": rule_id,
                "fired": n,
                "right": self.hits[rule_id],
                "bounds": tuple(round(b, 3) for b in wilson(self.hits[rule_id], n)),
                "decisive": rule_id in decisive,
            }
            for rule_id, n in sorted(self.fired.items(), key=lambda x: (-x[1], x[0]))
            if n > 0
        ]
