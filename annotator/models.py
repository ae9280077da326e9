"""Domain models shared by the store, importers, suggesters and exporters.

Contract: models with no I/O. A :class:`SampleIn` is what an importer produces;
:meth:`SampleIn.content_hash` identifies its content (used to skip unchanged
re-imports and as the id when a record has none). A :class:`Sample` is a stored
sample (a plain row, checked as the store reads it). A :class:`LabelValue` is
what an annotator decides about one sample; a :class:`Label` is that decision as
stored, with who, when and which taxonomy.

The validated models (``SampleIn``, ``LabelValue``, ``Label``, ``HistoryEntry``,
``Suggestion``, the ``Timestamp`` type, :func:`refusal`) are pydantic models that
live in :mod:`annotator.pydantic_models` and are imported from here as usual: the
module loads on the first use of one of them (module ``__getattr__``). Importing
pydantic and building its model classes cost ``annotator label`` 60-100 ms of CPU
before its first frame, which shows a :class:`Sample` and no label
(``tests/test_startup_imports.py``).
"""

from __future__ import annotations

import json
import math
import unicodedata
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple

from .model_values import (
    EARLIEST as EARLIEST,
    LATEST as LATEST,
    MAX_REVISION as MAX_REVISION,
    TIMESTAMP_FORMAT as TIMESTAMP_FORMAT,
    Kind as Kind,
    canonical_timestamp as canonical_timestamp,
    content_hash as content_hash,
    instant_text as instant_text,
    no_nul_id as no_nul_id,
    parse_instant as parse_instant,
    sample_digest as sample_digest,
)

if TYPE_CHECKING:  # at run time: __getattr__ at the end of the module
    from .pydantic_models import (
        HistoryEntry as HistoryEntry,
        Label as Label,
        LabelValue as LabelValue,
        SampleIn as SampleIn,
        Suggestion as Suggestion,
        Timestamp as Timestamp,
        refusal as refusal,
    )

_VALIDATED = frozenset(
    {"HistoryEntry", "Label", "LabelValue", "SampleIn", "Suggestion", "Timestamp", "refusal"}
)
"""The names of :mod:`annotator.pydantic_models` read through this module."""

FINAL = "final"
"""The annotator whose labels are the adjudicated ones (written in review or imported)."""


class KindSpec(NamedTuple):
    """What one label kind means, for the store's SQL, the screens and the sheet."""

    name: Kind
    """The stored ``labels.kind`` (the schema's CHECK lists the same names)."""
    decides: bool
    """The label decides its sample: a rating for agreement, a vote for a majority, an
    answer to review (:data:`DECIDING_KINDS`)."""
    labeled: bool
    """Counts as labeled in progress and the queue's ``labeled`` status (a skip does not)."""
    names_category: bool
    """The label names a taxonomy category (and only such a label may)."""
    key: str
    """The labeling screen's key that writes this kind ("": written otherwise)."""
    glyph: str
    """The queue's short mark in place of a category code ("" for none; a bug shows its
    category)."""
    shown: str
    """How a label of this kind reads in the label panel and review (a bug shows its
    category instead)."""
    help: str
    """The help screen's line for :attr:`key`."""
    sheet: tuple[str, ...] = ()
    """Its spellings in a sheet's first-category cell, the first one written; empty: the
    cell holds a category code (bug) or the flag (none)."""


KINDS: dict[str, KindSpec] = {
    spec.name: spec
    for spec in (
        KindSpec("bug", True, True, True, "", "", "", "a category digit writes a bug label"),
        KindSpec(
            "pass",
            True,
            True,
            False,
            "o",
            "ok",
            "judged not a failure",
            "pass: ok, not a failure (recorded like a category; u undoes)",
            ("pass", "passed"),
        ),
        KindSpec(
            "skip",
            False,
            False,
            False,
            "s",
            "",
            "skipped",
            "skip the sample, then go to the next one",
            ("skip",),
        ),
        KindSpec("none", False, True, False, "", "", "no category", "only a note or a flag"),
    )
}
"""Every label kind, in the order of :data:`Kind`: the one table that the store's SQL
(:mod:`annotator.store.rules`), the labeling keys, glyphs and help, and the sheet
reader and writer derive from. A new kind is a row here, the name in :data:`Kind`,
and a migration widening the schema's CHECK on ``labels`` (and, for a deciding kind, on
``gold`` and ``training_answers``; tests/test_kinds.py compares them; it also
checks the ``annotator_progress`` view of migration m006, which spells the kinds in SQL
and needs the same migration to redefine it if the new kind counts differently)."""

BUG_KIND: Kind = "bug"
PASS_KIND: Kind = "pass"
SKIP_KIND: Kind = "skip"
NO_KIND: Kind = "none"
"""The kinds the labeling rules name one by one (a bug carries the category)."""

DECIDING_KINDS: tuple[Kind, ...] = tuple(k.name for k in KINDS.values() if k.decides)
"""The kinds of label that decide a sample: a category, or judged not a failure.
Only these are ratings for agreement, votes for a majority and answers to review
(skips and flag-only labels are not). The store's SQL spells the rule from here."""

LABELED_KINDS: tuple[Kind, ...] = tuple(k.name for k in KINDS.values() if k.labeled)
"""The kinds that count as labeled (every kind but a skip)."""


def decides(kind: str) -> bool:
    """Whether a label of this kind decides its sample (see :data:`DECIDING_KINDS`)."""
    return kind in DECIDING_KINDS


def kind_of_sheet_cell(text: str) -> Kind | None:
    """The kind a sheet's first-category cell spells (``pass``, ``passed``, ``skip``; any
    case), or None when the cell is a category code or a flag."""
    wanted = text.strip().lower()
    return next((k.name for k in KINDS.values() if wanted in k.sheet), None)


# -- annotator names -----------------------------------------------------------

MAX_ANNOTATOR_NAME = 64
"""Characters in an annotator name."""

_INVISIBLE = {"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"}
"""Unicode categories a name may not contain: controls, format characters
(zero-width spaces and joiners, bidi controls), surrogates, private use,
unassigned code points and every kind of space."""


def _invisible(ch: str) -> bool:
    return ch.isspace() or unicodedata.category(ch) in _INVISIBLE


def annotator_key(name: str) -> str:
    """What a name reads as: NFKC, without invisible characters, case-folded.

    Two names with one key would read as the same person (``Final``,
    ``final ``, ``\ufb01nal`` and ``fi\u200bnal`` all read as ``final``); a
    database never holds both.
    """
    folded = unicodedata.normalize("NFKC", name)
    return "".join(ch for ch in folded if not _invisible(ch)).casefold()


def annotator_name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a new annotator name, or None when it can.

    A name is at most :data:`MAX_ANNOTATOR_NAME` characters of visible text in
    Unicode normal form NFKC (no ligatures or full-width forms), without
    spaces, controls or zero-width characters, and does not read as
    :data:`FINAL` (the adjudicated labels) unless it is exactly ``final``.
    """
    if not name:
        return "an annotator name must not be empty"
    if len(name) > MAX_ANNOTATOR_NAME:
        return f"an annotator name has at most {MAX_ANNOTATOR_NAME} characters"
    bad = next((ch for ch in name if _invisible(ch)), None)
    if bad is not None:
        return (
            f"an annotator name must not contain spaces, control or invisible characters"
            f" (U+{ord(bad):04X})"
        )
    normal = unicodedata.normalize("NFKC", name)
    if normal != name:
        return f"an annotator name must be in Unicode normal form NFKC (it reads as {normal!r})"
    if name != FINAL and annotator_key(name) == FINAL:
        return f"an annotator name must not read as {FINAL!r} (the adjudicated labels)"
    return None


MAX_SAMPLE_TEXT = 16 << 20
"""The most characters a sample's four texts (prompt, generated and reference code, test
output) hold together: what an import stores and a merge accepts (one bound, so that a
database an import made can always be merged), and what keeps one sample's peak memory
in the UI and in an import under 300 MB."""


def sample_too_large(sample: SampleIn | Sample) -> str | None:
    """Why ``sample`` is over :data:`MAX_SAMPLE_TEXT`, or None."""
    size = (
        len(sample.prompt)
        + len(sample.generated_code)
        + len(sample.reference_code)
        + len(sample.test_output)
    )
    if size <= MAX_SAMPLE_TEXT:
        return None
    return (
        f"sample {sample.id!r}: its texts hold {size / (1 << 20):.1f} Mi characters together,"
        f" more than a sample may ({MAX_SAMPLE_TEXT >> 20} Mi): refused"
    )


MAX_LABEL_TEXT = 1000 << 10
"""Bytes (UTF-8) of a label's texts together (the notes and the raw sheet cells, as JSON):
a merge refuses a label row over 1 MiB (the other columns fit in the rest), so no write
of ours makes a label another database cannot merge."""


def label_too_large(value: LabelValue) -> str | None:
    """Why ``value``'s texts are over :data:`MAX_LABEL_TEXT`, or None."""
    size = len(value.note.encode("utf-8", "surrogatepass"))
    size += len(value.note2.encode("utf-8", "surrogatepass"))
    if value.raw is not None and size <= MAX_LABEL_TEXT:
        size += len(
            json.dumps(value.raw, ensure_ascii=False, default=str).encode("utf-8", "surrogatepass")
        )
    if size <= MAX_LABEL_TEXT:
        return None
    return (
        f"the label's notes and raw cells hold more than {MAX_LABEL_TEXT >> 10} KiB together:"
        " refused"
    )


MAX_SEED = 2**63 - 1
"""The largest seed (of a round's draw, of the retest choice) a study stores: SQLite's
integers are 64-bit, so a larger one would fail the write instead of being refused."""
MAX_RETEST_AFTER = 2**31 - 1
"""The largest ``--after`` of a retest plan (a count of decided samples)."""
MAX_RETEST_DAYS = 36_525.0
"""The largest ``--days`` of a retest plan (a century; a date that far back is no date)."""


def retest_plan_problem(
    share: float, after: int, days: float | None, seed: int
) -> tuple[str, str] | None:
    """(field, why) when a retest plan is not one the store can keep and use, else None:
    the one check of ``retest set`` and of a plan merged from another file."""
    if not (math.isfinite(share) and 0 <= share <= 1):
        return "share", f"retest share must be between 0 and 1, got {share}"
    if not 0 <= after <= MAX_RETEST_AFTER:
        return "after", f"--after must be between 0 and {MAX_RETEST_AFTER}, got {after}"
    if days is not None and not (math.isfinite(days) and 0 <= days <= MAX_RETEST_DAYS):
        return "days", f"--days must be between 0 and {MAX_RETEST_DAYS:g}, got {days}"
    if not -MAX_SEED <= seed <= MAX_SEED:
        return "seed", f"--seed must be between {-MAX_SEED} and {MAX_SEED}"
    return None


@dataclass(frozen=True, kw_only=True)
class Sample:
    """A stored sample: :class:`SampleIn`'s fields (``tests/test_models_plain.py`` keeps
    them the same), its content hash and when it was stored. The store checks a row
    as it reads it (:func:`stored_sample`)."""

    id: str
    prompt: str = ""
    generated_code: str = ""
    reference_code: str = ""
    test_output: str = ""
    passed: bool | None = None
    model: str | None = None
    stage: str | None = None
    data_type: str | None = None
    task_type: str | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    source: str | None = None
    content_hash_: str
    created_at: str
    updated_at: str

    def as_input(self, **changes: Any) -> SampleIn:
        """This sample as an importer gives one (without what the store added), with
        ``changes`` to its fields: what re-importing an edited sample writes."""
        from .pydantic_models import SampleIn

        fields = {name: getattr(self, name) for name in SampleIn.model_fields}
        return SampleIn(**{**fields, **changes})


_OPTIONAL_TEXT = ("model", "stage", "data_type", "task_type", "source")
_TEXT = ("prompt", "generated_code", "reference_code", "test_output")


def stored_sample(row: dict[str, Any]) -> Sample:
    """A stored sample from its row (columns by name; others ignored), checked as the
    pydantic model of a stored sample checked it: ``ValueError`` naming the column
    when one is not of its type, the id is empty or holds a NUL, the metadata is not a
    JSON object or a timestamp is not one."""

    def text(name: str, value: Any, optional: bool = False) -> Any:
        if value is None and optional or isinstance(value, str):
            return value
        raise ValueError(f"stored sample {row.get('id')!r}: {name} is not text")

    sample_id = text("id", row.get("id"))
    if not sample_id:
        raise ValueError("stored sample: empty id")
    no_nul_id(sample_id)
    meta = row.get("metadata")
    metadata = json.loads(meta) if meta else {}
    if not isinstance(metadata, dict):
        raise ValueError(f"stored sample {sample_id!r}: metadata is not a JSON object")
    passed = row.get("passed")
    return Sample(
        id=sample_id,
        passed=None if passed is None else bool(passed),
        metadata=metadata,
        content_hash_=text("content_hash", row.get("content_hash")),
        created_at=canonical_timestamp(text("created_at", row.get("created_at"))),
        updated_at=canonical_timestamp(text("updated_at", row.get("updated_at"))),
        **{name: text(name, row.get(name, "")) for name in _TEXT},
        **{name: text(name, row.get(name), optional=True) for name in _OPTIONAL_TEXT},
    )


def __getattr__(name: str) -> Any:
    """The validated models, from :mod:`annotator.pydantic_models` on first use."""
    if name in _VALIDATED:
        from . import pydantic_models

        return getattr(pydantic_models, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
