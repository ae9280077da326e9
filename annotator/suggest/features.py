"""Named facts about one sample: what the suggestion rules match on.

Contract: :func:`sample_facts` parses the test output and analyses the code
(once each, never executing anything) and returns :class:`Facts`: a set of
named boolean facts (``exc:TypeError``, ``msg:shape``, ``code:undefined_name``
...), each with a human-readable piece of evidence, plus the primary error and
the failure fingerprint. Facts are JSON-serialisable so they can be cached.
The vocabulary of fact names is listed in :data:`FACTS`; rules may only use
names from it (and ``exc:<ExceptionType>``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from ..failures.fingerprint import fingerprint
from ..failures.frames import attribute
from ..failures.importedoutput import judged_input, other_code
from ..failures.masking import mask_message
from ..failures.outputmodels import FailedTest, TestReport
from ..failures.primary import primary_error, primary_failure
from ..failures.testoutput import parse_test_output
from .analysis import CodeFacts, analyze_code
from .callcompare import CALL_FACTS, compare_calls
from .evidence import EVIDENCE_FACTS, evidence_facts
from .names import did_you_mean

FACTS: dict[str, str] = {
    "out:timeout": "the tests timed out",
    "out:did_not_raise": "a test expected an exception that was not raised",
    "out:no_tests_ran": "no test ran",
    "out:collection_error": "the test module failed to import or collect",
    "out:partial_pass": "some tests passed and some failed",
    "out:all_failed": "every test failed",
    "out:no_failure": "no failing test in the output",
    "out:in_generated": "the failure runs through the generated code (raised there or in code it calls)",
    "out:in_library": "the error is raised inside a library, not reached from the generated code",
    "out:in_repository": "the error is raised in the repository's code, not reached from the generated code",
    "out:in_test": "the error is raised in the test itself (a wrong result)",
    "out:edge_tests_fail": "other tests pass; the failing ones are named for unusual inputs",
    "msg:shape": "the message mentions tensor shapes or sizes",
    "msg:dtype": "the message mentions a dtype or scalar type",
    "msg:device": "the message mentions a device (cpu/cuda)",
    "msg:allclose": "an allclose/assert_close comparison failed",
    "msg:assert_values": "an assertion on values failed",
    "msg:module_attr": "a module has no such attribute",
    "msg:object_attr": "an object has no such attribute",
    "msg:unexpected_kwarg": "a call got an unexpected or missing argument",
    "msg:not_callable": "something that is not callable was called",
    "msg:index": "an index is out of range",
    "msg:cannot_import": "a name cannot be imported from a module",
    "msg:no_module": "a module does not exist",
    "msg:not_defined": "a name is not defined",
    "msg:recursion": "maximum recursion depth exceeded",
    "msg:jit": "TorchScript could not compile the code",
    "msg:zero_division": "division by zero",
    "msg:nan": "the result contains NaN or inf",
    "msg:empty": "an empty tensor, list or input is involved",
    "msg:typeerror_type": "an argument has the wrong type",
    "msg:target_interface": "the requested function itself cannot be imported or called as asked",
    "code:syntax_error": "the generated code does not parse",
    "code:undefined_name": "the generated code uses a name it never defines or imports",
    "code:redundant_cast": "the generated code casts a value that already has the type",
    "code:redundant_check": "the generated code adds checks that the reference does not have",
    "code:tensor_loop": "the generated code loops over tensor elements in Python",
    "code:added_function": "the generated code defines functions the reference does not",
    "code:signature_differs": "the signature differs from the reference",
    "code:framework_differs": "the generated code uses a different framework than the reference",
    "code:constant_differs": "numeric constants differ from the reference",
    "code:missing_function": "a function of the reference is missing",
    "code:near_miss_name": "a missing name is close to an existing one",
    **EVIDENCE_FACTS,
    **CALL_FACTS,
}

_SHAPE = re.compile(
    r"shape|size mismatch|dimension|\bdims?\b|must match the size|broadcast|torch\.Size|\d+x\d+",
    re.I,
)
_DTYPE = re.compile(r"dtype|scalar type|Float|Double|Long|Half|int64|float32|float64", re.I)
_DEVICE = re.compile(r"\bcuda\b|\bcpu\b|device", re.I)
_NAN = re.compile(r"\bnan\b|\binf\b", re.I)
_EMPTY = re.compile(r"\bempty\b|zero-size|size 0\b|\b0 elements\b|numel\(\) == 0", re.I)
_KWARG = re.compile(
    r"unexpected keyword|missing \d+ required|takes \d+ positional|got multiple values|positional argument",
    re.I,
)
_OBJECT_ATTR = re.compile(r"object (?:'[\w.]+' )?has no attribute")
# Quoted names in lookup errors ('get_dimensions', 'float_kernel') are not
# evidence of a shape or dtype problem; they are blanked before those checks.
_LOOKUP_ERRORS = {"AttributeError", "NameError", "ImportError", "ModuleNotFoundError"}
_QUOTED = re.compile(r"'[^']*'")
# Words in test names that announce unusual inputs (tokens of the name split
# at '_', '-', '[' ...): failing only on those suggests a missed edge case.
_EDGE_WORDS = frozenset(
    "empty zero zeros none nan inf single singleton corner edge negative broadcast scalar"
    " degenerate".split()
)
_NAME_TOKEN = re.compile(r"[a-z]+")
_IDENTIFIER = re.compile(r"\b[A-Za-z_]\w{2,}\b")
_MISSING_NAME = re.compile(
    r"name '([\w.]+)' is not defined|has no attribute '(\w+)'|cannot import name '(\w+)'"
)


@dataclass
class Facts:
    """Named facts with evidence, for one sample."""

    flags: dict[str, str] = field(default_factory=dict)
    """fact name -> evidence text."""
    exception: str = ""
    message: str = ""
    fingerprint: str = ""
    line: int = 0
    """Line of the generated code where the primary failure is raised (0: unknown)."""
    primary: dict[str, Any] = field(default_factory=dict)
    """The error panel's :class:`~annotator.failures.primary.PrimaryError`, cached with the facts."""

    def has(self, name: str) -> bool:
        return name in self.flags

    def add(self, name: str, evidence: str | None = None) -> None:
        self.flags.setdefault(name, evidence or FACTS.get(name, name))

    def to_json(self) -> dict[str, Any]:
        return {
            "flags": self.flags,
            "exception": self.exception,
            "message": self.message,
            "fingerprint": self.fingerprint,
            "line": self.line,
            "primary": self.primary,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Facts:
        return cls(**data)


def _short(exception: str) -> str:
    return exception.rsplit(".", 1)[-1]


_VERDICTS_OF_A_TEST = frozenset({"", "AssertionError", "WrongAnswer", "Failed"})
"""Failures without frames that are a test's own verdict on the output (an unknown one
too, as before), not an error the code raised: "raised in the test itself"."""


def _output_facts(facts: Facts, report: TestReport, code: str) -> FailedTest | None:
    counts = report.counts
    if report.timeout:
        facts.add("out:timeout")
    if report.did_not_raise:
        facts.add("out:did_not_raise")
    if report.no_tests_ran:
        facts.add("out:no_tests_ran")
    if report.collection_errors:
        facts.add("out:collection_error")
    failed = counts.failed + counts.errors
    if counts.passed and failed:
        facts.add("out:partial_pass", f"{counts.passed} tests passed and {failed} failed")
        _edge_tests(facts, report)
    elif failed:
        facts.add("out:all_failed", f"all {failed} tests failed")
    failure = primary_failure(report, code)
    if failure is None:
        facts.add("out:no_failure")
        return None
    exc = _short(failure.exception_type) or "Error"
    facts.exception = exc
    facts.message = failure.message[:300]
    found = attribute(failure, code)
    raised = found.raised
    raised_at = found.where(other_code(report.format))
    where = f", raised {raised_at}" if raised is not None else ""
    place = found.place
    if found.line is not None or place == "generated_function":
        if found.line is not None:
            facts.line = found.line
        facts.add("out:in_generated", f"raised {raised_at}")
    elif place == "library":
        facts.add("out:in_library", f"raised {raised_at}")
    elif place == "repository":
        facts.add("out:in_repository", f"raised {raised_at}")
    elif place == "unplaced":
        pass  # neither the code's line nor the test's: no fact of where (the headline says)
    elif raised is not None:
        facts.add("out:in_test", f"raised {raised_at}")
    elif failure.exception_type in _VERDICTS_OF_A_TEST:
        facts.add("out:in_test")  # no frames: the test's (or the benchmark's) own verdict
    # Otherwise no frames and an error the code raised (a benchmark that kept only its
    # message): where it was raised is not known, and no fact says.
    headline = f"{exc}: {failure.message}".strip().rstrip(":")[:160] + where
    first, _ = judged_input(failure.details) if not failure.frames else ("", False)
    if first:  # a benchmark's verdict on one input (EvalPlus's failing inputs): which input
        headline += f" ({first})"
    facts.add(f"exc:{exc}", headline)
    _message_facts(facts, failure, headline)
    return failure


def _edge_tests(facts: Facts, report: TestReport) -> None:
    names = [f.test_id.rsplit("::", 1)[-1] for f in report.failures]
    edges = [n for n in names if _EDGE_WORDS & set(_NAME_TOKEN.findall(n.lower()))]
    if names and 2 * len(edges) >= len(names):
        shown = ", ".join(edges[:3])
        facts.add("out:edge_tests_fail", f"{len(edges)} of {len(names)} failing tests: {shown}")


def _target_interface(facts: Facts, failure: FailedTest, function: str | None) -> None:
    """The function the prompt asked for is missing or takes other arguments:
    the test could not use it as the prompt specified it."""
    if not function:
        return
    name = re.escape(function.rsplit(".", 1)[-1])
    message = failure.message
    missing = re.search(rf"cannot import name '{name}'|has no attribute '{name}'", message)
    arguments = facts.exception == "TypeError" and re.search(
        rf"\b{name}\(\) (?:missing|takes|got)", message
    )
    if missing or arguments:
        facts.add("msg:target_interface", f"{FACTS['msg:target_interface']}: {message[:160]}")


def _message_facts(facts: Facts, failure: FailedTest, headline: str) -> None:
    text = f"{failure.message}\n{failure.details[:2000]}"
    message = failure.message
    plain = _QUOTED.sub("''", message) if facts.exception in _LOOKUP_ERRORS else message
    checks = [
        # Shapes printed inside an assertion's values are data, not the error.
        (
            "msg:shape",
            bool(_SHAPE.search(plain))
            or (bool(failure.shapes) and facts.exception != "AssertionError"),
        ),
        ("msg:dtype", bool(_DTYPE.search(plain))),
        ("msg:device", bool(_DEVICE.search(plain))),
        (
            "msg:allclose",
            (failure.assertion is not None and failure.assertion.kind != "assert")
            or "not close" in message.lower()
            or "allclose" in text,
        ),
        ("msg:assert_values", facts.exception == "AssertionError"),
        ("msg:module_attr", "module '" in message and "has no attribute" in message),
        ("msg:object_attr", bool(_OBJECT_ATTR.search(message))),
        ("msg:unexpected_kwarg", bool(_KWARG.search(message))),
        ("msg:not_callable", "not callable" in message),
        (
            "msg:index",
            "out of range" in message
            or "out of bounds" in message
            or facts.exception == "IndexError",
        ),
        ("msg:cannot_import", "cannot import name" in message),
        ("msg:no_module", "No module named" in message),
        ("msg:not_defined", "is not defined" in message or facts.exception == "UnboundLocalError"),
        ("msg:recursion", "recursion" in message),
        (
            "msg:jit",
            "torch.jit" in text
            or "TorchScript" in text
            or "__torch__" in message
            or facts.exception == "UnsupportedNodeError",
        ),
        (
            "msg:zero_division",
            facts.exception == "ZeroDivisionError" or "division by zero" in message,
        ),
        ("msg:nan", bool(_NAN.search(plain))),
        ("msg:empty", bool(_EMPTY.search(text))),
        ("msg:typeerror_type", facts.exception == "TypeError" and not _KWARG.search(message)),
    ]
    for name, holds in checks:
        if holds:
            facts.add(name, f"{FACTS[name]}: {headline}")
    if failure.did_not_raise:
        facts.add("out:did_not_raise", f"{FACTS['out:did_not_raise']}: {headline}")


def _code_facts(
    facts: Facts, code: CodeFacts, failure: FailedTest | None, generated: str, reference: str
) -> None:
    if code.not_analysed is not None:
        return  # nothing known about the code: no code facts, no error stored as one
    if code.syntax_error is not None:
        issue = code.syntax_error
        facts.add(
            "code:syntax_error",
            f"SyntaxError: {issue.message}, line {issue.line} of the generated code",
        )
        return
    if code.undefined_names:
        names = ", ".join(sorted({f.code for f in code.undefined_names})[:4])
        facts.add("code:undefined_name", f"undefined in the generated code: {names}")
    if code.redundant_casts:
        first = code.redundant_casts[0]
        facts.add(
            "code:redundant_cast",
            f"redundant cast, line {first.line}: {first.code[:80]} ({first.detail})",
        )
    if code.tensor_loops:
        first = code.tensor_loops[0]
        facts.add(
            "code:tensor_loop",
            f"Python loop over tensor elements, line {first.line}: {first.code[:80]}",
        )
    if failure is not None:
        _near_miss(facts, code, failure, generated, reference)
    ref = code.reference
    if ref is None:
        return
    if ref.redundant_checks:
        first = ref.redundant_checks[0]
        facts.add(
            "code:redundant_check",
            f"check not in the reference, line {first.line}: {first.code[:80]}",
        )
    if ref.added_casts:
        first = ref.added_casts[0]
        facts.add(
            "code:redundant_cast",
            f"cast not in the reference, line {first.line}: {first.code[:80]}",
        )
    if ref.added_functions or ref.added_classes:
        added = ", ".join([*ref.added_functions, *ref.added_classes][:4])
        facts.add("code:added_function", f"defined beyond the reference: {added}")
    if ref.signature is not None and ref.signature.differs and not ref.signature.missing_function:
        sig = ref.signature
        parts = []
        if sig.extra:
            parts.append("extra parameters " + ", ".join(sig.extra))
        if sig.missing:
            parts.append("missing parameters " + ", ".join(sig.missing))
        if sig.default_changes:
            parts.append("defaults changed for " + ", ".join(c[0] for c in sig.default_changes))
        if sig.order_changed:
            parts.append("parameter order changed")
        facts.add(
            "code:signature_differs",
            f"signature of {sig.function}: " + ("; ".join(parts) or "differs"),
        )
    # References are often bare function bodies without imports, so only a
    # framework the reference uses and the generated code lacks counts.
    if ref.frameworks_only_reference:
        facts.add(
            "code:framework_differs",
            f"frameworks: generated uses {', '.join(ref.frameworks_only_generated) or 'none extra'},"
            f" reference uses {', '.join(ref.frameworks_only_reference) or 'none extra'}",
        )
    if ref.constants_only_generated and ref.constants_only_reference:
        facts.add(
            "code:constant_differs",
            f"constants {', '.join(ref.constants_only_generated[:4])} in the generated code where the"
            f" reference has {', '.join(ref.constants_only_reference[:4])}",
        )
    if ref.missing_functions:
        facts.add(
            "code:missing_function",
            "missing from the generated code: " + ", ".join(ref.missing_functions[:4]),
        )


def _near_miss(
    facts: Facts, code: CodeFacts, failure: FailedTest, generated: str, reference: str
) -> None:
    """'Did you mean': the missing name against the names of the reference,
    the imports and the generated code (attributes included)."""
    match = _MISSING_NAME.search(failure.message)
    if not match:
        return
    missing = next(g for g in match.groups() if g).rsplit(".", 1)[-1]
    candidates = set(code.names()) | set(_IDENTIFIER.findall(reference[:50_000]))
    candidates |= set(_IDENTIFIER.findall(generated[:50_000]))
    candidates |= {part for module in code.imports for part in module.split(".")}
    candidates.discard(missing)
    close = did_you_mean(missing, candidates)
    if close:
        facts.add("code:near_miss_name", f"'{missing}' is not found; did you mean '{close[0][0]}'?")


def sample_facts(
    generated: str,
    reference: str,
    test_output: str,
    function: str | None = None,
    report: TestReport | None = None,
) -> Facts:
    """Parse and analyse one sample into named facts (never raises on bad input).

    ``report`` is the sample's parsed results when the caller has them
    (:func:`~annotator.failures.primary.report_of`); otherwise ``test_output`` is parsed."""
    facts = Facts()
    if report is None:
        report = parse_test_output(test_output, function)
    failure = _output_facts(facts, report, generated)
    if failure is not None:
        _target_interface(facts, failure, function)
    facts.fingerprint = fingerprint(report, function)
    facts.primary = primary_error(report, generated).to_json()
    code = analyze_code(generated, reference or None, function)
    _code_facts(facts, code, failure, generated, reference)
    for name, evidence in evidence_facts(failure, code, report.pre_test_errors, generated):
        facts.add(name, evidence)
    call = compare_calls(generated, reference, facts.primary.get("line"))
    if call is not None:
        facts.add(*call)
    return facts


def signature_key(facts: Facts) -> str:
    """The fingerprint without the function: the same failure in different tasks."""
    return (
        f"{facts.exception}: {mask_message(facts.message)}"
        if facts.exception
        else facts.fingerprint
    )
