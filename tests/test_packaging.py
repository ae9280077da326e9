"""The wheel carries taxonomy.yaml, the migrations, the schema snapshot and the demo data."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def test_wheel_ships_top_level_files(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(REPO)],
        check=True,
        capture_output=True,
    )
    wheel = next(tmp_path.glob("dl_bug_annotator-*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in ("taxonomy.yaml", "migrations.py", "schema.sql"):
        assert f"annotator/_shipped/{shipped}" in names
    assert "annotator/demo/demo.jsonl" in names
    assert not any(name.startswith("tests/") for name in names)


def test_distribution_name_is_our_own_and_the_command_stays() -> None:
    """'annotator' on the package index is an unrelated project: ours is dl-bug-annotator,
    with the `annotator` command and import package; every install hint names it."""
    import tomllib
    from importlib import metadata

    from click.testing import CliRunner

    from annotator.cli import cli
    from annotator.paths import DISTRIBUTION, install_hint

    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert project["name"] == DISTRIBUTION == "dl-bug-annotator"
    assert project["scripts"] == {"annotator": "annotator._entry:main"}
    version = CliRunner().invoke(cli, ["--version"])
    assert version.exit_code == 0, version.output
    assert f"version {metadata.version(DISTRIBUTION)}" in version.output
    assert install_hint("figures") == (
        "pip install 'dl-bug-annotator[figures]' (from a checkout: pip install -e '.[figures]')"
    )
    for path in [REPO / "README.md", *sorted((REPO / "annotator").rglob("*.py"))]:
        text = path.read_text(encoding="utf-8")
        assert "install 'annotator[" not in text and "install annotator" not in text, path
