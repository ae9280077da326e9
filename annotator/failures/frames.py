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
  lines are never the generated code's, however alike they read).

:meth:`Attribution.where` says where the failure was raised in those terms:
"in the generated code, line N", or "in the repository's code at FILE:LINE"
(or inside a library FILE:LINE), "reached from line N of the generated code".
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

from .outputfacts import GENERATED_FILE_NAMES, is_library_file, is_test_file
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
    return path.replace("\\", "/").rsplit("/", 1)[-1] in GENERATED_FILE_NAMES


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
    if not is_generated_file(frame.file) and (
        is_test_file(frame.file) or is_library_file(frame.file)
    ):
        return None
    lines = _code(code)
    wanted = squash(frame.code)
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


@dataclass(frozen=True)
class Attribution:
    """A failure's frames with the generated-code line each ran (None: not the generated code)."""

    frames: tuple[Frame, ...] = ()
    lines: tuple[int | None, ...] = ()

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

    def where(self) -> str:
        """Where the error was raised, in words that name only lines of their file."""
        raised = self.raised
        if raised is None:
            return ""
        line = self.line
        if self.raised_in_generated:
            return f"in the generated code, line {line}"
        at = f"{short_path(raised.file)}:{raised.line}" if raised.line else short_path(raised.file)
        if is_library_file(raised.file):
            place = f"inside {at}"
        elif is_test_file(raised.file):
            place = f"in the test at {at}"
        else:
            place = f"in the repository's code at {at}"
        return place + (f", reached from line {line} of the generated code" if line else "")


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
    found = Attribution(frames, tuple(locate(frame, code) for frame in frames))
    with _MEMO_LOCK:
        _MEMO[key] = (failure, found)
        while len(_MEMO) > _MEMO_SIZE:
            _MEMO.popitem(last=False)
    return found
