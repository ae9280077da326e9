"""What the suggester reads about labels and cached facts, per caller.

Contract: :class:`SuggestQueries` (part of :class:`~annotator.store.Store`).
``annotator`` ``None`` means every annotator (analysis commands); a name means
only that annotator's own labels (a blind labeling session: nothing derived
from other annotators' labels may come back). Rows are typed
(:mod:`annotator.store.rows`); nothing here writes.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from .rows import CategoryLabels
from .rules import bug

if TYPE_CHECKING:
    from sqlite_utils import Database


class SuggestQueries:
    """The suggester's part of the store."""

    _db: Database

    def history_position(self, annotator: str | None = None) -> int:
        """The last label-history id (of ``annotator``'s own labels when given)."""
        if annotator is None:
            row = self._db.conn.execute("SELECT COALESCE(MAX(id), 0) FROM label_history").fetchone()
        else:
            row = self._db.conn.execute(
                "SELECT COALESCE(MAX(id), 0) FROM label_history WHERE annotator = ?", (annotator,)
            ).fetchone()
        return int(row[0])

    def bug_sample_ids(self, annotator: str | None = None) -> list[str]:
        """Samples with a bug label (by ``annotator`` when given)."""
        sql = f"SELECT DISTINCT sample_id FROM labels WHERE {bug()}"
        params: tuple[str, ...] = ()
        if annotator is not None:
            sql += " AND annotator = ?"
            params = (annotator,)
        return [r[0] for r in self._db.conn.execute(sql, params)]

    def category_labels(self, annotator: str | None = None) -> list[CategoryLabels]:
        """Each bug-labeled sample's categories with its cached facts (samples
        without cached facts are left out: the caller computes them first)."""
        where = bug("l.kind") + (" AND l.annotator = ?" if annotator is not None else "")
        params: tuple[str, ...] = (annotator,) if annotator is not None else ()
        rows = self._db.conn.execute(
            "SELECT l.sample_id, f.facts, json_group_array(json_array(l.category, l.subcategory,"
            " l.category2, l.subcategory2)) FROM labels l JOIN sample_facts f ON f.sample_id ="
            f" l.sample_id WHERE {where} GROUP BY l.sample_id ORDER BY l.sample_id",
            params,
        )
        out = []
        for sid, facts_json, labels_json in rows:
            pairs: list[tuple[int, str | None]] = []
            for c1, s1, c2, s2 in json.loads(labels_json):
                pairs += [(c, s) for c, s in ((c1, s1), (c2, s2)) if c is not None]
            out.append(CategoryLabels(sid, json.loads(facts_json), pairs))
        return out

    def own_bug_categories(self, annotator: str, sample_ids: list[str]) -> dict[str, set[int]]:
        """``annotator``'s bug categories on each of ``sample_ids`` that they labeled."""
        out: dict[str, set[int]] = {}
        for sid, c1, c2 in self._db.conn.execute(
            f"SELECT sample_id, category, category2 FROM labels WHERE annotator = ? AND {bug()}"
            " AND sample_id IN (SELECT value FROM json_each(?))",
            (annotator, json.dumps(sample_ids)),
        ):
            out[sid] = {c for c in (c1, c2) if c is not None}
        return out
