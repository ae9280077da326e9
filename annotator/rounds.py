"""Rounds of a study, initial labels, conflicts and negotiation (service; no UI code).

Contract (the functions other modules call):

- :func:`draw_round` draws the next round from the samples to label that are in no
  round yet, at random with a stated seed (``seed`` None: one derived from the clock,
  returned so the draw can be repeated on the same database) or, with ``query``, every
  match of a filter (:func:`parse_query`) up to ``size`` in import order; it assigns
  the round to ``annotators`` (default: the raters) with ``overlap`` ``"all"``
  (everyone labels every sample) or ``K`` (the first K drawn are labeled by all, the
  rest are dealt out in turn, one annotator each) and writes it in one transaction.
  Bad input (unknown annotator, size 0 or above what is left, a bad overlap) raises
  one ``UserError`` before anything is written.
- :func:`rounds` lists every round with each assigned annotator's progress
  (decided/assigned, the ``decided`` of ``annotator status``) and its closing time:
  a round is closed when every assignment is decided, at the time the last of them
  was first decided.
- :func:`round_samples`, :func:`initial_labels` (a label's first decided value, kept
  through later edits) and :func:`conflicts` (samples of a round whose assigned
  raters' initial decisions differ at category level).
- :func:`discuss` records that each conflict was shown to its raters (from then on
  every change they make to their label there is negotiated) and returns the
  conflicts with the negotiated changes so far; :func:`negotiate` makes such a
  change with an optional reason.
"""

from __future__ import annotations

import random
import shlex
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from .errors import UserError
from .models import FINAL, MAX_SEED, LabelValue, decides
from .store import SampleFilter, Store
from .store.rows import ChangeRow, InitialLabelRow, RoundRow

QUERY_KEYS = ("model", "stage", "data_type", "task_type", "status", "id")
QUERY_HELP = (
    "QUERY is space-separated terms: model:M, stage:S, data_type:D, task_type:T (exact"
    " values), status:X (the harness's status, e.g. timeout), id:A,B,... (these sample"
    " ids); any other word searches sample ids, code, test output and prompts. Quote"
    " values with spaces: model:'gpt 4'."
)


def parse_query(text: str) -> SampleFilter:
    """The sample filter a ``--from`` query names (see :data:`QUERY_HELP`)."""
    try:
        terms = shlex.split(text)
    except ValueError as exc:
        raise UserError(f"bad query: {exc}", field="from") from None
    values: dict[str, Any] = {}
    words: list[str] = []
    for term in terms:
        key, sep, value = term.partition(":")
        if not sep or key not in QUERY_KEYS:
            words.append(term)
            continue
        if not value:
            raise UserError(f"query term '{term}' has no value", field="from")
        if key in values:
            raise UserError(f"query names {key}: twice", field="from")
        values[key] = value
    ids = values.pop("id", None)
    status = values.pop("status", None)
    return SampleFilter(
        **values,
        harness_status=status,
        ids=tuple(i for i in ids.split(",") if i) if ids else None,
        text=" ".join(words) or None,
    )


def parse_overlap(text: str) -> int | None:
    """``all`` -> None; ``K`` (a whole number >= 0) -> K."""
    if text == "all":
        return None
    if not text.isdigit():
        raise UserError(f"--overlap must be 'all' or a whole number, not {text!r}", field="overlap")
    return int(text)


def _raters(store: Store) -> list[str]:
    machines = store.machine_names()
    return [n for n in store.annotators_with_labels() if n != FINAL and n not in machines]


def resolve_assignees(store: Store, names: Sequence[str] | None, new: bool = False) -> list[str]:
    """The annotators a round is for: ``names`` (each known here, or with ``new`` a
    valid new name), else the raters (everyone with a label but final and machines)."""
    if not names:
        raters = _raters(store)
        if not raters:
            raise UserError(
                "no annotator has labels yet: name them with --annotators", field="annotators"
            )
        return raters
    wanted = list(dict.fromkeys(n.strip() for n in names if n.strip()))
    if not wanted:
        raise UserError("no annotator names given", field="annotators")
    known = set(store.annotators())
    for name in wanted:
        if name == FINAL or name in store.machine_names():
            raise UserError(f"{name!r} is not a rater: rounds are for raters", field="annotators")
        if name in known:
            continue
        if not new:
            have = ", ".join(sorted(known - {FINAL})) or "none"
            raise UserError(
                f"unknown annotator {name!r} (the database has: {have};"
                " --new-annotators adds new ones)",
                field="annotators",
            )
        store.check_new_annotator(name)
    return wanted


def split(drawn: Sequence[str], names: Sequence[str], overlap: int | None) -> list[list[str]]:
    """Who labels each drawn sample: all of ``names`` for the first ``overlap`` (every
    one when None), the rest dealt out in turn (sample i after the shared ones goes to
    ``names[i % len(names)]``), so the shares differ by at most one."""
    shared = len(drawn) if overlap is None else overlap
    return [
        list(names) if i < shared else [names[(i - shared) % len(names)]] for i in range(len(drawn))
    ]


@dataclass(frozen=True)
class Drawn:
    """A round just written, with who labels what."""

    round: RoundRow
    assignments: list[tuple[str, list[str]]]
    annotators: list[str]


def derived_seed() -> int:
    """A seed from the clock (printed with the round so the draw can be repeated)."""
    return time.time_ns() % 2_147_483_647


def draw_round(
    store: Store,
    size: int,
    *,
    query: str | None = None,
    annotators: Sequence[str] | None = None,
    overlap: str = "all",
    seed: int | None = None,
    name: str | None = None,
    new_annotators: bool = False,
) -> Drawn:
    """Draw, assign and write the next round (see the module docstring)."""
    if size < 1:
        raise UserError(f"--size must be at least 1, not {size}", field="size")
    if seed is not None and not -MAX_SEED <= seed <= MAX_SEED:
        raise UserError(f"--seed must be between {-MAX_SEED} and {MAX_SEED}", field="seed")
    shared = parse_overlap(overlap)
    if shared is not None and shared > size:
        raise UserError(f"--overlap {shared} is more than the round's size {size}", field="overlap")
    names = resolve_assignees(store, annotators, new_annotators)
    filt = parse_query(query) if query is not None else None
    pool = store.unrounded_to_label(filt)
    if size > len(pool):
        where = f" matching {query!r}" if query is not None else ""
        raise UserError(
            f"--size {size} is more than the {len(pool)} samples to label{where} left outside"
            " the rounds",
            field="size",
        )
    if filt is not None:
        drawn, seed = pool[:size], None
    else:
        seed = derived_seed() if seed is None else seed
        drawn = random.Random(seed).sample(pool, size)
    assignments = list(zip(drawn, split(drawn, names, shared), strict=True))
    with store.transaction():
        for who in names:
            store.register_annotator(who)
        row = store.add_round(
            name,
            seed=seed,
            query=query,
            overlap="all" if shared is None else str(shared),
            assignments=assignments,
        )
    return Drawn(row, assignments, names)


@dataclass(frozen=True)
class RoundStatus:
    """One round with its progress (decided, assigned) per annotator."""

    round: RoundRow
    progress: dict[str, tuple[int, int]]
    closed_at: str | None
    """When the round closed (every assignment decided); None: still open."""

    @property
    def closed(self) -> bool:
        return self.closed_at is not None

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.round._asdict(),
            "progress": {a: {"decided": d, "assigned": n} for a, (d, n) in self.progress.items()},
            "closed": self.closed,
            "closed_at": self.closed_at,
        }


def rounds(store: Store) -> list[RoundStatus]:
    """Every round, oldest first, with progress and closing time."""
    per: dict[int, list[Any]] = {}
    for row in store.round_progress():
        per.setdefault(row.round_id, []).append(row)
    out = []
    for found in store.rounds():
        rows = per.get(found.id, [])
        done = bool(rows) and all(r.decided == r.assigned for r in rows)
        closed_at = max(r.last_decided_at for r in rows) if done else None
        out.append(
            RoundStatus(found, {r.annotator: (r.decided, r.assigned) for r in rows}, closed_at)
        )
    return out


def require_round(store: Store, round_id: int) -> RoundRow:
    found = store.round(round_id)
    if found is None:
        have = ", ".join(str(r.id) for r in store.rounds()) or "none"
        raise UserError(f"no round {round_id} (rounds: {have})", field="round")
    return found


def round_samples(store: Store, round_id: int) -> list[str]:
    """A round's samples in draw order (``UserError`` for an unknown round)."""
    require_round(store, round_id)
    return store.round_sample_ids(round_id)


def initial_labels(
    store: Store, annotator: str | None = None, sample_ids: Iterable[str] | None = None
) -> list[InitialLabelRow]:
    """Initial labels: each label's first decided value, kept through later edits."""
    return store.initial_labels(annotator, sample_ids)


def decision_text(kind: str | None, category: int | None, subcategory: str | None = None) -> str:
    """A decision as people read it: ``pass``, ``3`` or ``3 / Shape mismatch``; ``-`` none."""
    if kind == "pass":
        return "pass"
    if kind != "bug" or category is None:
        return "-"
    return f"{category} / {subcategory}" if subcategory else str(category)


@dataclass
class Conflict:
    """A sample of a round whose assigned raters' initial decisions differ."""

    sample_id: str
    initial: dict[str, str]
    """Annotator -> initial decision (category level, subcategory shown)."""
    current: dict[str, str] = field(default_factory=dict)
    changes: list[ChangeRow] = field(default_factory=list)

    def as_dict(self) -> dict[str, Any]:
        return {
            "sample_id": self.sample_id,
            "initial": self.initial,
            "current": self.current,
            "changes": [
                {
                    "annotator": c.annotator,
                    "to": decision_text(c.kind, c.category, c.subcategory),
                    "at": c.changed_at,
                    "reason": c.reason,
                }
                for c in self.changes
            ],
        }


def conflicts(store: Store, round_id: int) -> list[Conflict]:
    """The round's samples where the assigned raters' initial decisions (category or
    pass) differ, in draw order; a rater without a decision yet is no conflict."""
    require_round(store, round_id)
    assigned: dict[str, set[str]] = {}
    for sid, who in store.round_assignments(round_id):
        assigned.setdefault(sid, set()).add(who)
    initial: dict[str, dict[str, InitialLabelRow]] = {}
    for row in store.initial_labels(sample_ids=list(assigned)):
        if row.annotator in assigned.get(row.sample_id, ()):
            initial.setdefault(row.sample_id, {})[row.annotator] = row
    found = []
    for sid in assigned:
        got = initial.get(sid, {})
        keys = {(r.kind, r.category if r.kind == "bug" else None) for r in got.values()}
        if len(got) >= 2 and len(keys) > 1:
            found.append(
                Conflict(
                    sid,
                    {
                        a: decision_text(r.kind, r.category, r.subcategory)
                        for a, r in sorted(got.items())
                    },
                )
            )
    _fill_current(store, found)
    return found


def _fill_current(store: Store, found: list[Conflict]) -> None:
    ids = [c.sample_id for c in found]
    changes: dict[str, list[ChangeRow]] = {}
    for change in store.negotiated_changes(ids):
        changes.setdefault(change.sample_id, []).append(change)
    for conflict in found:
        for who in conflict.initial:
            label = store.label(conflict.sample_id, who)
            conflict.current[who] = (
                decision_text(label.kind, label.category, label.subcategory) if label else "-"
            )
        conflict.changes = changes.get(conflict.sample_id, [])


@dataclass(frozen=True)
class Discussion:
    """The outcome of :func:`discuss`."""

    round: RoundRow
    conflicts: list[Conflict]
    newly_shown: int

    def as_dict(self) -> dict[str, Any]:
        return {
            "round": self.round.id,
            "name": self.round.name,
            "conflicts": [c.as_dict() for c in self.conflicts],
            "newly_shown": self.newly_shown,
        }


def discuss(store: Store, round_id: int, *, record: bool = True) -> Discussion:
    """The conflicts of a round; with ``record``, mark each as shown to its raters
    (committed), so that their later changes there count as negotiated."""
    found = require_round(store, round_id)
    listed = conflicts(store, round_id)
    shown = 0
    if record:
        pairs = [(c.sample_id, who) for c in listed for who in c.initial]
        shown = store.record_shown(pairs, round_id)
    return Discussion(found, listed, shown)


def negotiated_value(
    current: LabelValue, category: int | None, subcategory: str | None, passed: bool
) -> LabelValue:
    """The label after a negotiated change: the decision replaced, its note and flag
    kept; an unchanged category keeps its subcategory unless one is given."""
    if passed:
        return current.model_copy(
            update={
                "kind": "pass",
                "category": None,
                "subcategory": None,
                "subcategory_inferred": False,
                "category2": None,
                "subcategory2": None,
                "subcategory2_inferred": False,
            }
        )
    if category is None:
        raise UserError("give --category N or --pass", field="category")
    same = current.kind == "bug" and current.category == category
    sub = subcategory if subcategory is not None else (current.subcategory if same else None)
    second = current.category2 if current.category2 != category else None
    return current.model_copy(
        update={
            "kind": "bug",
            "category": category,
            "subcategory": sub,
            "subcategory_inferred": bool(
                same and subcategory is None and current.subcategory_inferred
            ),
            "category2": second,
            "subcategory2": current.subcategory2 if second is not None else None,
            "subcategory2_inferred": current.subcategory2_inferred if second is not None else False,
        }
    )


def negotiate(
    store: Store,
    sample_id: str,
    annotator: str,
    *,
    category: int | None = None,
    subcategory: str | None = None,
    passed: bool = False,
    reason: str | None = None,
) -> int:
    """Change ``annotator``'s decided label on ``sample_id`` after discussion (to
    ``category``/``subcategory`` or a pass), with ``reason``; returns the history id
    of the change (committed). The sample counts as discussed with them from now on."""
    store.require_sample(sample_id)
    if annotator not in store.annotators():
        raise UserError(f"unknown annotator {annotator!r}", field="as")
    if passed and (category is not None or subcategory is not None):
        raise UserError("--pass takes no --category or --subcategory", field="pass")
    if subcategory is not None and category is None:
        raise UserError("a subcategory needs --category", field="subcategory")
    label = store.label(sample_id, annotator)
    if label is None or not decides(label.kind):
        raise UserError(
            f"{annotator!r} has no decided label on '{sample_id}' to negotiate", field="sample"
        )
    value = negotiated_value(label.value(), category, subcategory, passed)
    round_id = store.sample_round(sample_id)
    return store.negotiate_label(sample_id, annotator, value, reason or None, round_id)
