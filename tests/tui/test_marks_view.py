"""The code view marks the expression a fact points at (Pilot, a real SQLite file)."""

from __future__ import annotations

import json
from pathlib import Path

from rich.style import Style

from annotator.importers import import_path
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen
from annotator.tui.widgets.lines_view import LinesView

from .conftest import settle

GENERATED = "import torch\n\ndef join(a, b):\n\tété = 1\n\treturn torch.cat([a, b], dim=0)\n"
REFERENCE = "import torch\n\ndef join(a, b):\n    return torch.cat([a, b], dim=1)\n"
OUTPUT = (
    "Traceback (most recent call last):\n"
    '  File "/tmp/generated.py", line 5, in join\n'
    "    return torch.cat([a, b], dim=0)\n"
    "RuntimeError: Sizes of tensors must match except in dimension 0\n"
)


def _database(tmp_path: Path) -> Path:
    source = tmp_path / "samples.jsonl"
    record = {
        "id": "cat-dim",
        "prompt": "Join two tensors.",
        "generated_code": GENERATED,
        "reference_code": REFERENCE,
        "test_output": OUTPUT,
        "passed": False,
        "function": "join",
    }
    source.write_text(json.dumps(record) + "\n", encoding="utf-8")
    path = tmp_path / "marks.db"
    with Store.open(path) as store:
        import_path(store, "jsonl", source)
    return path


def _drawn(view: LinesView, row: int) -> list[tuple[str, Style | None]]:
    """The segments the view draws for line ``row`` (scrolled to the top)."""
    view.scroll_to(0, 0, animate=False, immediate=True)
    return [(seg.text, seg.style) for seg in view.render_line(row)]


def _marked_text(view: LinesView, row: int, mark: Style) -> str:
    return "".join(
        text
        for text, style in _drawn(view, row)
        if style is not None and style.bgcolor == mark.bgcolor
    )


async def test_the_differing_argument_carries_the_mark_style(tmp_path: Path) -> None:
    with Store.open(_database(tmp_path)) as store:
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            generated = app.screen.query_one("#generated-split", LinesView)
            reference = app.screen.query_one("#reference", LinesView)
            mark = generated.get_component_rich_style("lines-view--mark", partial=True)
            assert mark.bgcolor is not None
            # Line 5: the failing call and, inside it, the keyword value that differs.
            assert _marked_text(generated, 4, mark) == "torch.cat([a, b], dim=0)"
            assert 4 in generated.marks and len(generated.marks[4]) == 2
            (start, end), _ = sorted(generated.marks[4], key=lambda s: s[1] - s[0])
            assert generated.text().split("\n")[4][start:end] == "0"
            # Unmarked lines draw without it (the tab and 'été' on line 4 shift nothing).
            assert _marked_text(generated, 3, mark) == ""
            # The reference's matching call and its value.
            assert _marked_text(reference, 3, mark) == "torch.cat([a, b], dim=1)"


async def test_hidden_suggestions_hide_the_analysis_marks(tmp_path: Path) -> None:
    with Store.open(_database(tmp_path)) as store:
        app = AnnotatorApp(store, "me", blind_share=1.0)
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            generated = app.screen.query_one("#generated-split", LinesView)
            # The failing call is the error itself; 'dim=0 differs' is the analysis's.
            assert [e - s for s, e in generated.marks[4]] == [len("torch.cat([a, b], dim=0)")]
