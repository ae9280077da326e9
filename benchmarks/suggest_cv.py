"""Suggestion accuracy on split halves: does what was tuned here generalize?

Usage: python benchmarks/suggest_cv.py [DLBENCH_DIR] [--seeds N]

Imports the folder into a temporary database and measures, against the
'final' labels, how often the top-1 / top-3 suggestions contain one of a
sample's final categories:

- in-sample: leave-one-out over every labeled sample with the default
  weights (what `annotator evaluate --annotator final` prints);
- split halves: the labeled samples are split in two halves A and B by a
  seeded hash of their id. The vote weights (:class:`Weights`) are chosen on
  a grid by leave-one-out within A only (only A's labels vote), then
  measured by leave-one-out within B only (only B's labels vote, as in a
  database holding only unseen samples); and the other way round. Averaged
  over several seeds.

The rules themselves are general knowledge and are not tuned here, but they
were written by people who had seen these samples: the split figures guard
the learned and tuned parts, not the rule authors' hindsight.
"""

from __future__ import annotations

import hashlib
import itertools
import json
import statistics
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from annotator.importers import import_path
from annotator.store import Store
from annotator.suggest.engine import Engine
from annotator.suggest.features import Facts
from annotator.suggest.rank import DEFAULT_WEIGHTS, Votes, Weights, rank
from annotator.suggest.rules import RuleSet
from annotator.taxonomy import Taxonomy

DEFAULT = Path(__file__).resolve().parents[2] / "shared" / "dlbench"
GRID = [
    Weights(signature=s, exception=e, prior=p)
    for s, e, p in itertools.product((0.0, 0.5, 1.0), (0.0, 0.5, 1.0), (0.6, 1.2, 2.4))
]


@dataclass
class Sample:
    sid: str
    facts: Facts
    labels: list[tuple[int, str | None]]  # every annotator's categories: they vote
    truth: set[int]  # final's first and second category: what is scored


def load(engine: Engine) -> list[Sample]:
    conn = engine.conn
    engine.ensure_facts()
    facts = {
        sid: Facts.from_json(json.loads(data))
        for sid, data in conn.execute("SELECT sample_id, facts FROM sample_facts")
    }
    labels: dict[str, list[tuple[int, str | None]]] = {}
    truth: dict[str, set[int]] = {}
    for sid, who, c1, s1, c2, s2 in conn.execute(
        "SELECT sample_id, annotator, category, subcategory, category2, subcategory2"
        " FROM labels WHERE kind = 'bug'"
    ):
        pairs = [(c, s) for c, s in ((c1, s1), (c2, s2)) if c is not None]
        labels.setdefault(sid, []).extend(pairs)
        if who == "final":
            truth[sid] = {c for c, _ in pairs}
    return [Sample(sid, facts[sid], labels[sid], truth[sid]) for sid in sorted(truth)]


def loo(
    samples: list[Sample], rules: RuleSet, taxonomy: Taxonomy, weights: Weights
) -> tuple[float, float]:
    """Leave-one-out top-1/top-3 within ``samples`` (only they vote)."""
    votes = Votes()
    for s in samples:
        votes.add(s.sid, s.facts, s.labels)
    hit1 = hit3 = 0
    for s in samples:
        ranked = [x.category for x in rank(s.facts, rules, taxonomy, votes, s.sid, 3, weights)]
        hit1 += bool(ranked) and ranked[0] in s.truth
        hit3 += bool(s.truth & set(ranked))
    return hit1 / len(samples), hit3 / len(samples)


def halves(samples: list[Sample], seed: int) -> tuple[list[Sample], list[Sample]]:
    def key(s: Sample) -> str:
        return hashlib.sha1(f"{seed}:{s.sid}".encode()).hexdigest()

    ordered = sorted(samples, key=key)
    return ordered[: len(ordered) // 2], ordered[len(ordered) // 2 :]


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
        t1, t3 = loo(samples, rules, taxonomy, DEFAULT_WEIGHTS)
        print(f"in-sample leave-one-out ({len(samples)}): top-1 {t1:.1%}, top-3 {t3:.1%}")
        split1: list[float] = []
        split3: list[float] = []
        default1: list[float] = []
        default3: list[float] = []
        for seed in range(seeds):
            a, b = halves(samples, seed)
            for tune, test, name in ((a, b, "A->B"), (b, a, "B->A")):
                best = max(GRID, key=lambda w: sum(loo(tune, rules, taxonomy, w)))
                r1, r3 = loo(test, rules, taxonomy, best)
                d1, d3 = loo(test, rules, taxonomy, DEFAULT_WEIGHTS)
                split1.append(r1)
                split3.append(r3)
                default1.append(d1)
                default3.append(d3)
                print(
                    f"seed {seed} {name}: tuned {best} -> top-1 {r1:.1%}, top-3 {r3:.1%}"
                    f" (default weights: {d1:.1%} / {d3:.1%})"
                )
        print(
            f"split halves, tuned on one half, measured on the other ({2 * seeds} runs):"
            f" top-1 {statistics.mean(split1):.1%}, top-3 {statistics.mean(split3):.1%};"
            f" default weights {statistics.mean(default1):.1%} / {statistics.mean(default3):.1%}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
