"""Checking the files and folders an import is given, before reading them.

Contract: the importers' names for the helpers of :mod:`annotator.safefiles`
(the one safe-path helper of every reader and writer): :func:`regular_file`,
:func:`open_regular`, :func:`read_bytes`, :func:`read_text`,
:func:`readable_folder`, :func:`inside` and :func:`folder_files`.
"""

from __future__ import annotations

from ..safefiles import (
    bounded_lines,
    folder_files,
    inside,
    open_regular,
    read_bytes,
    read_text,
    readable_folder,
    regular_file,
)

__all__ = [
    "bounded_lines",
    "folder_files",
    "inside",
    "open_regular",
    "read_bytes",
    "read_text",
    "readable_folder",
    "regular_file",
]
