"""Opening the labeling UI loads only what its first screen needs.

``import annotator.tui.app`` (what ``annotator label`` imports before the first
paint) must not load the heavy packages the first screen never uses: pandas and
numpy (sqlite-utils imports both eagerly; :mod:`annotator.startup` keeps
them out), matplotlib (figures), libcst (the code marks and the diff, computed in
workers after the paint), rapidfuzz (subcategory inference from notes) and the
benchmark importers' own modules (the UI reads an importer's parsed report only),
nor the readers of an importer's models (the importers package, JUnit's XML parser:
loaded for the samples that carry them) nor dateutil's parser (sqlite-utils' date
recipes, loaded lazily: executed on first use).
Nor, up to the first sample on screen (``annotator label`` itself, run under
Pilot), sqlite-utils (the store opens with ``sqlite3``; sqlite-utils is loaded
for migrations and its writes) or pydantic (the taxonomy is plain dataclasses,
a stored sample a plain row, the keymap file's model is loaded for a file only;
the validated models load on first use: :mod:`annotator.models`), nor the YAML
library (the database keeps its taxonomy as JSON, read with ``json``), nor the
labeling screen's dialogs (filter, subcategory picker, help, cluster preview, full
output: loaded when first opened), ``tomllib`` (a keymap file's) or ``statistics``.
Each check runs in a fresh interpreter and reads ``sys.modules``: no timing.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.models import LabelValue, SampleIn
from annotator.store import Store

NOT_AT_START = (
    "pandas",
    "numpy",
    "matplotlib",
    "libcst",
    "rapidfuzz",
    "annotator.importers.evalplus",
    "annotator.importers.swebench",
    "annotator.importers.inspect_log",
    "annotator.importers.harness",
    "annotator.importers.dlbench",
    "annotator.importers",
    "annotator.importers.junit_xml",
    "annotator.failures.importedoutput",
    "annotator.failures.junitoutput",
    "xml.etree.ElementTree",
    "dateutil.parser._parser",
    "dateutil.tz",
    "sqlite_utils",
    "pydantic",
    "annotator.pydantic_models",
    "annotator.taxonomy_changes",
)
NOT_AT_FIRST_FRAME = (
    "sqlite_utils",
    "pydantic",
    "annotator.pydantic_models",
    "yaml",
    "importlib.metadata",
    # The labeling screen's dialogs load when first opened.
    "annotator.tui.screens.filter",
    "annotator.tui.screens.picker",
    "annotator.tui.screens.help",
    "annotator.tui.screens.cluster_preview",
    "annotator.tui.screens.output",
    "tomllib",  # a keymap file's reader: for a file only
    "statistics",  # the labeling-time summary's median
)
"""What ``annotator label`` does not load before its first sample is on screen."""

LABEL_UNTIL_FIRST_SAMPLE = """
import asyncio, sys
from annotator.startup import pause_collection
pause_collection()  # as the console script does
from annotator.cli import cli
from annotator.tui.app import AnnotatorApp

def run_until_first_sample(app):
    async def main():
        async with app.run_test(size=(120, 40)) as pilot:
            while not getattr(app.screen, "shown_at", None):
                await pilot.pause(0.01)
            print("LOADED", [m for m in sys.argv[2:] if m in sys.modules])
    asyncio.run(main())

AnnotatorApp.run = run_until_first_sample  # Pilot in place of a terminal
cli.main(["--db", sys.argv[1], "label", "--as", "alice"], standalone_mode=False)
"""


def loaded_after(code: str) -> set[str]:
    """The modules of :data:`NOT_AT_START` loaded after running ``code`` in a fresh interpreter."""
    probe = (
        f"{code}\nimport json, sys\n"
        f"print(json.dumps([m for m in {list(NOT_AT_START)!r} if m in sys.modules]))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    ).stdout
    return set(json.loads(out.splitlines()[-1]))


@pytest.mark.parametrize(
    "code",
    [
        "import annotator.tui.app",
        "import annotator.cli, annotator.cli.labeling",
        "import annotator.store, annotator.blind, annotator.tui.preload",
    ],
)
def test_labeling_start_loads_no_heavy_package(code: str) -> None:
    assert loaded_after(code) == set()


def test_the_check_sees_a_heavy_import() -> None:
    assert loaded_after("import annotator.store, numpy") == {"numpy"}


def test_numpy_and_the_importers_still_load_when_asked() -> None:
    """pandas and numpy are kept from sqlite-utils only while it loads; the
    registry loads every format on first use."""
    loaded = loaded_after(
        "import annotator.store, sqlite_utils.db as d, numpy\n"
        "assert d.np is None  # sqlite-utils loaded without it\n"
        "from annotator.importers import IMPORTERS\n"
        "assert 'evalplus' in IMPORTERS and 'swe-bench' in IMPORTERS"
    )
    assert {"numpy", "annotator.importers.evalplus", "annotator.importers.swebench"} <= loaded


def test_numpy_imported_first_is_seen_by_sqlite_utils() -> None:
    loaded_after("import numpy, annotator.store, sqlite_utils.db as d\nassert d.np is numpy")


def test_lazy_dateutil_parser_still_parses() -> None:
    """sqlite-utils' date recipes (annotator never calls them) still work: the
    parser module is executed on its first use."""
    loaded = loaded_after(
        "import annotator.store, sys, sqlite_utils.recipes as r\n"
        "assert 'dateutil.parser._parser' not in sys.modules\n"
        "assert r.parsedate('2026-12-06') == '2026-12-06'\n"
        "assert r.parsedatetime('2026-12-06 10:00') == '2026-12-06T10:00:00'"
    )
    assert "dateutil.parser._parser" in loaded


def test_report_of_loads_the_readers_of_the_samples_that_carry_them() -> None:
    """A sample with an importer's report or JUnit cases is still read from them."""
    code = (
        "import json\n"
        "from annotator.failures.primary import report_of\n"
        "from annotator.imported import CASES_KEY, REPORT_KEY\n"
        "plain = report_of('', {'function': 'f'})\n"
        "case = {'test': 't1', 'status': 'failed', 'verdict': 'Wrong Answer', 'message': 'x'}\n"
        "imported = report_of('', {REPORT_KEY: {'format': 'livecodebench', 'cases': [case]}})\n"
        "outcome = {'kind': 'failure', 'type': 'AssertionError', 'message': 'boom'}\n"
        "junit = report_of('', {CASES_KEY: [{'classname': 'm', 'name': 't', 'outcome': outcome}]})\n"
        "got = [(r.format, [f.exception_type for f in r.all_failures()]) for r in (imported, junit)]\n"
        "assert got == [('livecodebench', ['WrongAnswer']), ('junit', ['AssertionError'])], got\n"
        "assert plain.format == 'unknown'"
    )
    loaded = loaded_after(code)
    assert {"annotator.failures.importedoutput", "annotator.failures.junitoutput"} <= loaded


def loaded_by_label(db: Path) -> set[str]:
    """The modules of :data:`NOT_AT_FIRST_FRAME` that ``annotator label`` on ``db`` loaded
    by the time its first sample was shown (a fresh interpreter, the real command)."""
    out = subprocess.run(
        [sys.executable, "-c", LABEL_UNTIL_FIRST_SAMPLE, str(db), *NOT_AT_FIRST_FRAME],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    line = next(line for line in out.splitlines() if line.startswith("LOADED "))
    return set(json.loads(line.removeprefix("LOADED ").replace("'", '"')))


def test_label_shows_its_first_sample_without_sqlite_utils_pydantic_or_yaml(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        for i in range(3):
            store.upsert_sample(
                SampleIn(id=f"s{i}", generated_code=f"x = {i}\n", test_output="boom", passed=False)
            )
        # Bob's label binds the taxonomy (kept as JSON: no YAML library to read it back).
        store.set_label("s0", "bob", LabelValue(kind="pass"))
    assert loaded_by_label(db) == set()
