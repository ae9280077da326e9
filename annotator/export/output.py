"""Where an export goes: stdout, or a file written atomically.

Contract: :func:`open_output` yields a text stream. With no path it is
stdout, control characters from data written as visible escapes (a terminal
is never steered by an export). With a path, the text goes to a temporary
file in the same folder that is renamed over the target only when the block ends without an error,
so readers never see a half-written file and a failed export leaves any old
file untouched. Errors opening the folder become a :class:`UserError`.
"""

from __future__ import annotations

import contextlib
import os
import re
import sys
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import TextIO, cast

from ..errors import UserError
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
    """A text stream to ``path`` (atomic) or to stdout when ``path`` is None."""
    if path is None:
        safe = TerminalSafeWriter(sys.stdout)
        yield cast(TextIO, safe)
        sys.stdout.flush()
        return
    folder = path.parent if str(path.parent) else Path(".")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", file=path) from None
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline=newline) as handle:
            yield handle
        # mkstemp creates the file 0600; give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise UserError(f"cannot write: {exc.strerror}", file=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def write_text(path: Path | None, text: str) -> None:
    """Write a whole document to ``path`` (atomically) or stdout."""
    with open_output(path) as out:
        out.write(text)
