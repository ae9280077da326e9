"""Facts extracted from one failure's text and frames.

Contract: pure functions over strings and :class:`~.outputmodels.Frame` lists,
used by :mod:`.testoutput`: the exception type/message in a block of 'E' lines
(:func:`exception_from`), tensor shapes (:func:`parse_shapes`), allclose /
assert_close numbers (:func:`assertion_detail`), whether a frame is test or
library code, and which frame belongs to the generated code
(:func:`generated_frame`). All regexes are bounded or anchored; inputs are
capped by the caller, so each call is linear in its (small) input.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import NamedTuple

from annotator.failures.outputmodels import AssertionDetail, Frame

MAX_SHAPES = 16
SHAPE_SCAN = 1500  # shapes worth reporting are in the message's first lines
MAX_DETAILS = 4000
# Every output parser cuts longer lines (tensor reprs): only their start matters.
MAX_LINE = 4000

# DL-Bench writes generated code to temp.py inside the project under test;
# the annotator's own examples call it generated.py.
GENERATED_FILE_NAMES = frozenset({"temp.py", "generated.py"})
CODE_THEN_TESTS = frozenset({"__test__.py"})
"""Modules that hold the generated code from their first line and the tests after it:
BigCodeBench compiles ``code + "\n" + tests`` as ``__test__.py``. A line within the
code is the code's own line; any other line is the tests'."""
STRING_PROGRAM = "<string>"
"""The file of a program run from text (``python -c``, ``exec``): HumanEval-style
harnesses (Inspect's ``verify``) run the prompt, the generated code and the tests
as one, at line offsets the traceback does not show."""

EXCEPTION_LINE = re.compile(
    r"^([A-Za-z_][\w.]*(?:Error|Exception|Exit|Interrupt|Warning|Failed|Failure|"
    r"Iteration|Timeout|Expired|Exceeded)|Failed|AssertionError)(?:: ?(.*))?$"
)
"""A line that names a raised exception: ``ValueError: bad shape``,
``torch.jit.Error``, ``Failed: DID NOT RAISE``. Group 1 is the exception type, group 2
the message (None when the line has none). The one definition: every output parser
(pytest, short output, JUnit, imported harness results) matches exception lines with it."""
TIMEOUT = re.compile(r"Timeout >|\+{3,} Timeout \+{3,}|TimeoutExpired|[Tt]imed out|TimeoutError")
"""Any sign in the output that a test ran out of time."""
HARD_TIMEOUT = re.compile(r"^\+{3,} Timeout \+{3,}$|Failed: Timeout >", re.MULTILINE)
"""pytest-timeout's own verdict: the run was stopped, not merely slow."""
_MISMATCH = re.compile(r"Mismatched elements: (\d+) / (\d+)(?: \(([\d.]+)%\))?")
_ABS = re.compile(
    r"(?:Greatest|Max) absolute difference(?: among violations)?: ([-+\w.]+)"
    r"(?:.*?\(up to ([-+\w.]+) allowed\))?"
)
_REL = re.compile(
    r"(?:Greatest|Max) relative difference(?: among violations)?: ([-+\w.]+)"
    r"(?:.*?\(up to ([-+\w.]+) allowed\))?"
)
_SCALAR_ABS = re.compile(r"(?m)^Absolute difference: ([-+\w.]+)(?: \(up to ([-+\w.]+) allowed\))?")
_SCALAR_REL = re.compile(r"(?m)^Relative difference: ([-+\w.]+)(?: \(up to ([-+\w.]+) allowed\))?")
_TOLERANCE = re.compile(r"Not equal to tolerance rtol=([-+\w.]+), atol=([-+\w.]+)")
# Shapes: "(64x512 and 256x10)", "torch.Size([2, 3])", "shape (3, 4)", "shape=(8,)",
# "shape '[2, 4]'", "TensorShape([2, None])", "sizes: [1, 3]".
_SHAPE_X = re.compile(r"\b(\d+(?:x\d+)+)\b")
_SHAPE_BRACKET = re.compile(
    r"(?:torch\.Size\(|TensorShape\(|\b[Ss]hapes? ?[=:]? ?'?|\b[Ss]izes?:? ?)"
    r"[(\[]([-\d, Nonex?]{0,120})[)\]]"
)
_INT = re.compile(r"-?\d+")


def exception_from(lines: list[str]) -> tuple[str, str]:
    for text in lines:
        stripped = text.strip()
        m = EXCEPTION_LINE.match(stripped)
        if m:
            return m.group(1), (m.group(2) or "").strip()
    for text in lines:
        stripped = text.strip()
        if stripped.startswith("assert ") or stripped == "assert":
            return "AssertionError", stripped
    first = next((t.strip() for t in lines if t.strip()), "")
    return "", first


def is_test_file(path: str) -> bool:
    """A test's file (a :data:`CODE_THEN_TESTS` module too: :func:`~.frames.locate`
    takes the lines within the generated code out of it first)."""
    p = path.replace("\\", "/")
    name = p.rsplit("/", 1)[-1]
    return (
        name.startswith("test_")
        or name.endswith("_test.py")
        or name in CODE_THEN_TESTS
        or name == "conftest.py"
        or "/tests/" in p
        or "/test/" in p
        or "/testing/" in p
        or p.startswith(("tests/", "test/", "testing/"))
    )


def is_library_file(path: str) -> bool:
    p = path.replace("\\", "/")
    return (
        "site-packages" in p
        or "dist-packages" in p
        or "/lib/python" in p
        or p.startswith("<")
        or "/_pytest/" in p
    )


def generated_frame(frames: list[Frame], function: str | None) -> Frame | None:
    """Deepest frame most likely inside the generated code.

    Preference: the generated file (DL-Bench's temp.py), then a frame of the
    named function (the project often wraps the generated function under the
    same name, hence the file check first), then any non-test, non-library
    frame.
    """
    short = function.rsplit(".", 1)[-1] if function else None
    for fr in reversed(frames):
        if fr.file.replace("\\", "/").rsplit("/", 1)[-1] in GENERATED_FILE_NAMES:
            return fr
    if short:
        for fr in reversed(frames):
            if fr.function == function or fr.function == short:
                return fr
    for fr in reversed(frames):
        if not is_test_file(fr.file) and not is_library_file(fr.file):
            return fr
    return None


def _float(s: str | None) -> float | None:
    if not s:
        return None
    try:
        return float(s.rstrip("."))
    except ValueError:
        return None


def assertion_detail(text: str) -> AssertionDetail | None:
    if "difference" not in text and "Mismatch" not in text and "tolerance" not in text:
        return None
    m = _MISMATCH.search(text)
    a = _ABS.search(text) or _SCALAR_ABS.search(text)
    r = _REL.search(text) or _SCALAR_REL.search(text)
    tol = _TOLERANCE.search(text)
    if not (m or a or r or tol):
        return None
    if "are not close" in text:
        kind = "assert_close"
    elif tol or "allclose" in text:
        kind = "allclose"
    elif "not equal" in text:
        kind = "array_equal"
    else:
        kind = "assert"
    return AssertionDetail(
        kind=kind,
        mismatched=int(m.group(1)) if m else None,
        total=int(m.group(2)) if m else None,
        mismatch_pct=_float(m.group(3)) if m else None,
        max_abs_diff=_float(a.group(1)) if a else None,
        max_rel_diff=_float(r.group(1)) if r else None,
        atol=_float(a.group(2)) if a else (_float(tol.group(2)) if tol else None),
        rtol=_float(r.group(2)) if r else (_float(tol.group(1)) if tol else None),
    )


def parse_shapes(text: str) -> list[tuple[int, ...]]:
    """Tensor shapes mentioned in ``text`` (unknown dims dropped)."""
    out: list[tuple[int, ...]] = []
    text = text[:MAX_DETAILS]
    # Cheap substring gates: messages are often long tensor reprs where a
    # full regex scan finds nothing.
    if "x" in text:
        for m in _SHAPE_X.finditer(text):
            out.append(tuple(int(d) for d in m.group(1).split("x")))
    if "ize" in text or "hape" in text:
        for m in _SHAPE_BRACKET.finditer(text):
            out.append(tuple(int(d) for d in _INT.findall(m.group(1))))
    seen: list[tuple[int, ...]] = []
    for s in out:
        if s not in seen:
            seen.append(s)
    return seen[:MAX_SHAPES]


class MessageFacts(NamedTuple):
    shapes: list[tuple[int, ...]]
    assertion: AssertionDetail | None
    did_not_raise: bool
    timeout: bool


@lru_cache(maxsize=512)
def message_facts(message: str, details: str) -> MessageFacts:
    """Per-message facts; cached because parametrized tests repeat them."""
    blob = f"{message}\n{details[:SHAPE_SCAN]}"
    return MessageFacts(
        shapes=parse_shapes(blob),
        assertion=assertion_detail(details),
        did_not_raise="DID NOT RAISE" in blob or " not raised" in blob,
        timeout=has_timeout(blob),
    )


def has_timeout(text: str) -> bool:
    # Substring tests first: a regex alternation scanned over every failure's
    # text was the hottest path on large outputs.
    return ("imeout" in text or "timed out" in text) and bool(TIMEOUT.search(text))
