"""Initial decisions and every decided state of a label, read from ``label_history``.

Contract: :class:`InitialQueries` (part of :class:`~annotator.store.Store`) reads only label
columns of ``label_history`` and ``labels``, never sample texts.

- :meth:`~InitialQueries.initial_decisions`: per sample and annotator the *initial* label,
  its first decided value in history order, by the one definition :func:`~annotator.store.rounds.initial_labels_sql`
  (that of ``annotator agreement`` and ``round discuss``), with both categories and in time
  order (the labeling order that batches follow).
- :meth:`~InitialQueries.decided_states`: every decided state any of the annotators ever
  saved (history entries, deletes left out): what "a category was used" means for
  saturation, so a code tried and then withdrawn still counts as used. A subcategory the
  tool inferred from the note (``subcategory_inferred``) and nobody confirmed reads as None:
  no rater chose it.
- :meth:`~InitialQueries.suggestion_exposure`: the annotators' current decided labels by
  ``suggestions_shown`` (True, False, not recorded): the share labeled with the
  suggestions hidden (``annotator label --blind-suggestions``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from .rounds import initial_labels_sql
from .rows import DecidedEntry, SuggestionExposure
from .rules import decided

if TYPE_CHECKING:
    from sqlite_utils import Database

_COLUMNS = "sample_id, annotator, kind, category, subcategory, category2, subcategory2, changed_at"


def _marks(names: Sequence[str]) -> str:
    return ", ".join("?" for _ in names)


class InitialQueries:
    """The initial-decision part of the store."""

    _db: Database

    def initial_decisions(self, annotators: Sequence[str]) -> list[DecidedEntry]:
        """Each annotator's initial label per sample, oldest first (module docstring)."""
        names = list(annotators)
        if not names:
            return []
        rows = self._db.conn.execute(
            f"SELECT {_COLUMNS} FROM"
            f" {initial_labels_sql(f'h.annotator IN ({_marks(names)})')}"
            " ORDER BY changed_at, id",
            names,
        )
        return [DecidedEntry(*row) for row in rows]

    def decided_states(self, annotators: Sequence[str]) -> list[DecidedEntry]:
        """Every decided state the annotators ever saved, in no order (module docstring)."""
        names = list(annotators)
        if not names:
            return []
        rows = self._db.conn.execute(
            "SELECT sample_id, annotator, kind, category,"
            " CASE WHEN subcategory_inferred THEN NULL ELSE subcategory END, category2,"
            " CASE WHEN subcategory2_inferred THEN NULL ELSE subcategory2 END, changed_at"
            f" FROM label_history WHERE annotator IN ({_marks(names)})"
            f" AND {decided()} AND op != 'delete'",
            names,
        )
        return [DecidedEntry(*row) for row in rows]

    def suggestion_exposure(self, annotators: Sequence[str]) -> SuggestionExposure:
        """The annotators' decided labels by ``suggestions_shown`` (module docstring)."""
        names = list(annotators)
        if not names:
            return SuggestionExposure(0, 0, 0)
        row = self._db.conn.execute(
            "SELECT COALESCE(SUM(suggestions_shown = 1), 0),"
            " COALESCE(SUM(suggestions_shown = 0), 0),"
            " COALESCE(SUM(suggestions_shown IS NULL), 0)"
            f" FROM labels WHERE annotator IN ({_marks(names)}) AND {decided()}",
            names,
        )
        return SuggestionExposure(*(int(n) for n in row.fetchone()))
