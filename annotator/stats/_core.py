"""Shared types and data plumbing for the agreement statistics.

Contract:
- ``Stat`` is the single result type. ``value`` is a float or ``None`` (undefined), never NaN;
  ``reason`` says why a value is undefined. Nothing in ``annotator.stats`` raises on degenerate
  data (empty input, one rater, one category); only a caller's programming error (for example
  two sequences of different length) raises ``ValueError``.
- ``Ratings`` is ``item -> {annotator: value}``. A missing rating is an absent key, ``None`` or a
  float NaN (the convention of the ``krippendorff`` package), and all three are treated alike.
- Items that carry no rating at all are ignored everywhere: they are neither used nor counted as
  dropped, because they hold no information about agreement.

Standard library only; this module is imported by the TUI, so it must stay light.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

# Item keys are typed Any, not Hashable: Mapping is invariant in its key type, so
# Mapping[Hashable, ...] would reject an ordinary dict[str, ...] under mypy.
Ratings = Mapping[Any, Mapping[str, Hashable | None]]
Distance = Callable[[Hashable, Hashable], float]

# Reasons are plain strings so the UI can show them verbatim; all start with "undefined:" so a
# caller can tell an undefined statistic from a defined one with a note.
UNDEF_ONE_CATEGORY = "undefined: all ratings in one category"
UNDEF_NEED_TWO = "undefined: need ≥2 ratings per item"
UNDEF_NEED_TWO_RATERS = "undefined: need ≥2 annotators"
UNDEF_NO_EXPECTED_DISAGREEMENT = "undefined: expected disagreement is 0"


@dataclass(frozen=True)
class Stat:
    """One agreement statistic.

    ``n_items`` counts the items that entered the computation and ``n_dropped`` the rated items
    that had to be left out (typically items with a single rating). ``method`` names the
    formula actually used when a function can fall back to another one (see
    ``per_category_kappa``).
    """

    value: float | None
    reason: str | None = None
    n_items: int = 0
    n_dropped: int = 0
    ci: tuple[float, float] | None = None
    method: str | None = None

    @property
    def defined(self) -> bool:
        return self.value is not None


def undefined(reason: str, n_items: int = 0, n_dropped: int = 0, method: str | None = None) -> Stat:
    return Stat(value=None, reason=reason, n_items=n_items, n_dropped=n_dropped, method=method)


def is_missing(value: object) -> bool:
    # NaN is accepted as "missing" because it is how numpy-based tools encode it; a NaN that
    # slipped through as a category would never equal itself and silently break every count.
    return value is None or (isinstance(value, float) and value != value)


def item_values(ratings: Ratings, annotators: Iterable[str] | None = None) -> list[list[Hashable]]:
    """The non-missing values of every item that has at least one of them.

    One pass over the data; the result is what every multi-rater statistic consumes.
    """
    out: list[list[Hashable]] = []
    if annotators is None:
        for row in ratings.values():
            # Inlined is_missing (v == v is False only for NaN): this loop is the hot path.
            vals = [v for v in row.values() if v is not None and v == v]
            if vals:
                out.append(vals)
    else:
        wanted = list(dict.fromkeys(annotators))
        for row in ratings.values():
            vals = []
            for a in wanted:
                v = row.get(a)
                if v is not None and v == v:
                    vals.append(v)
            if vals:
                out.append(vals)
    return out


def annotators_of(ratings: Ratings) -> list[str]:
    """All annotators that gave at least one rating, in first-seen order."""
    seen: dict[str, None] = {}
    for row in ratings.values():
        for a, v in row.items():
            if a not in seen and not is_missing(v):
                seen[a] = None
    return list(seen)


def equal_pairs(vals: list[Hashable]) -> int:
    """Unordered pairs of equal values in one item, Σ_k C(n_ik, 2).

    Items have 2-3 ratings in practice; unrolling those cases avoids a Counter per item, which
    is what keeps the multi-rater statistics fast on 100k items.
    """
    m = len(vals)
    if m == 2:
        return 1 if vals[0] == vals[1] else 0
    if m == 3:
        a, b, c = vals
        return (a == b) + (a == c) + (b == c)
    if m <= 6:
        same = 0
        for i in range(m - 1):
            vi = vals[i]
            for j in range(i + 1, m):
                if vi == vals[j]:
                    same += 1
        return same
    return sum(c * (c - 1) // 2 for c in Counter(vals).values())


def label_key(value: object) -> tuple[object, ...]:
    """A total order over mixed labels (ints, strings, frozensets...).

    ``sorted`` on frozensets uses the subset partial order and returns an arbitrary sequence,
    and ints and strings cannot be compared at all; this key gives a stable, readable order.
    """
    if isinstance(value, bool):
        return (0, int(value))
    if isinstance(value, int | float):
        return (0, value)
    if isinstance(value, str):
        return (1, value)
    if isinstance(value, frozenset | set):
        inner = sorted(label_key(v) for v in value)
        return (2, len(inner), tuple(inner))
    if isinstance(value, tuple):
        return (3, tuple(label_key(v) for v in value))
    return (4, type(value).__name__, repr(value))


def sort_labels(labels: Iterable[Hashable]) -> list[Hashable]:
    return sorted(set(labels), key=label_key)


def check_same_length(a: Sequence[object], b: Sequence[object]) -> None:
    if len(a) != len(b):
        raise ValueError(f"the two rating sequences differ in length: {len(a)} != {len(b)}")
