"""Initial decisions and every decided state of a label, read from ``label_history``.

Contract: :class:`InitialQueries` (part of :class:`~annotator.store.Store`) reads only label
columns of ``label_history`` and ``labels``, never sample texts.

- :meth:`~InitialQueries.initial_decisions`: per sample and annotator the *first* decided
  value (kind 'bug' or 'pass'; :func:`~annotator.store.rules.decided`) in history order
  (``changed_at``, then ``id``: a merged history keeps its times, not its ids). An edit, a
  review or a negotiation later never changes it. A decided label with no decided history
  entry at all (a database whose history was not kept) counts with its current value.
- :meth:`~InitialQueries.decided_states`: every decided state any of the annotators ever
  saved (history entries, deletes left out, plus current labels without history): what
  "a category was used" means for saturation, so a code tried and then withdrawn still
  counts as used.
- :meth:`~InitialQueries.suggestion_exposure`: the annotators' current decided labels by
  ``suggestions_shown`` (True, False, not recorded): the share labeled with the
  suggestions hidden (``annotator label --blind-suggestions``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlite_utils import Database

from .rows import DecidedEntry, SuggestionExposure
from .rules import decided

_COLUMNS = "sample_id, annotator, kind, category, subcategory, category2, subcategory2"

# Current labels that have no decided history entry (history not kept): their value counts.
_WITHOUT_HISTORY = (
    f"SELECT {_COLUMNS}, updated_at FROM labels l WHERE {decided('l.kind')}"
    " AND l.annotator IN ({marks}) AND NOT EXISTS (SELECT 1 FROM label_history h"
    " WHERE h.sample_id = l.sample_id AND h.annotator = l.annotator"
    f" AND {decided('h.kind')} AND h.op != 'delete')"
)


def _marks(names: Sequence[str]) -> str:
    return ", ".join("?" for _ in names)


class InitialQueries:
    """The initial-decision part of the store."""

    _db: Database

    def initial_decisions(self, annotators: Sequence[str]) -> list[DecidedEntry]:
        """Each annotator's first decided value per sample, oldest first (module docstring)."""
        names = list(annotators)
        if not names:
            return []
        marks = _marks(names)
        rows = self._db.conn.execute(
            f"SELECT {_COLUMNS}, changed_at FROM (SELECT {_COLUMNS}, changed_at, id,"
            " ROW_NUMBER() OVER (PARTITION BY sample_id, annotator ORDER BY changed_at, id)"
            f" AS nth FROM label_history WHERE annotator IN ({marks}) AND {decided()}"
            " AND op != 'delete') WHERE nth = 1"
            f" UNION ALL {_WITHOUT_HISTORY.format(marks=marks)}"
            " ORDER BY 8, 1, 2",
            [*names, *names],
        )
        return [DecidedEntry(*row) for row in rows]

    def decided_states(self, annotators: Sequence[str]) -> list[DecidedEntry]:
        """Every decided state the annotators ever saved, oldest first (module docstring)."""
        names = list(annotators)
        if not names:
            return []
        marks = _marks(names)
        rows = self._db.conn.execute(
            f"SELECT {_COLUMNS}, changed_at FROM label_history WHERE annotator IN ({marks})"
            f" AND {decided()} AND op != 'delete'"
            f" UNION ALL {_WITHOUT_HISTORY.format(marks=marks)}"
            " ORDER BY 8, 1, 2",
            [*names, *names],
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
        ).fetchone()
        return SuggestionExposure(*(int(n) for n in row))
