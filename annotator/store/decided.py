"""Decided labels compared across annotators: overlaps, pair disagreements, ratings.

Contract: :class:`DecidedQueries` (part of :class:`~annotator.store.Store`)
reads only labels that decide their sample (:func:`~annotator.store.rules.decided`)
and only label columns, never sample texts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from .rounds import INITIAL_LABELS_SQL
from .rows import RatingRow
from .rules import decided
from .taxonomy_relabel import LABELS_AT_VERSION_SQL

if TYPE_CHECKING:
    from sqlite_utils import Database

RatingPattern = tuple[RatingRow, ...]

# The one label column besides kind and category that a rating level needs.
RATING_EXTRA = {"none": "NULL", "subcategory": "subcategory", "category2": "category2"}


class DecidedQueries:
    """The decided-labels part of the store."""

    _db: Database

    def raters_overlap(self, besides: str) -> bool:
        """Whether two annotators other than ``besides`` decided one same sample."""
        row = self._db.conn.execute(
            f"SELECT 1 FROM labels WHERE annotator != ? AND {decided()}"
            " GROUP BY sample_id HAVING COUNT(DISTINCT annotator) > 1 LIMIT 1",
            (besides,),
        ).fetchone()
        return row is not None

    def pair_disagreements(self, a: str, b: str) -> list[str]:
        """Samples both annotators decided on, with different category-level answers,
        in import order."""
        rows = self._db.conn.execute(
            "SELECT x.sample_id FROM labels x JOIN labels y ON y.sample_id = x.sample_id"
            " JOIN samples s ON s.id = x.sample_id"
            f" WHERE x.annotator = ? AND y.annotator = ? AND {decided('x.kind')}"
            f" AND {decided('y.kind')}"
            " AND (x.kind != y.kind OR IFNULL(x.category, -1) != IFNULL(y.category, -1))"
            " ORDER BY s.rowid",
            (a, b),
        )
        return [r[0] for r in rows]

    def rating_patterns(
        self,
        annotators: Sequence[str],
        extra: str = "none",
        taxonomy_version: str | None = None,
        *,
        initial: bool = False,
        sample_ids: Sequence[str] | None = None,
    ) -> list[tuple[RatingPattern, int]]:
        """Each distinct set of decided labels of ``annotators`` on one sample, with how
        many samples share it; ``extra`` names the further column (see :data:`RATING_EXTRA`).
        With ``taxonomy_version``, the labels as they were under that version (their last
        state recorded under it, from the label history). ``initial``: each label's
        initial value instead (:data:`~annotator.store.rounds.INITIAL_LABELS_SQL`);
        ``sample_ids``: only those samples (a round).

        Identical per-sample arrays are counted in SQL's output and decoded once.
        """
        names = list(annotators)
        if not names:
            return []
        marks = ", ".join("?" for _ in names)
        source, params = "labels", list(names)
        if taxonomy_version is not None:
            source, params = LABELS_AT_VERSION_SQL, [taxonomy_version, *names]
        elif initial:
            source = INITIAL_LABELS_SQL
        among = ""
        if sample_ids is not None:
            among = " AND sample_id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(sample_ids)))
        # The unary + keeps SQLite off the (annotator, kind) index: a scan in primary-key
        # order groups by sample without a sort and reads each row once.
        cur = self._db.conn.execute(
            "SELECT json_group_array(json_array(annotator, kind, category,"
            f" {RATING_EXTRA[extra]}, suggestions_shown)) FROM {source}"
            f" WHERE +annotator IN ({marks}) AND {decided('+kind')}{among} GROUP BY sample_id",
            params,
        )
        raw = Counter(r[0] for r in cur)
        return [
            (
                tuple(
                    RatingRow(who, kind, cat, more, None if shown is None else bool(shown))
                    for who, kind, cat, more, shown in json.loads(text)
                ),
                count,
            )
            for text, count in raw.items()
        ]
