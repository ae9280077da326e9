"""Console-script entry point.

Start-up speed is arranged by importing the package (:mod:`annotator.startup`:
sqlite-utils loads without pandas and numpy), so this only runs the CLI.
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    from annotator.cli import main as cli_main

    cli_main()
