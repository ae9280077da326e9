"""Saturation of the taxonomy per batch of samples: conflicts and codes new in each batch.

Contract: saturation is computed over an ordered list of :class:`Batch` (a name, its sample
ids, when labeling it started and ended), whatever made the batches:

- :func:`round_batches`: the study's rounds (``annotator round new``), oldest first, as
  ``annotator round list`` lists them (started: when drawn; ended: when closed, None while
  open); None when there is no round, and :func:`study_batches` then falls back to
- :func:`batches_by_size`: consecutive batches of ``size`` samples (the last one may be
  smaller) in labeling order, the order of each sample's earliest *initial* decision by any
  rater (:meth:`~annotator.store.Store.initial_decisions`). Useful for a study that did not
  use rounds too.

:func:`saturation(store, batches, raters)` returns one :class:`SaturationRow` per batch:

- ``double``: samples of the batch with an initial decision of two or more raters;
  ``conflicts``: for a round, the conflicts of ``annotator round discuss`` (its samples
  where the assigned raters' initial decisions differ: :func:`annotator.rounds.conflicts`);
  for a fallback batch, its samples where two raters' initial decisions differ the same
  way (category, 'pass' a category of its own);
- ``new_categories`` / ``new_subcategories``: taxonomy categories and (category,
  subcategory) pairs that any rater's decided state on the batch's samples uses (every
  state ever saved, :meth:`~annotator.store.Store.decided_states`, first and second
  category; 'Unspecified' and an inferred, unconfirmed subcategory are none) and no
  earlier batch used;
- ``new_clusters``: open-coding clusters (the clusters of ``annotator notes``:
  :func:`annotator.opencoding.cluster_notes` over the current notes of labels without a
  subcategory) whose earliest sample lies in the batch (clusters of samples in no batch are
  in no row);
- running totals: distinct categories and subcategories used so far, conflicts so far.

A sample counts in its first batch only; samples in no batch (labeled outside every round)
count in no row.

The raters are those of ``annotator agreement`` (everyone with a label but ``final`` and
machine annotators) unless given. Nothing here formats text (see
:mod:`annotator.export.saturation_out`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..agreement import resolve_annotators
from ..errors import UserError
from ..models import BUG_KIND
from ..opencoding import cluster_notes
from ..rounds import conflicts as round_conflicts, rounds
from ..store import DecidedEntry, Store
from ..store.notes import UNSPECIFIED

DEFAULT_BATCH = 50


@dataclass(frozen=True)
class Batch:
    """One batch (a round, or a fallback batch) of samples, in study order."""

    name: str
    sample_ids: tuple[str, ...]
    started: str | None
    """ISO time the round was drawn, or the batch's first initial decision."""
    ended: str | None
    """ISO time the round closed (None: open), or the batch's last initial decision."""
    round_id: int | None = None
    """The round (None: a fallback batch)."""


@dataclass(frozen=True)
class Batches:
    """The batches and where they come from (for the report's wording and commands)."""

    batches: list[Batch]
    source: str
    """``rounds`` or ``size``."""
    size: int | None = None
    """The fallback's batch size (None for rounds)."""

    @property
    def option(self) -> str:
        """The command-line option that gives these batches (empty for rounds)."""
        return f" --batches {self.size}" if self.size is not None else ""


@dataclass(frozen=True)
class SaturationRow:
    batch: Batch
    double: int
    conflicts: int
    new_categories: tuple[int, ...]
    new_subcategories: tuple[tuple[int, str], ...]
    new_clusters: tuple[str, ...]
    categories_so_far: int
    subcategories_so_far: int
    conflicts_so_far: int


def raters_of(store: Store, raters: Sequence[str] | None) -> list[str]:
    """The raters named (checked), else those of ``annotator agreement``."""
    return resolve_annotators(store, raters)


def round_batches(store: Store) -> list[Batch] | None:
    """The study's rounds as batches, oldest first; None when no round is recorded."""
    listed = rounds(store)
    if not listed:
        return None
    return [
        Batch(
            r.round.name,
            tuple(store.round_sample_ids(r.round.id)),
            r.round.created_at,
            r.closed_at,
            r.round.id,
        )
        for r in listed
    ]


def batches_by_size(
    store: Store,
    size: int = DEFAULT_BATCH,
    raters: Sequence[str] | None = None,
    *,
    initial: Sequence[DecidedEntry] | None = None,
) -> list[Batch]:
    """Consecutive batches of ``size`` samples in the raters' labeling order (module docstring;
    ``initial``: the raters' initial decisions when the caller has read them already)."""
    if size < 1:
        raise UserError(f"a batch holds at least one sample, got {size}", field="batches")
    first: dict[str, str] = {}
    last: dict[str, str] = {}
    if initial is None:
        initial = store.initial_decisions(raters_of(store, raters))
    for entry in initial:  # oldest first
        first.setdefault(entry.sample_id, entry.decided_at)
        last[entry.sample_id] = max(last.get(entry.sample_id, ""), entry.decided_at)
    order = list(first)
    out: list[Batch] = []
    for start in range(0, len(order), size):
        ids = tuple(order[start : start + size])
        out.append(Batch(str(len(out) + 1), ids, first[ids[0]], max(last[sid] for sid in ids)))
    return out


def study_batches(
    store: Store,
    size: int | None = None,
    raters: Sequence[str] | None = None,
    *,
    initial: Sequence[DecidedEntry] | None = None,
) -> Batches:
    """The rounds when there are any and no ``size`` is asked for, else batches of ``size``
    (default :data:`DEFAULT_BATCH`)."""
    if size is None:
        rounds = round_batches(store)
        if rounds:
            return Batches(rounds, "rounds")
        size = DEFAULT_BATCH
    return Batches(batches_by_size(store, size, raters, initial=initial), "size", size)


def _subcategory(category: int | None, name: str | None) -> tuple[int, str] | None:
    if category is None or name is None or name == UNSPECIFIED:
        return None
    return category, name


def saturation(
    store: Store,
    batches: Sequence[Batch],
    raters: Sequence[str] | None = None,
    *,
    initial: Sequence[DecidedEntry] | None = None,
    with_clusters: bool = True,
) -> list[SaturationRow]:
    """One row per batch, in order (module docstring); ``with_clusters`` False leaves
    ``new_clusters`` empty and skips clustering the notes (the curve does not draw them)."""
    names = raters_of(store, raters)
    if initial is None:
        initial = store.initial_decisions(names)
    batch_of: dict[str, int] = {}
    for index, batch in enumerate(batches):
        for sid in batch.sample_ids:
            batch_of.setdefault(sid, index)  # a sample counts in its first batch
    decisions: dict[str, set[tuple[str, int | None]]] = {}
    raters_on: dict[str, int] = {}
    for entry in initial:
        decisions.setdefault(entry.sample_id, set()).add((entry.kind, entry.category))
        raters_on[entry.sample_id] = raters_on.get(entry.sample_id, 0) + 1
    first_category: dict[int, int] = {}
    first_sub: dict[tuple[int, str], int] = {}
    for state in store.decided_states(names):
        found = batch_of.get(state.sample_id)
        if found is None or state.kind != BUG_KIND:
            continue
        index = found
        for cat, sub in (
            (state.category, state.subcategory),
            (state.category2, state.subcategory2),
        ):
            if cat is not None:
                first_category[cat] = min(first_category.get(cat, index), index)
            pair = _subcategory(cat, sub)
            if pair is not None:
                first_sub[pair] = min(first_sub.get(pair, index), index)
    first_cluster: dict[str, int] = {}
    for cluster in cluster_notes(store.unspecified_notes()) if with_clusters else []:
        seen = [batch_of[sid] for sid in cluster.sample_ids if sid in batch_of]
        if seen:
            first_cluster[cluster.name] = min(seen)
    rows = []
    cats = subs = conflicts_so_far = 0
    for index, batch in enumerate(batches):
        ids = [sid for sid in batch.sample_ids if batch_of[sid] == index]
        double = sum(1 for sid in ids if raters_on.get(sid, 0) >= 2)
        if batch.round_id is not None:  # the conflicts `annotator round discuss` lists
            conflicts = len(round_conflicts(store, batch.round_id))
        else:
            conflicts = sum(1 for sid in ids if len(decisions.get(sid, ())) > 1)
        new_cats = tuple(sorted(c for c, i in first_category.items() if i == index))
        new_subs = tuple(sorted(p for p, i in first_sub.items() if i == index))
        clusters = tuple(sorted(c for c, i in first_cluster.items() if i == index))
        cats += len(new_cats)
        subs += len(new_subs)
        conflicts_so_far += conflicts
        rows.append(
            SaturationRow(
                batch, double, conflicts, new_cats, new_subs, clusters, cats, subs, conflicts_so_far
            )
        )
    return rows


def saturation_json(rows: Sequence[SaturationRow], batches: Batches) -> dict[str, object]:
    """The rows as JSON-ready data (``annotator saturation --json``)."""
    return {
        "batches_from": batches.source,
        "batch_size": batches.size,
        "batches": [
            {
                "name": r.batch.name,
                "samples": len(r.batch.sample_ids),
                "started": r.batch.started,
                "ended": r.batch.ended,
                "double_coded": r.double,
                "conflicts": r.conflicts,
                "new_categories": list(r.new_categories),
                "new_subcategories": [f"{c}/{s}" for c, s in r.new_subcategories],
                "new_note_clusters": list(r.new_clusters),
                "categories_so_far": r.categories_so_far,
                "subcategories_so_far": r.subcategories_so_far,
                "conflicts_so_far": r.conflicts_so_far,
            }
            for r in rows
        ],
    }
