"""The store without sqlite-utils: it is imported for the migrations only.

Opening an up-to-date database, reading, writing labels and nested write blocks (our
savepoints) go through ``sqlite3``; creating a database runs the migrations through
sqlite-utils. Each import check runs in a fresh interpreter and reads ``sys.modules``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from annotator.models import LabelValue, SampleIn
from annotator.store import Store

PASS = LabelValue(kind="pass")


def made(tmp_path: Path) -> Path:
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        for i in range(3):
            store.upsert_sample(SampleIn(id=f"s{i}", test_output="boom", passed=False))
    return db


def loads_sqlite_utils(code: str, db: Path) -> bool:
    probe = f"import sys\nfrom pathlib import Path\ndb = Path({str(db)!r})\n{code}\n"
    probe += "print('sqlite_utils' in sys.modules)"
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return out.split()[-1] == "True"


def test_labels_are_written_without_sqlite_utils(tmp_path: Path) -> None:
    code = (
        "from annotator.models import LabelValue\n"
        "from annotator.store import Store\n"
        "with Store.open(db) as store:\n"
        "    store.set_label('s0', 'alice', LabelValue(kind='pass'))\n"
        "    with store.transaction():\n"
        "        store.set_label('s1', 'alice', LabelValue(kind='skip'))\n"
        "    store.delete_label('s1', 'alice')\n"
        "    assert store.label('s0', 'alice').kind == 'pass'\n"
    )
    assert not loads_sqlite_utils(code, made(tmp_path))


def test_a_new_database_is_migrated_by_sqlite_utils(tmp_path: Path) -> None:
    code = "from annotator.store import Store\nStore.open(db).close()"
    assert loads_sqlite_utils(code, tmp_path / "new.db")


def test_a_nested_block_that_raises_is_undone_alone(tmp_path: Path) -> None:
    with Store.open(made(tmp_path)) as store:
        with store.transaction():
            store.set_label("s0", "alice", PASS)
            with pytest.raises(RuntimeError), store.transaction():
                store.set_label("s1", "alice", PASS)
                raise RuntimeError("undo this block only")
            store.set_label("s2", "alice", PASS)
        labeled = {label.sample_id for label in store.labels("alice")}
    assert labeled == {"s0", "s2"}


def test_a_nested_block_commits_with_the_outer_one(tmp_path: Path) -> None:
    db = made(tmp_path)
    with Store.open(db) as store:
        with pytest.raises(RuntimeError), store.transaction():
            with store.transaction():
                store.set_label("s0", "alice", PASS)
            raise RuntimeError("the outer block fails")
        assert list(store.labels("alice")) == []
        with store.transaction(), store.transaction():
            store.set_label("s1", "alice", PASS)
    with Store.open(db) as store:
        assert [label.sample_id for label in store.labels("alice")] == ["s1"]
