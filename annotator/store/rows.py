"""Typed rows that the store's read methods return.

Contract: typed named tuples holding plain values read from SQLite, booleans
as ``bool``; no I/O here. Named tuples rather than dataclasses: they are built
per row (100k at a time) and the module is imported by every command, where
thirteen frozen dataclasses cost ~15 ms of start-up and named tuples ~2 ms.
"""

from __future__ import annotations

import json
from typing import Any, Literal, NamedTuple


class QueueRow(NamedTuple):
    """One row of an annotator's queue: a sample's small columns and its label status."""

    id: str
    passed: bool | None = None
    model: str | None = None
    stage: str | None = None
    data_type: str | None = None
    task_type: str | None = None
    kind: str | None = None
    """The annotator's label kind; None: not labeled."""
    category: int | None = None
    subcategory: str | None = None
    category2: int | None = None
    flag: str | None = None
    match: str | None = None
    """Where a search found the sample (code, output, prompt or own note); None: no search."""


class ProgressRow(NamedTuple):
    """One annotator's counts (the ``annotator_progress`` view; see :class:`StoreStatus`)."""

    annotator: str
    labeled: int
    """Labels that are not a skip: a category, a pass, or only a flag or note."""
    of_to_label: int
    """Of those, on samples to label (failing or outcome unknown): the progress."""
    decided: int
    """A category or a pass: the labels agreement rates."""
    bugs: int
    passes: int
    flagged: int
    skipped: int
    """Skips, which are not labels."""

    def as_dict(self) -> dict[str, int]:
        return {k: v for k, v in self._asdict().items() if k != "annotator"}


def share(part: int, whole: int) -> str:
    """``part`` of ``whole`` as a percentage with one decimal (2 of 240 reads 0.8%, not 0%);
    the one format of progress in ``status``, ``report`` and the screens' titles."""
    return f"{100 * part / whole:.1f}%" if whole else "-"


class StoreStatus(NamedTuple):
    """The study's counts, each defined once (the views ``sample_outcomes``, ``sample_tasks`` and
    ``annotator_progress``, migration m006): every command and screen prints these.

    ``samples`` are model-samples (one per attempt); ``tasks`` the distinct task ids;
    ``failing`` the samples whose tests failed, ``outcome_unknown`` those whose outcome
    could not be read; ``to_label`` both (the labeling queue). ``annotators``: everyone
    with at least one label (a skip is none), by name.
    """

    samples: int
    tasks: int
    passing: int
    failing: int
    outcome_unknown: int
    to_label: int
    annotators: dict[str, ProgressRow]

    def as_dict(self) -> dict[str, Any]:
        return {
            **{k: v for k, v in self._asdict().items() if k != "annotators"},
            "annotators": {name: row.as_dict() for name, row in self.annotators.items()},
        }


class LabelRow(NamedTuple):
    """A stored label's columns for export (no raw import record)."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    subcategory_inferred: bool
    category2: int | None
    subcategory2: str | None
    subcategory2_inferred: bool
    note: str | None
    note2: str | None
    flag: str | None
    suggestions_shown: bool | None
    source: str
    written_by: str | None
    revision: int
    created_at: str
    updated_at: str
    taxonomy_version: str


LABEL_ROW_COLUMNS: tuple[str, ...] = LabelRow._fields


class InferredRow(NamedTuple):
    """A subcategory the importer inferred from a note; ``slot`` 1 or 2 (second category)."""

    sample_id: str
    annotator: str
    slot: int
    category: int
    subcategory: str
    note: str | None


class RatingRow(NamedTuple):
    """One annotator's decided label of a sample as agreement reads it.

    ``extra`` is the one further column a level needs (subcategory or second
    category; None when the level needs none)."""

    annotator: str
    kind: str
    category: int | None
    extra: Any
    suggestions_shown: bool | None


class FactInput(NamedTuple):
    """What the analysis of one sample reads."""

    sample_id: str
    generated_code: str
    reference_code: str
    test_output: str
    metadata: dict[str, Any]


class FactRow(NamedTuple):
    """Analysis results of one sample to cache, under its content hash and analyzer version."""

    sample_id: str
    exception: str | None
    signature: str | None
    fingerprint: str | None
    facts: dict[str, Any]


class CachedSuggestions(NamedTuple):
    """A sample's cached facts and suggestions with the keys they were computed under."""

    sample_id: str
    facts_key: str | None
    facts_json: str | None
    suggestions_key: str | None
    suggestions_json: str | None

    # Decoded on demand: a cache hit never needs the facts.
    def facts(self) -> dict[str, Any] | None:
        return json.loads(self.facts_json) if self.facts_json else None

    def suggestions(self) -> list[dict[str, Any]]:
        return json.loads(self.suggestions_json) if self.suggestions_json else []


class BugCategories(NamedTuple):
    """An annotator's bug label reduced to its two categories."""

    sample_id: str
    category: int
    """A bug label always names its first category."""
    category2: int | None


class CategoryOccurrence(NamedTuple):
    """How often one (category, subcategory) occurs in an annotator's bug labels."""

    category: int
    subcategory: str | None
    occurrences: int
    inferred: int


class CategoryLabels(NamedTuple):
    """One sample's bug categories (first and second, every visible annotator)."""

    sample_id: str
    facts: dict[str, Any]
    pairs: list[tuple[int, str | None]]


class CategoryExample(NamedTuple):
    """A sample labeled with a category, as the codebook's viewer may see it."""

    sample_id: str
    annotator: str
    category: int
    subcategory: str | None
    note: str


AnswerStatus = Literal["labeled", "invalid", "failed"]


class MachineAnswer(NamedTuple):
    """One answer of a machine annotator (an LLM), valid or not."""

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


class ConnectionSettings(NamedTuple):
    """How the store's connection is set up (:mod:`annotator.store.connection`)."""

    journal_mode: str
    """``wal`` normally; ``delete`` during a bulk import that runs alone."""
    foreign_keys: bool
    busy_timeout: int
    """Milliseconds a write waits for another process's lock."""
    page_size: int


class GoldRow(NamedTuple):
    """One item of the gold set (table ``gold``, migration m011): a sample's reference label."""

    sample_id: str
    purpose: str
    """``training`` (shown with feedback in training mode) or ``check`` (hidden in the queue)."""
    kind: str
    """``bug`` or ``pass``."""
    category: int | None
    subcategory: str | None
    source: str
    """Where the reference came from: ``annotator:NAME`` or ``import:FILE``."""
    created_at: str
    updated_at: str


class TrainingAnswerRow(NamedTuple):
    """An annotator's (first and only) answer to a training item, with the reference then."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    reference_kind: str
    reference_category: int | None
    reference_subcategory: str | None
    answered_at: str


class CheckAnswerRow(NamedTuple):
    """An annotator's study label (a category or a pass) on a hidden check item."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    updated_at: str


class RoundRow(NamedTuple):
    """One round of the study (migration m008): a batch drawn together."""

    id: int
    name: str
    size: int
    seed: int | None
    """The seed of a random draw (None: drawn by a filter)."""
    query: str | None
    """The filter it was drawn by (None: random)."""
    overlap: str
    """``all`` or the number of samples shared by every annotator."""
    created_at: str


class RoundProgressRow(NamedTuple):
    """One annotator's share of a round: assigned samples and how many they decided."""

    round_id: int
    annotator: str
    assigned: int
    decided: int
    """Assigned samples whose current label is a category or a pass."""
    last_decided_at: str | None
    """When the last of them was first decided (its initial label's time)."""


class InitialLabelRow(NamedTuple):
    """A label's initial value: its first decided state in ``label_history``."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    changed_at: str


class ChangeRow(NamedTuple):
    """One change of a label after the disagreement was shown to its annotator."""

    history_id: int
    sample_id: str
    annotator: str
    kind: str | None
    category: int | None
    subcategory: str | None
    changed_at: str
    reason: str | None


class DecidedEntry(NamedTuple):
    """One decided state of a label (kind 'bug' or 'pass') from its history: the first one
    per sample and annotator is the *initial* decision (see :mod:`annotator.store.initial`)."""

    sample_id: str
    annotator: str
    kind: str
    category: int | None
    subcategory: str | None
    category2: int | None
    subcategory2: str | None
    decided_at: str
    """``changed_at`` of the history entry (ISO 8601, UTC)."""


class SuggestionExposure(NamedTuple):
    """Decided labels of some annotators by whether the labeling screen showed suggestions."""

    shown: int
    hidden: int
    not_recorded: int
    """Labels written without the flag (imports, merges, older versions)."""


class ReshowShift(NamedTuple):
    """How an annotator's counts move when re-shows count by their second answer."""

    to_label: int
    """Change of the labeled samples among those to label (the title's progress)."""
    rounds: dict[int, int]
    """Change of the decided samples per round id they are assigned in."""


class RetestPlan(NamedTuple):
    """The study's test-retest plan (table ``retest_plan``; see :mod:`annotator.store.retest`)."""

    share: float
    """Share of each annotator's own decided samples that is re-shown (0 < share <= 1)."""
    after: int
    """Due once at least this many of the annotator's other samples were decided since."""
    days: float | None
    """... or once this many days passed since (None: only ``after`` counts)."""
    seed: int
    set_at: str


class RetestPair(NamedTuple):
    """A second answer and the first answer it was given against (``retest_answers``)."""

    annotator: str
    sample_id: str
    first_kind: str | None
    first_category: int | None
    first_subcategory: str | None
    second_kind: str
    second_category: int | None
    second_subcategory: str | None
