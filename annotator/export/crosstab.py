"""Cross tables: taxonomy occurrences per group of samples (model, stage, data type, ...).

Contract: :func:`cross_table(store, by, source)` returns a :class:`CrossTable`:
one :class:`~annotator.export.counts.CountTable` per value of ``by`` (a key of
:data:`annotator.store.attempts.GROUP_COLUMNS`: ``model``, ``stage``,
``data_type``, ``task_type`` or ``status``), sorted by value (stages in the
pipeline order of :mod:`annotator.export.order`), samples without a value
grouped as :data:`NO_VALUE`, last. The counting rules are those of
:mod:`annotator.export.counts` for the same ``source`` (``auto``, ``majority``,
``final`` or an annotator), applied per sample with the Python statement of
the rules in :mod:`annotator.export.majority`; so the groups' tables add up to
the table of ``export counts`` (the tests check it). A group's percentages are
of that group's occurrences.

Performance: one pass over the light label rows in sample order (never sample
texts).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import groupby
from typing import Any

from ..errors import UserError
from ..models import BUG_KIND, decides
from ..store import Store
from ..store.attempts import GROUP_COLUMNS
from ..taxonomy import Taxonomy
from .counts import AUTO, FINAL, MAJORITY, CountTable, _build, _Tally
from .majority import Pick, label_picks, majority_picks
from .order import order_groups

NO_VALUE = "(none)"
BY_TITLES = {
    "model": "model",
    "stage": "stage",
    "data_type": "data type",
    "task_type": "task type",
    "status": "harness status",
}


@dataclass(frozen=True)
class CrossTable:
    by: str
    source: str
    groups: tuple[tuple[str, CountTable], ...]
    taxonomy_name: str
    taxonomy_version: str

    @property
    def total(self) -> int:
        return sum(t.total for _, t in self.groups)


def _decides(row: Sequence[Any]) -> bool:
    return decides(row[2])


def _sample_picks(
    rows: list[Sequence[Any]], source: str, order: dict[int, dict[str, int]]
) -> tuple[list[Pick], bool, bool]:
    """(picks, counted as a sample, tie) of one sample's labels under ``source``."""
    if source not in (AUTO, MAJORITY):
        own = [r for r in rows if r[1] == source]
        if not own:
            return [], False, False
        picks = label_picks(own[0])
        counted = own[0][2] == BUG_KIND and (own[0][3] is not None or own[0][6] is not None)
        return picks, counted, False
    if source == AUTO:
        final = [r for r in rows if r[1] == FINAL and _decides(r)]
        if final:
            picks = label_picks(final[0])
            return picks, final[0][2] == BUG_KIND and bool(picks), False
    voters = [r for r in rows if r[1] != FINAL and _decides(r)]
    if not voters:
        return [], False, False
    picks, tie = majority_picks(voters, order)
    return picks, bool(picks), tie


def cross_table(store: Store, by: str, source: str = AUTO) -> CrossTable:
    """Occurrences per value of ``by`` (see the module docstring)."""
    if by not in GROUP_COLUMNS:
        raise UserError(f"cannot group by '{by}' (choose: {', '.join(GROUP_COLUMNS)})", field="by")
    taxonomy = store.taxonomy
    if source not in (AUTO, MAJORITY, FINAL) and source not in store.annotators():
        known = ", ".join(store.annotators()) or "none"
        raise UserError(
            f"no annotator '{source}' (annotators: {known}; or use auto, majority)", field="source"
        )
    order = {c.id: {s.name: i for i, s in enumerate(c.subcategories)} for c in taxonomy.categories}
    group_of = store.sample_groups(by)
    tallies: dict[str, _Tally] = {}
    for sample_id, sample_rows in groupby(store.light_labels(), key=lambda r: r[0]):
        picks, counted, tie = _sample_picks(list(sample_rows), source, order)
        value = group_of.get(sample_id)
        group = NO_VALUE if value is None else str(value)
        tally = tallies.get(group)
        if tally is None:
            tally = tallies[group] = _Tally()
        tally.ties += tie
        tally.samples += counted
        for pick in picks:
            tally.add(pick.category, pick.subcategory, 1, int(pick.inferred))
    for value in set(group_of.values()):
        tallies.setdefault(NO_VALUE if value is None else str(value), _Tally())
    named = order_groups(by, sorted(g for g in tallies if g != NO_VALUE))
    names = named + ([NO_VALUE] if NO_VALUE in tallies else [])
    return CrossTable(
        by=by,
        source=source,
        groups=tuple((g, _build(taxonomy, source, tallies[g])) for g in names),
        taxonomy_name=taxonomy.name,
        taxonomy_version=taxonomy.version,
    )


def merged(table: CrossTable, taxonomy: Taxonomy) -> CountTable:
    """The occurrence table of all groups together: what :func:`count_table` gives for
    the same source (the groups partition the samples), without counting again."""
    tally = _Tally()
    for _, group in table.groups:
        tally.samples += group.n_samples
        tally.ties += group.ties
        for cat in group.categories:
            for sub in cat.subcategories:
                tally.add(cat.id, None if sub.unspecified else sub.name, sub.count, sub.inferred)
    return _build(taxonomy, table.source, tally)
