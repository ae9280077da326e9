"""The schema steps this version ships: ``db/migrations.py`` (or the wheel's copy).

Contract: :func:`migrations` loads the append-only sqlite-utils migration set once
per process and returns it; opening a database applies it
(:mod:`.connection`), and the guard against newer databases (:mod:`.schema_guard`)
compares a file's recorded steps with it. The file lives outside the package (the
design card puts ``db/`` at the top level), so it is loaded by path.
"""

from __future__ import annotations

import importlib.util
from types import ModuleType

from sqlite_utils.migrations import Migrations

from ..paths import shipped


def _load_migrations_module() -> ModuleType:
    path = shipped("migrations.py")
    spec = importlib.util.spec_from_file_location("annotator_db_migrations", path)
    if spec is None or spec.loader is None:  # pragma: no cover - packaging error
        raise RuntimeError(f"cannot load migrations from {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


_MIGRATIONS: Migrations | None = None


def migrations() -> Migrations:
    global _MIGRATIONS
    if _MIGRATIONS is None:
        _MIGRATIONS = _load_migrations_module().migrations
    return _MIGRATIONS
