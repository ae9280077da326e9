"""The CLI's printers: everything a command shows goes through here.

Contract: :func:`echo` prints a message with every control character from data
made visible (:func:`annotator.textsafe.visible`); :func:`echo_json` prints
JSON whose control characters are ``\\uNNNN`` escapes (same value, safe text);
:class:`SafeConsole` is a Rich console that makes the text of every segment
visible before it is styled, so a table cell or a ``Text`` from data cannot
carry an escape sequence to the terminal while Rich's own styling still works.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

import click
from rich.console import Console
from rich.segment import Segment

from ..textsafe import json_visible, visible


def echo(message: object = "", err: bool = False) -> None:
    """``click.echo`` of ``message`` with control characters made visible."""
    click.echo(visible(str(message)), err=err)


def echo_json(value: Any, indent: int | None = None) -> None:
    """Print ``value`` as JSON (non-ASCII kept, control characters escaped)."""
    click.echo(json_visible(json.dumps(value, indent=indent, ensure_ascii=False)))


class SafeConsole(Console):
    """A Rich console whose printed text never carries a control character from data."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("highlight", False)
        super().__init__(*args, **kwargs)

    def _render_buffer(self, buffer: Iterable[Segment]) -> str:
        safe = (
            segment if segment.control else Segment(visible(segment.text), segment.style)
            for segment in buffer
        )
        return super()._render_buffer(safe)
