"""The gold set and the training answers: their SQL, behind named store methods.

Contract: :class:`GoldQueries` (part of :class:`~annotator.store.Store`) reads and writes the
tables ``gold`` and ``training_answers`` (migration m011) and, for the hidden check items,
reads the study labels (a category or a pass) on gold samples. Each public write is its own
``BEGIN IMMEDIATE`` transaction: committed on return, all or nothing.

Why apart from ``labels``: a training answer is practice, given by someone who then sees the
reference; it must never count as a study label. No view, count or statistic of the study
reads ``training_answers``; only :mod:`annotator.agreement.gold` and the training door
(:mod:`annotator.store.training`) do. A gold item of purpose ``check`` is an ordinary sample
in every queue: nothing that labeling reads (:mod:`annotator.store.blind`) touches ``gold``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, NamedTuple

from .. import models
from ..errors import UserError
from ..models import Kind, decides
from ..taxonomy import Taxonomy
from .connection import now, write_transaction
from .labels import validate_label
from .rows import CheckAnswerRow, GoldRow, TrainingAnswerRow
from .rules import decided

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import LabelValue

PURPOSES = ("training", "check")
"""What a gold item is for: ``training`` (feedback in training mode) or ``check``
(hidden among the ordinary samples, no feedback: measures drift)."""

_GOLD = ", ".join(GoldRow._fields)
_ANSWER = ", ".join(TrainingAnswerRow._fields)


class GoldItem(NamedTuple):
    """A reference label to put in the gold set."""

    sample_id: str
    kind: str
    category: int | None
    subcategory: str | None
    purpose: str
    source: str


def check_reference(item: GoldItem, taxonomy: Taxonomy) -> None:
    """Refuse a reference that is not a category (of this taxonomy) or a pass."""
    if item.purpose not in PURPOSES:
        raise UserError(f"purpose must be one of {', '.join(PURPOSES)}", field="purpose")
    if not decides(item.kind):
        raise UserError("a reference is a category or 'pass'", field="category")
    kind: Kind = "bug" if item.kind == "bug" else "pass"
    validate_label(
        models.LabelValue(kind=kind, category=item.category, subcategory=item.subcategory), taxonomy
    )


class GoldQueries:
    """The gold part of the store."""

    _db: Database
    taxonomy: Taxonomy

    # -- the gold set ------------------------------------------------------------
    def put_gold(self, items: Iterable[GoldItem]) -> tuple[int, int]:
        """Add or replace these reference labels, all or none; returns (added, replaced).

        Every item is checked first (its sample exists, its label is valid under the
        store's taxonomy), so a bad one changes nothing."""
        items = list(items)
        for item in items:
            check_reference(item, self.taxonomy)
        conn = self._db.conn
        added = replaced = 0
        with write_transaction(self._db):
            for item in items:
                if not conn.execute(
                    "SELECT 1 FROM samples WHERE id = ?", (item.sample_id,)
                ).fetchone():
                    raise UserError(f"no sample '{item.sample_id}'", field="id")
            stamp = now()
            for item in items:
                exists = conn.execute(
                    "SELECT 1 FROM gold WHERE sample_id = ?", (item.sample_id,)
                ).fetchone()
                conn.execute(
                    "INSERT INTO gold (sample_id, purpose, kind, category, subcategory, source,"
                    " taxonomy_version, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"
                    " ON CONFLICT (sample_id) DO UPDATE SET purpose = excluded.purpose,"
                    " kind = excluded.kind, category = excluded.category,"
                    " subcategory = excluded.subcategory, source = excluded.source,"
                    " taxonomy_version = excluded.taxonomy_version,"
                    " updated_at = excluded.updated_at",
                    (
                        item.sample_id,
                        item.purpose,
                        item.kind,
                        item.category,
                        item.subcategory,
                        item.source,
                        self.taxonomy.version,
                        stamp,
                        stamp,
                    ),
                )
                if exists:
                    replaced += 1
                else:
                    added += 1
        return added, replaced

    def gold(self, purpose: str | None = None) -> list[GoldRow]:
        """The gold set (or its items of one ``purpose``), in the order they were added."""
        where, args = ("WHERE purpose = ?", (purpose,)) if purpose else ("", ())
        rows = self._db.conn.execute(f"SELECT {_GOLD} FROM gold {where} ORDER BY rowid", args)
        return [GoldRow(*r) for r in rows]

    def gold_item(self, sample_id: str) -> GoldRow | None:
        row = self._db.conn.execute(
            f"SELECT {_GOLD} FROM gold WHERE sample_id = ?", (sample_id,)
        ).fetchone()
        return None if row is None else GoldRow(*row)

    def remove_gold(self, sample_ids: list[str]) -> int:
        """Remove these items from the gold set, all or none (an id not in it is refused).
        Training answers stay (history), but no longer count: the report reads gold items."""
        conn = self._db.conn
        with write_transaction(self._db):
            for sid in sample_ids:
                if not conn.execute("SELECT 1 FROM gold WHERE sample_id = ?", (sid,)).fetchone():
                    raise UserError(f"'{sid}' is not in the gold set", field="id")
            for sid in sample_ids:
                conn.execute("DELETE FROM gold WHERE sample_id = ?", (sid,))
        return len(sample_ids)

    # -- training answers ----------------------------------------------------------
    def training_answers(self, annotator: str | None = None) -> list[TrainingAnswerRow]:
        """Training answers (of one annotator), oldest first."""
        where, args = ("WHERE annotator = ?", (annotator,)) if annotator else ("", ())
        rows = self._db.conn.execute(
            f"SELECT {_ANSWER} FROM training_answers {where} ORDER BY answered_at, rowid", args
        )
        return [TrainingAnswerRow(*r) for r in rows]

    def training_pending(self, annotator: str) -> int:
        """Training items this annotator has not answered yet."""
        row = self._db.conn.execute(
            "SELECT COUNT(*) FROM gold g WHERE g.purpose = 'training' AND NOT EXISTS"
            " (SELECT 1 FROM training_answers t"
            "  WHERE t.sample_id = g.sample_id AND t.annotator = ?)",
            (annotator,),
        ).fetchone()
        return int(row[0])

    def put_training_answer(
        self, sample_id: str, annotator: str, value: LabelValue
    ) -> TrainingAnswerRow:
        """Record ``annotator``'s answer to training item ``sample_id`` (committed on
        return) with the reference it is scored against. The first answer is the one
        given before the feedback, so a second one is refused, never written over it."""
        if not decides(value.kind):
            raise UserError("a training answer is a category or 'pass'", field="kind")
        validate_label(value, self.taxonomy)
        conn = self._db.conn
        with write_transaction(self._db):
            ref = conn.execute(
                "SELECT kind, category, subcategory FROM gold"
                " WHERE sample_id = ? AND purpose = 'training'",
                (sample_id,),
            ).fetchone()
            if ref is None:
                raise UserError(f"'{sample_id}' is not a training item", field="id")
            if conn.execute(
                "SELECT 1 FROM training_answers WHERE sample_id = ? AND annotator = ?",
                (sample_id, annotator),
            ).fetchone():
                raise UserError(f"'{sample_id}' is answered already (the first answer counts)")
            conn.execute(
                f"INSERT INTO training_answers ({_ANSWER}, taxonomy_version)"
                " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    sample_id,
                    annotator,
                    value.kind,
                    value.category,
                    value.subcategory,
                    *ref,
                    now(),
                    self.taxonomy.version,
                ),
            )
        answer = self.training_answer(sample_id, annotator)
        assert answer is not None
        return answer

    def training_answer(self, sample_id: str, annotator: str) -> TrainingAnswerRow | None:
        row = self._db.conn.execute(
            f"SELECT {_ANSWER} FROM training_answers WHERE sample_id = ? AND annotator = ?",
            (sample_id, annotator),
        ).fetchone()
        return None if row is None else TrainingAnswerRow(*row)

    # -- hidden check items ----------------------------------------------------------
    def check_answers(self) -> list[CheckAnswerRow]:
        """Every study label that decides (a category or a pass) on a check item."""
        rows = self._db.conn.execute(
            "SELECT l.sample_id, l.annotator, l.kind, l.category, l.subcategory, l.updated_at"
            " FROM labels l JOIN gold g ON g.sample_id = l.sample_id"
            f" WHERE g.purpose = 'check' AND {decided('l.kind')}"
            " ORDER BY l.annotator, l.updated_at"
        )
        return [CheckAnswerRow(*r) for r in rows]

    def labels_after_training(self) -> list[tuple[str, str]]:
        """(annotator, sample) of every study label (a category or a pass) written after its
        annotator answered that sample as a training item, that is after seeing its reference."""
        rows = self._db.conn.execute(
            "SELECT l.annotator, l.sample_id FROM labels l JOIN training_answers t"
            " ON t.sample_id = l.sample_id AND t.annotator = l.annotator"
            f" WHERE {decided('l.kind')} AND l.updated_at > t.answered_at"
            " ORDER BY l.annotator, l.sample_id"
        )
        return [(str(a), str(sid)) for a, sid in rows]
