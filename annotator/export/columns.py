"""The columns of the occurrence table, defined once for every writer.

Contract: :data:`COLUMNS` is the ordered list of the columns of one row of an
occurrence table (one subcategory of one category of a
:class:`~annotator.export.counts.CountTable`). Every writer loops over it
instead of spelling the columns:

- CSV (:mod:`~annotator.export.csv_out`, the long cross table of
  :mod:`~annotator.export.crosstab_out`): the columns with a ``csv`` cell, in
  order, headed by their ``name``.
- JSON (:mod:`~annotator.export.json_out`, the JSON cross table): each
  subcategory object has the columns with a ``json_key``, holding ``value``.
- The human tables (Markdown, LaTeX, the wide cross tables): the columns with
  a ``title``. The first is the row label; a column whose ``per_group`` is
  false (an attribute of the subcategory, such as DL-specific) is shown once
  per row in a cross table, while the per-group cells there show the count.
  A ``total`` gives the column's cell in a category's Total row.

:data:`CATEGORY_COLUMNS` does the same for a category's own row: the JSON
category object (before its ``subcategories``) and the Markdown summary table.

So a new column of the occurrence table is one :class:`Column` (or
:class:`CategoryColumn`) here plus its value in :mod:`annotator.export.counts`
(and in the store when SQL counts it).
A human ``text`` of ``-`` means "does not apply" (LaTeX writes ``--``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from .counts import CategoryCount, CountTable, SubcategoryCount, share

Row = tuple[CategoryCount, SubcategoryCount]


def occurrences(count: int, inferred: int) -> str:
    """A human count cell: ``12`` or ``12 (3 inferred)``."""
    return f"{count} ({inferred} inferred)" if inferred else str(count)


def _dl_flag(sub: SubcategoryCount, yes: str, no: str, unspecified: str) -> str:
    return unspecified if sub.unspecified else (yes if sub.dl_specific else no)


@dataclass(frozen=True)
class Column:
    """One column: where it appears and how each format spells its cell."""

    name: str
    """The CSV header."""
    value: Callable[[CategoryCount, SubcategoryCount], Any]
    """The typed value (what JSON holds)."""
    json_key: str | None = None
    """The key in a JSON subcategory object; None: not in JSON (e.g. the category id,
    which the enclosing category object holds)."""
    csv: Callable[[CategoryCount, SubcategoryCount], object] | None = None
    """The CSV cell; None: not a CSV column."""
    title: str | None = None
    """The header in the human tables; None: not a column of its own there."""
    text: Callable[[CategoryCount, SubcategoryCount], str] | None = None
    """The human cell before escaping (default: ``str`` of the value)."""
    align: str = "l"
    """``l`` or ``r`` in the human tables."""
    total: Callable[[CategoryCount], str] | None = None
    """The cell of the category's Total row in the human tables (None: empty)."""
    per_group: bool = True
    """False for an attribute of the subcategory, the same in every group of a cross table."""

    def human(self, cat: CategoryCount, sub: SubcategoryCount) -> str:
        return self.text(cat, sub) if self.text else str(self.value(cat, sub))


COLUMNS: tuple[Column, ...] = (
    Column("category_id", lambda c, s: c.id, csv=lambda c, s: c.id),
    Column("category", lambda c, s: c.name, csv=lambda c, s: c.name),
    Column(
        "subcategory",
        lambda c, s: s.name,
        json_key="name",
        csv=lambda c, s: s.name,
        title="Subcategory",
        per_group=False,
    ),
    Column(
        "dl_specific",
        lambda c, s: s.dl_specific,
        json_key="dl_specific",
        csv=lambda c, s: _dl_flag(s, "true", "false", ""),
        title="DL-Specific?",
        text=lambda c, s: _dl_flag(s, "Yes", "No", "-"),
        per_group=False,
    ),
    Column(
        "count",
        lambda c, s: s.count,
        json_key="count",
        csv=lambda c, s: s.count,
        title="Occurrences",
        # The human tables fold the inferred count into this cell.
        text=lambda c, s: occurrences(s.count, s.inferred),
        align="r",
        total=lambda c: str(c.total),
    ),
    Column("inferred", lambda c, s: s.inferred, json_key="inferred", csv=lambda c, s: s.inferred),
    Column("unspecified", lambda c, s: s.unspecified, json_key="unspecified"),
)


# Selected on every call (a few columns) so that the list is read in one place only.
def csv_columns() -> tuple[Column, ...]:
    return tuple(c for c in COLUMNS if c.csv is not None)


def human_columns() -> tuple[Column, ...]:
    """The columns of the human tables; the first is the row label (the subcategory)."""
    return tuple(c for c in COLUMNS if c.title is not None)


def attribute_columns() -> tuple[Column, ...]:
    """The human columns a cross table shows once per row, between the label and the groups."""
    return tuple(c for c in human_columns()[1:] if not c.per_group)


def csv_header() -> tuple[str, ...]:
    return tuple(c.name for c in csv_columns())


def csv_cells(cat: CategoryCount, sub: SubcategoryCount) -> list[object]:
    return [c.csv(cat, sub) for c in COLUMNS if c.csv is not None]


def json_object(cat: CategoryCount, sub: SubcategoryCount) -> dict[str, Any]:
    return {c.json_key: c.value(cat, sub) for c in COLUMNS if c.json_key is not None}


def human_cells(cat: CategoryCount, sub: SubcategoryCount) -> list[str]:
    return [c.human(cat, sub) for c in human_columns()]


def total_cells(cat: CategoryCount) -> list[str]:
    """The human Total row after its label: each column's total or empty."""
    return [c.total(cat) if c.total else "" for c in human_columns()[1:]]


@dataclass(frozen=True)
class CategoryColumn:
    """One column of a category's own row (its totals)."""

    value: Callable[[CategoryCount], Any]
    json_key: str | None = None
    """The key in the JSON category object; None: not in JSON."""
    title: str | None = None
    """The header in the Markdown summary; None: not shown there."""
    text: Callable[[CategoryCount], str] | None = None
    """The summary cell (default: ``str`` of the value)."""
    total: Callable[[CountTable], str] | None = None
    """The summary's Total row cell (None: the word Total, for the label column)."""
    align: str = "r"

    def human(self, cat: CategoryCount) -> str:
        return self.text(cat) if self.text else str(self.value(cat))


CATEGORY_COLUMNS: tuple[CategoryColumn, ...] = (
    CategoryColumn(lambda c: c.id, json_key="id"),
    CategoryColumn(
        lambda c: c.name,
        json_key="name",
        title="Category",
        text=lambda c: f"{c.id}. {c.name}",
        align="l",
    ),
    CategoryColumn(
        lambda c: c.total, json_key="total", title="Occurrences", total=lambda t: str(t.total)
    ),
    CategoryColumn(
        lambda c: c.dl_specific_total,
        json_key="dl_specific_total",
        title="DL-Specific",
        total=lambda t: str(t.dl_specific_total),
    ),
    CategoryColumn(
        lambda c: share(c.dl_specific_total, c.total),
        title="DL-Specific %",
        total=lambda t: share(t.dl_specific_total, t.total),
    ),
)


def category_json(cat: CategoryCount) -> dict[str, Any]:
    return {c.json_key: c.value(cat) for c in CATEGORY_COLUMNS if c.json_key is not None}


def summary_columns() -> tuple[CategoryColumn, ...]:
    """The Markdown summary's columns; the first is the row label (the category)."""
    return tuple(c for c in CATEGORY_COLUMNS if c.title is not None)
