"""Suggestion accuracy and calibration on split halves: does what was tuned here generalize?

Usage: python benchmarks/suggest_cv.py [DLBENCH_DIR] [--seeds N]

Imports the folder into a temporary database and measures, against the
'final' labels, how often the top-1 / top-3 suggestions contain one of a
sample's final categories, how well the top-1 confidence is calibrated
(expected calibration error, 5 bins) and how often decisive suggestions are
right and how many samples they cover:

- in-sample: leave-one-out over every labeled sample with the default
  weights and the shipped prior (what `annotator evaluate` prints; the
  shipped prior is these samples' own frequencies, so this figure is
  optimistic);
- split halves: the labeled samples are split in two halves A and B by a
  seeded hash of their id. The prior is A's category frequencies, the vote
  weights (:class:`Weights`) are chosen on a grid by leave-one-out within A
  only; then B is measured by leave-one-out within B (only B's labels vote
  and calibrate, as in a database holding only unseen samples, over A's
  prior); and the other way round. Mean and spread over several seeds.

The rules themselves are general knowledge and are not tuned here, but they
were written by people who had seen these samples: the split figures guard
the learned and tuned parts, not the rule authors' hindsight.
"""

from __future__ import annotations

import hashlib
import itertools
import random
import statistics
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

from annotator.importers import import_path
from annotator.models import FINAL
from annotator.store import Store
from annotator.store.suggest_data import category_labels
from annotator.suggest.calibrate import cross_fitted, fold_of, records_for, reliability
from annotator.suggest.engine import Engine
from annotator.suggest.features import Facts
from annotator.suggest.rank import DEFAULT_WEIGHTS, Votes, Weights, rank
from annotator.suggest.rules import RuleSet
from annotator.taxonomy import Taxonomy

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dlbench"
GRID = [
    Weights(prior=p, prior_strength=k)
    for p, k in itertools.product((0.6, 1.2, 2.0, 3.0), (5.0, 10.0, 20.0))
]


@dataclass
class Sample:
    sid: str
    facts: Facts
    labels: list[tuple[int, str | None]]  # every annotator's categories: they vote
    truth: set[int]  # final's first and second category: what is scored


def load(engine: Engine) -> list[Sample]:
    """Every final-labeled sample, with every annotator's bug categories (as the
    engine's votes read them) and final's categories as the truth."""
    engine.ensure_facts()
    labeled = {row.sample_id: row for row in category_labels(engine.store)}
    truth = {
        row.sample_id: {c for c in (row.category, row.category2) if c is not None}
        for row in engine.store.bug_categories(FINAL)
    }
    return [
        Sample(sid, Facts.from_json(labeled[sid].facts), labeled[sid].pairs, truth[sid])
        for sid in sorted(truth)
    ]


@dataclass
class Measure:
    top1: float
    top3: float
    ece: float
    ece_floor: float
    """ECE of a perfectly calibrated predictor with these confidences on this
    many samples (simulated): the noise floor of the measure."""
    decisive_precision: float | None
    decisive_coverage: float


def loo(
    samples: list[Sample],
    rules: RuleSet,
    taxonomy: Taxonomy,
    weights: Weights,
    prior: dict[int, float],
) -> Measure:
    """Leave-one-out within ``samples`` (only they vote and calibrate)."""
    votes = Votes(prior=prior)
    for s in samples:
        votes.add(s.sid, s.facts, s.labels)
    ranked = {s.sid: rank(s.facts, rules, taxonomy, votes, s.sid, 5, weights) for s in samples}
    records = [r for s in samples for r in records_for(s.sid, ranked[s.sid], s.truth)]
    maps = cross_fitted(records, rules.prior.decisive_hit_rate if rules.prior else 0.8)
    hit1 = hit3 = decisive = decisive_right = 0
    pairs: list[tuple[float, bool]] = []
    for s in samples:
        found = maps[fold_of(s.sid)].apply(ranked[s.sid][:3])
        cats = [x.category for x in found]
        h1 = bool(cats) and cats[0] in s.truth
        hit1 += h1
        hit3 += bool(s.truth & set(cats))
        if found:
            pairs.append((found[0].confidence or 0.0, h1))
            if found[0].decisive:
                decisive += 1
                decisive_right += h1
    n = len(samples)
    rng = random.Random(0)
    floor = statistics.mean(
        reliability([(c, rng.random() < c) for c, _ in pairs]).ece or 0.0 for _ in range(200)
    )
    return Measure(
        hit1 / n,
        hit3 / n,
        reliability(pairs).ece or 0.0,
        floor,
        decisive_right / decisive if decisive else None,
        decisive / n,
    )


def frequencies(samples: list[Sample]) -> dict[int, float]:
    counts: Counter[int] = Counter()
    for s in samples:
        counts.update(s.truth)
    total = sum(counts.values())
    return {c: n / total for c, n in counts.items()}


def halves(samples: list[Sample], seed: int) -> tuple[list[Sample], list[Sample]]:
    def key(s: Sample) -> str:
        return hashlib.sha1(f"{seed}:{s.sid}".encode()).hexdigest()

    ordered = sorted(samples, key=key)
    return ordered[: len(ordered) // 2], ordered[len(ordered) // 2 :]


def _spread(values: list[float]) -> str:
    return f"{statistics.mean(values):.1%} (sd {statistics.stdev(values):.1%}, {min(values):.1%}-{max(values):.1%})"


def main() -> int:
    args = sys.argv[1:]
    seeds = 5
    if "--seeds" in args:
        i = args.index("--seeds")
        seeds = int(args[i + 1])
        del args[i : i + 2]
    folder = Path(args[0]) if args else DEFAULT
    if not (folder / "Generated").is_dir():
        print(f"no DL-Bench folder at {folder}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as tmp:
        store = Store.open(Path(tmp) / "cv.db")
        import_path(store, "dlbench", folder)
        engine = Engine(store)
        samples = load(engine)
        rules, taxonomy = engine.rules, store.taxonomy
        shipped = rules.prior.shares(taxonomy) if rules.prior else {}
        m = loo(samples, rules, taxonomy, DEFAULT_WEIGHTS, shipped)
        print(
            f"in-sample leave-one-out ({len(samples)}): top-1 {m.top1:.1%}, top-3 {m.top3:.1%},"
            f" ECE {m.ece:.3f}, decisive {m.decisive_coverage:.1%} covered,"
            f" right {m.decisive_precision or 0:.1%}"
        )
        runs: list[Measure] = []
        for seed in range(seeds):
            a, b = halves(samples, seed)
            for tune, test, name in ((a, b, "A->B"), (b, a, "B->A")):
                prior = frequencies(tune)
                best = max(
                    GRID,
                    key=lambda w: (lambda r: r.top1 + r.top3)(loo(tune, rules, taxonomy, w, prior)),
                )
                r = loo(test, rules, taxonomy, best, prior)
                runs.append(r)
                print(
                    f"seed {seed} {name}: tuned {best} -> top-1 {r.top1:.1%}, top-3 {r.top3:.1%},"
                    f" ECE {r.ece:.3f}, decisive {r.decisive_coverage:.1%} right"
                    f" {r.decisive_precision if r.decisive_precision is not None else float('nan'):.1%}"
                )
        decisive = [r.decisive_precision for r in runs if r.decisive_precision is not None]
        print(f"split halves, tuned on one half, measured on the other ({len(runs)} runs):")
        print(f"  top-1 {_spread([r.top1 for r in runs])}")
        print(f"  top-3 {_spread([r.top3 for r in runs])}")
        print(f"  ECE of top-1 confidence {statistics.mean(r.ece for r in runs):.3f}"
              f" (sd {statistics.stdev(r.ece for r in runs):.3f}); a perfectly calibrated"
              f" predictor would show {statistics.mean(r.ece_floor for r in runs):.3f} on halves"
              " this small")  # fmt: skip
        print(f"  decisive coverage {_spread([r.decisive_coverage for r in runs])}")
        if len(decisive) > 1:
            print(f"  decisive right {_spread(decisive)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
