"""Loading one sample for display, failure signatures, and blind suggestions.

Contract: :func:`load_view` reads one sample (its big texts included) and
prepares everything the labeling screen shows, as immutable Rich ``Text``
lines, so that a worker thread can do all slow work and the UI thread only
swaps widgets' content. :func:`suggestions_hidden` decides, stably per sample id, whether
suggestions are hidden for blind labeling. Nothing here imports Textual.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from functools import cached_property
from typing import TYPE_CHECKING, Protocol

from rich.text import Text

from ..failures.outputmodels import FailedTest
from ..failures.primary import (
    PrimaryError,
    code_of,
    is_patch,
    marked_failure,
    primary_error,
    report_of,
)
from ..failures.testoutput import parse_test_output
from ..models import Sample
from . import render

if TYPE_CHECKING:
    from ..codeview.marks import Mark

# The panel's summary is the sample's failure (annotator.failures), the same the suggester reads:
# one parse, one primary error.
Failure = PrimaryError

WRAPPED_DETAILS = 4
"""Detail lines of the error panel that wrap after the summary (the
assertion's values and shapes are usually at their end)."""


@dataclass(frozen=True)
class SampleView:
    """Everything the labeling screen shows for one sample, ready to paint.

    :attr:`diff` and :attr:`marks` are computed when first read (libcst):
    workers read them before handing a prefetched view over."""

    sample: Sample
    failure: Failure
    generated: list[Text]
    reference: list[Text]
    prompt: list[Text]
    error: list[Text]
    meta: Text
    output_lines: list[str] = field(default_factory=list)
    """Raw test output lines; escaped lazily by the full-output view."""
    reference_line: int | None = None
    """1-based line of the reference that matches the failing line."""
    error_head: int = 0
    """How many lines open :attr:`error` that wrap on screen (the summary and
    the first details)."""
    failed: FailedTest | None = None
    """The primary failure, as parsed (its frames name the failing call)."""

    @property
    def sample_id(self) -> str:
        return self.sample.id

    @cached_property
    def diff(self) -> list[Text]:
        """The reference diff without comments and docstrings."""
        return render.diff_lines(self.sample.generated_code, self.sample.reference_code)

    @cached_property
    def marks(self) -> tuple[Mark, ...]:
        """The expressions the facts point at (:mod:`annotator.codeview.marks`;
        a few ms: read it in a worker)."""
        from ..codeview.marks import code_marks  # libcst loads when first needed

        sample = self.sample
        return code_marks(
            code_of(sample.generated_code, sample.metadata),
            sample.reference_code,
            self.failed,
            self.failure.line,
            self.reference_line,
        )

    @property
    def marks_ready(self) -> bool:
        """Whether :attr:`marks` is computed (reading it then costs nothing)."""
        return "marks" in self.__dict__


def analyse_failure(test_output: str, code: str, function: str | None = None) -> Failure:
    """The primary error of ``test_output`` and the generated-code line it points at."""
    return primary_error(parse_test_output(test_output, function), code)


def _lexer(sample: Sample) -> str:
    """How the generated code is coloured: a patch (SWE-bench) as a diff."""
    return "diff" if is_patch(sample.metadata) else "python"


def suggestions_hidden(sample_id: str, share: float) -> bool:
    """True for a stable pseudo-random ``share`` of sample ids (blind labeling)."""
    if share <= 0:
        return False
    digest = hashlib.sha256(sample_id.encode("utf-8", "surrogatepass")).digest()
    return int.from_bytes(digest[:8], "big") / 2**64 < share


class SampleSource(Protocol):
    """Where a sample is read from: the review's store or a labeler's blind view."""

    def sample(self, sample_id: str) -> Sample | None: ...


def load_view(store: SampleSource, sample_id: str) -> SampleView | None:
    """Read and prepare one sample (slow: call it from a worker thread)."""
    sample = store.sample(sample_id)
    if sample is None:
        return None
    report = report_of(sample.test_output, sample.metadata)
    code = code_of(sample.generated_code, sample.metadata)
    failure = primary_error(report, code)
    summary: list[tuple[str, str]] = []
    if failure.exception or failure.message:
        summary.append((failure.exception or "Error", failure.message))
    if failure.line is not None:
        where = f"line {failure.line}" + (f" in {failure.function}" if failure.function else "")
        if failure.line_from:
            where += f" (reached by another failing test: {failure.line_from})"
        summary.append(("Generated code", where))
    if sample.passed:
        summary.append(("Result", "the tests passed"))
    meta = Text.assemble(
        (render.visible(sample.id), "bold"),
        "  ",
        (_meta_text(sample), "dim"),
        no_wrap=True,
        end="",
    )
    return SampleView(
        sample=sample,
        failure=failure,
        generated=render.code_lines(sample.generated_code, failure.line, _lexer(sample)),
        reference=render.code_lines(sample.reference_code),
        prompt=render.plain_lines(sample.prompt) if sample.prompt else [Text("(no prompt)")],
        error=render.error_lines(summary, failure.details, sample.test_output),
        meta=meta,
        output_lines=sample.test_output.splitlines(),
        reference_line=render.matching_line(
            sample.generated_code, sample.reference_code, failure.line
        ),
        error_head=len(summary) + WRAPPED_DETAILS,
        failed=marked_failure(report, code),
    )


def _meta_text(sample: Sample) -> str:
    parts = [
        "passed" if sample.passed else "failing",
        *(v for v in (sample.model, sample.stage, sample.data_type, sample.task_type) if v),
    ]
    return render.visible(" · ".join(parts))
