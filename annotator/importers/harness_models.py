"""The file formats of the DL-Bench evaluation harness, one pydantic model each.

Contract: :class:`HarnessResult` is one line of a results JSONL file (the
reference-solution ``validation.jsonl`` or a model run such as
``agentic_claude.jsonl``); :class:`HarnessTask` is one task JSON file (the raw
model response in ``result``). Unknown keys are allowed and kept: the harness
adds fields between versions (:func:`~.fences.fenced_code` pulls the code out
of a raw model response). :data:`OUTCOME` says which statuses are failures of the code.

Statuses (as the harness documents them) and what they mean for pass@k:

- ``pass``: the tests passed.
- ``fail``, ``error``, ``timeout``, ``patch_error``, ``no_code``: the generated
  code ran and failed, crashed, hung, could not be patched into the repository
  or was missing - the harness counts each of them against the model.
- ``no_image``, ``unknown_repo``, ``skip_harness``: the harness itself could not
  run the task (no Docker image, unknown repository, its own stubbing failed).
  They say nothing about the code, so the outcome is unknown and the attempt is
  left out of pass@k (it is kept and can be filtered on).

Any other status is kept too, with an unknown outcome and a warning.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, NonNegativeInt, StrictBool, field_validator

from ..models import no_nul_id

OUTCOME: dict[str, bool | None] = {
    "pass": True,
    "fail": False,
    "error": False,
    "timeout": False,
    "patch_error": False,
    "no_code": False,
    "no_image": None,
    "unknown_repo": None,
    "skip_harness": None,
}
"""Status -> passed (True), failed (False) or unknown (None)."""


def outcome(status: str) -> bool | None:
    """Whether ``status`` passed, failed or says nothing about the code (unknown statuses)."""
    return OUTCOME.get(status)


_TEXT = Field(default=None, max_length=50_000_000)
MAX_ATTEMPTS = 10_000
"""Attempts one line may list (each becomes a sample)."""


class HarnessCounts(BaseModel):
    """Test counts of one run (``{}`` when the harness never got to pytest)."""

    model_config = ConfigDict(extra="allow")

    passed: NonNegativeInt | None = None
    failed: NonNegativeInt | None = None
    errored: NonNegativeInt | None = None
    skipped: NonNegativeInt | None = None


class HarnessMetadata(BaseModel):
    """The task's place in the benchmark."""

    model_config = ConfigDict(extra="allow")

    stage: str | None = None
    task: str | None = None
    data: str | None = None


class HarnessResult(BaseModel):
    """One line of a harness results file."""

    model_config = ConfigDict(extra="allow")

    task_id: str = Field(min_length=1, max_length=500)
    status: str | None = Field(default=None, min_length=1, max_length=100)
    """The one attempt's status; with ``statuses`` only a summary (not imported)."""
    statuses: list[str] | None = Field(default=None, max_length=MAX_ATTEMPTS)
    """Several attempts of the task, in order (the harness's pass@k files carry only these)."""

    @field_validator("task_id")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        return no_nul_id(value)

    repo: str | None = None
    counts: HarnessCounts | None = None
    duration_s: float | None = None
    detail: str | None = None
    stdout_tail: str | None = _TEXT
    stderr_tail: str | None = _TEXT
    metadata: HarnessMetadata | None = None
    stage: str | None = None
    task: str | None = None
    data: str | None = None
    model: str | None = None
    agent: str | None = None
    error: str | None = _TEXT
    n_pass: NonNegativeInt | None = None
    """How many attempts passed, as the harness counted them."""
    pass_at_5: StrictBool | float | None = None
    """The harness's pass@5 of the task: a boolean (some attempt passed: what its pass@k
    files write) or an estimate (the unbiased 1 - C(n-c, 5) / C(n, 5))."""

    @field_validator("statuses")
    @classmethod
    def _some_statuses(cls, value: list[str] | None) -> list[str] | None:
        if value is not None and not value:
            raise ValueError("an empty list of attempts")
        if value is not None and any(not s for s in value):
            raise ValueError("an empty status")
        return value

    def attempt_statuses(self) -> list[str]:
        """The statuses of the task's attempts: ``statuses``, else the one ``status``."""
        if self.statuses is not None:
            return list(self.statuses)
        return [self.status] if self.status is not None else []

    def where(self, key: str) -> str | None:
        """``stage``, ``task`` or ``data``: from ``metadata`` first, else the top level."""
        if self.metadata is not None:
            value = getattr(self.metadata, key)
            if value is not None:
                return str(value)
        value = getattr(self, key)
        return None if value is None else str(value)

    def named_model(self) -> str | None:
        return self.model or self.agent


class HarnessTask(BaseModel):
    """A task JSON file: the prompt and the raw model response."""

    model_config = ConfigDict(extra="allow")

    result: str = ""
    prompt: str = ""
    function_name: str | None = None
    class_: str | None = Field(default=None, alias="class")
    ground_truth: str | None = None
    test: str | list[str] | None = None
    repo: str | None = None
    stage: str | None = None
    task: str | None = None
    data: str | None = None

    def kept(self) -> dict[str, Any]:
        """What goes into the sample's metadata besides the code and the prompt."""
        data = self.model_dump(by_alias=True, exclude={"result", "prompt"}, exclude_none=True)
        return {"response": self.result, **data}
