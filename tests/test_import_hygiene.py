"""The core never imports Textual: CLI and TUI are thin shells over it."""

from __future__ import annotations

import subprocess
import sys

CORE = [
    "annotator.taxonomy",
    "annotator.store",
    "annotator.importers",
    "annotator.suggest",
    "annotator.stats",
    "annotator.export",
    "annotator.review",
    "annotator.agreement",
    "annotator.cli",
]


def test_core_modules_do_not_import_textual() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {CORE!r}:\n"
        "    importlib.import_module(name)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'textual'))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
