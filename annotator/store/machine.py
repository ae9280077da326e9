"""Machine annotators (an LLM as ``llm:NAME``): who they are and what they answered.

Contract: :class:`MachineStore` (part of :class:`~annotator.store.Store`).
- :meth:`~MachineStore.register_machine` marks an annotator as machine-made
  (model and endpoint, never a key); :meth:`~MachineStore.machine_names` lists
  them, so that blind views and the default set of ``agreement`` can leave them out.
- :meth:`~MachineStore.record_machine_answer` writes one answer in one
  transaction: the ``machine_answers`` row and, for a valid answer only, the
  label (through ``put_label``, so it has history like every label). An invalid
  or failed answer never becomes a label; it replaces an earlier failed attempt.
- :meth:`~MachineStore.machine_answered` lists the samples a run can skip
  (resuming); :meth:`~MachineStore.machine_answers` the stored answers
  (:class:`~annotator.store.rows.MachineAnswer`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..taxonomy import Taxonomy
from .connection import now, write_transaction
from .labels import ensure_annotator, put_label, validate_label
from .rows import MachineAnswer

if TYPE_CHECKING:
    from sqlite_utils import Database

    from ..models import LabelValue


class MachineStore:
    """The machine annotators' part of the store."""

    _db: Database
    taxonomy: Taxonomy

    def register_machine(self, name: str, model: str, endpoint: str) -> None:
        with write_transaction(self._db):
            ensure_annotator(self._db.conn, name)
            self._db.conn.execute(
                "INSERT INTO machine_annotators (name, model, endpoint, created_at)"
                " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET model = excluded.model,"
                " endpoint = excluded.endpoint",
                (name, model, endpoint, now()),
            )

    def machine_names(self) -> set[str]:
        return {r[0] for r in self._db.conn.execute("SELECT name FROM machine_annotators")}

    def machine_answered(self, annotator: str, *, retry_invalid: bool = False) -> set[str]:
        """Samples this machine annotator needs no new request for."""
        statuses = ("labeled",) if retry_invalid else ("labeled", "invalid")
        marks = ", ".join("?" for _ in statuses)
        rows = self._db.conn.execute(
            f"SELECT sample_id FROM machine_answers WHERE annotator = ? AND status IN ({marks})",
            (annotator, *statuses),
        )
        done = {r[0] for r in rows}
        # A label made another way (imported, written by hand) counts as done too.
        rows = self._db.conn.execute(
            "SELECT sample_id FROM labels WHERE annotator = ?", (annotator,)
        )
        return done | {r[0] for r in rows}

    def record_machine_answer(self, answer: MachineAnswer, label: LabelValue | None) -> None:
        """Store one answer (and, when ``label`` is given, the label) atomically."""
        if label is not None:
            validate_label(label, self.taxonomy)
        with write_transaction(self._db):
            self._db.conn.execute(
                "INSERT OR REPLACE INTO machine_answers (sample_id, annotator, status, model,"
                " endpoint, prompt_version, prompt_tokens, completion_tokens, answer, error,"
                " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (*answer, now()),
            )
            if label is not None:
                put_label(
                    self._db,
                    answer.sample_id,
                    answer.annotator,
                    label,
                    taxonomy_version=self.taxonomy.version,
                    source="llm",
                )

    def machine_answers(self, annotator: str) -> list[MachineAnswer]:
        cur = self._db.conn.execute(
            "SELECT sample_id, annotator, status, model, endpoint, prompt_version, prompt_tokens,"
            " completion_tokens, answer, error FROM machine_answers WHERE annotator = ?"
            " ORDER BY sample_id",
            (annotator,),
        )
        return [MachineAnswer(*row) for row in cur.fetchall()]
