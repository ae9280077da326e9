"""Dataclass methods (and named tuples') compiled once, kept between starts of ``annotator``.

Contract: :func:`use_code_cache` makes the :mod:`dataclasses` module compile the source of
each method it generates (a class's ``__init__``, ``__repr__``, ``__eq__``,
``__hash__``, ``__setattr__`` ...), and :func:`collections.namedtuple` its
``__new__``, at most once across runs: the code compiled
for a source text is kept in a file of the folder given (a ``marshal`` file named
for this interpreter's bytecode version) and read back at the next start; what a
run compiled anew is added when the process exits (written beside the file, then
renamed over it). The code for a text is what ``compile`` makes of that text,
found by a 128-bit digest of it, so a class is the same with or without the file;
a file that is missing, unreadable, not the user's own, writable by others or
not what it should be is ignored (the methods are compiled as usual). Only the
``annotator`` console script installs it (:func:`annotator._entry.main`): a
library user or a test keeps the standard behaviour. Imports nothing of the
project (a base module).

Why (issue 24): Python 3.11 compiles every generated method from source, at
every start: ~360 of them (Textual's classes and ours) before the labeling
screen's first frame, 25-30 ms of CPU of ``annotator label``'s ~390 (Python's
own modules are kept compiled in ``__pycache__``; these are not). Read from the
file they take ~2 ms. On an interpreter whose :mod:`dataclasses` does not
compile through a module-level ``exec`` (3.13 builds its methods differently)
nothing is installed.
"""

from __future__ import annotations

import atexit
import builtins
import hashlib
import importlib.util
import marshal
import os
import stat
import sys
from pathlib import Path
from types import CodeType
from typing import Any

MAX_FILE_BYTES = 16 * 1024 * 1024
"""A larger file is not read (a code cache of the project's classes is ~1 MB)."""

MAX_ENTRIES = 8192
"""Past this many, a run keeps only the entries it used and made."""

DISABLE = "ANNOTATOR_CODE_CACHE"
"""Environment variable: ``0`` turns the cache off."""


def default_folder() -> Path:
    """``$XDG_CACHE_HOME/annotator`` (``~/.cache/annotator`` by default)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "annotator"


def cache_file(folder: Path) -> Path:
    """The file for this interpreter (its bytecode magic number in the name)."""
    return (
        folder
        / f"dataclass-code-{sys.implementation.cache_tag}-{importlib.util.MAGIC_NUMBER.hex()}.marshal"
    )


def _digest(text: str) -> bytes:
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=16).digest()


class CodeCache:
    """Compiled code by the digest of its source text, read from and written to ``path``."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.stored: dict[bytes, bytes] = read_entries(path)
        self.used: dict[bytes, bytes] = {}
        self.made: dict[bytes, bytes] = {}

    def compiled(self, source: str, mode: str = "exec") -> CodeType:
        """The code ``compile`` makes of ``source`` in ``mode`` (as ``exec`` or ``eval``
        of the text would)."""
        key = _digest(f"{mode}\0{source}")
        raw = self.stored.get(key)
        if raw is not None:
            try:
                code = marshal.loads(raw)
            except (ValueError, EOFError, TypeError):
                code = None
            if isinstance(code, CodeType):
                self.used[key] = raw
                return code
        # Not inherited: the flags of this module's `from __future__` import.
        code = compile(source, "<string>", mode, dont_inherit=True)
        self.made[key] = marshal.dumps(code)
        return code

    def exec(self, source: Any, scope: Any = None, names: Any = None) -> None:
        """``exec`` for the dataclasses module: a source text compiled through the cache."""
        if type(source) is str:
            source = self.compiled(source)
        builtins.exec(source, scope, names)

    def eval(self, source: Any, scope: Any = None, names: Any = None) -> Any:
        """``eval`` for the collections module (a named tuple's ``__new__``), likewise."""
        if type(source) is str:
            source = self.compiled(source, "eval")
        return builtins.eval(source, scope, names)

    def save(self) -> None:
        """Add what this run compiled to the file (nothing when it compiled nothing)."""
        if not self.made:
            return
        entries = {**self.stored, **self.made}
        if len(entries) > MAX_ENTRIES:
            entries = {**self.used, **self.made}
        try:
            write_entries(self.path, entries)
        except OSError:
            pass  # a read-only or full disk: the next start compiles again


def read_entries(path: Path) -> dict[bytes, bytes]:
    """The file's entries, or none when it is not a sound cache of the user's own."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not _trusted(info) or info.st_size > MAX_FILE_BYTES:
                return {}
            data = marshal.loads(handle.read())
    except (OSError, ValueError, EOFError, TypeError):
        return {}
    if not isinstance(data, dict) or not all(
        type(k) is bytes and type(v) is bytes for k, v in data.items()
    ):
        return {}
    return data


def _trusted(info: os.stat_result) -> bool:
    """A regular file of the user running the command, that nobody else can write."""
    own = not hasattr(os, "getuid") or info.st_uid == os.getuid()
    return stat.S_ISREG(info.st_mode) and own and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)


def write_entries(path: Path, entries: dict[bytes, bytes]) -> None:
    """Write ``entries`` to ``path`` at once (a new file in its folder, renamed over it)."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(marshal.dumps(entries))
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


def use_code_cache(folder: Path | None = None) -> CodeCache | None:
    """Compile dataclass methods through the cache in ``folder`` (default
    :func:`default_folder`) from now on, and save it at exit. None when turned off
    (``ANNOTATOR_CODE_CACHE=0``) or when this Python's dataclasses builds its
    methods otherwise."""
    if os.environ.get(DISABLE) == "0":
        return None
    import collections
    import dataclasses

    if not hasattr(dataclasses, "_create_fn"):  # 3.13 and later: not through exec
        return None
    cache = CodeCache(cache_file(folder or default_folder()))
    # A module global shadows the builtin for dataclasses' own `exec(txt, ...)` call,
    # and for the `eval(code, namespace)` of collections.namedtuple (typing.NamedTuple).
    dataclasses.exec = cache.exec  # type: ignore[attr-defined]
    collections.eval = cache.eval  # type: ignore[attr-defined]
    atexit.register(cache.save)
    return cache
