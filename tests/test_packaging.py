"""The wheel carries taxonomy.yaml, the migrations, the schema snapshot and the demo data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_top_level_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("annotator-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("taxonomy.yaml", "migrations.py", "schema.sql"):
        assert f"annotator/_shipped/{shipped}" in names
    assert "annotator/demo/demo.jsonl" in names
    assert not any(name.startswith("tests/") for name in names)
