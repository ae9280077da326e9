"""User-facing errors.

Contract: every error a user can cause (bad file, bad option, unknown sample)
is raised as :class:`UserError`, whose ``str()`` is one line naming the file,
the line (or row, or YAML path) and the field. The CLI prints that line and
exits 1; nothing else ever reaches the user as a traceback.
"""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """An error caused by input, with where it happened."""

    def __init__(
        self,
        reason: str,
        *,
        file: str | Path | None = None,
        line: int | None = None,
        field: str | None = None,
        where: str | None = None,
    ) -> None:
        self.reason = reason
        self.file = str(file) if file is not None else None
        self.line = line
        self.field = field
        self.where = where
        super().__init__(self.format())

    def format(self) -> str:
        place = ""
        if self.file:
            place = self.file
            if self.line is not None:
                place += f":{self.line}"
        if self.where:
            place += f" ({self.where})" if place else self.where
        if self.field:
            place += f" field '{self.field}'" if place else f"field '{self.field}'"
        # One line, always: reasons from pydantic or YAML may span several.
        reason = " ".join(self.reason.split())
        return f"{place}: {reason}" if place else reason
