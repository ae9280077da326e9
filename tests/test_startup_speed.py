"""What ``annotator label`` defers to start faster still works (issue 24).

Each check runs in a fresh interpreter, so that this test process's own imports
and garbage collector are not what is checked (and are never touched):

- the pydantic models are built on first use (``defer_build``) and then validate
  and refuse exactly as before;
- the console script holds the garbage collector while it loads
  (:mod:`annotator.startup`); every command but the UI's turns it back on before it
  runs, the UI once mounted; a collector the caller turned off stays off.
No timing: the figures are in ``benchmarks/README.md`` (``tui_bench.py``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path
from typing import Any

from click.testing import CliRunner

from annotator.cli import cli


def _run(code: str) -> Any:
    """The JSON that ``code`` prints last, run in a fresh interpreter."""
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    return json.loads(out.splitlines()[-1])


def test_deferred_models_validate_and_refuse_as_before() -> None:
    code = """
import json
from pydantic import ValidationError
from annotator import models
names = ["SampleIn", "LabelValue", "Label", "HistoryEntry", "Suggestion"]
before = {n: getattr(models, n).__pydantic_complete__ for n in names}
value = models.LabelValue(kind="bug", category=3, note="x")
refused = []
for bad in ({"kind": "maybe"}, {"category": "three"}, {"colour": 1}):
    try:
        models.LabelValue(**bad)
    except ValidationError as exc:
        refused.append(exc.errors()[0]["loc"][0])
label = models.Label.model_validate({
    "sample_id": "s1", "annotator": "a", "taxonomy_version": "1", "source": "ui",
    "created_at": "2026-01-01T00:00:00Z", "updated_at": "2026-01-01T00:00:00Z",
    "kind": "pass",
})
try:
    models.SampleIn(id="")
    empty_id = "accepted"
except ValidationError:
    empty_id = "refused"
suggestion = models.Suggestion(category=2, score=0.5, evidence=["e"])
print(json.dumps({
    "before": before,
    "after": {n: getattr(models, n).__pydantic_complete__ for n in ["LabelValue", "Label", "SampleIn", "Suggestion"]},
    "value": value.categories() == {3},
    "same": label.value().same_decision(models.LabelValue(kind="pass")),
    "refused": refused,
    "empty_id": empty_id,
    "suggestion": suggestion.model_dump()["evidence"],
}))
"""
    result = _run(code)
    assert result["before"] == dict.fromkeys(
        ["SampleIn", "LabelValue", "Label", "HistoryEntry", "Suggestion"], False
    )
    assert result["after"] == dict.fromkeys(["LabelValue", "Label", "SampleIn", "Suggestion"], True)
    assert result["value"] and result["same"]
    assert result["refused"] == ["kind", "category", "colour"]
    assert result["empty_id"] == "refused"
    assert result["suggestion"] == ["e"]


def test_collector_paused_and_resumed_only_by_the_startup() -> None:
    code = """
import gc, json
from annotator import startup
out = {}
startup.resume_collection()  # not paused here: nothing
out["untouched"] = [gc.isenabled(), gc.get_freeze_count() == 0]
startup.pause_collection()
out["paused"] = gc.isenabled()
startup.resume_collection()
out["resumed"] = [gc.isenabled(), gc.get_freeze_count() > 0]
gc.disable()  # the caller's own choice
startup.pause_collection()
startup.resume_collection()
out["callers_choice_kept"] = not gc.isenabled()
print(json.dumps(out))
"""
    assert _run(code) == {
        "untouched": [True, True],
        "paused": False,
        "resumed": [True, True],
        "callers_choice_kept": True,
    }


def _db_with_samples(tmp_path: Path) -> Path:
    data = tmp_path / "s.jsonl"
    rows = [{"id": f"x{i}", "generated_code": "pass", "passed": False} for i in range(3)]
    data.write_text("".join(json.dumps(r) + "\n" for r in rows))
    db = tmp_path / "x.db"
    result = CliRunner().invoke(cli, ["--db", str(db), "import", "jsonl", str(data)])
    assert result.exit_code == 0, result.output
    return db


def test_commands_resume_the_collector_the_ui_once_mounted(tmp_path: Path) -> None:
    db = _db_with_samples(tmp_path)
    code = f"""
import asyncio, gc, json
from click.testing import CliRunner
from annotator import startup
from annotator.cli import cli
out = {{}}
startup.pause_collection()
result = CliRunner().invoke(cli, ["--db", {str(db)!r}, "status", "--json"])
out["status"] = [result.exit_code, json.loads(result.output)["samples"], gc.isenabled()]
startup.pause_collection()
result = CliRunner().invoke(cli, ["--db", {str(db)!r}, "label", "--help"])
out["label_help"] = [result.exit_code, "Label samples" in result.output, gc.isenabled()]

from annotator.store import Store
from annotator.tui.app import AnnotatorApp

async def ui():
    with Store.open({str(db)!r}) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await pilot.pause()
            out["ui"] = [gc.isenabled(), gc.get_freeze_count() > 0]

asyncio.run(ui())
print(json.dumps(out))
"""
    assert _run(code) == {
        "status": [0, 3, True],
        # The UI's own commands leave it to the app (help exits before one starts).
        "label_help": [0, True, False],
        "ui": [True, True],
    }


def test_the_console_script_runs_a_command(tmp_path: Path) -> None:
    db = _db_with_samples(tmp_path)
    out = subprocess.run(
        [sys.executable, "-m", "annotator", "--db", str(db), "status", "--json"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out)["samples"] == 3
