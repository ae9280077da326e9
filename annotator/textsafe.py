"""Making untrusted text safe to show on a terminal.

Contract: :func:`visible` is the one function that turns data (sample ids,
annotator names, notes, file names, code) into text that cannot steer a
terminal: every C0 control except newline (and tab, expanded to spaces), DEL,
every C1 control and the Unicode bidi / zero-width controls are replaced by
visible escapes such as ``\\x1b`` or ``\\u202e``. :func:`json_visible` does
the same for JSON text with JSON's own ``\\uNNNN`` escapes, so the result
still parses to the same value. Both the CLI printers and the TUI widgets use
them; nothing here imports Textual or click.
"""

from __future__ import annotations

import re

# Keep \t and \n; everything else below 0x20, DEL, C1 controls and the
# Unicode bidi/zero-width controls could reorder or hide text on screen.
CONTROL = re.compile(
    r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u061c\u200b-\u200f\u2028-\u202e\u2066-\u2069\ufeff]"
)
"""Characters :func:`visible` escapes."""

TERMINAL_UNSAFE = re.compile(r"[\x07\x1b\x80-\x9f]")
"""Characters that start or end a terminal control sequence (tests assert none reach a terminal)."""


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def visible(text: str) -> str:
    """``text`` with control characters replaced by ``\\xNN`` / ``\\uNNNN`` escapes
    (tabs expanded to 4 columns; newlines kept)."""
    return CONTROL.sub(_escape, text.expandtabs(4))


def visible_line(text: object) -> str:
    """:func:`visible` of ``str(text)`` folded to one line (newlines become spaces)."""
    return visible(" ".join(str(text).splitlines()))


def visible_id(text: object) -> str:
    """:func:`visible` of ``str(text)`` on one line: newlines, tabs and carriage returns
    are escaped too (``\\n``), so an id or a name never breaks the row it is shown in."""
    return CONTROL.sub(_escape, str(text)).replace("\n", "\\n").replace("\t", "\\t")


def json_visible(text: str) -> str:
    """JSON text with every control character inside it written as ``\\uNNNN``.

    Control characters can only occur inside JSON strings, where ``\\uNNNN``
    is a valid escape: the value parses unchanged, the text is terminal-safe.
    """
    return CONTROL.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
