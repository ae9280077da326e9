"""Confidence: how often a suggestion like this one was right, on visible labels.

Contract: a :class:`Calibrator` is fitted on records ``(sample, decisive,
score, top, hit)``: every suggestion that leave-one-out ranking made for a
labeled sample the caller may see, and whether its category was among that
sample's categories. It is a logistic (Platt) map from the suggestion's score
(logit), whether it is decisive and whether it ranks first, penalised towards
a fallback that ships with the rule table (confidence = score; decisive ones
near the prior's ``decisive_hit_rate``), and shrunk toward the base rate of
its rank (top or not) on those records by ``SHRINK`` labeled samples, so that
with few labels it is not overconfident out of sample (ECE on split halves:
benchmarks/suggest_cv.py). With no label at all, confidence = score. A smooth map with four parameters: one
sample barely moves it (bins would flip a sample's own confidence across a
boundary under leave-one-out). :func:`cross_fitted` gives, for evaluation,
each sample the map fitted without its fold. :func:`reliability` bins top-1
confidences against hits: the table and the expected calibration error.
Pure: no I/O.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import Suggestion

SHRINK = 30.0  # labeled samples at which the fitted map and the base rate weigh alike
PENALTY = 4.0  # strength of the pull towards the fallback parameters
REPORT_BINS = 5  # bins of the reliability table
FOLDS = 5
_EPS = 1e-3


@dataclass(frozen=True)
class Record:
    sample_id: str
    decisive: bool
    score: float
    top: bool
    hit: bool


def _logit(p: float) -> float:
    p = min(1 - _EPS, max(_EPS, p))
    return math.log(p / (1 - p))


def _features(decisive: bool, score: float, top: bool) -> list[float]:
    return [1.0, _logit(score), float(decisive), float(top)]


def _solve(a: list[list[float]], b: list[float]) -> list[float]:
    """Gaussian elimination with partial pivoting (a small dense system)."""
    n = len(b)
    m = [row[:] + [b[i]] for i, row in enumerate(a)]
    for col in range(n):
        pivot = max(range(col, n), key=lambda r: abs(m[r][col]))
        m[col], m[pivot] = m[pivot], m[col]
        if abs(m[col][col]) < 1e-12:
            return [0.0] * n
        for r in range(n):
            if r != col:
                f = m[r][col] / m[col][col]
                for c in range(col, n + 1):
                    m[r][c] -= f * m[col][c]
    return [m[i][n] / m[i][i] for i in range(n)]


@dataclass
class Calibrator:
    decisive_hit_rate: float = 0.8
    theta: list[float] = field(default_factory=list)
    samples: int = 0
    """Labeled samples the map was fitted on (0: the fallback speaks)."""
    base: tuple[float, float] = (0.0, 0.0)
    """Hit rates (smoothed) of the top suggestion and of the others on them."""

    def fallback(self) -> list[float]:
        # confidence = score, and decisive suggestions (scores near 0.6)
        # shifted to about decisive_hit_rate.
        return [0.0, 1.0, _logit(self.decisive_hit_rate) - _logit(0.6), 0.0]

    @classmethod
    def fit(cls, records: Iterable[Record], decisive_hit_rate: float = 0.8) -> Calibrator:
        calibrator = cls(decisive_hit_rate)
        prior = calibrator.fallback()
        records = list(records)
        rows = [(_features(r.decisive, r.score, r.top), float(r.hit)) for r in records]
        theta = prior[:]
        for _ in range(25):  # Newton steps on the penalised log-likelihood
            grad = [-PENALTY * (t - p) for t, p in zip(theta, prior, strict=True)]
            hess = [[PENALTY if i == j else 0.0 for j in range(4)] for i in range(4)]
            for x, y in rows:
                z = sum(t * v for t, v in zip(theta, x, strict=True))
                mu = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
                w = mu * (1 - mu)
                for i in range(4):
                    grad[i] += (y - mu) * x[i]
                    for j in range(4):
                        hess[i][j] += w * x[i] * x[j]
            step = _solve(hess, grad)
            theta = [t + d for t, d in zip(theta, step, strict=True)]
            if max(abs(d) for d in step) < 1e-6:
                break
        calibrator.theta = theta
        tops = [r.hit for r in records if r.top]
        rest = [r.hit for r in records if not r.top]
        calibrator.samples = len(tops)
        calibrator.base = ((sum(tops) + 1) / (len(tops) + 2), (sum(rest) + 1) / (len(rest) + 2))
        return calibrator

    def confidence(self, decisive: bool, score: float, top: bool) -> float:
        theta = self.theta or self.fallback()
        z = sum(t * v for t, v in zip(theta, _features(decisive, score, top), strict=True))
        fitted = 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))
        if self.samples:
            # Shrunk toward the base rate at this rank: few labels, mostly the base rate.
            weight = self.samples / (self.samples + SHRINK)
            fitted = weight * fitted + (1 - weight) * self.base[0 if top else 1]
        return round(fitted, 4)

    def apply(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        """``suggestions`` (in :func:`~.rank.rank`'s order) with confidences that
        never increase down the list: the first is the likeliest, the one the
        panel names, ``a`` takes, ``suggest --json`` lists first and
        ``evaluate`` scores; equal ones keep the ranking's order."""
        out: list[Suggestion] = []
        cap = 1.0
        for i, s in enumerate(suggestions):
            cap = min(cap, self.confidence(s.decisive, s.score, i == 0))
            out.append(s.model_copy(update={"confidence": cap}))
        return out


def records_for(sample_id: str, ranked: Sequence[Suggestion], truth: set[int]) -> list[Record]:
    return [
        Record(sample_id, s.decisive, s.score, i == 0, s.category in truth)
        for i, s in enumerate(ranked)
    ]


def fold_of(sample_id: str) -> int:
    digest = hashlib.sha256(sample_id.encode("utf-8", "surrogatepass")).digest()
    return digest[0] % FOLDS


def cross_fitted(records: Sequence[Record], decisive_hit_rate: float) -> dict[int, Calibrator]:
    """For each fold, the map fitted on the other folds' records (for evaluation)."""
    return {
        fold: Calibrator.fit(
            (r for r in records if fold_of(r.sample_id) != fold), decisive_hit_rate
        )
        for fold in range(FOLDS)
    }


@dataclass(frozen=True)
class Reliability:
    """Top-1 confidence against hits, in :data:`REPORT_BINS` equal-width bins."""

    rows: list[dict[str, float | int | None]]
    ece: float | None
    n: int


def reliability(pairs: Sequence[tuple[float, bool]]) -> Reliability:
    """``pairs`` are (confidence, hit) of each sample's top suggestion."""
    bins: list[list[tuple[float, bool]]] = [[] for _ in range(REPORT_BINS)]
    for confidence, hit in pairs:
        bins[min(REPORT_BINS - 1, max(0, int(confidence * REPORT_BINS)))].append((confidence, hit))
    rows: list[dict[str, float | int | None]] = []
    gap = 0.0
    for index, members in enumerate(bins):
        n = len(members)
        mean_conf = sum(c for c, _ in members) / n if n else None
        rate = sum(h for _, h in members) / n if n else None
        if mean_conf is not None and rate is not None:
            gap += n * abs(mean_conf - rate)
        rows.append(
            {
                "low": index / REPORT_BINS,
                "high": (index + 1) / REPORT_BINS,
                "n": n,
                "confidence": round(mean_conf, 4) if mean_conf is not None else None,
                "accuracy": round(rate, 4) if rate is not None else None,
            }
        )
    total = len(pairs)
    return Reliability(rows, round(gap / total, 4) if total else None, total)
