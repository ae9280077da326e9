"""Start-up speed of the ``annotator`` command: pandas and numpy hidden from its process.

Contract: sqlite-utils imports pandas and numpy at import time when they are
installed (for its DataFrame helpers, which annotator never uses); in a
researcher's environment that costs about a second on every command and on
opening the UI. :func:`hide_unused` makes importing either fail in this
process (unless already imported); :func:`reveal_hidden` undoes it, for the
commands that need numpy (figures). Imports nothing of the project, so that
both the entry point (:mod:`annotator._entry`) and the figure export use it.
Library users importing ``annotator`` are not affected.
"""

from __future__ import annotations

import importlib.abc
import importlib.machinery
import sys
from collections.abc import Sequence
from types import ModuleType

_HIDDEN = frozenset({"pandas", "numpy"})


class _Hide(importlib.abc.MetaPathFinder):
    def find_spec(
        self, fullname: str, path: Sequence[str] | None, target: ModuleType | None = None
    ) -> importlib.machinery.ModuleSpec | None:
        if fullname.partition(".")[0] in _HIDDEN:
            raise ImportError(f"{fullname} is not used by the annotator command")
        return None


def hide_unused() -> None:
    """Hide pandas and numpy from this process (unless already imported)."""
    if not _HIDDEN & set(sys.modules) and not any(isinstance(f, _Hide) for f in sys.meta_path):
        sys.meta_path.insert(0, _Hide())


def reveal_hidden() -> None:
    """Undo :func:`hide_unused`: for the commands that need numpy (figures)."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, _Hide)]
