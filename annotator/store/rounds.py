"""Rounds, initial labels and negotiation: the study's method in the store.

Contract: :class:`RoundQueries` (part of :class:`~annotator.store.Store`) reads
and writes the tables of migrations m008 (``rounds``, ``round_samples``,
``round_assignments``) and m009 (``discussions``, ``negotiation_reasons``).

- A sample is in at most one round; :meth:`RoundQueries.add_round` writes a
  round, its samples and their assignments in one transaction and refuses
  (``UserError``, nothing written) a sample another round took meanwhile.
- Progress counts an assignment as decided when the annotator's *current*
  label is a category or a pass (:func:`~annotator.store.rules.decided`, the
  ``decided`` of ``annotator status``). A round's closing time is when the last
  of its assignments was *first* decided, so a later negotiated edit does not
  move it.
- A label's *initial* value is its first decided row of ``label_history``
  (:data:`INITIAL_LABELS_SQL`, ordered by ``changed_at`` then id, deletes
  skipped): kept whatever happens to the label afterwards.
- A *negotiated* change is a ``label_history`` row of an annotator on a
  sample written after the disagreement was shown to them (``discussions``);
  :meth:`RoundQueries.negotiate_label` writes such a change with its reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..models import decides
from ..taxonomy import Taxonomy
from . import labels as _labels, taxonomy_binding as _binding
from .connection import now, write_transaction
from .queue import SampleFilter, _where
from .rows import ChangeRow, InitialLabelRow, RoundProgressRow, RoundRow
from .rules import decided
from .search import ready_for

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import LabelValue


def initial_labels_sql(among: str = "1") -> str:
    """A ``labels``-shaped row source: each (sample, annotator)'s initial label.

    ``among`` narrows the history rows before the window (e.g. to some annotators,
    whose partitions are whole either way): the one definition of an initial label.
    """
    return (
        "(SELECT * FROM (SELECT h.*, ROW_NUMBER() OVER (PARTITION BY h.sample_id, h.annotator"
        " ORDER BY h.changed_at, h.id) AS nth FROM label_history h"
        f" WHERE h.op != 'delete' AND {decided('h.kind')} AND ({among})) WHERE nth = 1)"
    )


INITIAL_LABELS_SQL = initial_labels_sql()
"""Every (sample, annotator)'s initial label (:func:`initial_labels_sql`)."""

_FIRST_DECIDED = (
    "(SELECT MIN(h.changed_at) FROM label_history h WHERE h.sample_id = a.sample_id"
    f" AND h.annotator = a.annotator AND h.op != 'delete' AND {decided('h.kind')})"
)


def _ids(sample_ids: Iterable[str]) -> str:
    return json.dumps(list(sample_ids))


class RoundQueries:
    """The rounds part of the store."""

    _db: Database
    taxonomy: Taxonomy

    # -- drawing a round ---------------------------------------------------------
    def unrounded_to_label(self, filt: SampleFilter | None = None) -> list[str]:
        """Samples to label (failing or outcome unknown) in no round yet and no gold
        training item, matching ``filt`` (its annotator-status part is ignored), in
        import order. A training item's reference label is shown to trainees, so
        their study label on it would not be blind."""
        where, params = _where(filt or SampleFilter(), None)
        ready_for(self._db, filt.text if filt else None)
        rows = self._db.conn.execute(
            "SELECT s.id FROM samples s WHERE s.passed IS NOT 1"
            " AND NOT EXISTS (SELECT 1 FROM round_samples r WHERE r.sample_id = s.id)"
            " AND NOT EXISTS (SELECT 1 FROM gold g WHERE g.sample_id = s.id"
            " AND g.purpose = 'training')"
            f" AND {where} ORDER BY s.rowid",
            params,
        )
        return [r[0] for r in rows]

    def add_round(
        self,
        name: str | None,
        *,
        seed: int | None,
        query: str | None,
        overlap: str,
        assignments: Sequence[tuple[str, Sequence[str]]],
    ) -> RoundRow:
        """Write a round: ``assignments`` lists its samples in draw order, each with the
        annotators to label it. ``name`` None: ``round <id>``. Committed on return."""
        conn = self._db.conn
        with write_transaction(self._db):
            taken = conn.execute(
                "SELECT sample_id FROM round_samples WHERE sample_id IN"
                " (SELECT value FROM json_each(?)) LIMIT 1",
                (_ids(sid for sid, _ in assignments),),
            ).fetchone()
            if taken is not None:
                raise UserError(f"sample '{taken[0]}' is already in a round", field="sample")
            round_id = int(conn.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM rounds").fetchone()[0])
            conn.execute(
                "INSERT INTO rounds (id, name, seed, query, overlap, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (round_id, name or f"round {round_id}", seed, query, overlap, now()),
            )
            conn.executemany(
                "INSERT INTO round_samples (sample_id, round_id, position) VALUES (?, ?, ?)",
                [(sid, round_id, i) for i, (sid, _) in enumerate(assignments)],
            )
            conn.executemany(
                "INSERT INTO round_assignments (sample_id, annotator, round_id) VALUES (?, ?, ?)",
                [(sid, who, round_id) for sid, names in assignments for who in names],
            )
        found = self.round(round_id)
        assert found is not None
        return found

    def register_annotator(self, name: str) -> None:
        """Record ``name`` as an annotator (once; refused when it reads as another
        one here). Committed on return, or with the caller's transaction."""
        with write_transaction(self._db):
            _labels.ensure_annotator(self._db.conn, name)

    # -- reading rounds -------------------------------------------------------------
    def sample_round(self, sample_id: str) -> int | None:
        """The round ``sample_id`` is in (None: none)."""
        row = self._db.conn.execute(
            "SELECT round_id FROM round_samples WHERE sample_id = ?", (sample_id,)
        ).fetchone()
        return None if row is None else int(row[0])

    def rounds(self) -> list[RoundRow]:
        """Every round, oldest first."""
        return self._round_rows("1", ())

    def round(self, round_id: int) -> RoundRow | None:
        rows = self._round_rows("r.id = ?", (round_id,))
        return rows[0] if rows else None

    def _round_rows(self, where: str, params: Sequence[Any]) -> list[RoundRow]:
        cur = self._db.conn.execute(
            "SELECT r.id, r.name, (SELECT COUNT(*) FROM round_samples x WHERE x.round_id = r.id),"
            f" r.seed, r.query, r.overlap, r.created_at FROM rounds r WHERE {where} ORDER BY r.id",
            params,
        )
        return [RoundRow(*row) for row in cur]

    def round_sample_ids(self, round_id: int) -> list[str]:
        """The samples of a round in draw order."""
        rows = self._db.conn.execute(
            "SELECT sample_id FROM round_samples WHERE round_id = ? ORDER BY position", (round_id,)
        )
        return [r[0] for r in rows]

    def round_assignments(self, round_id: int) -> list[tuple[str, str]]:
        """(sample, annotator) of every assignment of a round, in draw order."""
        rows = self._db.conn.execute(
            "SELECT a.sample_id, a.annotator FROM round_assignments a"
            " JOIN round_samples r ON r.sample_id = a.sample_id"
            " WHERE a.round_id = ? ORDER BY r.position, a.annotator",
            (round_id,),
        )
        return [(r[0], r[1]) for r in rows]

    def round_progress(
        self, round_id: int | None = None, annotator: str | None = None, *, times: bool = True
    ) -> list[RoundProgressRow]:
        """Per round and assigned annotator: assigned and decided samples (see the
        module docstring); restricted to one round and/or one annotator when given.
        ``times`` False leaves ``last_decided_at`` None (the labeling screen's title
        needs no history lookups)."""
        clauses: list[str] = []
        params: list[Any] = []
        if round_id is not None:
            clauses.append("a.round_id = ?")
            params.append(round_id)
        if annotator is not None:
            clauses.append("a.annotator = ?")
            params.append(annotator)
        where = " AND ".join(clauses) or "1"
        last = f"MAX(CASE WHEN {decided('l.kind')} THEN {_FIRST_DECIDED} END)" if times else "NULL"
        cur = self._db.conn.execute(
            f"SELECT a.round_id, a.annotator, COUNT(*), IFNULL(SUM({decided('l.kind')}), 0),"
            f" {last}"
            " FROM round_assignments a LEFT JOIN labels l"
            " ON l.sample_id = a.sample_id AND l.annotator = a.annotator"
            f" WHERE {where} GROUP BY a.round_id, a.annotator ORDER BY a.round_id, a.annotator",
            params,
        )
        return [RoundProgressRow(*row) for row in cur]

    # -- initial labels and negotiation --------------------------------------------------
    def initial_labels(
        self, annotator: str | None = None, sample_ids: Iterable[str] | None = None
    ) -> list[InitialLabelRow]:
        """Initial labels (:data:`INITIAL_LABELS_SQL`), of one annotator and/or among
        ``sample_ids`` when given, by sample import order then annotator."""
        clauses: list[str] = []
        params: list[Any] = []
        if annotator is not None:
            clauses.append("i.annotator = ?")
            params.append(annotator)
        if sample_ids is not None:
            clauses.append("i.sample_id IN (SELECT value FROM json_each(?))")
            params.append(_ids(sample_ids))
        where = " AND ".join(clauses) or "1"
        cur = self._db.conn.execute(
            "SELECT i.sample_id, i.annotator, i.kind, i.category, i.subcategory, i.changed_at"
            f" FROM {INITIAL_LABELS_SQL} i JOIN samples s ON s.id = i.sample_id"
            f" WHERE {where} ORDER BY s.rowid, i.annotator",
            params,
        )
        return [InitialLabelRow(*row) for row in cur]

    def record_shown(self, pairs: Iterable[tuple[str, str]], round_id: int | None) -> int:
        """Record that the disagreement on each (sample, annotator) was shown to that
        annotator now (a pair shown before keeps its first time); returns how many
        were new. Committed on return."""
        stamp = now()
        with write_transaction(self._db):
            before = self._db.conn.total_changes
            self._db.conn.executemany(
                "INSERT OR IGNORE INTO discussions (sample_id, annotator, round_id, shown_at)"
                " VALUES (?, ?, ?, ?)",
                [(sid, who, round_id, stamp) for sid, who in pairs],
            )
            return self._db.conn.total_changes - before

    def shown_at(self, sample_id: str, annotator: str) -> str | None:
        """When the disagreement on ``sample_id`` was first shown to ``annotator``."""
        row = self._db.conn.execute(
            "SELECT shown_at FROM discussions WHERE sample_id = ? AND annotator = ?",
            (sample_id, annotator),
        ).fetchone()
        return None if row is None else str(row[0])

    def negotiate_label(
        self,
        sample_id: str,
        annotator: str,
        value: LabelValue,
        reason: str | None,
        round_id: int | None,
    ) -> int:
        """Change ``annotator``'s decided label on ``sample_id`` to ``value`` as a
        negotiated change (the disagreement counts as shown from now on if it was not
        yet) with ``reason``; returns the ``label_history`` id of the change. The
        label, the discussion and the reason are one transaction."""
        conn = self._db.conn
        _labels.validate_label(value, self.taxonomy)
        with write_transaction(self._db):
            row = conn.execute(
                "SELECT kind FROM labels WHERE sample_id = ? AND annotator = ?",
                (sample_id, annotator),
            ).fetchone()
            if row is None or not decides(row[0]):
                raise UserError(
                    f"{annotator!r} has no decided label on '{sample_id}' to negotiate",
                    field="sample",
                )
            conn.execute(
                "INSERT OR IGNORE INTO discussions (sample_id, annotator, round_id, shown_at)"
                " VALUES (?, ?, ?, ?)",
                (sample_id, annotator, round_id, now()),
            )
            _binding.ensure_bound(self._db, self.taxonomy)
            _labels.put_label(
                self._db,
                sample_id,
                annotator,
                value,
                taxonomy_version=self.taxonomy.version,
                source="negotiate",
            )
            history_id = _labels.last_history_id(self._db, sample_id, annotator)
            assert history_id is not None  # the history trigger just wrote it
            if reason:
                conn.execute(
                    "INSERT INTO negotiation_reasons"
                    " (history_id, sample_id, annotator, reason, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (history_id, sample_id, annotator, reason, now()),
                )
        return history_id

    def negotiated_changes(self, sample_ids: Iterable[str] | None = None) -> list[ChangeRow]:
        """Every label change written after its annotator was shown the disagreement
        (among ``sample_ids`` when given), with its reason, oldest first."""
        where, params = "1", list[Any]()
        if sample_ids is not None:
            where, params = "h.sample_id IN (SELECT value FROM json_each(?))", [_ids(sample_ids)]
        cur = self._db.conn.execute(
            "SELECT h.id, h.sample_id, h.annotator,"
            " CASE WHEN h.op = 'delete' THEN NULL ELSE h.kind END, h.category, h.subcategory,"
            " h.changed_at, n.reason FROM label_history h"
            " JOIN discussions d ON d.sample_id = h.sample_id AND d.annotator = h.annotator"
            " LEFT JOIN negotiation_reasons n ON n.history_id = h.id"
            f" WHERE h.changed_at >= d.shown_at AND {where} ORDER BY h.changed_at, h.id",
            params,
        )
        return [ChangeRow(*row) for row in cur]
