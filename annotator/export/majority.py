"""Per-sample category picks: from one label, or by majority vote of several.

These functions state the counting rules in plain Python, one sample at a
time; :mod:`annotator.export.counts` applies the same rules in SQL for speed
(using :func:`subcategory_vote` for the subcategory) and the tests check that
both agree.

Contract (rows are the light label tuples of :class:`annotator.store.VoteRow`:
sample_id, annotator, kind, category, subcategory, subcategory_inferred,
category2, subcategory2, subcategory2_inferred):

- :func:`label_picks` turns one label into at most one :class:`Pick` per
  category: nothing unless its kind is ``bug``; when the second category equals
  the first, one pick, with the first mention's subcategory (the second's if
  the first has none).
- :func:`majority_picks` votes over the labels of one sample;
  :func:`iter_majority` does the same for many samples in one pass over rows
  ordered by sample id. Voters are the
  labels of kind ``bug`` or ``pass`` (the caller leaves out ``final``). A
  category is picked when more than half of the voters name it. A tie (exactly
  half) picks nothing for that category and is reported, so the rule is
  strict majority: two voters who disagree produce no occurrence. The
  subcategory is the most common one among the voters naming the category
  that gave one, equal counts broken by taxonomy order (unknown names last,
  alphabetically); ``None`` if none gave one. It is inferred only when every
  vote for it was inferred.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any, NamedTuple

from ..models import BUG_KIND, decides

_NONE = object()


class Pick(NamedTuple):
    category: int
    subcategory: str | None
    inferred: bool


def label_picks(row: Sequence[Any]) -> list[Pick]:
    """The categories one label names, each once, in label order."""
    if row[2] != BUG_KIND:
        return []
    cat, sub, inferred, cat2, sub2, inferred2 = row[3:9]
    if cat2 is not None and cat2 == cat:
        if sub is None:
            sub, inferred = sub2, inferred2
        cat2 = None
    picks = []
    if cat is not None:
        picks.append(Pick(cat, sub, bool(inferred) and sub is not None))
    if cat2 is not None:
        picks.append(Pick(cat2, sub2, bool(inferred2) and sub2 is not None))
    return picks


def majority_picks(
    rows: Sequence[Sequence[Any]], order: Mapping[int, Mapping[str, int]]
) -> tuple[list[Pick], bool]:
    """(picked categories, whether some category tied) for one sample's labels."""
    for result in iter_majority(rows, order):
        return result
    return [], False


def iter_majority(
    rows: Iterable[Sequence[Any]], order: Mapping[int, Mapping[str, int]]
) -> Iterator[tuple[list[Pick], bool]]:
    """The vote of every sample in ``rows`` (ordered by sample id), one pass.

    Yields (picks, tied) per sample that has at least one voter.
    """
    current: object = _NONE
    voters = 0
    votes: dict[int, list[Pick]] = {}
    for row in rows:
        if row[0] != current:
            if voters:
                yield _decide(votes, voters, order)
            current, voters, votes = row[0], 0, {}
        if not decides(row[2]):
            continue
        voters += 1
        for pick in label_picks(row):
            votes.setdefault(pick.category, []).append(pick)
    if voters:
        yield _decide(votes, voters, order)


def _decide(
    votes: dict[int, list[Pick]], voters: int, order: Mapping[int, Mapping[str, int]]
) -> tuple[list[Pick], bool]:
    picks: list[Pick] = []
    tie = False
    for cat in sorted(votes):
        named = votes[cat]
        if 2 * len(named) == voters:
            tie = True
        elif 2 * len(named) > voters:
            picks.append(subcategory_vote(cat, named, order.get(cat, {})))
    return picks, tie


def subcategory_vote(cat: int, named: list[Pick], order: Mapping[str, int]) -> Pick:
    """The pick for ``cat`` from the votes of the annotators naming it."""
    if len(named) == 1:
        return named[0]
    given = [p.subcategory for p in named if p.subcategory is not None]
    if not given:
        return Pick(cat, None, False)
    best = given[0]
    # Unanimity is the common case; count only when the votes differ.
    if any(s != best for s in given):
        counts = Counter(given)
        best = min(counts, key=lambda s: (-counts[s], order.get(s, len(order)), s))
    inferred = all(p.inferred for p in named if p.subcategory == best)
    return Pick(cat, best, inferred)
