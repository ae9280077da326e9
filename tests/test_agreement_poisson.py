"""The Poisson bootstrap used above 20k items matches the textbook interval."""

from __future__ import annotations

import math
from collections import Counter

import pytest

from annotator.agreement import weighted
from annotator.agreement.blocks import poisson_bootstrap_ci


def test_poisson_interval_of_percent_agreement_matches_the_normal_interval() -> None:
    n, agree = 50_000, 40_000
    patterns: weighted.Patterns = Counter(
        {(("a", 1), ("b", 1)): agree, (("a", 1), ("b", 2)): n - agree}
    )
    lo, hi = poisson_bootstrap_ci(weighted.percent, patterns, n_boot=400)  # type: ignore[misc]
    p = agree / n
    half = 1.96 * math.sqrt(p * (1 - p) / n)
    assert lo < p < hi
    assert (hi - lo) / 2 == pytest.approx(half, rel=0.2)
    assert (lo + hi) / 2 == pytest.approx(p, abs=half / 4)


def test_poisson_interval_is_none_when_undefined() -> None:
    patterns: weighted.Patterns = Counter({(("a", 1),): 30_000})  # one rater: undefined
    assert poisson_bootstrap_ci(weighted.percent, patterns, n_boot=50) is None
