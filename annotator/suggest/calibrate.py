"""Confidence: how often a suggestion like this one was right, on visible labels.

Contract: a :class:`Calibrator` is fitted on records ``(sample, decisive,
score, hit)``: every suggestion that leave-one-out ranking made for a labeled
sample the caller may see, and whether its category was among that sample's
categories. :meth:`Calibrator.confidence` maps a new suggestion's (decisive,
score) to the hit rate of its bin, smoothed towards a fallback that ships
with the rule table (the score itself; the prior's ``decisive_hit_rate`` for
decisive suggestions), so that with few labels the fallback speaks and with
many the labels do. :meth:`Calibrator.without` leaves one sample's records
out (for evaluation). :func:`reliability` bins top-1 confidences against
hits: the table and the expected calibration error. Pure: no I/O.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from ..models import Suggestion

BINS = 10  # score bins of the calibration map
SMOOTHING = 4.0  # pseudo-records of the fallback in every bin
REPORT_BINS = 5  # bins of the reliability table


@dataclass(frozen=True)
class Record:
    sample_id: str
    decisive: bool
    score: float
    hit: bool


def _bin(score: float) -> int:
    return min(BINS - 1, max(0, int(score * BINS)))


@dataclass
class Calibrator:
    decisive_hit_rate: float = 0.8
    counts: dict[tuple[bool, int], list[int]] = field(
        default_factory=lambda: defaultdict(lambda: [0, 0])
    )
    by_sample: dict[str, list[Record]] = field(default_factory=lambda: defaultdict(list))

    @classmethod
    def fit(cls, records: Iterable[Record], decisive_hit_rate: float = 0.8) -> Calibrator:
        calibrator = cls(decisive_hit_rate)
        for record in records:
            calibrator._shift(record, 1)
            calibrator.by_sample[record.sample_id].append(record)
        return calibrator

    def _shift(self, record: Record, sign: int) -> None:
        cell = self.counts[(record.decisive, _bin(record.score))]
        cell[0] += sign * record.hit
        cell[1] += sign

    def confidence(self, decisive: bool, score: float) -> float:
        fallback = self.decisive_hit_rate if decisive else score
        hits, n = self.counts.get((decisive, _bin(score)), (0, 0))
        return round((hits + SMOOTHING * fallback) / (n + SMOOTHING), 4)

    def apply(self, suggestions: Sequence[Suggestion]) -> list[Suggestion]:
        return [
            s.model_copy(update={"confidence": self.confidence(s.decisive, s.score)})
            for s in suggestions
        ]

    def without(self, sample_id: str) -> _Without:
        return _Without(self, sample_id)


class _Without:
    def __init__(self, calibrator: Calibrator, sample_id: str) -> None:
        self.calibrator = calibrator
        self.records = calibrator.by_sample.get(sample_id, [])

    def __enter__(self) -> Calibrator:
        for record in self.records:
            self.calibrator._shift(record, -1)
        return self.calibrator

    def __exit__(self, *exc: object) -> None:
        for record in self.records:
            self.calibrator._shift(record, 1)


def records_for(sample_id: str, ranked: Sequence[Suggestion], truth: set[int]) -> list[Record]:
    return [Record(sample_id, s.decisive, s.score, s.category in truth) for s in ranked]


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
