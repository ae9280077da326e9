"""Sample text is shown literally: Rich markup and ANSI escapes stay text."""

from __future__ import annotations

from rich.text import Text

from annotator.models import SampleIn
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.render import code_lines, visible
from annotator.tui.screens.label import LabelScreen
from annotator.tui.widgets.lines_view import LinesView

from .conftest import HOSTILE, settle


def screen_text(view: LinesView) -> str:
    """What the widget actually draws, line by line."""
    lines = []
    for y in range(view.size.height):
        lines.append("".join(segment.text for segment in view.render_line(y)))
    return "\n".join(lines)


def test_visible_escapes_control_characters() -> None:
    assert visible("a\x1b[31mb\x07\u202ec") == "a\\x1b[31mb\\x07\\u202ec"
    assert visible("tab\there") == "tab here"


def test_code_lines_keep_markup_text() -> None:
    lines = code_lines(f"x = '{HOSTILE}'\n", marked=1)
    assert isinstance(lines[0], Text)
    assert "[bold red]x[/bold red]" in lines[0].plain
    assert "\\x1b[31m" in lines[0].plain and "\x1b" not in lines[0].plain


async def test_hostile_sample_is_rendered_literally(tmp_path) -> None:  # type: ignore[no-untyped-def]
    with Store.open(tmp_path / "h.db") as store:
        store.upsert_sample(
            SampleIn(
                id="[bold]id[/bold]\x1b[2J",
                prompt=f"prompt {HOSTILE}",
                generated_code=f"def f():\n    return '{HOSTILE}'\n",
                reference_code="def f():\n    return 1\n",
                test_output=(
                    "Traceback (most recent call last):\n"
                    '  File "generated.py", line 2, in f\n'
                    f"ValueError: {HOSTILE}\n"
                ),
                passed=False,
            )
        )
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(160, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LabelScreen)
            code = screen_text(screen.query_one("#generated-split", LinesView))
            assert "[bold red]x[/bold red]" in code
            full = screen.query_one("#generated-split", LinesView).text()
            assert "[link=https://evil.example]click[/link]" in full
            assert "\\x1b[31m" in full and "\x1b" not in full + code
            assert "▶2" in code  # the failing line is marked
            error = screen.query_one("#error", LinesView).text()
            assert "[bold red]x[/bold red]" in error and "\\x1b[31m" in error
            meta = str(screen.query_one("#meta").render())
            assert "[bold]id[/bold]\\x1b[2J" in meta
            await pilot.press("e", *"[b]n[/b]", "enter", "escape")
            await settle(pilot)
            label = store.label("[bold]id[/bold]\x1b[2J", "me")
            assert label is not None and label.note == "[b]n[/b]"
