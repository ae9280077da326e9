"""Console-script entry point.

Start-up speed is arranged by importing the package (:mod:`annotator.startup`:
sqlite-utils loads without pandas and numpy), by holding the garbage collector
while the command loads (resumed by the CLI, or by the labeling UI once mounted)
and by keeping dataclass methods compiled between runs (:mod:`annotator.codecache`).
"""

from __future__ import annotations

__all__ = ["main"]


def main() -> None:
    from annotator.codecache import use_code_cache
    from annotator.startup import pause_collection

    pause_collection()
    use_code_cache()  # before any class is made: dataclass methods compiled once (codecache)
    from annotator.cli import main as cli_main

    cli_main()
