"""Start-up speed: sqlite-utils loads without pandas and numpy, for every user of the package;
the ``annotator`` command starts without the cyclic garbage collector.

Contract: :func:`install` (run by ``annotator/__init__.py``) makes ``import
pandas`` and ``import numpy`` fail *while sqlite-utils' ``db`` module is being
imported* and at no other time. sqlite-utils imports both eagerly when they are
installed, only to map their scalar types to column types, which annotator never
stores; that cost a researcher's environment 0.3-1 s on every command and on
opening the UI, and kept ``import annotator.tui.app`` from starting fast. A
process that imported pandas or numpy before keeps them (sqlite-utils then sees
them as usual); anything imported later (matplotlib for the figures) imports
numpy normally, so no command has to undo anything. Imports nothing of the
project (a base module).

:func:`pause_collection` (the console script's first step) turns Python's cyclic
garbage collector off while the command loads its modules: the collector's full
passes over the objects the imports create (classes, pydantic schemas, Textual's
CSS) cost ``annotator label`` 60-100 ms of CPU before its first frame, and found
almost nothing to free (under a thousand objects). :func:`resume_collection` turns
it back on after freezing what exists (``gc.freeze``: moved to the permanent
generation, never scanned again): the command line before running any command but
the labeling UI, the UI when it mounts. It does nothing unless the collector was
paused here, so a library user or a test never has its collector touched.
"""

from __future__ import annotations

import gc
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

_OPTIONAL = frozenset({"pandas", "numpy"})
_IMPORTER = "sqlite_utils.db"


def _initializing(name: str) -> bool:
    """Whether module ``name`` is executing its import right now."""
    module = sys.modules.get(name)
    return module is not None and bool(getattr(module.__spec__, "_initializing", False))


class _NotForSqliteUtils(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in _OPTIONAL and _initializing(_IMPORTER):
            raise ImportError(f"{fullname} is not needed by sqlite-utils in annotator")
        return None


def install() -> None:
    """Put the finder first on ``sys.meta_path`` (once; a no-op once sqlite-utils is loaded)."""
    if _IMPORTER in sys.modules or any(isinstance(f, _NotForSqliteUtils) for f in sys.meta_path):
        return
    sys.meta_path.insert(0, _NotForSqliteUtils())


_paused = False
"""Whether :func:`pause_collection` turned the collector off (and it is still off)."""


def pause_collection() -> None:
    """Turn the cyclic garbage collector off until :func:`resume_collection` (if it is on)."""
    global _paused
    if gc.isenabled():
        gc.disable()
        _paused = True


def resume_collection() -> None:
    """Freeze the objects that exist and turn the collector back on, if
    :func:`pause_collection` turned it off; otherwise nothing."""
    global _paused
    if _paused:
        _paused = False
        gc.freeze()
        gc.enable()
