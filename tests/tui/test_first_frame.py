"""The labeling screen's first frame is laid out as it stays (issue 24, :mod:`annotator.tui.first_frame`).

At each width the screen has its breakpoint class when the first frame is drawn
(Textual set it on the resize event after that frame, which was then restyled, laid
out and drawn again); the restyle of every node skipped at the first resume would
have changed no node's styles; the queue's first drawing cuts the names to the
width they keep, and the error view's first drawing wraps its head at its width.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from textual.screen import Screen

from annotator.blind import BlindView
from annotator.models import SampleIn
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.compositor import SpanCompositor
from annotator.tui.preload import first_page
from annotator.tui.screens.label import LabelScreen
from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.sample_list import SampleList

from .conftest import settle

SIZES = {(80, 24): "-narrow", (120, 40): "-medium", (200, 60): "-wide"}


def styles_of(screen: Screen[Any]) -> dict[int, Any]:
    return {id(node): node.styles.get_rules() for node in screen.walk_children(with_self=True)}


@pytest.mark.parametrize("size", list(SIZES))
async def test_the_first_frame_is_laid_out_as_it_stays(
    db_path: Path, monkeypatch: pytest.MonkeyPatch, size: tuple[int, int]
) -> None:
    at_first_frame: list[set[str]] = []
    restyles: list[tuple[dict[int, Any], dict[int, Any]]] = []
    queue_widths: list[int] = []
    full, resume = SpanCompositor.render_full_update, LabelScreen.on_screen_resume
    draw, draw_view = SampleList.render_lines, LinesView.render_lines
    error_wrapped_at: list[int] = []

    def first_full(self: SpanCompositor, simplify: bool = False) -> Any:
        if not at_first_frame and isinstance(self.root, LabelScreen):
            at_first_frame.append(set(self.root.classes))
        return full(self, simplify)

    def resumed(self: LabelScreen, event: Any) -> None:
        resume(self, event)
        if not event.refresh_styles:  # skipped: what would Textual's restyle have changed?
            before = styles_of(self)
            self.app.update_styles(self, animate=False)
            restyles.append((before, styles_of(self)))

    def drawn(self: SampleList, crop: Any) -> Any:
        lines = draw(self, crop)
        queue_widths.append(self.name_width)
        return lines

    def view_drawn(self: LinesView, crop: Any) -> Any:
        if self.id == "error" and self._shown.wrap_head:
            error_wrapped_at.append(self._shown.wrapped_at)
        return draw_view(self, crop)

    monkeypatch.setattr(LinesView, "render_lines", view_drawn)
    monkeypatch.setattr(SpanCompositor, "render_full_update", first_full)
    monkeypatch.setattr(LabelScreen, "on_screen_resume", resumed)
    monkeypatch.setattr(SampleList, "render_lines", drawn)
    with Store.open(db_path) as store:
        for i in range(60):  # a queue longer than the list: it has a scrollbar
            store.upsert_sample(
                SampleIn(id=f"more_sample_{i}", generated_code="x = 1\n", test_output="boom")
            )
        app = AnnotatorApp(store, "alice", preload=first_page(BlindView(store, "alice")))
        async with app.run_test(size=size) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LabelScreen)
            settled_classes = set(screen.classes)
            settled_width = screen.queue.name_width
            error_width = screen.query_one("#error", LinesView).size.width
    assert SIZES[size] in settled_classes
    assert at_first_frame == [settled_classes]
    assert len(restyles) == 1
    before, after = restyles[0]
    assert before == after
    assert queue_widths[0] == settled_width > 0
    # The error's head is wrapped at the view's laid-out width from its first drawing.
    assert error_wrapped_at and error_wrapped_at[0] == error_width > 0
