"""Where an export goes: stdout, or a file written atomically.

Contract: :func:`open_output` yields a text stream. With no path it is
stdout, control characters from data written as visible escapes (a terminal
is never steered by an export). With a path, the text goes through
:func:`annotator.safefiles.atomic_output`: a temporary file created with
O_EXCL in the same folder, renamed over the target only when the block ends
without an error, so readers never see a half-written file, a failed export
leaves any old file untouched and a planted symlink is never written through
(a target that is a symlink is refused). Errors become a :class:`UserError`.
"""

from __future__ import annotations

import contextlib
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

from ..safefiles import atomic_output
from ..textsafe import CONTROL

# A line ending's CR stays (CSV writes CRLF); any other CR or control is escaped.
_STDOUT_UNSAFE = re.compile(rf"\r(?!\n)|(?!\r){CONTROL.pattern}")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


class TerminalSafeWriter:
    """A text stream over stdout that writes control characters from data as
    visible escapes (tabs and line endings kept): an export printed to a
    terminal cannot retitle, clear or write the clipboard of it. Write to a
    file with ``--out`` to keep the bytes exactly."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str) -> int:
        self.stream.write(_STDOUT_UNSAFE.sub(_escape, text))
        return len(text)

    def flush(self) -> None:
        self.stream.flush()

    def isatty(self) -> bool:
        return self.stream.isatty()


@contextlib.contextmanager
def open_output(path: Path | None, newline: str | None = None) -> Iterator[TextIO]:
    """A text stream to ``path`` (atomic, see :func:`annotator.safefiles.atomic_output`)
    or to stdout when ``path`` is None."""
    if path is None:
        safe = TerminalSafeWriter(sys.stdout)
        yield cast(TextIO, safe)
        sys.stdout.flush()
        return
    with atomic_output(path, "w", encoding="utf-8", newline=newline) as handle:
        yield cast(TextIO, handle)


def write_text(path: Path | None, text: str) -> None:
    """Write a whole document to ``path`` (atomically) or stdout."""
    with open_output(path) as out:
        out.write(text)
