"""One store style: named Store methods (mixins of annotator/store/), no function that
reaches into another object's connection, and the few connection facts tests ask for
as methods too."""

from __future__ import annotations

import re
from pathlib import Path

from rawsql import tamper

from annotator.models import SampleIn
from annotator.store import Store

PACKAGE = Path(__file__).resolve().parent.parent / "annotator"

# BlindStore is a view that holds a Store and shares its connection on purpose.
VIEWS = {"store/blind.py"}


def test_no_module_reaches_into_a_store_connection() -> None:
    offenders = []
    for path in sorted(PACKAGE.rglob("*.py")):
        name = path.relative_to(PACKAGE).as_posix()
        if name in VIEWS:
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"(?<!self)\._db\b", line):
                offenders.append(f"{name}:{number}: {line.strip()}")
    assert offenders == []


def test_connection_settings_and_search_index(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "s.db")
    settings = store.connection_settings()
    assert (settings.journal_mode, settings.foreign_keys) == ("wal", True)
    store.upsert_sample(SampleIn(id="s0", generated_code="x = 1"))
    assert store.search_index_ok()
    # Bad state on purpose: the index's document sizes gone (the check of SQLite 3.40
    # reads the index itself; only newer versions compare it with the content table).
    conn = tamper(store)
    conn.execute("DELETE FROM sample_fts_docsize")
    conn.commit()
    assert not store.search_index_ok()
