"""The keymap file typed (:func:`annotator.tui.keymap.load_keys` reads it).

Contract: :class:`KeymapFile` is the whole file: the settings (the fields of
:class:`~annotator.tui.keymap.Settings`, strict booleans) and ``[keys]`` (binding id
-> keys); unknown top-level names are refused. Which ids exist, the key names and
clashes are checked after, by :func:`~annotator.tui.keymap.load_keys`. A module of
its own so that pydantic is imported only when there is a file to read.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class KeymapFile(BaseModel):
    """The whole file, typed."""

    model_config = ConfigDict(frozen=True, strict=True, extra="forbid")

    advance: bool = False
    """Show the next sample once a category (and its subcategory) is chosen."""
    keys: dict[str, str] = {}
