"""The importer interface: every format declares itself, the CLI is built from the
declarations, and each estimate matches what the import reads."""

from __future__ import annotations

from pathlib import Path

import click
import pytest
from importcheck import refused

from annotator.cli.data import import_cmd
from annotator.importers import IMPORTERS, estimate, import_path, options as declared
from annotator.store import Store

DATA = Path(__file__).parent / "data"
FIXTURES = {
    "evalplus": DATA / "evalplus" / "humaneval" / "tiny-coder_temp_0.8.eval_results.json",
    "bigcodebench": next((DATA / "bigcodebench").glob("*_eval_results.json")),
    "livecodebench": DATA
    / "livecodebench"
    / "small-model"
    / "Scenario.codegeneration_3_0.2_eval_all.json",
    "swe-bench": DATA / "swe-bench" / "run-7",
}


def test_every_format_declares_name_help_usage_and_options() -> None:
    for name, importer in IMPORTERS.items():
        assert importer.name == name and importer.help and importer.usage
        for option in importer.options:
            assert option.flag.startswith("--") and option.help


def test_cli_options_are_the_declared_ones() -> None:
    flags = {o.opts[0] for o in import_cmd.params if isinstance(o, click.Option)}
    # `metadata` attaches columns to samples already imported (not an Importer): its
    # --key and --pattern are the only options besides the declared ones.
    assert flags == {o.flag for o, _ in declared().values()} | {"--json", "--key", "--pattern"}
    assert all(f"{name} " in (import_cmd.help or "") for name in [*IMPORTERS, "metadata"])


def test_metadata_and_the_importers_refuse_each_others_options(tmp_path: Path) -> None:
    refused(tmp_path, ["livecodebench", str(FIXTURES["livecodebench"]), "--key", "x"], "--key")
    refused(tmp_path, ["metadata", str(FIXTURES["livecodebench"]), "--code", "x"], "--code")


@pytest.mark.parametrize("fmt", sorted(FIXTURES))
def test_estimate_matches_the_import(store: Store, fmt: str) -> None:
    summary = import_path(store, fmt, FIXTURES[fmt])
    assert estimate(fmt, FIXTURES[fmt]) == summary.samples["new"]


def test_an_undeclared_option_is_refused_before_a_database_is_made(tmp_path: Path) -> None:
    refused(tmp_path, ["livecodebench", str(FIXTURES["livecodebench"]), "--code", "x"], "--code")
