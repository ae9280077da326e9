"""How often the suggestions are right, leave-one-out.

Contract: :func:`evaluate` ranks every sample that ``annotator`` labeled with a
category, with that sample's own labels (of every annotator) left out of the
votes, and counts a hit at k when a category of the top k is among the
annotator's categories for the sample (first or second). Returns overall and
per-category top-1/top-3 rates, a confusion table of the annotator's
primary category against the top suggestion, and calibration: a reliability
table of the top suggestion's confidence (:data:`~.calibrate.REPORT_BINS`
bins), the expected calibration error, and how often decisive suggestions are
right and how many samples they cover. Confidences are cross-fitted: each
sample's come from a map fitted on the other folds' samples.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from .calibrate import cross_fitted, fold_of, records_for, reliability
from .engine import Engine
from .features import Facts


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
    top1_confidence: list[tuple[float, bool]] = field(default_factory=list)
    decisive: int = 0
    decisive_right: int = 0
    top: dict[str, int | None] = field(default_factory=dict)
    """Each scored sample's top suggestion (the category scored at top-1)."""

    def rate(self, hits: int) -> float | None:
        return round(hits / self.n, 4) if self.n else None

    def calibration(self) -> dict[str, Any]:
        table = reliability(self.top1_confidence)
        return {
            "reliability": table.rows,
            "ece": table.ece,
            "decisive": {
                "n": self.decisive,
                "precision": round(self.decisive_right / self.decisive, 4)
                if self.decisive
                else None,
                "coverage": self.rate(self.decisive),
            },
        }

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
            "calibration": self.calibration(),
        }


def evaluate(engine: Engine, annotator: str = "final") -> Evaluation:
    result = Evaluation(annotator)
    rows = [(r.sample_id, r.category, r.category2) for r in engine.store.bug_categories(annotator)]
    ids = [sid for sid, _, _ in rows]
    engine.ensure_facts(ids)
    facts_of = {sid: Facts.from_json(data) for sid, data in engine.store.facts_of(ids).items()}
    # The model's own ranking (votes and decisive triggers, leave-one-out):
    # the order the panel, `a` and `suggest --json` show.
    model = engine.model()
    ranked_of = {sid: model.raw(facts_of[sid], sid) for sid, _, _ in rows if sid in facts_of}
    truth_of = {sid: {c for c in (c1, c2) if c is not None} for sid, c1, c2 in rows}
    # Confidences from a map fitted on the other folds' samples (cross-fitting).
    records = [
        r for sid, found in ranked_of.items() for r in records_for(sid, found, truth_of[sid])
    ]
    prior = engine.rules.prior
    maps = cross_fitted(records, prior.decisive_hit_rate if prior else 0.8)
    for sid, c1, _ in rows:
        truth = truth_of[sid]
        if sid not in ranked_of:
            continue
        found = maps[fold_of(sid)].apply(ranked_of[sid][:3])
        ranked = [s.category for s in found]
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
        result.top[sid] = ranked[0] if ranked else None
        if found:
            result.top1_confidence.append((found[0].confidence or 0.0, hit1))
            if found[0].decisive:
                result.decisive += 1
                result.decisive_right += hit1
    return result
