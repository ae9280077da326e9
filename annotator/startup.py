"""Start-up speed: sqlite-utils loads without pandas and numpy, for every user of the package.

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
"""

from __future__ import annotations

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
