"""What makes a screen's first frame the frame it settles in.

Contract: :func:`set_breakpoints` gives a screen, before its children mount, the
breakpoint classes (``HORIZONTAL_BREAKPOINTS``, ``VERTICAL_BREAKPOINTS``) that
Textual's resize event would give it for the app's size, with Textual's rule (the
largest breakpoint not above the dimension). :func:`first_resume` skips Textual's
restyle of the whole screen on the first ``ScreenResume`` (the app starting), when
every node has just been styled as it mounted.

Why (issue 24): Textual sets the breakpoint classes on the screen's first resize
event, which comes after the first frame; the labeling screen's first frame was
drawn without them (the code and error views of another height, the panels of
another width), then restyled, laid out and drawn again: the first sample's code
reached the terminal in a frame that was at once replaced. And the first resume
restyled all ~45 nodes (about 10 ms before the first frame) to the same styles
(``tests/tui/test_first_frame.py`` checks both: the first frame is the settled
one, and the restyle skipped would have changed nothing).
"""

from __future__ import annotations

from typing import Any

from textual import events
from textual.screen import Screen


def breakpoint_class(breakpoints: list[tuple[int, str]], dimension: int) -> str | None:
    """The class of the largest breakpoint at or below ``dimension`` (as Textual picks it)."""
    for least, class_name in sorted(breakpoints, reverse=True):
        if dimension >= least:
            return class_name
    return None


def set_breakpoints(screen: Screen[Any]) -> None:
    """The screen's breakpoint classes for the app's current size, set now."""
    app = screen.app
    width, height = app.size
    classes: dict[str, bool] = {}
    for breakpoints, dimension in (
        (_breakpoints(screen.HORIZONTAL_BREAKPOINTS, app.HORIZONTAL_BREAKPOINTS), width),
        (_breakpoints(screen.VERTICAL_BREAKPOINTS, app.VERTICAL_BREAKPOINTS), height),
    ):
        chosen = breakpoint_class(breakpoints, dimension)
        for _, class_name in breakpoints:
            classes[class_name] = classes.get(class_name, False) or class_name == chosen
    screen.update_classes(classes, animate=False)


def _breakpoints(
    own: list[tuple[int, str]] | None, app: list[tuple[int, str]] | None
) -> list[tuple[int, str]]:
    return (app if own is None else own) or []


def first_resume(event: events.ScreenResume, resumed_before: bool) -> bool:
    """For a screen's ``on_screen_resume`` (which runs before Screen's own handler):
    the first resume does not restyle the screen. Returns that it has resumed."""
    if not resumed_before:
        event.refresh_styles = False
    return True
