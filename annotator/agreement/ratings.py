"""Agreement ratings built from the labels table, as weighted rating patterns.

Contract:
- One store query (:meth:`annotator.store.Store.rating_patterns`) reads only label columns
  (never sample texts) and returns each distinct set of a sample's labels once, with how
  many samples share it; those become *patterns*: a tuple of ``(annotator, value)`` pairs sorted by
  annotator, holding non-missing values only. ``Loaded.patterns`` maps pattern -> number of
  items (see ``annotator.agreement.weighted`` for why); ``expand`` turns it back into the
  ``annotator.stats`` ``Ratings`` shape (``item -> {annotator: value}``), in a fixed order.
- Labels of kind ``skip`` and flag-only labels (kind ``none``) are missing ratings.
- Values per level:
  ``category``: the primary category (int), or ``"pass"`` for a pass judgement (pass is a
  category of its own for agreement);
  ``subcategory``: ``"<cat>/<subcategory>"`` (``"<cat>/?"`` when no subcategory was given), or
  ``"pass"``;
  ``set``: ``frozenset`` of the primary and second category, or ``frozenset({"pass"})``.
- Blind-suggestion groups look only at the labels of annotators other than ``final`` that
  entered the ratings: an item is *shown* when every such label that records
  ``suggestions_shown`` says True, *hidden* when all say False, *mixed* when both occur, and
  *unknown* when none records it. The final label is adjudication, made after seeing the
  raters' labels, so its flag says nothing about whether the raters were primed.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Hashable, Sequence
from dataclasses import dataclass, field

from ..errors import UserError
from ..models import FINAL, KINDS
from ..store import Store
from ..taxonomy import Taxonomy
from .weighted import Pattern, Patterns

LEVELS = ("category", "subcategory", "set")
PASS = "pass"
PASS_SET: frozenset[Hashable] = frozenset({PASS})
GROUPS = ("shown", "hidden", "mixed", "unknown")

# The one label column besides kind and category that each level needs; selecting only it keeps
# the number of distinct per-sample arrays (and so the decoding work) small.
_EXTRA = {"category": "none", "subcategory": "subcategory", "set": "category2"}


@dataclass
class Loaded:
    """Rating patterns of one level, per blind-suggestion group (see module docstring)."""

    level: str
    annotators: list[str]
    groups: dict[str, Patterns] = field(default_factory=lambda: {g: Counter() for g in GROUPS})

    @property
    def patterns(self) -> Patterns:
        total: Patterns = Counter()
        for group in self.groups.values():
            total.update(group)
        return total

    @property
    def suggestions_vary(self) -> bool:
        """Whether rater labels record ``suggestions_shown`` both True and False."""
        g = self.groups
        return bool(g["mixed"] or (g["shown"] and g["hidden"]))


def default_annotators(store: Store) -> list[str]:
    """Every human annotator that has at least one label, ``final`` included, sorted by
    name. Machine annotators (``llm:NAME``) count only when named."""
    machines = store.machine_names()
    return [n for n in store.annotators_with_labels() if n not in machines]


def default_raters(store: Store) -> list[str]:
    """The raters: every annotator with a label except ``final`` (derived from the raters,
    so pooling it would inflate agreement) and machine annotators (``llm:NAME``), sorted
    by name. Either counts only when named."""
    return [n for n in default_annotators(store) if n != FINAL]


def resolve_annotators(store: Store, requested: Sequence[str] | None) -> list[str]:
    """The annotators to compare: ``requested``, else :func:`default_raters`; unknown
    names raise one ``UserError`` naming them all."""
    if not requested:
        return default_raters(store)
    names = list(dict.fromkeys(n.strip() for n in requested if n.strip()))
    if not names:
        raise UserError("no annotator names given", field="annotators")
    known = set(store.annotators())
    unknown = [n for n in names if n not in known]
    if unknown:
        listing = ", ".join(repr(n) for n in unknown)
        have = ", ".join(sorted(known)) or "none"
        raise UserError(f"unknown annotator(s) {listing} (the database has: {have})")
    return names


def label_value(level: str, kind: str, category: int | None, extra: object) -> Hashable | None:
    """The rating of one label at ``level``; None for a missing rating."""
    if kind == PASS:
        return PASS_SET if level == "set" else PASS
    spec = KINDS.get(kind)
    if spec is None or not spec.names_category or category is None:
        return None
    if level == "category":
        return category
    if level == "subcategory":
        return f"{category}/{extra if extra is not None else '?'}"
    return frozenset((category,) if extra is None else (category, extra))


def load_ratings(
    store: Store,
    annotators: Sequence[str],
    level: str,
    taxonomy_version: str | None = None,
    *,
    initial: bool = False,
    sample_ids: Sequence[str] | None = None,
) -> Loaded:
    """The rating patterns of ``annotators`` at ``level``, from one store query.

    With ``taxonomy_version``, the labels as they were under that version
    (their last state recorded under it, from the label history); with
    ``initial``, each label's initial value (its first decided state); with
    ``sample_ids``, only those samples (a round).
    """
    if level not in LEVELS:
        raise UserError(f"unknown level {level!r}; choose one of {', '.join(LEVELS)}")
    names = list(annotators)
    loaded = Loaded(level=level, annotators=names)
    if not names:
        return loaded
    for labels, count in store.rating_patterns(
        names, _EXTRA[level], taxonomy_version, initial=initial, sample_ids=sample_ids
    ):
        pairs: list[tuple[str, Hashable]] = []
        flags: set[bool] = set()
        for label in labels:
            value = label_value(level, label.kind, label.category, label.extra)
            if value is None:
                continue
            pairs.append((label.annotator, value))
            if label.suggestions_shown is not None and label.annotator != FINAL:
                flags.add(label.suggestions_shown)
        if not pairs:
            continue
        pattern: Pattern = tuple(sorted(pairs, key=lambda p: p[0]))
        if len(flags) == 2:
            group = "mixed"
        elif flags:
            group = "shown" if True in flags else "hidden"
        else:
            group = "unknown"
        loaded.groups[group][pattern] += count
    return loaded


def expand(patterns: Patterns) -> dict[int, dict[str, Hashable]]:
    """``item -> {annotator: value}`` with one item per counted occurrence, in a fixed order."""
    out: dict[int, dict[str, Hashable]] = {}
    i = 0
    for pattern, count in patterns.items():
        row = dict(pattern)
        for _ in range(count):
            out[i] = row
            i += 1
    return out


def is_pass(value: Hashable) -> bool:
    return value == PASS or value == PASS_SET


def without_pass(patterns: Patterns) -> tuple[Patterns, int]:
    """The patterns minus every item where any annotator said pass, and how many were dropped."""
    kept: Patterns = Counter()
    dropped = 0
    for pattern, count in patterns.items():
        if any(is_pass(v) for _, v in pattern):
            dropped += count
        else:
            kept[pattern] = count
    return kept, dropped


def ac1_categories(taxonomy: Taxonomy, level: str, include_pass: bool) -> list[Hashable] | None:
    """The q categories for Gwet's AC1: the whole taxonomy (+ pass); None at level ``set``."""
    cats: list[Hashable]
    if level == "category":
        cats = [c.id for c in taxonomy.categories]
    elif level == "subcategory":
        cats = [f"{c.id}/{s.name}" for c in taxonomy.categories for s in c.subcategories]
        cats += [f"{c.id}/?" for c in taxonomy.categories]
    else:
        return None
    if include_pass:
        cats.append(PASS)
    return cats
