"""The keymap file: which key runs which action, and the labeling settings.

Contract: :func:`load_keys` reads a TOML file (``--keys FILE``, else
``~/.config/annotator/keys.toml`` when it exists) of the form::

    advance = true        # after a category (and its subcategory), show the next sample

    [keys]
    next = "j,n"          # action id = key or comma-separated keys (Textual key names)
    view_prompt = "P"

and returns a :class:`KeySetup` (Textual keymap by binding id + settings).
Anything wrong (bad TOML, unknown action or setting, a malformed key, two
actions of one screen on one key) raises :class:`~annotator.errors.UserError`
with one line naming the file, the line and the field. The screens' bindings
carry the ids listed in :data:`ACTIONS` (a test keeps the two in step).

The file is typed by a pydantic model (:mod:`annotator.tui.keymap_file`), imported
only when there is a file to read: without one, the labeling UI starts without
pydantic (``tests/test_startup_imports.py``).
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from textual.binding import Binding

from ..errors import UserError
from ..safefiles import read_text

DEFAULT_PATH = Path("~/.config/annotator/keys.toml")
MAX_KEYMAP_BYTES = 1 << 20
"""Largest keymap file read (a FIFO is refused, never waited on)."""

VIEWS = {"generated": "g", "reference": "r", "diff": "d", "prompt": "w"}
"""The code views and their default keys (the same in labeling and review)."""

LABEL, REVIEW, APP = "label", "review", "app"
ACTIONS: dict[str, tuple[str, ...]] = {
    **{f"view_{name}": (LABEL, REVIEW) for name in VIEWS},
    "next": (LABEL, REVIEW),
    "previous": (LABEL, REVIEW),
    "undo": (LABEL, REVIEW),
    "output": (LABEL, REVIEW),
    "accept": (LABEL,),
    "pass": (LABEL,),
    "codebook": (LABEL,),
    "subcategory": (LABEL,),
    "second": (LABEL,),
    "flag": (LABEL,),
    "skip": (LABEL,),
    "note": (LABEL,),
    "search": (LABEL,),
    "cluster": (LABEL,),
    "write_final": (REVIEW,),
    "quit": (APP,),
    "help": (APP,),
}
"""Every binding id a keymap may set, and the screens it belongs to."""

_KEY = re.compile(r"^(?:(?:ctrl|shift|alt|meta)\+)*(?:[a-z][a-z0-9_]*|[!-~])$")


def view_bindings() -> list[Binding]:
    """``g`` / ``r`` / ``d`` / ``w``: one key per code view, one group in the footer."""
    group = Binding.Group("View", compact=True)
    return [
        Binding(key, f"view('{name}')", name.capitalize(), id=f"view_{name}", group=group)
        for name, key in VIEWS.items()
    ]


@dataclass(frozen=True)
class Settings:
    """The labeling settings a keymap file may set (top-level ``name = true|false``;
    :class:`~annotator.tui.keymap_file.KeymapFile` has the same fields, and a test
    keeps them so)."""

    advance: bool = False
    """Show the next sample once a category (and its subcategory) is chosen."""


def _error_of(error: Any) -> tuple[str, str]:
    """(field, why) of one pydantic error on the file, in the file's own words."""
    loc = [str(part) for part in error["loc"]]
    name = loc[-1] if loc[0] == "keys" and len(loc) > 1 else loc[0]
    if error["type"] == "extra_forbidden":
        known = ", ".join(f.name for f in dataclasses.fields(Settings))
        return name, f"unknown setting (known: {known}, [keys])"
    if loc == ["keys"]:
        return name, "must be a table ([keys])"
    if loc[0] == "keys":
        return name, 'must be a key or comma-separated keys, e.g. "j" or "j,down"'
    return name, "must be true or false"


@dataclass(frozen=True)
class KeySetup:
    keymap: dict[str, str] = field(default_factory=dict)
    settings: Settings = Settings()
    source: Path | None = None


def _line_of(text: str, name: str) -> int:
    pattern = re.compile(rf"^\s*[\"']?{re.escape(name)}[\"']?\s*=", re.MULTILINE)
    match = pattern.search(text)
    return text.count("\n", 0, match.start()) + 1 if match else 1


def load_keys(
    path: Path | None = None, defaults: Callable[[], dict[str, str]] | None = None
) -> KeySetup:
    """Read the keymap file (``path``, else the default one when present).

    ``defaults`` gives binding ids with their default keys, to detect clashes
    (called only when there is a file; :func:`annotator.tui.app.default_keys`, which
    imports every screen: the screens import this module, not the other way round).
    """
    explicit = path is not None
    file = path if path is not None else DEFAULT_PATH.expanduser()
    if not file.exists():
        if explicit:
            raise UserError(f"{file}: no such keymap file")
        return KeySetup()
    import tomllib  # only for a keymap file (most starts have none)

    text = read_text(file, what="keymap file", cap=MAX_KEYMAP_BYTES)
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise UserError(f"{file}: not valid TOML: {exc}") from None
    except RecursionError:
        raise UserError(f"{file}: not valid TOML: nested too deeply") from None

    def fail(name: str, why: str) -> UserError:
        return UserError(f"{file}:{_line_of(text, name)}: {name}: {why}")

    from pydantic import ValidationError

    from .keymap_file import KeymapFile

    try:
        typed = KeymapFile.model_validate(data)
    except ValidationError as exc:
        raise fail(*_error_of(exc.errors()[0])) from None
    keymap: dict[str, str] = {}
    for action, value in typed.keys.items():
        if action not in ACTIONS:
            raise fail(action, f"unknown action (known: {', '.join(sorted(ACTIONS))})")
        parts = [part.strip() for part in value.split(",")]
        if not value.strip():
            raise fail(action, 'must be a key or comma-separated keys, e.g. "j" or "j,down"')
        for part in parts:
            if not _KEY.match(part):
                raise fail(action, f"'{part}' is not a key name (e.g. j, J, ctrl+n, f5, slash)")
        keymap[action] = ",".join(parts)
    _check_clashes(keymap, defaults() if defaults else {}, fail)
    return KeySetup(keymap, Settings(advance=typed.advance), file)


def _check_clashes(
    keymap: dict[str, str], defaults: dict[str, str], fail: Callable[[str, str], UserError]
) -> None:
    """Two actions of one screen (or of a screen and the app) on one key."""
    for action, keys in keymap.items():
        for key in keys.split(","):
            if key.isdigit():
                raise fail(
                    action, f"key '{key}' is kept for categories (labeling) and adopt (review)"
                )
    effective = {**defaults, **keymap}
    for screen in (LABEL, REVIEW):
        owner: dict[str, str] = {}
        for action, keys in effective.items():
            scopes = ACTIONS.get(action, ())
            if screen not in scopes and APP not in scopes:
                continue
            for key in keys.split(","):
                other = owner.setdefault(key, action)
                if other != action:
                    name, also = (action, other) if action in keymap else (other, action)
                    raise fail(name, f"key '{key}' is also bound to {also}")
