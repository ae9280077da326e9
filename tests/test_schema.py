"""db/schema.sql is the snapshot of what the migrations produce."""

from __future__ import annotations

from pathlib import Path

from annotator.store.schema import current_schema
from annotator.store.steps import migrations, step_names

REPO = Path(__file__).resolve().parents[1]


def test_schema_snapshot_matches_migrations() -> None:
    snapshot = (REPO / "db" / "schema.sql").read_text(encoding="utf-8")
    assert snapshot == current_schema(), "run: python -m annotator.store.schema --write"


def test_migrations_are_named_in_order() -> None:
    names = [m.name for m in migrations()._migrations]
    assert names == sorted(names)
    assert names[0] == "m001_initial"


def test_step_names_read_from_the_file_are_the_set_s() -> None:
    """Opening a database decides whether a step is pending from the names read off
    the file's text, without loading the set (annotator.store.steps)."""
    assert list(step_names()) == [m.name for m in migrations()._migrations]
