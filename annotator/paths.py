"""Where shipped files live.

Contract: :func:`shipped` returns the path of a file that the repository keeps
at its top level (taxonomy.yaml, db/migrations.py, db/schema.sql) and that the
wheel carries inside ``annotator/_shipped/``. An installed wheel finds the
packaged copy; a source checkout (editable install) finds the top-level file.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent

_REPO_LOCATIONS = {
    "taxonomy.yaml": REPO_DIR / "taxonomy.yaml",
    "migrations.py": REPO_DIR / "db" / "migrations.py",
    "schema.sql": REPO_DIR / "db" / "schema.sql",
}


# A source checkout has the project file next to the package; an installed
# package sits in site-packages, where a stray top-level file must not win.
IN_CHECKOUT = (REPO_DIR / "pyproject.toml").is_file() and (REPO_DIR / "db").is_dir()


def shipped(name: str) -> Path:
    """Return the path of a shipped file, preferring the source checkout."""
    repo = _REPO_LOCATIONS[name]
    if IN_CHECKOUT and repo.exists():
        return repo
    return PACKAGE_DIR / "_shipped" / name


DISTRIBUTION = "dl-bug-annotator"
"""The name on the package index. "annotator" there is an unrelated project; the
command and the import package stay ``annotator``."""


def install_hint(extra: str) -> str:
    """How to install an optional extra, by the distribution's name and from a checkout."""
    return f"pip install '{DISTRIBUTION}[{extra}]' (from a checkout: pip install -e '.[{extra}]')"
