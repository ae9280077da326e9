"""The one door for reading and writing user-named files: safe paths, bounded reads, atomic writes.

Contract (every importer, every export writer and every figure writer uses it):

- :func:`regular_file` refuses anything that is not a readable regular file
  (a folder, a FIFO that would block for ever, a device, a socket, no read
  permission) with one :class:`~annotator.errors.UserError` naming the file.
- :func:`open_regular` opens a file for reading without ever blocking on a
  FIFO (``O_NONBLOCK`` until ``fstat`` has shown a regular file) and checks
  its size against a cap *before* reading: :func:`read_bytes` and
  :func:`read_text` use it, so nothing reads more than its cap;
  :func:`bounded_lines` reads a file line by line, failing on a line over
  its cap before reading more of it.
- :func:`inside` resolves a path and refuses it when it leaves ``root`` (a
  symlink out of the imported folder), is a symlink loop or a broken link;
  :func:`folder_files` lists the regular files with given suffixes directly in
  a folder through :func:`inside`.
- :func:`atomic_output` / :func:`write_bytes_atomic` write a file through a
  temporary file created with ``O_EXCL`` (``tempfile.mkstemp``) in the target's
  folder and ``os.replace`` it over the target only when the write succeeded:
  a symlink planted under any predictable temporary name is never written
  through, readers never see half a file, a failed write leaves nothing behind;
  a target that is itself a symlink is refused.
"""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any, BinaryIO

from .errors import UserError

MAX_FILE_BYTES = 1 << 30
"""Default cap of :func:`read_bytes` (each reader states its own, smaller one)."""


def _kind(mode: int) -> str | None:
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        return "is a folder"
    return "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"


def regular_file(path: Path, what: str = "file") -> Path:
    """``path`` if it is a readable regular file, else a clean error."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"no such {what}", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    kind = _kind(mode)
    if kind == "is a folder":
        raise UserError(f"is a folder, expected a {what}", file=path)
    if kind is not None:
        raise UserError(f"{kind}: refusing to read it as a {what}", file=path)
    if not os.access(path, os.R_OK):
        raise UserError("cannot read: permission denied", file=path)
    return path


def open_regular(path: Path, what: str = "file", cap: int | None = None) -> BinaryIO:
    """``path`` opened for binary reading; refused (never blocked on) unless it is a
    regular file, and refused when it is larger than ``cap`` bytes."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UserError(f"no such {what}", file=path) from None
    except IsADirectoryError:
        raise UserError(f"is a folder, expected a {what}", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    try:
        info = os.fstat(fd)
        kind = _kind(info.st_mode)
        if kind is not None:
            raise UserError(f"{kind}: refusing to read it as a {what}", file=path)
        if cap is not None and info.st_size > cap:
            raise UserError(
                f"{info.st_size:,} bytes: larger than the {cap:,} bytes a {what} may have",
                file=path,
            )
        os.set_blocking(fd, True)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


def read_bytes(path: Path, what: str = "file", cap: int = MAX_FILE_BYTES) -> bytes:
    """The bytes of a regular file of at most ``cap`` bytes (checked before reading)."""
    with open_regular(path, what, cap) as handle:
        try:
            data = handle.read(cap + 1)
        except OSError as exc:
            raise UserError(f"cannot read: {exc.strerror}", file=path) from None
    if len(data) > cap:  # grew while read
        raise UserError(f"larger than the {cap:,} bytes a {what} may have", file=path)
    return data


def read_text(
    file: Path,
    encoding: str = "utf-8",
    *,
    universal_newlines: bool = False,
    what: str = "file",
    cap: int = MAX_FILE_BYTES,
) -> str:
    """The text of ``file``, or one clear line naming it (not UTF-8, cannot read, too big).

    ``universal_newlines`` turns ``\\r\\n`` and ``\\r`` into ``\\n``, as
    ``Path.read_text`` does; without it the text is exactly the file's bytes
    decoded (what a CSV reader with ``newline=""`` expects).
    """
    raw = read_bytes(file, what, cap)
    try:
        text = raw.decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=file) from None
    del raw
    return text.replace("\r\n", "\n").replace("\r", "\n") if universal_newlines else text


def bounded_lines(handle: BinaryIO, path: Path, cap: int) -> Iterator[bytes]:
    """The lines of ``handle``; a line over ``cap`` bytes fails with its number, having
    read no more than ``cap`` bytes of it."""
    number = 0
    while line := handle.readline(cap + 1):
        number += 1
        if len(line) > cap and not line.endswith(b"\n"):
            raise UserError(f"a line of more than {cap:,} bytes", file=path, line=number)
        yield line


def readable_folder(path: Path) -> Path:
    if not path.is_dir():
        raise UserError("not a folder", file=path)
    if not os.access(path, os.R_OK | os.X_OK):
        raise UserError("cannot read the folder: permission denied", file=path)
    return path


def inside(path: Path, root: Path) -> Path:
    """The resolved target of ``path``; refused when it leaves ``root`` or loops."""
    try:
        target = path.resolve(strict=True)
    except (RuntimeError, OSError) as exc:
        why = (
            "a symlink loop"
            if isinstance(exc, RuntimeError) or "loop" in str(exc)
            else "a broken link"
        )
        raise UserError(f"{why}: refusing to follow it", file=path) from None
    if not target.is_relative_to(root.resolve()):
        raise UserError(f"a symlink leaving the imported folder ({target}): refusing it", file=path)
    return target


def folder_files(folder: Path, suffixes: tuple[str, ...], root: Path | None = None) -> list[Path]:
    """The regular files in ``folder`` (not below it) whose suffix is in ``suffixes``;
    a symlink among them must stay inside ``root`` (default: ``folder``)."""
    readable_folder(folder)
    root = root or folder
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise UserError(f"cannot read the folder: {exc.strerror}", file=folder) from None
    found: list[Path] = []
    for entry in entries:
        if entry.suffix not in suffixes or entry.name.startswith("."):
            continue
        if entry.is_symlink():
            inside(entry, root)
        try:
            if not stat.S_ISREG(entry.stat().st_mode):
                continue
        except OSError as exc:
            raise UserError(f"cannot read: {exc.strerror}", file=entry) from None
        found.append(entry)
    return found


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_output(path: Path, mode: str = "w", **open_args: Any) -> Iterator[IO[Any]]:
    """A file object whose content replaces ``path`` when the block ends without an error.

    The temporary file is created with ``O_EXCL`` in ``path``'s folder (never
    through a planted link); a ``path`` that is a symlink is refused; on an
    error the temporary file is removed and ``path`` is as it was.
    """
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_symlink():
        raise UserError("is a symlink: refusing to write through it", file=path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as exc:
        raise UserError(f"cannot write: {exc.strerror}", file=path) from None
    try:
        with os.fdopen(fd, mode, **open_args) as handle:
            yield handle
        # mkstemp creates the file 0600; give it the mode a plain open() would.
        os.chmod(tmp, 0o666 & ~_umask())
        if path.is_symlink():  # planted while we wrote
            raise UserError("is a symlink: refusing to write through it", file=path)
        try:
            os.replace(tmp, path)
        except OSError as exc:
            raise UserError(f"cannot write: {exc.strerror}", file=path) from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_bytes_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`atomic_output`."""
    with atomic_output(path, "wb") as handle:
        handle.write(data)
