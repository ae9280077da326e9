"""What the tests of every benchmark importer share: the golden view of an import
and the check that hostile input is refused cleanly.

Golden files live in tests/golden/ and are compared byte for byte; run with
``UPDATE_GOLDEN=1`` to rewrite them after an intended change (then review the diff).
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from annotator.cli import cli
from annotator.failures.primary import primary_error, report_of
from annotator.store import Store

GOLDEN = Path(__file__).resolve().parent / "golden"


def imported_view(store: Store) -> list[dict[str, Any]]:
    """Each sample as stored, with what the failure panel shows for it."""
    out = []
    for sample_id in store.sample_ids():
        sample = store.require_sample(sample_id)
        report = report_of(sample.test_output, sample.metadata)
        failure = primary_error(report, sample.generated_code)
        out.append(
            {
                "id": sample.id,
                "model": sample.model,
                "passed": sample.passed,
                "prompt": sample.prompt,
                "generated_code": sample.generated_code,
                "reference_code": sample.reference_code,
                "test_output": sample.test_output,
                "metadata": {k: v for k, v in sample.metadata.items() if k != "test_report"},
                "report": {
                    "format": report.format,
                    "failures": [f.test_id for f in report.failures],
                    "primary": [failure.exception, failure.message, failure.line, failure.details],
                    "timeout": report.timeout,
                },
            }
        )
    return out


def check_golden(name: str, view: list[dict[str, Any]]) -> None:
    text = json.dumps(view, indent=2, ensure_ascii=False, sort_keys=True) + "\n"
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(text, encoding="utf-8")
    assert path.exists(), f"{path} missing: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), f"{name} differs from its golden file"


def refused(tmp_path: Path, args: list[str], *fragments: str) -> str:
    """Run ``annotator import ARGS`` into a new database: exit 1, one line naming
    ``fragments``, and no database file left behind."""
    db = tmp_path / "fresh" / "refused.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", *args])
    assert result.exit_code == 1, result.output
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.output
    for fragment in fragments:
        assert fragment in lines[0], lines[0]
    assert not db.exists() and not db.parent.exists()
    return lines[0]
