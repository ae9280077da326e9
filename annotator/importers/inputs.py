"""Checking the files and folders an import is given, before reading them.

Contract: :func:`regular_file` refuses anything that is not a readable regular
file (a folder, a FIFO that would block forever, a device, a socket, a file
without read permission) with one :class:`~annotator.errors.UserError`.
:func:`folder_files` lists the files with a given suffix directly in a folder,
refusing an unreadable folder, symlinks that point outside the imported tree
and symlink loops (never followed silently). Both are used by every importer.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from ..errors import UserError


def regular_file(path: Path, what: str = "file") -> Path:
    """``path`` if it is a readable regular file, else a clean error."""
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        raise UserError(f"no such {what}", file=path) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if stat.S_ISDIR(mode):
        raise UserError(f"is a folder, expected a {what}", file=path)
    if not stat.S_ISREG(mode):
        kind = "a FIFO" if stat.S_ISFIFO(mode) else "not a regular file"
        raise UserError(f"{kind}: refusing to read it as a {what}", file=path)
    if not os.access(path, os.R_OK):
        raise UserError("cannot read: permission denied", file=path)
    return path


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
    """The regular files in ``folder`` (not below it) whose suffix is in ``suffixes``."""
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


def read_text(file: Path, encoding: str = "utf-8", *, universal_newlines: bool = False) -> str:
    """The text of ``file``, or one clear line naming it (not UTF-8, cannot read).

    ``universal_newlines`` turns ``\\r\\n`` and ``\\r`` into ``\\n``, as
    ``Path.read_text`` does; without it the text is exactly the file's bytes
    decoded (what a CSV reader with ``newline=""`` expects).
    """
    try:
        text = file.read_bytes().decode(encoding)
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=file) from None
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror}", file=file) from None
    return text.replace("\r\n", "\n").replace("\r", "\n") if universal_newlines else text
