"""How often the suggestions are right, leave-one-out.

Contract: :func:`evaluate` ranks every sample that ``annotator`` labeled with a
category, with that sample's own labels (of every annotator) left out of the
votes, and counts a hit at k when a category of the top k is among the
annotator's categories for the sample (first or second). Returns overall and
per-category top-1/top-3 rates and a confusion table of the annotator's
primary category against the top suggestion.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .engine import Engine
from .features import Facts
from .rank import rank


@dataclass
class Evaluation:
    annotator: str
    n: int = 0
    top1: int = 0
    top3: int = 0
    per_category: dict[int, list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0, 0])
    )
    confusion: Counter[tuple[int, int | None]] = field(default_factory=Counter)

    def rate(self, hits: int) -> float | None:
        return round(hits / self.n, 4) if self.n else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "annotator": self.annotator,
            "n": self.n,
            "top1": self.rate(self.top1),
            "top3": self.rate(self.top3),
            "per_category": [
                {
                    "category": c,
                    "n": v[0],
                    "top1": round(v[1] / v[0], 4),
                    "top3": round(v[2] / v[0], 4),
                }
                for c, v in sorted(self.per_category.items())
            ],
            "confusion": [
                {"label": label, "suggested": guess, "count": n}
                for (label, guess), n in sorted(
                    self.confusion.items(), key=lambda x: (x[0][0], -x[1])
                )
            ],
        }


def evaluate(engine: Engine, annotator: str = "final") -> Evaluation:
    result = Evaluation(annotator)
    rows = engine.store.bug_categories(annotator)
    ids = [r.sample_id for r in rows]
    engine.ensure_facts(ids)
    votes = engine.votes()
    facts_of = {sid: Facts.from_json(data) for sid, data in engine.store.facts_of(ids).items()}
    for sid, c1, c2 in ((r.sample_id, r.category, r.category2) for r in rows):
        truth = {c for c in (c1, c2) if c is not None}
        facts = facts_of.get(sid)
        if facts is None:
            continue
        ranked = [s.category for s in rank(facts, engine.rules, engine.taxonomy, votes, sid, top=3)]
        hit1 = bool(ranked[:1]) and ranked[0] in truth
        hit3 = bool(truth & set(ranked[:3]))
        result.n += 1
        result.top1 += hit1
        result.top3 += hit3
        for c in truth:
            stats = result.per_category[c]
            stats[0] += 1
            stats[1] += hit1
            stats[2] += hit3
        result.confusion[(c1, ranked[0] if ranked else None)] += 1
    return result
