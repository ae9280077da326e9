"""JSONL importer: one sample object per line.

Contract: each non-blank line is a JSON object validated by
:class:`JsonlRecord`, of at most 16 MiB (a longer line fails as soon as 16 MiB
of it have been read; a sample within it costs under 300 MB to import). ``id`` is optional (the content hash stands in);
unknown keys are kept in the sample's metadata. A line that is not valid
UTF-8, not JSON, not an object, or fails validation raises a
:class:`~annotator.errors.UserError` with the file, the line and the field.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

from ..errors import UserError
from ..models import SampleIn, no_nul_id
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .inputs import bounded_lines, open_regular
from .jsondata import load_json, validate

NAME = "jsonl"
HELP = (
    "one JSON object per line: id, prompt, generated_code, reference_code, test_output, passed, ..."
)


class JsonlRecord(BaseModel):
    """One line of a samples JSONL file."""

    model_config = ConfigDict(extra="allow", str_strip_whitespace=False)

    id: str | None = Field(default=None, min_length=1)
    """Sample id; the content hash when absent."""

    @field_validator("id")
    @classmethod
    def _no_nul(cls, value: str | None) -> str | None:
        return None if value is None else no_nul_id(value)

    prompt: str = ""
    generated_code: str = ""
    reference_code: str = ""
    test_output: str = ""
    passed: bool | None = None
    """Whether the generated code passed its tests; None when unknown."""
    model: str | None = None
    stage: str | None = None
    data_type: str | None = None
    task_type: str | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)

    def to_sample(self, source: str) -> SampleIn:
        extra = dict(self.model_extra or {})
        metadata = {**self.metadata, **extra}
        fields = self.model_dump(exclude={"id", "metadata"} | set(extra))
        sample = SampleIn(id="pending", metadata=metadata, source=source, **fields)
        sample.id = self.id or sample.content_hash()[:16]
        return sample


def estimate(path: Path, **_: Any) -> int | None:
    """The number of lines, counted in 1 MiB blocks (a 2 GB file in about a second)."""
    lines = 0
    last = b"\n"
    with open_regular(path, "JSONL file") as handle:
        while block := handle.read(1 << 20):
            lines += block.count(b"\n")
            last = block[-1:]
    return lines + (last != b"\n")


def read(path: Path, taxonomy: Taxonomy, summary: ImportSummary, **_: Any) -> Iterator[SampleIn]:
    seen: dict[str, int] = {}
    with open_regular(path, "JSONL file") as handle:
        for number, raw in enumerate(bounded_lines(handle, path, MAX_LINE_BYTES), start=1):
            if not raw.strip():
                continue
            record = _parse_line(path, number, raw)
            del raw  # the line's bytes are not kept while the sample is stored
            sample = record.to_sample(source=str(path))
            if sample.id in seen:
                raise UserError(
                    f"duplicate id '{sample.id}' (first on line {seen[sample.id]})",
                    file=path,
                    line=number,
                    field="id",
                )
            seen[sample.id] = number
            yield sample


MAX_LINE_BYTES = 16 << 20
"""Longest line (one sample) read: a longer one fails at once, before it is read whole."""


def _parse_line(path: Path, number: int, raw: bytes) -> JsonlRecord:
    return validate(JsonlRecord, load_json(path, raw, number), path, number)
