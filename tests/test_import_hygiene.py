"""The core never imports Textual: CLI and TUI are thin shells over it.

Every submodule of the package outside ``annotator.tui`` is imported (in a
fresh interpreter, one after the other); the test names the first one after
which any ``textual`` module is loaded. ``lint-imports`` checks the same rule
statically (with the layers) in ``make check``; this one sees what actually
happens at run time, dynamic imports included.
"""

from __future__ import annotations

import json
import pkgutil
import re
import subprocess
import sys
from pathlib import Path

import annotator

WALK = (
    "import importlib, json, sys\n"
    "culprits = []\n"
    "for name in json.loads(sys.argv[1]):\n"
    "    before = any(m.split('.')[0] == 'textual' for m in sys.modules)\n"
    "    importlib.import_module(name)\n"
    "    if not before and any(m.split('.')[0] == 'textual' for m in sys.modules):\n"
    "        culprits.append(name)\n"
    "print(json.dumps(culprits))\n"
)


def core_modules() -> list[str]:
    """Every module of the package except the TUI and the ``-m`` entry point."""
    names = ["annotator"]
    for info in pkgutil.walk_packages([str(Path(annotator.__file__).parent)], "annotator."):
        if info.name.startswith("annotator.tui") or info.name.endswith("__main__"):
            continue
        names.append(info.name)
    return sorted(names)


def textual_importers(modules: list[str]) -> list[str]:
    out = subprocess.run(
        [sys.executable, "-c", WALK, json.dumps(modules)],
        capture_output=True,
        text=True,
        check=True,
    )
    return list(json.loads(out.stdout))


def test_the_walk_covers_every_core_submodule() -> None:
    modules = core_modules()
    for name in ("annotator.suggest.engine", "annotator.store.queue", "annotator.cli.labeling"):
        assert name in modules
    assert not any(m.startswith("annotator.tui") for m in modules)


def test_core_modules_do_not_import_textual() -> None:
    assert textual_importers(core_modules()) == []


def test_the_walk_would_catch_a_textual_import_in_a_submodule() -> None:
    # A submodule that a package __init__ does not import is still imported by the walk.
    assert textual_importers(["annotator.suggest", "textual.app"]) == ["textual.app"]


SQL = re.compile(r"\b(SELECT|INSERT|UPDATE|DELETE)\b")


def test_only_the_store_writes_sql() -> None:
    """Every SQL string lives under annotator/store/, behind a named Store method."""
    package = Path(annotator.__file__).parent
    found = [
        f"{path.relative_to(package)}:{number}"
        for path in sorted(package.rglob("*.py"))
        if "store" not in path.relative_to(package).parts[:1]
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if SQL.search(line)
    ]
    assert found == []
