"""Domain models shared by the store, importers, suggesters and exporters.

Contract: plain pydantic models with no I/O. A :class:`SampleIn` is what an
importer produces; :meth:`SampleIn.content_hash` identifies its content (used
to skip unchanged re-imports and as the id when a record has none). A
:class:`LabelValue` is what an annotator decides about one sample; a
:class:`Label` is that decision as stored, with who, when and which taxonomy.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

Kind = Literal["bug", "pass", "skip", "none"]
"""bug: a taxonomy category; pass: judged not a failure; skip: skipped;
none: only a note or a flag."""


def no_nul_id(value: str) -> str:
    """Sample ids are text: a NUL byte would cut them short in SQLite's C API."""
    if "\x00" in value:
        raise ValueError("a sample id must not contain a NUL character")
    return value


class SampleIn(BaseModel):
    """One benchmark sample as an importer produces it."""

    model_config = ConfigDict(extra="forbid")

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
        return content_hash(self.model_dump(exclude={"id", "source"}))


def content_hash(fields: dict[str, Any]) -> str:
    """A stable hash of a sample's content (not of its id or origin).

    Strings are fed to the hash field by field, length-prefixed, instead of
    serialising the whole record to JSON first: test outputs run to megabytes
    and this is the hot path of every import.
    """
    digest = hashlib.sha256()
    for key in sorted(fields):
        value = fields[key]
        if isinstance(value, str):
            data = value.encode("utf-8", "surrogatepass")
        else:
            data = json.dumps(value, sort_keys=True, ensure_ascii=False, default=str).encode(
                "utf-8", "surrogatepass"
            )
        digest.update(f"{key}:{type(value).__name__}:{len(data)}:".encode())
        digest.update(data)
    return digest.hexdigest()


class Sample(SampleIn):
    """A stored sample."""

    content_hash_: str = Field(alias="content_hash")
    created_at: str
    updated_at: str

    model_config = ConfigDict(extra="ignore", populate_by_name=True)


class LabelValue(BaseModel):
    """What an annotator decided about a sample."""

    model_config = ConfigDict(extra="forbid")

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

    model_config = ConfigDict(extra="ignore")

    sample_id: str
    annotator: str
    taxonomy_version: str
    source: str
    written_by: str | None = None
    revision: int = 1
    created_at: str
    updated_at: str

    def value(self) -> LabelValue:
        return LabelValue.model_validate(self.model_dump(include=set(LabelValue.model_fields)))


class HistoryEntry(Label):
    """One step of a label's history: the state after an insert or update,
    or the state that a delete removed."""

    id: int
    op: Literal["insert", "update", "delete"]
    changed_at: str


class Suggestion(BaseModel):
    """A ranked taxonomy category suggested for a sample, with its evidence."""

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
