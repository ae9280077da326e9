"""The schema steps this version ships: ``db/migrations.py`` (or the wheel's copy).

Contract: :func:`migrations` loads the append-only sqlite-utils migration set once
per process and returns it; opening a database applies it when a step is pending
(:mod:`.connection`). :func:`step_names` gives the steps' names, in order, without
loading the set: read from the file's text (each ``@migrations()`` and the ``def``
under it), so that opening an up-to-date database, and the guard against newer
databases (:mod:`.schema_guard`), need neither the steps nor sqlite-utils (15-25 ms
of every ``annotator label`` start; ``tests/test_schema.py`` checks both give the
same names). The file lives outside the package (the design card puts ``db/`` at
the top level), so it is loaded by path.
"""

from __future__ import annotations

import importlib.util
import re
from functools import cache
from types import ModuleType
from typing import TYPE_CHECKING

from ..paths import shipped

if TYPE_CHECKING:
    from sqlite_utils.migrations import Migrations

_STEP = re.compile(r"^@migrations\(\)\s*\ndef (\w+)\(", re.MULTILINE)
"""A step as ``db/migrations.py`` spells every one: the decorator, then its function."""


def _load_migrations_module() -> ModuleType:
    path = shipped("migrations.py")
    spec = importlib.util.spec_from_file_location("annotator_db_migrations", path)
    if spec is None or spec.loader is None:  # pragma: no cover - packaging error
        raise RuntimeError(f"cannot load migrations from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@cache
def migrations() -> Migrations:
    """The shipped migration set (loaded once per process)."""
    migration_set: Migrations = _load_migrations_module().migrations
    return migration_set


@cache
def step_names() -> tuple[str, ...]:
    """The names of the shipped steps, in order (read once per process, see above)."""
    text = shipped("migrations.py").read_text(encoding="utf-8")
    return tuple(_STEP.findall(text))
