"""Console-script entry point that keeps start-up fast.

The ``annotator`` command hides pandas and numpy from its own process
(:func:`annotator.startup.hide_unused`: sqlite-utils would import them, about a
second on every command) before anything else is imported, then runs the CLI.
"""

from __future__ import annotations

from annotator.startup import hide_unused

__all__ = ["hide_unused", "main"]


def main() -> None:
    hide_unused()
    from annotator.cli import main as cli_main

    cli_main()
