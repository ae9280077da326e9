"""The first queue page read before the app starts (``annotator label``)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from annotator.blind import BlindView
from annotator.cli import cli
from annotator.models import LabelValue
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.preload import first_page
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.label_reads import LabelReads

from .conftest import settle

ME = "alice"


def test_first_page_is_the_queue_head_with_its_view(tui_store: Store) -> None:
    tui_store.set_label("s01", ME, LabelValue(kind="bug", category=1, subcategory="Not DL-related"))
    page = first_page(BlindView(tui_store, ME))
    assert [r.id for r in page.rows][:2] == ["s02", "s03"]
    assert page.total == 9
    assert page.view is not None and page.view.sample_id == "s02"
    assert any("reshape" in line.plain for line in page.view.generated)


def test_first_page_of_an_empty_database(tmp_path: Path) -> None:
    with Store.open(tmp_path / "empty.db") as store:
        page = first_page(BlindView(store, ME))
    assert page.rows == [] and page.total == 0 and page.view is None


async def test_preloaded_app_paints_without_a_read_worker(
    tui_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls: list[str] = []
    monkeypatch.setattr(LabelReads, "fetch_queue", lambda self, *a, **k: calls.append("queue"))
    monkeypatch.setattr(LabelReads, "load_sample", lambda self, *a, **k: calls.append("load"))
    app = AnnotatorApp(tui_store, ME, preload=first_page(BlindView(tui_store, ME)))
    frames: list[bool] = []
    display = app._display

    def record(screen: Any, renderable: Any) -> None:
        frames.append(bool(getattr(screen, "shown_at", None)))
        display(screen, renderable)

    app._display = record  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        assert frames and frames[0], "the first frame must already show the sample"
        assert screen.current == "s01" and "s01" in screen.shown_at
        assert screen.queue.option_count == 9
        assert "s01" in str(screen.query_one("#meta").render())
        await pilot.press("2")  # labeling works as usual
        await settle(pilot)
    assert calls == []
    label = tui_store.label("s01", ME)
    assert label is not None and label.category == 2


def test_label_command_preloads_the_first_unlabeled_sample(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: dict[str, Any] = {}

    def fake_run(self: AnnotatorApp) -> None:
        seen["preload"] = self.preload

    monkeypatch.setattr(AnnotatorApp, "run", fake_run)
    with Store.open(db_path) as store:
        store.set_label("s01", ME, LabelValue(kind="pass"))
    result = CliRunner().invoke(cli, ["--db", str(db_path), "label", "--annotator", ME])
    assert result.exit_code == 0, result.output
    assert seen["preload"].view.sample_id == "s02"


def test_secondary_screens_are_not_imported_to_label() -> None:
    code = (
        "import sys, annotator.cli.labeling, annotator.tui.app\n"
        "print(sorted(m for m in sys.modules if m.startswith('annotator.tui.screens.')"
        " and m.rsplit('.', 1)[1] in ('agreement', 'stats', 'review')))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
