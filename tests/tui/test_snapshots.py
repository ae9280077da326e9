"""Snapshots of the labeling screen at a small and a medium terminal size.

Regenerate with ``pytest tests/tui --snapshot-update`` and look at the .svg
files under tests/tui/__snapshots__ before committing them.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual.pilot import Pilot

from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.digits import PENDING_SECONDS

from .conftest import fill, settle


@pytest.fixture
def snapshot_app(tmp_path: Path) -> Any:
    store = Store.open(tmp_path / "snap.db")
    fill(store)
    yield AnnotatorApp(store, "snap")
    store.close()


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
def test_main_screen(
    snap_compare: Callable[..., bool], snapshot_app: AnnotatorApp, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    assert snap_compare(snapshot_app, terminal_size=size, run_before=run_before)


def test_subcategory_picker(snap_compare: Callable[..., bool], snapshot_app: AnnotatorApp) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("1")  # waits a second for a second digit (10-14)
        await pilot.pause(PENDING_SECONDS + 0.2)
        await settle(pilot)

    assert snap_compare(snapshot_app, terminal_size=(120, 40), run_before=run_before)
