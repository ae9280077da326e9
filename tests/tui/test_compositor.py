"""The labeling screen's compositor writes exactly what Textual's would (issue 24).

:class:`~annotator.tui.compositor.SpanCompositor` renders less for a partial
update; what it writes must not differ. Every partial update of a walk through
the queue (``n``, ``p``, a label, the view keys, a resize), at the sizes of the
layout tests, is made twice from the same dirty regions: by the labeling
screen's compositor, then by Textual's own method on the same state; the two
updates must write the same bytes to the terminal.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual._compositor import Compositor

from annotator.blind import BlindView
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.compositor import SpanCompositor
from annotator.tui.preload import first_page
from annotator.tui.screens.label import LabelScreen

from .conftest import settle

CONSOLE = Console(width=220, height=70, color_system="truecolor", force_terminal=True)


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_partial_updates_write_what_textual_writes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    compared: list[bool] = []
    ours = SpanCompositor.render_partial_update

    def both(self: SpanCompositor) -> Any:
        dirty = set(self._dirty_regions)
        update = ours(self)
        self._dirty_regions = dirty
        textual = Compositor.render_partial_update(self)
        written = update.render_segments(CONSOLE) if update else None
        expected = textual.render_segments(CONSOLE) if textual else None
        compared.append(written == expected)
        return update

    monkeypatch.setattr(SpanCompositor, "render_partial_update", both)
    with Store.open(db_path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            assert isinstance(app.screen._compositor, SpanCompositor)
            for key in ["n", "n", "r", "n", "d", "g", "p", "3", "n", "t", "n", "u", "n"]:
                await pilot.press(key)
                await settle(pilot)
            await pilot.resize_terminal(size[0] - 10, size[1] - 4)
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
    assert len(compared) > 10
    assert all(compared), f"{compared.count(False)} of {len(compared)} updates differ"


def test_another_textual_gets_textuals_own_compositor(monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.tui import compositor

    assert isinstance(compositor.labeling_compositor(), SpanCompositor)  # the pinned one
    monkeypatch.setattr(compositor, "textual_version", lambda: "9.0.0")
    chosen = compositor.labeling_compositor()
    assert type(chosen) is Compositor


def test_textual_version_is_the_installed_distributions() -> None:
    from importlib.metadata import version

    from annotator.tui.compositor import textual_version

    assert textual_version() == version("textual")


def test_version_beside_reads_one_distribution_folder_only(tmp_path: Path) -> None:
    from annotator.tui.compositor import version_beside

    assert version_beside(tmp_path, "textual") is None  # none: importlib.metadata decides
    for other in ("textual-8.2.8", "textual_dev-1.0", "textualize-2.0"):
        (tmp_path / f"{other}.dist-info").mkdir()
    assert version_beside(tmp_path, "textual") == "8.2.8"  # other names that start alike
    (tmp_path / "textual-9.0.0.dist-info").mkdir()
    assert version_beside(tmp_path, "textual") is None  # two: which one is current?
    assert version_beside(tmp_path / "missing", "textual") is None


@pytest.mark.parametrize("size", [(80, 24), (120, 40), (200, 60)])
async def test_full_updates_write_what_textual_writes(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    """The first frame and every full update after it (a resize, a screen closed)."""
    compared: list[bool] = []
    ours = SpanCompositor.render_full_update

    def both(self: SpanCompositor, simplify: bool = False) -> Any:
        update = ours(self, simplify)
        textual = Compositor.render_full_update(self, simplify)
        compared.append(update.render_segments(CONSOLE) == textual.render_segments(CONSOLE))
        return update

    monkeypatch.setattr(SpanCompositor, "render_full_update", both)
    with Store.open(db_path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            assert compared, "the first frame is a full update"
            for key in ["n", "t", "escape", "n", "question_mark", "escape", "d", "n"]:
                await pilot.press(key)
                await settle(pilot)
            await pilot.resize_terminal(size[0] - 10, size[1] - 4)
            await settle(pilot)
            await pilot.resize_terminal(size[0] + 50, size[1] + 10)
            await settle(pilot)
    assert len(compared) >= 3
    assert all(compared), f"{compared.count(False)} of {len(compared)} updates differ"


async def test_a_full_update_draws_no_widget_hidden_behind_others(db_path: Path) -> None:
    """The screen and the containers behind the views are not drawn for the first frame."""
    drawn: list[str] = []
    original = LabelScreen.render_lines

    def render_lines(self: LabelScreen, crop: Any) -> Any:
        drawn.append("screen")
        return original(self, crop)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(LabelScreen, "render_lines", render_lines)
        with Store.open(db_path) as store:
            app = AnnotatorApp(store, "alice")
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
    assert drawn == []


async def test_the_first_layout_arranges_the_screen_once(db_path: Path) -> None:
    """A reflow makes the full map once (Textual's made it twice at the first frame:
    the views' scrollbars asked for their regions while being arranged)."""
    arranged: list[int] = []
    reflows: list[int] = []
    arrange, reflow = SpanCompositor._arrange_root, SpanCompositor.reflow

    def counted_arrange(self: SpanCompositor, *args: Any, **kwargs: Any) -> Any:
        arranged.append(1)
        return arrange(self, *args, **kwargs)

    def counted_reflow(self: SpanCompositor, *args: Any) -> Any:
        before = len(arranged)
        result = reflow(self, *args)
        reflows.append(len(arranged) - before)
        return result

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(SpanCompositor, "_arrange_root", counted_arrange)
        patch.setattr(SpanCompositor, "reflow", counted_reflow)
        with Store.open(db_path) as store:
            # As `annotator label` starts: the first sample painted before the first layout.
            app = AnnotatorApp(store, "alice", preload=first_page(BlindView(store, "alice")))
            async with app.run_test(size=(120, 40)) as pilot:
                await settle(pilot)
    assert reflows and set(reflows) == {1}
