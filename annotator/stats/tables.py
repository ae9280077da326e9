"""Builders that turn published data layouts into ``Ratings`` (used by tests and importers).

Contract: pure reshaping, no statistics. Missing cells are ``None`` and are left out of the
resulting mapping, so every builder round-trips with the statistics' "absent = missing" rule.
Layouts: a 2-rater contingency table (rows = rater A, columns = rater B), an observers × units
matrix (Krippendorff's layout), an items × raters matrix (Fleiss' layout), per-annotator columns,
and the reverse: an items × categories count table (statsmodels' layout).
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from typing import Any

from ._core import Ratings, is_missing, item_values, sort_labels


def pairs_from_table(
    table: Sequence[Sequence[int]], labels: Sequence[Hashable] | None = None
) -> tuple[list[Hashable], list[Hashable]]:
    """Expand a contingency table into two aligned label lists (rater A, rater B)."""
    names: Sequence[Hashable] = labels if labels is not None else list(range(len(table)))
    a: list[Hashable] = []
    b: list[Hashable] = []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a.extend([names[i]] * count)
            b.extend([names[j]] * count)
    return a, b


def ratings_from_pairs(
    a: Sequence[Hashable | None],
    b: Sequence[Hashable | None],
    annotators: tuple[str, str] = ("A", "B"),
) -> dict[int, dict[str, Hashable]]:
    return ratings_from_columns({annotators[0]: a, annotators[1]: b})


def ratings_from_table(
    table: Sequence[Sequence[int]],
    labels: Sequence[Hashable] | None = None,
    annotators: tuple[str, str] = ("A", "B"),
) -> dict[int, dict[str, Hashable]]:
    return ratings_from_pairs(*pairs_from_table(table, labels), annotators=annotators)


def ratings_from_columns(
    columns: Mapping[str, Sequence[Hashable | None]],
) -> dict[int, dict[str, Hashable]]:
    """``{annotator: [value per item]}`` → ``{item index: {annotator: value}}``."""
    n = max((len(col) for col in columns.values()), default=0)
    out: dict[int, dict[str, Hashable]] = {}
    for i in range(n):
        row: dict[str, Hashable] = {}
        for name, col in columns.items():
            v = col[i] if i < len(col) else None
            if not is_missing(v):
                row[name] = v
        out[i] = row
    return out


def ratings_from_observer_rows(
    rows: Sequence[Sequence[Hashable | None]], annotators: Sequence[str] | None = None
) -> dict[int, dict[str, Hashable]]:
    """Observers × units matrix (Krippendorff 2011, Wikipedia) → ratings."""
    names = list(annotators) if annotators is not None else [f"r{i}" for i in range(len(rows))]
    return ratings_from_columns(dict(zip(names, rows, strict=True)))


def ratings_from_item_rows(
    rows: Sequence[Sequence[Hashable | None]], annotators: Sequence[str] | None = None
) -> dict[int, dict[str, Hashable]]:
    """Items × raters matrix (Fleiss 1971) → ratings."""
    width = max((len(r) for r in rows), default=0)
    names = list(annotators) if annotators is not None else [f"r{j}" for j in range(width)]
    return {
        i: {names[j]: v for j, v in enumerate(row) if not is_missing(v)}
        for i, row in enumerate(rows)
    }


def counts_table(
    ratings: Ratings,
    categories: Sequence[Hashable] | None = None,
    annotators: Iterable[str] | None = None,
) -> tuple[list[Hashable], list[list[int]]]:
    """Items × categories counts of raters (rated items only), with the category order used."""
    values = item_values(ratings, annotators)
    cats: list[Any] = (
        list(categories)
        if categories is not None
        else sort_labels(v for vals in values for v in vals)
    )
    pos = {k: j for j, k in enumerate(cats)}
    table = []
    for vals in values:
        row = [0] * len(cats)
        for v in vals:
            row[pos[v]] += 1
        table.append(row)
    return cats, table
