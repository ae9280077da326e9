"""Shared fixtures: where the real DL-Bench data is, and fresh stores."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.store import Store

REPO = Path(__file__).resolve().parents[1]
DLBENCH = REPO.parent / "shared" / "dlbench"


@pytest.fixture
def dlbench_dir() -> Path:
    """The real DL-Bench sample folder; the test skips on a fresh clone without it."""
    if not (DLBENCH / "Generated").is_dir():
        pytest.skip("../shared/dlbench is not available")
    return DLBENCH


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "annotations.db")
    yield s
    s.close()
