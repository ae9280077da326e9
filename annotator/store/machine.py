"""Machine annotators (an LLM as ``llm:NAME``): who they are and what they answered.

Contract:
- :func:`register_machine` marks an annotator as machine-made (model and
  endpoint, never a key); :func:`machine_names` lists them, so that blind
  views and the default set of ``agreement`` can leave them out.
- :func:`record_answer` writes one answer in one transaction: the
  ``machine_answers`` row and, for a valid answer only, the label (through
  ``put_label``, so it has history like every label). An invalid or failed
  answer never becomes a label; it replaces an earlier failed attempt.
- :func:`answered` lists the samples a run can skip (resuming).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from ..models import LabelValue
from .connection import now, write_transaction
from .labels import ensure_annotator, put_label, validate_label

if TYPE_CHECKING:
    from . import Store

AnswerStatus = Literal["labeled", "invalid", "failed"]


@dataclass(frozen=True)
class MachineAnswer:
    sample_id: str
    annotator: str
    status: AnswerStatus
    model: str
    endpoint: str
    prompt_version: str
    prompt_tokens: int | None
    completion_tokens: int | None
    answer: str | None
    error: str | None


def register_machine(store: Store, name: str, model: str, endpoint: str) -> None:
    with write_transaction(store.db):
        ensure_annotator(store.db.conn, name)
        store.db.conn.execute(
            "INSERT INTO machine_annotators (name, model, endpoint, created_at)"
            " VALUES (?, ?, ?, ?) ON CONFLICT (name) DO UPDATE SET model = excluded.model,"
            " endpoint = excluded.endpoint",
            (name, model, endpoint, now()),
        )


def machine_names(store: Store) -> set[str]:
    return {r[0] for r in store.db.conn.execute("SELECT name FROM machine_annotators")}


def answered(store: Store, annotator: str, *, retry_invalid: bool = False) -> set[str]:
    """Samples this machine annotator needs no new request for."""
    statuses = ("labeled",) if retry_invalid else ("labeled", "invalid")
    marks = ", ".join("?" for _ in statuses)
    rows = store.db.conn.execute(
        f"SELECT sample_id FROM machine_answers WHERE annotator = ? AND status IN ({marks})",
        (annotator, *statuses),
    )
    done = {r[0] for r in rows}
    # A label made another way (imported, written by hand) counts as done too.
    rows = store.db.conn.execute("SELECT sample_id FROM labels WHERE annotator = ?", (annotator,))
    return done | {r[0] for r in rows}


def record_answer(store: Store, answer: MachineAnswer, label: LabelValue | None) -> None:
    """Store one answer (and, when ``label`` is given, the label) atomically."""
    if label is not None:
        validate_label(label, store.taxonomy)
    with write_transaction(store.db):
        store.db.conn.execute(
            "INSERT OR REPLACE INTO machine_answers (sample_id, annotator, status, model,"
            " endpoint, prompt_version, prompt_tokens, completion_tokens, answer, error,"
            " answered_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (
                answer.sample_id,
                answer.annotator,
                answer.status,
                answer.model,
                answer.endpoint,
                answer.prompt_version,
                answer.prompt_tokens,
                answer.completion_tokens,
                answer.answer,
                answer.error,
                now(),
            ),
        )
        if label is not None:
            put_label(
                store.db,
                answer.sample_id,
                answer.annotator,
                label,
                taxonomy_version=store.taxonomy.version,
                source="llm",
            )


def answers(store: Store, annotator: str) -> list[MachineAnswer]:
    cur = store.db.conn.execute(
        "SELECT sample_id, annotator, status, model, endpoint, prompt_version, prompt_tokens,"
        " completion_tokens, answer, error FROM machine_answers WHERE annotator = ?"
        " ORDER BY sample_id",
        (annotator,),
    )
    return [MachineAnswer(*row) for row in cur.fetchall()]
