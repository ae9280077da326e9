"""Which traceback frames ran the generated code, and at which of its lines.

Contract: :func:`attribute` decides, for each frame of a failure, whether it
is "the generated code" and at which line of the stored generated code:

- a frame is in the generated code only when its code line (pytest's ``>``
  line, a traceback's source line) is found in the generated code, and its
  line is then the generated file's line that reads so (the nearest one to
  the frame's own line). The frame's file does not decide: DL-Bench ran each
  generated function inside a copy of its repository's file (``temp.py``
  or the module itself), so the frame's line number is the repository file's;
- a frame without a code line counts only when its line is inside the code
  and its file is the generated file (``temp.py``, ``generated.py``) or the
  line lies in the body of the generated code's function of the frame's name;
- frames of the test file and of installed libraries never count (their
  lines are never the generated code's, however alike they read);
- a module holding the generated code and then its tests (BigCodeBench's
  ``__test__.py``, :data:`~.outputfacts.CODE_THEN_TESTS`) has the code's own
  line numbers up to the code's end (a line shown must read as the code's), the
  tests' after it;
- a program run from text (``<string>``: Inspect's HumanEval scorer runs the
  prompt, the code and the tests as one) is placed by a shown code line only
  (its line numbers are offset by what came before the code); without one, a
  frame of a function the generated code defines (or of the task's function,
  whose body a completion is) is "the generated code's NAME()", with no line,
  and any other frame the tests'.

:meth:`Attribution.where` says where the failure was raised in those terms:
"in the generated code, line N", or "in the repository's code at FILE:LINE"
(or inside a library FILE:LINE, in the test at FILE:LINE, in the generated code's
NAME()), "reached from line N of the generated code". :attr:`Attribution.place`
is the kind of place, for the suggester's facts.
No text names a line of the generated code that is not in it, and every
line it names is :attr:`Attribution.line`, the one the code view marks.
Pure (memoized); never raises.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import lru_cache
from typing import Literal

from .outputfacts import (
    CODE_THEN_TESTS,
    GENERATED_FILE_NAMES,
    STRING_PROGRAM,
    is_library_file,
    is_test_file,
)
from .outputmodels import FailedTest, Frame

_SPACE = re.compile(r"\s+")
_DEF = re.compile(r"^(\s*)(?:async\s+)?def\s+(\w+)")
MIN_TEXT = 4
"""A frame's code line shorter than this (squashed) is never matched."""


def squash(text: str) -> str:
    """A line compared without whitespace and quote style (what a formatter changes)."""
    return _SPACE.sub("", text).replace('"', "'")


def _same(got: str, wanted: str) -> bool:
    """``got`` (a code line) reads as ``wanted`` (a frame's, perhaps cut short)."""
    return bool(got) and (
        got == wanted
        or (len(wanted) >= 10 and got.startswith(wanted))
        or (len(got) >= 10 and wanted.startswith(got))
    )


def short_path(path: str, parts: int = 2) -> str:
    """The last ``parts`` components of a frame's file (what the evidence names)."""
    return "/".join(path.replace("\\", "/").rsplit("/", parts)[-parts:])


def is_generated_file(path: str) -> bool:
    return short_path(path, 1) in GENERATED_FILE_NAMES


def _in_function(raw: tuple[str, ...], name: str, line: int) -> bool:
    """``line`` (1-based) lies in the body of a ``def name`` of ``raw``."""
    for start, text in enumerate(raw):
        match = _DEF.match(text)
        if match is None or match.group(2) != name:
            continue
        indent = len(match.group(1))
        end = start + 1
        while end < len(raw) and (
            not raw[end].strip() or len(raw[end]) - len(raw[end].lstrip()) > indent
        ):
            end += 1
        if start + 1 < line <= end:
            return True
    return False


@dataclass(frozen=True)
class _Code:
    raw: tuple[str, ...]
    squashed: tuple[str, ...]
    index: dict[str, list[int]]
    """Squashed line -> its 1-based line numbers."""


@lru_cache(maxsize=16)
def _code(code: str) -> _Code:
    raw = tuple(code.split("\n"))
    squashed = tuple(squash(line) for line in raw)
    index: dict[str, list[int]] = {}
    for number, line in enumerate(squashed, start=1):
        if line:
            index.setdefault(line, []).append(number)
    return _Code(raw, squashed, index)


def locate(frame: Frame, code: str) -> int | None:
    """The 1-based line of the generated ``code`` that ``frame`` ran (None: not the code)."""
    if short_path(frame.file, 1) in CODE_THEN_TESTS:
        lines, number = _code(code), frame.line
        if not 0 < number <= len(lines.raw) or not lines.squashed[number - 1]:
            return None  # the tests (or a blank line: not a line that runs)
        wanted = squash(frame.code)
        return number if not wanted or _same(lines.squashed[number - 1], wanted) else None
    program = frame.file == STRING_PROGRAM  # "<string>" reads as a library's name; it ran the code
    if (
        not program
        and not is_generated_file(frame.file)
        and (is_test_file(frame.file) or is_library_file(frame.file))
    ):
        return None
    lines = _code(code)
    wanted = squash(frame.code)
    if not wanted and program:
        return None  # no line shown: where it is in the code is not known
    if not wanted:
        inside = 0 < frame.line <= len(lines.raw)
        ok = inside and (
            is_generated_file(frame.file) or _in_function(lines.raw, frame.function, frame.line)
        )
        return frame.line if ok else None
    if len(wanted) < MIN_TEXT:
        return None
    found = lines.index.get(wanted) or [
        i + 1 for i, got in enumerate(lines.squashed) if got != wanted and _same(got, wanted)
    ]
    if not found:
        return None
    return min(found, key=lambda n: (abs(n - frame.line), n))


Place = Literal["generated", "generated_function", "library", "test", "repository", "unplaced"]
"""Where a failure was raised (:attr:`Attribution.place`): at a line of the generated
code, in a function of it at a line not shown (a program run from text), inside a
library, in the tests, in other code (the repository's, or a benchmark's own
harness: :func:`~.importedoutput.other_code`), or at a line of a
:data:`~.outputfacts.CODE_THEN_TESTS` module that is the code's by its number but
reads otherwise (the code that ran was not the one stored): nobody's, said as such."""


@dataclass(frozen=True)
class Attribution:
    """A failure's frames with the generated-code line each ran (None: not the generated code)."""

    frames: tuple[Frame, ...] = ()
    lines: tuple[int | None, ...] = ()
    functions: frozenset[str] = frozenset()
    """The names the generated code defines (what places a ``<string>`` frame without a line)."""
    code_lines: int = 0
    """The generated code's lines (where a :data:`~.outputfacts.CODE_THEN_TESTS` module's tests start)."""

    @property
    def index(self) -> int | None:
        """Index of the deepest frame in the generated code."""
        for i in range(len(self.frames) - 1, -1, -1):
            if self.lines[i] is not None:
                return i
        return None

    @property
    def frame(self) -> Frame | None:
        """The deepest frame in the generated code."""
        i = self.index
        return None if i is None else self.frames[i]

    @property
    def line(self) -> int | None:
        """The generated code's failing line: the deepest frame's in it."""
        i = self.index
        return None if i is None else self.lines[i]

    @property
    def raised(self) -> Frame | None:
        """The deepest frame (where the error was raised)."""
        return self.frames[-1] if self.frames else None

    @property
    def raised_in_generated(self) -> bool:
        i = self.index
        return i is not None and i == len(self.frames) - 1

    @property
    def after(self) -> Frame | None:
        """The frame the generated code called into (the next one down)."""
        i = self.index
        return self.frames[i + 1] if i is not None and i + 1 < len(self.frames) else None

    def _own_function(self, frame: Frame) -> bool:
        """``frame`` runs a function of the generated code in a program run from text."""
        return frame.file == STRING_PROGRAM and frame.function in self.functions

    @property
    def place(self) -> Place | None:
        """The kind of place the failure was raised in (None: no frames)."""
        raised = self.raised
        if raised is None:
            return None
        if self.raised_in_generated:
            return "generated"
        if raised.file == STRING_PROGRAM:
            return "generated_function" if self._own_function(raised) else "test"
        if short_path(raised.file, 1) in CODE_THEN_TESTS and 0 < raised.line <= self.code_lines:
            return "unplaced"
        if is_library_file(raised.file):
            return "library"
        return "test" if is_test_file(raised.file) else "repository"

    def where(self, other_code: str = "the repository's code") -> str:
        """Where the error was raised, in words that name only lines of their file;
        ``other_code``: what a frame of :attr:`place` ``repository`` is
        (:func:`~.importedoutput.other_code`)."""
        raised, place = self.raised, self.place
        if raised is None:
            return ""
        line = self.line
        if place == "generated":
            return f"in the generated code, line {line}"
        if place == "generated_function":
            return (
                f"in the generated code's {raised.function}(), at a line the traceback does"
                " not show (it ran as part of a larger program)"
            )
        at = f"{short_path(raised.file)}:{raised.line}" if raised.line else short_path(raised.file)
        if place == "unplaced":
            # No line of the code is named: none is marked (the contract above).
            return f"at {at}, where the module holds the generated code, but it shows other code"
        words = {"library": "inside", "test": "in the test at"}.get(place or "")
        text = f"{words} {at}" if words else f"in {other_code} at {at}"
        if line:
            return f"{text}, reached from line {line} of the generated code"
        caller = next((f for f in reversed(self.frames[:-1]) if self._own_function(f)), None)
        if caller is not None:
            return f"{text}, reached from the generated code's {caller.function}()"
        return text


_MEMO: OrderedDict[tuple[int, str], tuple[FailedTest, Attribution]] = OrderedDict()
_MEMO_SIZE = 64
_MEMO_LOCK = threading.Lock()


def attribute(failure: FailedTest | None, code: str) -> Attribution:
    """Each frame of ``failure`` with the generated-code line it ran (memoized:
    the facts, the evidence and the error panel ask about the same failure)."""
    if failure is None or not failure.frames:
        return Attribution()
    key = (id(failure), code)
    with _MEMO_LOCK:  # the UI computes facts and views in worker threads
        hit = _MEMO.get(key)
    if hit is not None and hit[0] is failure:
        return hit[1]
    frames = tuple(failure.frames)
    lines = tuple(locate(frame, code) for frame in frames)
    parsed = _code(code)
    functions: frozenset[str] = frozenset()
    if any(frame.file == STRING_PROGRAM for frame in frames):  # only they are placed by name
        functions = frozenset(m.group(2) for m in map(_DEF.match, parsed.raw) if m is not None)
        named = failure.generated_frame  # in a <string> program: the task's function, by name
        if named is not None and named.file == STRING_PROGRAM:
            # A HumanEval completion is the body of the prompt's def: the function is the code's.
            functions |= {named.function}
    found = Attribution(frames, lines, functions, len(parsed.raw))
    with _MEMO_LOCK:
        _MEMO[key] = (failure, found)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return found
