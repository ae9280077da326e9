"""Taxonomy occurrence counts: how often each category and subcategory occurs.

Contract: :func:`count_table` returns a :class:`CountTable` (no formatting) for
one *source* of labels:

- ``"final"`` or any annotator name: that annotator's labels.
- ``"majority"``: a vote over every annotator except ``final`` (see below).
- ``"auto"`` (the default): per sample, the ``final`` label when it decides
  (kind ``bug`` or ``pass``), otherwise the majority vote.

Only labels of kind ``bug`` count; ``pass``, ``skip`` and flag-only (``none``)
labels never do. A sample counts once per category it names: a label whose
second category equals its first counts once for that category, with the
subcategory of the first mention that has one. So per category, the
subcategory rows plus the ``Unspecified`` row sum to the total, and the totals
equal the ``category_counts`` SQL view for a single annotator.

Majority vote (:mod:`annotator.export.majority`, per sample): the voters are
the non-final annotators whose label decides (kind ``bug`` or ``pass``). A
category counts when *more than half* of the voters name it (first or second
category). Ties - a category named by exactly half of the voters - do not
count; such samples are counted in :attr:`CountTable.ties`. The subcategory is
the most common one among the voters naming the category (voters who gave
none are ignored; equal counts go to the subcategory first in taxonomy order);
it is inferred only when every vote for it was inferred.

Subcategories that the importer inferred from a note (``subcategory_inferred``)
count in their subcategory and are also counted in ``inferred``. Labels with no
subcategory go to an ``Unspecified`` row, present only when it is non-zero.

Performance: only the labels table is read (never sample texts), through
:mod:`annotator.store.counts`. A single annotator is aggregated in SQL; a vote
is one pass over light label rows in sample order. 100k samples x 3 annotators take about a second.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from ..errors import UserError
from ..models import FINAL
from ..store import Store
from ..taxonomy import Taxonomy
from .majority import Pick, iter_majority

UNSPECIFIED = "Unspecified"
AUTO = "auto"
MAJORITY = "majority"


@dataclass(frozen=True)
class SubcategoryCount:
    name: str
    dl_specific: bool
    count: int
    inferred: int = 0
    unspecified: bool = False
    """True for the row of labels that name no subcategory."""


@dataclass(frozen=True)
class CategoryCount:
    id: int
    name: str
    total: int
    subcategories: tuple[SubcategoryCount, ...]

    @property
    def dl_specific_total(self) -> int:
        return sum(s.count for s in self.subcategories if s.dl_specific)

    @property
    def inferred(self) -> int:
        return sum(s.inferred for s in self.subcategories)


@dataclass(frozen=True)
class CountTable:
    source: str
    n_samples: int
    categories: tuple[CategoryCount, ...]
    taxonomy_name: str = ""
    taxonomy_version: str = ""
    ties: int = 0
    """Majority vote only: samples where some category had exactly half the votes."""

    @property
    def total(self) -> int:
        return sum(c.total for c in self.categories)

    @property
    def dl_specific_total(self) -> int:
        return sum(c.dl_specific_total for c in self.categories)

    @property
    def inferred(self) -> int:
        return sum(c.inferred for c in self.categories)


@dataclass
class _Tally:
    samples: int = 0
    ties: int = 0
    totals: Counter[int] = field(default_factory=Counter)
    subs: Counter[tuple[int, str | None]] = field(default_factory=Counter)
    inferred: Counter[tuple[int, str | None]] = field(default_factory=Counter)

    def add(self, cat: int, sub: str | None, count: int, inferred: int) -> None:
        self.totals[cat] += count
        self.subs[(cat, sub)] += count
        self.inferred[(cat, sub)] += inferred


def _annotator_counts(
    store: Store, annotator: str, tally: _Tally, reshows: frozenset[str] = frozenset()
) -> None:
    """Aggregate one annotator's bug labels entirely in SQL."""
    for row in store.category_occurrences(annotator, reshows):
        tally.add(row.category, row.subcategory, row.occurrences, row.inferred)
    tally.samples += store.bug_sample_count(annotator, reshows)


def _majority_counts(store: Store, tally: _Tally, *, undecided_by_final: bool) -> None:
    """Vote per sample, in one pass over the light label rows ordered by sample.

    (Grouping in SQL was measured slower: SQLite has to sort and build JSON for
    every (sample, category), while this scan follows the primary-key index.)
    """
    rows = store.vote_rows(FINAL, undecided_by=FINAL if undecided_by_final else None)
    taxonomy = store.taxonomy
    order = {c.id: {s.name: i for i, s in enumerate(c.subcategories)} for c in taxonomy.categories}
    picked: Counter[Pick] = Counter()
    for picks, tie in iter_majority(rows, order):
        tally.ties += tie
        if picks:
            tally.samples += 1
            picked.update(picks)
    for pick, count in picked.items():
        tally.add(pick.category, pick.subcategory, count, count if pick.inferred else 0)


def count_table(store: Store, source: str = AUTO) -> CountTable:
    """Aggregate the occurrence table of ``source`` (see the module docstring)."""
    tally = _Tally()
    if source == MAJORITY:
        _majority_counts(store, tally, undecided_by_final=False)
    elif source == AUTO:
        # A final bug label always decides; samples where final decided 'pass'
        # are excluded from the vote too, and count nothing.
        _annotator_counts(store, FINAL, tally)
        _majority_counts(store, tally, undecided_by_final=True)
    else:
        if source != FINAL and source not in (known := store.annotators()):
            listing = ", ".join(known) or "none"
            raise UserError(
                f"no annotator '{source}' (annotators: {listing}; or use auto, majority)",
                field="source",
            )
        _annotator_counts(store, source, tally)
    return _build(store.taxonomy, source, tally)


def own_count_table(
    store: Store, annotator: str, reshows: frozenset[str] = frozenset()
) -> CountTable:
    """One annotator's own occurrence table, with no check of the name: for blind
    labeling, where a new annotator has an empty table, and where an error
    listing the database's annotators would name the other raters. ``reshows``: a
    sitting's re-shows, counted by their second answer (none until given)."""
    tally = _Tally()
    _annotator_counts(store, annotator, tally, reshows)
    return _build(store.taxonomy, annotator, tally)


def _build(taxonomy: Taxonomy, source: str, tally: _Tally) -> CountTable:
    categories = []
    seen = {c.id for c in taxonomy.categories}
    # Labels written under another taxonomy version may name ids that this
    # one lacks: list them after the known ones rather than drop them.
    extra = sorted(c for c in tally.totals if c not in seen)
    for cat_id in [c.id for c in taxonomy.categories] + extra:
        cat = taxonomy.by_id.get(cat_id)
        rows = []
        names = [s.name for s in cat.subcategories] if cat else []
        names += sorted(
            str(sub)
            for (c, sub) in tally.subs
            if c == cat_id and sub is not None and sub not in names
        )
        for name in names:
            key = (cat_id, name)
            rows.append(
                SubcategoryCount(
                    name=name,
                    dl_specific=bool(taxonomy.is_dl(cat_id, name)),
                    count=tally.subs[key],
                    inferred=tally.inferred[key],
                )
            )
        if tally.subs[(cat_id, None)]:
            rows.append(
                SubcategoryCount(UNSPECIFIED, False, tally.subs[(cat_id, None)], unspecified=True)
            )
        categories.append(
            CategoryCount(
                id=cat_id,
                name=cat.name if cat else f"Category {cat_id} (not in taxonomy)",
                total=tally.totals[cat_id],
                subcategories=tuple(rows),
            )
        )
    return CountTable(
        source=source,
        n_samples=tally.samples,
        categories=tuple(categories),
        taxonomy_name=taxonomy.name,
        taxonomy_version=taxonomy.version,
        ties=tally.ties,
    )


__all__ = [
    "AUTO",
    "FINAL",
    "MAJORITY",
    "UNSPECIFIED",
    "CategoryCount",
    "CountTable",
    "SubcategoryCount",
    "count_table",
    "share",
    "source_description",
]


def source_description(source: str) -> str:
    """A human sentence naming where the counted labels come from."""
    if source == AUTO:
        return "final labels where they decide, else the majority vote of the other annotators"
    if source == MAJORITY:
        return (
            "majority vote of the annotators other than final (strict majority; ties not counted)"
        )
    return f"labels of annotator '{source}'"


def share(part: int, whole: int) -> str:
    """``part`` as a percent of ``whole`` with one decimal, ``-`` when ``whole`` is 0."""
    return f"{100 * part / whole:.1f}%" if whole else "-"
