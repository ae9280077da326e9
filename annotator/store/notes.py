"""Notes of labels that have no subcategory yet, and giving them one.

Contract: :class:`NoteQueries` (part of :class:`~annotator.store.Store`).
:meth:`~NoteQueries.unspecified_notes` lists every non-empty note of a bug label
slot (primary or second category) whose subcategory is missing or
'Unspecified', of human annotators (machine annotators left out), optionally
of one annotator. :meth:`~NoteQueries.assign_subcategory` sets the subcategory of the
given slots in one transaction through ``put_label`` (history kept, the
inferred mark cleared; a slot whose label changed since it was listed is
refused and nothing is written). :meth:`~NoteQueries.unconfirmed_subcategories` lists the
bug label slots (primary or second category) whose subcategory is missing,
'Unspecified' or inferred from the note, of human annotators and ``final``
(machine annotators left out), with their notes (empty ones too), to confirm
one by one (:meth:`~NoteQueries.confirm_subcategory`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..errors import UserError
from ..taxonomy import Taxonomy
from .connection import write_transaction
from .labels import get_label, put_label, validate_label
from .rules import bug

if TYPE_CHECKING:
    from sqlite_utils import Database

UNSPECIFIED = "Unspecified"


@dataclass(frozen=True)
class NoteItem:
    sample_id: str
    annotator: str
    second: bool
    """True for the second category's note."""
    category: int
    note: str
    revision: int


@dataclass(frozen=True)
class SubcategorySlot:
    """One category of a label whose subcategory nobody confirmed."""

    sample_id: str
    annotator: str
    second: bool
    category: int
    subcategory: str | None
    """The subcategory as stored (None: none; else 'Unspecified' or an inferred one)."""
    inferred: bool
    note: str
    revision: int

    @property
    def item(self) -> NoteItem:
        return NoteItem(
            self.sample_id, self.annotator, self.second, self.category, self.note, self.revision
        )


class NoteQueries:
    """The notes part of the store: subcategories to give or confirm."""

    _db: Database
    taxonomy: Taxonomy

    def _human_bug_labels(
        self, columns: str, where: str, annotator: str | None
    ) -> list[tuple[Any, ...]]:
        """``columns`` of the human annotators' bug labels (only ``annotator``'s, when
        given) that meet ``where`` (whose two ``?`` stand for 'Unspecified'), in queue
        order (sample import order, then annotator)."""
        who = " AND l.annotator = ?" if annotator is not None else ""
        params: list[object] = [UNSPECIFIED, UNSPECIFIED]
        if annotator is not None:
            params.append(annotator)
        return self._db.conn.execute(
            f"SELECT {columns} FROM labels l JOIN samples s ON s.id = l.sample_id"
            f" WHERE {bug('l.kind')} AND {where}"
            f" AND l.annotator NOT IN (SELECT name FROM machine_annotators){who}"
            " ORDER BY s.rowid, l.annotator",
            params,
        ).fetchall()

    def unspecified_notes(self, annotator: str | None = None) -> list[NoteItem]:
        rows = self._human_bug_labels(
            "l.sample_id, l.annotator, l.category, l.subcategory, l.note, l.category2,"
            " l.subcategory2, l.note2, l.revision",
            "((l.subcategory IS NULL OR l.subcategory = ?)"
            " OR (l.category2 IS NOT NULL AND (l.subcategory2 IS NULL OR l.subcategory2 = ?)))",
            annotator,
        )
        out = []
        for sid, who_, cat, sub, note, cat2, sub2, note2, revision in rows:
            if cat is not None and sub in (None, UNSPECIFIED) and note.strip():
                out.append(NoteItem(sid, who_, False, cat, note.strip(), revision))
            if cat2 is not None and sub2 in (None, UNSPECIFIED) and note2.strip():
                out.append(NoteItem(sid, who_, True, cat2, note2.strip(), revision))
        return out

    def unconfirmed_subcategories(self, annotator: str | None = None) -> list[SubcategorySlot]:
        """Label slots whose subcategory is missing, 'Unspecified' or inferred, in queue order."""
        rows = self._human_bug_labels(
            "l.sample_id, l.annotator, l.category, l.subcategory, l.subcategory_inferred,"
            " l.note, l.category2, l.subcategory2, l.subcategory2_inferred, l.note2, l.revision",
            "l.category IS NOT NULL"
            " AND ((l.subcategory IS NULL OR l.subcategory = ? OR l.subcategory_inferred = 1)"
            " OR (l.category2 IS NOT NULL AND (l.subcategory2 IS NULL OR l.subcategory2 = ?"
            " OR l.subcategory2_inferred = 1)))",
            annotator,
        )
        out = []
        for sid, who_, cat, sub, inf, note, cat2, sub2, inf2, note2, revision in rows:
            if sub in (None, UNSPECIFIED) or inf:
                out.append(SubcategorySlot(sid, who_, False, cat, sub, bool(inf), note, revision))
            if cat2 is not None and (sub2 in (None, UNSPECIFIED) or inf2):
                out.append(
                    SubcategorySlot(sid, who_, True, cat2, sub2, bool(inf2), note2, revision)
                )
        return out

    def confirm_subcategory(self, slot: SubcategorySlot, subcategory: str) -> None:
        """Give the slot ``subcategory`` as confirmed (history kept, inferred mark cleared)."""
        self.assign_subcategory([slot.item], subcategory)

    def assign_subcategory(self, items: list[NoteItem], subcategory: str) -> int:
        """Give every slot in ``items`` the subcategory; returns the labels written."""
        with write_transaction(self._db):
            written = 0
            for item in items:
                label = get_label(self._db, item.sample_id, item.annotator)
                if label is None or label.revision != item.revision:
                    raise UserError(
                        f"the label of {item.sample_id} by {item.annotator} changed since the"
                        " notes were listed: list them again"
                    )
                key = "subcategory2" if item.second else "subcategory"
                inferred = "subcategory2_inferred" if item.second else "subcategory_inferred"
                value = label.value().model_copy(update={key: subcategory, inferred: False})
                validate_label(value, self.taxonomy)
                put_label(
                    self._db,
                    item.sample_id,
                    item.annotator,
                    value,
                    taxonomy_version=self.taxonomy.version,
                    source=label.source,
                    written_by=label.written_by,
                )
                written += 1
        return written
