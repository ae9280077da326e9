"""Large imports write with a rollback journal when they have the file alone,
and stay all-or-nothing; the database is back in WAL mode afterwards."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.importers import estimate, import_path
from annotator.store import Store


def _write(path: Path, n: int, bad_line: int | None = None) -> Path:
    lines = [json.dumps({"id": f"s{i}", "generated_code": f"x = {i}"}) for i in range(n)]
    if bad_line is not None:
        lines[bad_line - 1] = '{"id": '
    path.write_text("\n".join(lines) + "\n")
    return path


def test_bulk_import_alone_switches_journal_and_restores_wal(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.db")
    with store.bulk_mode() as switched:
        assert switched
        assert store.connection_settings().journal_mode == "delete"
    assert store.connection_settings().journal_mode == "wal"
    data = _write(tmp_path / "big.jsonl", 2100)
    summary = import_path(store, "jsonl", data, expected=estimate("jsonl", data))
    assert summary.samples["new"] == 2100
    assert store.connection_settings().journal_mode == "wal"


def test_bulk_import_with_another_reader_stays_in_wal(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "b.db")
    other = sqlite3.connect(tmp_path / "b.db")
    other.execute("SELECT COUNT(*) FROM samples").fetchone()
    with store.bulk_mode() as switched:
        assert not switched
    data = _write(tmp_path / "big.jsonl", 2100)
    import_path(store, "jsonl", data, expected=2100)
    assert other.execute("SELECT COUNT(*) FROM samples").fetchone()[0] == 2100
    other.close()


def test_failed_bulk_import_changes_nothing(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    import_path(store, "jsonl", _write(tmp_path / "small.jsonl", 3))
    with pytest.raises(UserError, match=r"big\.jsonl:2050"):
        import_path(
            store, "jsonl", _write(tmp_path / "big.jsonl", 2100, bad_line=2050), expected=2100
        )
    assert store.status().samples == 3
    assert store.connection_settings().journal_mode == "wal"
    assert store.connection_settings().page_size == 16384


def test_estimate_counts_lines_of_any_size(tmp_path: Path) -> None:
    path = tmp_path / "e.jsonl"
    path.write_bytes(b"{}\n" * 700_000 + b"{}")  # spans several read blocks, no final newline
    assert estimate("jsonl", path) == 700_001
    path.write_bytes(b"")
    assert estimate("jsonl", path) == 0
