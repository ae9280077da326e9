"""The validated models (pydantic) of :mod:`annotator.models`, imported from there.

Contract: plain pydantic models with no I/O: :class:`SampleIn` (what an importer
produces), :class:`LabelValue` (what an annotator decides), :class:`Label` (as
stored), :class:`HistoryEntry`, :class:`Suggestion`; the ``Timestamp`` type and
:func:`refusal`. :mod:`annotator.models` loads this module on the first use of one
of them, so that what does not validate anything (``annotator label`` up to its
first frame) never imports pydantic.

The models are built on first use (``defer_build``): building their validators at
import cost every command 20 ms.
"""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, ValidationError, field_validator

from .model_values import (
    MAX_REVISION,
    Kind,
    _meta_json,
    _NotPlain,
    canonical_timestamp,
    content_hash,
    no_nul_id,
    sample_digest,
)

Timestamp = Annotated[str, AfterValidator(canonical_timestamp)]
"""The one timestamp type of the models: validated and stored as
:data:`TIMESTAMP_FORMAT`, whatever ISO 8601 spelling came in."""


class SampleIn(BaseModel):
    """One benchmark sample as an importer produces it."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    id: str = Field(min_length=1)
    prompt: str = ""
    generated_code: str = ""
    reference_code: str = ""
    test_output: str = ""
    passed: bool | None = None
    model: str | None = None
    stage: str | None = None
    data_type: str | None = None
    task_type: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)
    source: str | None = None

    @field_validator("id")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return no_nul_id(value)

    def content_hash(self) -> str:
        return self.hashed()[0]

    def hashed(self) -> tuple[str, str]:
        """:meth:`content_hash` and the metadata as stored (JSON), with one dump of
        the metadata: the import's hot path. The digest is the one
        :func:`content_hash` gives for ``model_dump``; metadata that is not plain
        JSON data (a model, a set, a date) takes that slower path."""
        try:
            if type(self) is not SampleIn:  # a subclass hashes its own fields too
                raise _NotPlain
            meta = _meta_json(self.metadata)
        except (_NotPlain, RecursionError):
            fields = self.model_dump(exclude={"id", "source"})
            meta = json.dumps(self.metadata, ensure_ascii=False, sort_keys=True, default=str)
            return content_hash(fields), meta
        digest = sample_digest(
            self.prompt,
            self.generated_code,
            self.reference_code,
            self.test_output,
            self.passed,
            self.model,
            self.stage,
            self.data_type,
            self.task_type,
            meta,
        )
        return digest, meta


class LabelValue(BaseModel):
    """What an annotator decided about a sample."""

    model_config = ConfigDict(extra="forbid", defer_build=True)

    kind: Kind = "bug"
    category: int | None = None
    subcategory: str | None = None
    subcategory_inferred: bool = False
    category2: int | None = None
    subcategory2: str | None = None
    subcategory2_inferred: bool = False
    note: str = ""
    note2: str = ""
    flag: str | None = None
    suggestions_shown: bool | None = None
    raw: dict[str, Any] | None = None

    def same_decision(self, other: LabelValue) -> bool:
        """True when both say the same thing (ignoring provenance fields)."""
        keys = set(LabelValue.model_fields) - {"raw", "suggestions_shown"}
        return self.model_dump(include=keys) == other.model_dump(include=keys)

    def categories(self) -> set[int]:
        """The categories this label names (primary and second)."""
        if self.kind != "bug":
            return set()
        return {c for c in (self.category, self.category2) if c is not None}


class Label(LabelValue):
    """A stored label."""

    model_config = ConfigDict(extra="ignore", defer_build=True)

    sample_id: str
    annotator: str
    taxonomy_version: str
    source: str
    written_by: str | None = None
    revision: int = Field(default=1, ge=1, le=MAX_REVISION)
    created_at: Timestamp
    updated_at: Timestamp

    def value(self) -> LabelValue:
        return LabelValue.model_validate(self.model_dump(include=set(LabelValue.model_fields)))


class HistoryEntry(Label):
    """One step of a label's history: the state after an insert or update,
    or the state that a delete removed."""

    id: int
    op: Literal["insert", "update", "delete"]
    changed_at: Timestamp


class Suggestion(BaseModel):
    """A ranked taxonomy category suggested for a sample, with its evidence."""

    model_config = ConfigDict(defer_build=True)

    category: int
    subcategory: str | None = None
    score: float
    evidence: list[str] = Field(default_factory=list)
    """Human-readable reasons, e.g. 'IndexError: too many indices ..., line 24
    of the generated code'."""
    decisive: bool = False
    """A decisive rule (syntax error, timeout, missing module ...) names this category."""
    confidence: float | None = None
    """Estimated probability that this category is among the sample's categories."""


def refusal(exc: ValidationError) -> tuple[str, str | None]:
    """(reason, field) of a model's first error, as one line of ours says it (without
    pydantic's "Value error, " prefix); the field is its dotted location, if any."""
    first = exc.errors()[0]
    field = ".".join(str(part) for part in first["loc"]) or None
    return str(first["msg"]).removeprefix("Value error, "), field
