"""Models produced by :func:`annotator.failures.testoutput.parse_test_output`.

Contract: frozen, slotted dataclasses with no behaviour beyond derived views
(:attr:`FailedTest.signature`, :meth:`TestReport.primary_failure`,
:func:`primary_signature`). Lists are
never shared between reports. Line numbers are 1-based; 0 means unknown.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from .masking import mask_message

__all__ = ["AssertionDetail", "Counts", "FailedTest", "Frame", "TestReport", "primary_signature"]


@dataclass(frozen=True, slots=True)
class Frame:
    """One traceback entry. ``line`` is 0 when unknown."""

    file: str
    line: int
    function: str
    code: str


@dataclass(frozen=True, slots=True)
class AssertionDetail:
    """Numbers from an allclose/assert_close style mismatch report."""

    kind: str  # "assert_close" | "allclose" | "array_equal" | "assert"
    mismatched: int | None = None
    total: int | None = None
    mismatch_pct: float | None = None
    max_abs_diff: float | None = None
    max_rel_diff: float | None = None
    atol: float | None = None
    rtol: float | None = None


@dataclass(frozen=True, slots=True)
class FailedTest:
    """One failing test (or collection/setup error)."""

    test_id: str
    exception_type: str  # "" when unknown
    message: str  # first line of the exception message
    details: str = ""  # all 'E' lines, capped
    frames: list[Frame] = field(default_factory=list)
    generated_frame: Frame | None = None
    phase: str = "call"  # "call" | "setup" | "teardown" | "collect" | "pre-test"
    shapes: list[tuple[int, ...]] = field(default_factory=list)
    assertion: AssertionDetail | None = None
    did_not_raise: bool = False
    timeout: bool = False
    output_line: int = 0
    """1-based line of the test output where the error starts, when known."""

    @property
    def signature(self) -> str:
        """Exception type plus masked message: equal for the same bug."""
        return f"{self.exception_type or 'Error'}: {mask_message(self.message)}"


@dataclass(frozen=True, slots=True)
class Counts:
    passed: int = 0
    failed: int = 0
    errors: int = 0
    skipped: int = 0
    xfailed: int = 0
    xpassed: int = 0
    deselected: int = 0
    warnings: int = 0


@dataclass(frozen=True, slots=True)
class TestReport:
    """Everything recognised in one test output."""

    __test__ = False  # not a pytest test class despite the name

    failures: list[FailedTest] = field(default_factory=list)
    collection_errors: list[FailedTest] = field(default_factory=list)
    counts: Counts = field(default_factory=Counts)
    collected: int | None = None
    timeout: bool = False
    did_not_raise: bool = False
    no_tests_ran: bool = False
    primary_error: str | None = None
    format: str = "unknown"  # "pytest" | "traceback" | "junit" | "short" | "unknown"
    pre_test_errors: list[FailedTest] = field(default_factory=list)
    """Errors printed before the tests ran (DL-Bench's 'Error Cases' block)."""

    def all_failures(self) -> list[FailedTest]:
        return [*self.collection_errors, *self.failures]

    def primary_failure(self) -> FailedTest | None:
        """The first failure whose signature is :attr:`primary_error`."""
        for f in self.all_failures():
            if f.signature == self.primary_error:
                return f
        return None


def primary_signature(failures: list[FailedTest]) -> str | None:
    """The most common failure signature (the earliest on ties): every parser's
    :attr:`TestReport.primary_error`."""
    if not failures:
        return None
    sigs = Counter(f.signature for f in failures)
    # most_common keeps first-seen order on ties, so the earliest failure wins.
    return sigs.most_common(1)[0][0]
