"""Two annotators writing to one database at once lose nothing and see no lock errors."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from rawsql import peek

from annotator.models import SampleIn
from annotator.store import Store

WRITER = """
import sys
from annotator.models import LabelValue
from annotator.store import Store
store = Store.open(sys.argv[1])
who = sys.argv[2]
ids = store.sample_ids()
for i, sid in enumerate(ids):
    store.set_label(sid, who, LabelValue(category=1 + i % 14, note=f"{who} {i}"))
print("done", len(ids))
"""


def test_two_processes_write_1000_labels_each(tmp_path: Path) -> None:
    db = tmp_path / "shared.db"
    with Store.open(db) as store, store.transaction():
        for i in range(1000):
            store.upsert_sample(SampleIn(id=f"s{i:04d}", generated_code=f"x = {i}"))
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WRITER, str(db), name],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for name in ("alice", "bob")
    ]
    outputs = [p.communicate(timeout=300) for p in procs]
    for proc, (out, err) in zip(procs, outputs, strict=True):
        assert proc.returncode == 0, err
        assert "locked" not in err
        assert out.strip() == "done 1000"
    with Store.open(db) as store:
        assert {n: r.labeled for n, r in store.status().annotators.items()} == {
            "alice": 1000,
            "bob": 1000,
        }
        rows = peek(store, "SELECT COUNT(*) FROM label_history")[0][0]
        assert rows == 2000
