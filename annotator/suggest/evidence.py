"""Facts a careful annotator looks for, beyond the exception: where, what kind, which name.

Contract: :func:`evidence_facts` gives the facts (name, evidence) to add to a
sample's :class:`~.features.Facts`, from its primary failure and the code analysis:

- where the error is raised: inside a library call made by the generated
  code (``out:library_call``), by the generated code's own ``raise``
  (``out:own_raise``), or by the test's comparison (``out:test_comparison``),
  each with the line and statement;
- the kind of assertion that failed (``assert:close``, ``assert:shape``,
  ``assert:equal``, ``assert:did_not_raise``, ``assert:mock``,
  ``assert:dtype``), read from the failing statement and the message;
- the errors printed before the tests ran (DL-Bench's 'Error Cases' block,
  ``out:pre_test_error``), each with its output line and its innermost frame;
- whether an undefined name is a module alias never imported
  (``code:undefined_module_alias``: ``torch``, ``np``, ``F`` ...) or a local
  name (``code:undefined_local``).

Each fact's evidence names the line, and only as a line of the file it names:
a generated-code line is one the frame's code line was found at
(:mod:`annotator.failures.frames`), anything else is FILE:LINE. Pure functions over parsed data.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from ..failures.frames import Attribution, attribute, short_path
from ..failures.importedoutput import judged_input
from ..failures.outputfacts import is_library_file, is_test_file
from ..failures.outputmodels import FailedTest
from .analysis import CodeFacts

EVIDENCE_FACTS: dict[str, str] = {
    "out:library_call": "the error is raised inside a library call made by the generated code",
    "out:own_raise": "the generated code raises the error itself",
    "out:test_comparison": "the test's own comparison failed (a wrong result, no crash)",
    "assert:close": "a closeness comparison (allclose / assert_close) failed",
    "assert:shape": "an assertion on a shape failed",
    "assert:equal": "an equality assertion failed",
    "assert:did_not_raise": "the test expected an exception that was not raised",
    "assert:mock": "an assertion on a mock's calls failed",
    "assert:dtype": "an assertion on a dtype failed",
    "out:pre_test_error": "an error was printed before the tests ran",
    "code:undefined_module_alias": "a module alias is used but never imported",
    "code:undefined_local": "a local name is used but never defined",
}

# Conventional aliases of modules; an undefined one is a missing import.
MODULE_ALIASES = frozenset(
    "torch nn F np numpy tf keras jnp jax pd scipy sp math optim T cv2 Image PIL kornia"
    " torchvision transforms sklearn plt random os sys time itertools functools".split()
)

_ASSERT_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("assert:mock", re.compile(r"assert_called|assert_not_called|call_count|Expected call")),
    (
        "assert:close",
        re.compile(r"allclose|assert_close|isclose|not close|Mismatched elements|tolerance"),
    ),
    ("assert:shape", re.compile(r"\.shape\b|\.size\(\)|torch\.Size|\bndim\b")),
    ("assert:dtype", re.compile(r"\.dtype\b|dtype=")),
    ("assert:equal", re.compile(r"==|assert_equal|array_equal|\bequal\(")),
]


JUDGED_WRONG = frozenset({"WrongAnswer"})
"""Exceptions that stand for a benchmark's own verdict that the output was wrong
(see :mod:`annotator.failures.importedoutput`)."""


def _statement(failure: FailedTest) -> tuple[str, int, str]:
    """The failing statement of the test (file, line, code), when the frames say."""
    for frame in reversed(failure.frames):
        if is_test_file(frame.file) and frame.code:
            return frame.file, frame.line, frame.code
    return "", 0, ""


def _judged(failure: FailedTest) -> str:
    """What a benchmark's own comparison saw: the outputs first (its message, "expected X,
    got Y"), then the input's first line (the details' first, ``input: ...``; a stdin
    input runs over several, which once pushed the output out of the evidence)."""
    if not failure.message:
        return " | ".join(failure.details.splitlines()[:3])[:160]
    shown = failure.message[:120]
    first, more = judged_input(failure.details)
    if first:
        shown += f"; {first}" + (" …" if more else "")
    return shown


def where_raised(failure: FailedTest, found: Attribution) -> tuple[str, str] | None:
    """(fact, evidence) for where the failure was raised; ``found`` is the
    failure's frames attributed to the generated code (:func:`~annotator.failures.frames.attribute`)."""
    frame, line, last = found.frame, found.line, found.raised
    if frame is not None and line is not None:
        code = frame.code.strip()
        if found.raised_in_generated and code.startswith("raise"):
            return (
                "out:own_raise",
                f"raised by the generated code's own raise, line {line}: {code[:100]}",
            )
        if last is not None and last is not frame and is_library_file(last.file):
            return (
                "out:library_call",
                f"raised inside {short_path(last.file)}:{last.line} called from line {line} of"
                f" the generated code: {code[:100]}",
            )
        return None
    if failure.exception_type in JUDGED_WRONG:
        # A benchmark compared the output itself (LiveCodeBench's Wrong Answer):
        # the test's comparison, with both outputs and the input as evidence.
        return "out:test_comparison", f"the benchmark judged the output wrong: {_judged(failure)}"
    if failure.exception_type == "AssertionError":
        file, at_line, code = _statement(failure)
        shown = code or failure.message
        at = f" at {short_path(file, 1)}:{at_line}" if at_line else ""
        return "out:test_comparison", f"the test's comparison failed{at}: {shown[:120]}"
    return None


def assertion_kind(failure: FailedTest) -> tuple[str, str] | None:
    """(fact, evidence) for the kind of assertion that failed."""
    if failure.did_not_raise:
        return (
            "assert:did_not_raise",
            f"{EVIDENCE_FACTS['assert:did_not_raise']}: {failure.message[:120]}",
        )
    if failure.exception_type != "AssertionError" and failure.assertion is None:
        return None
    _, _, code = _statement(failure)
    text = f"{code}\n{failure.message}\n{failure.details[:1500]}"
    for name, pattern in _ASSERT_KINDS:
        if pattern.search(text):
            return name, f"{EVIDENCE_FACTS[name]}: {(code or failure.message)[:120]}"
    return None


def undefined_kind(code: CodeFacts) -> list[tuple[str, str]]:
    """Undefined names split into module aliases and local names."""
    out: list[tuple[str, str]] = []
    aliases = [f for f in code.undefined_names if f.code.split(".")[0] in MODULE_ALIASES]
    local = [f for f in code.undefined_names if f.code.split(".")[0] not in MODULE_ALIASES]
    if aliases:
        first = aliases[0]
        out.append(
            (
                "code:undefined_module_alias",
                f"'{first.code}' is a module alias never imported, line {first.line}",
            )
        )
    if local:
        first = local[0]
        out.append(("code:undefined_local", f"'{first.code}' is never defined, line {first.line}"))
    return out


def pre_test_errors(errors: Sequence[FailedTest]) -> tuple[str, str] | None:
    """(fact, evidence) naming each error of the pre-test block with its line."""
    if not errors:
        return None
    shown = []
    for error in errors[:3]:
        text = f"{error.exception_type}: {error.message}".strip(": ")[:120]
        frame = error.frames[-1] if error.frames else None
        where = ""
        if frame is not None:
            name = short_path(frame.file, 1)
            where = f" (at {name}:{frame.line}: {frame.code[:80]})" if frame.code else ""
        shown.append(f"output line {error.output_line}: {text}{where}")
    more = f"; {len(errors) - 3} more" if len(errors) > 3 else ""
    return "out:pre_test_error", "before the tests ran, " + "; ".join(shown) + more


def evidence_facts(
    failure: FailedTest | None,
    code: CodeFacts,
    pre_test: Sequence[FailedTest] = (),
    generated: str = "",
) -> list[tuple[str, str]]:
    """All evidence facts of one sample (``generated``: its code), as (fact, evidence) pairs."""
    found: list[tuple[str, str]] = []
    fact = pre_test_errors(pre_test)
    if fact is not None:
        found.append(fact)
    if failure is not None:
        located = attribute(failure, generated)
        for fact in (where_raised(failure, located), assertion_kind(failure)):
            if fact is not None:
                found.append(fact)
    if code.syntax_error is None:
        found += undefined_kind(code)
    return found
