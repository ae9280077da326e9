"""Console-script entry point.

Start-up speed is arranged by importing the package (:mod:`annotator.startup`:
sqlite-utils loads without pandas and numpy) and by holding the garbage collector
while the command loads (resumed by the CLI, or by the labeling UI once mounted).
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    from annotator.startup import pause_collection

    pause_collection()
    from annotator.cli import main as cli_main

    cli_main()
