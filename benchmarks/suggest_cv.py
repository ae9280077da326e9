"""Suggestion accuracy and calibration on split halves: does what was learned here generalize?

Usage: python benchmarks/suggest_cv.py [DLBENCH_DIR] [--seeds N]

Imports the folder into a temporary database and measures, against the
'final' labels, how often the top-1 / top-3 suggestions contain one of a
sample's final categories (first or second), how well the top-1 confidence
is calibrated (expected calibration error, 5 bins) and how often decisive
suggestions are right and how many labeled samples they cover:

- in-sample: 5-fold over every labeled sample with the shipped prior (what
  `annotator evaluate` prints; the shipped prior is these samples' own
  frequencies, so this figure is optimistic);
- split halves: the labeled samples are split in two halves A and B by a
  seeded hash of their id. Everything learned is fitted on A alone: the prior
  is A's category frequencies, the vote weights are chosen on a grid by
  leave-one-out within A, and the model (:func:`fit_model`: votes, decisive
  triggers, confidence map) is fitted on A's labels. B is then ranked with
  that model and none of B's labels (as unseen samples would be), and
  measured; and the other way round. Mean and spread over several seeds.
  The ECE is given per half (85/86 predictions) and pooled over both
  directions of a seed (171 predictions, each made by a model that never
  saw its label), each with the figure a perfectly calibrated predictor
  with the same confidences would show on that many samples (the noise
  floor of the measure, simulated).

The rules themselves are general knowledge and are not fitted here, but they
were written by people who had seen these samples: the split figures guard
the learned parts, not the rule authors' hindsight.
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

from _env import print_header

from annotator.importers import import_path
from annotator.models import FINAL, Suggestion
from annotator.store import Store
from annotator.suggest.calibrate import FOLDS, fold_of, reliability
from annotator.suggest.engine import Engine
from annotator.suggest.features import Facts
from annotator.suggest.model import Labeled, fit_model
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
    labeled = {row.sample_id: row for row in engine.store.category_labels()}
    truth = {
        row.sample_id: {c for c in (row.category, row.category2) if c is not None}
        for row in engine.store.bug_categories(FINAL)
    }
    return [
        Sample(sid, Facts.from_json(labeled[sid].facts), labeled[sid].pairs, truth[sid])
        for sid in sorted(truth)
    ]


@dataclass
class Predicted:
    """One measured sample's ranking by a model that never saw its labels."""

    found: list[Suggestion]
    truth: set[int]

    @property
    def hit1(self) -> bool:
        return bool(self.found) and self.found[0].category in self.truth

    @property
    def hit3(self) -> bool:
        return bool(self.truth & {s.category for s in self.found[:3]})


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
    decisive_n: int


def measure(predicted: list[Predicted]) -> Measure:
    n = len(predicted)
    pairs = [(p.found[0].confidence or 0.0, p.hit1) for p in predicted if p.found]
    decisive = [p for p in predicted if p.found and p.found[0].decisive]
    return Measure(
        sum(p.hit1 for p in predicted) / n,
        sum(p.hit3 for p in predicted) / n,
        reliability(pairs).ece or 0.0,
        ece_floor(pairs),
        sum(p.hit1 for p in decisive) / len(decisive) if decisive else None,
        len(decisive) / n,
        len(decisive),
    )


def ece_floor(pairs: list[tuple[float, bool]]) -> float:
    rng = random.Random(0)
    return statistics.mean(
        reliability([(c, rng.random() < c) for c, _ in pairs]).ece or 0.0 for _ in range(200)
    )


def _labeled(samples: list[Sample]) -> list[Labeled]:
    return [(s.sid, s.facts, s.labels) for s in samples]


def held_out(
    train: list[Sample],
    test: list[Sample],
    rules: RuleSet,
    taxonomy: Taxonomy,
    weights: Weights,
    prior: dict[int, float],
) -> list[Predicted]:
    """Fit on ``train``'s labels only; rank ``test`` with none of its labels."""
    model = fit_model(_labeled(train), rules, taxonomy, weights, prior)
    return [Predicted(model.rank(s.facts, None, 3), s.truth) for s in test]


def folds(
    samples: list[Sample], rules: RuleSet, taxonomy: Taxonomy, prior: dict[int, float]
) -> list[Predicted]:
    """5-fold: each fold ranked by a model fitted on the other folds."""
    out: list[Predicted] = []
    for fold in range(FOLDS):
        train = [s for s in samples if fold_of(s.sid) != fold]
        test = [s for s in samples if fold_of(s.sid) == fold]
        out += held_out(train, test, rules, taxonomy, DEFAULT_WEIGHTS, prior)
    return out


def tuning_score(
    samples: list[Sample], rules: RuleSet, taxonomy: Taxonomy, w: Weights, prior: dict[int, float]
) -> float:
    """top-1 + top-3 by leave-one-out within ``samples`` (for choosing weights)."""
    votes = Votes(prior=prior)
    for s in samples:
        votes.add(s.sid, s.facts, s.labels)
    hits = 0
    for s in samples:
        cats = [x.category for x in rank(s.facts, rules, taxonomy, votes, s.sid, 3, w)]
        hits += bool(cats) and cats[0] in s.truth
        hits += bool(s.truth & set(cats))
    return hits / len(samples)


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


def _spread(values: list[float], fmt: str = ".1%") -> str:
    return (
        f"{statistics.mean(values):{fmt}} (sd {statistics.stdev(values):{fmt}},"
        f" {min(values):{fmt}}-{max(values):{fmt}})"
    )


def _line(m: Measure) -> str:
    right = f"{m.decisive_precision:.1%}" if m.decisive_precision is not None else "-"
    return (
        f"top-1 {m.top1:.1%}, top-3 {m.top3:.1%}, ECE {m.ece:.3f} (floor {m.ece_floor:.3f}),"
        f" decisive {m.decisive_n} = {m.decisive_coverage:.1%} covered, right {right}"
    )


def main() -> int:
    print_header("cold: data imported into a fresh database, no suggestion cache")
    args = sys.argv[1:]
    if "-h" in args or "--help" in args:
        print(__doc__)
        return 0
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
        print(
            f"in-sample 5-fold ({len(samples)}): {_line(measure(folds(samples, rules, taxonomy, shipped)))}"
        )
        runs: list[Measure] = []
        pooled: list[Measure] = []
        decisive_rows: list[Predicted] = []
        for seed in range(seeds):
            a, b = halves(samples, seed)
            both: list[Predicted] = []
            for train, test, name in ((a, b, "A->B"), (b, a, "B->A")):
                prior = frequencies(train)
                best = max(GRID, key=lambda w: tuning_score(train, rules, taxonomy, w, prior))
                predicted = held_out(train, test, rules, taxonomy, best, prior)
                both += predicted
                r = measure(predicted)
                runs.append(r)
                print(f"seed {seed} {name}: {best} -> {_line(r)}")
            pooled.append(measure(both))
            decisive_rows += both
        decisive = [r.decisive_precision for r in runs if r.decisive_precision is not None]
        print(f"split halves, fitted on one half, measured on the other ({len(runs)} runs):")
        print(f"  top-1 {_spread([r.top1 for r in runs])}")
        print(f"  top-3 {_spread([r.top3 for r in runs])}")
        print(
            f"  ECE of top-1 confidence per half {_spread([r.ece for r in runs], '.3f')};"
            f" a perfectly calibrated predictor: {statistics.mean(r.ece_floor for r in runs):.3f}"
        )
        print(f"  ECE pooled over both directions ({len(samples)} per seed) {_spread([r.ece for r in pooled], '.3f')};"
              f" a perfectly calibrated predictor: {statistics.mean(r.ece_floor for r in pooled):.3f}")  # fmt: skip
        print(f"  decisive coverage {_spread([r.decisive_coverage for r in runs])}")
        if len(decisive) > 1:
            print(f"  decisive right {_spread(decisive)}")
        all_decisive = [p for p in decisive_rows if p.found and p.found[0].decisive]
        if all_decisive:
            right = sum(p.hit1 for p in all_decisive)
            print(f"  decisive, all seeds pooled: {right}/{len(all_decisive)} right"
                  f" ({right / len(all_decisive):.1%}), {len(all_decisive) / len(decisive_rows):.1%} covered")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
