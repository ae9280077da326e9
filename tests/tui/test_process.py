"""The real process: labels survive a SIGKILL right after they show as saved;
the CLI commands start and fail cleanly."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Store

from .conftest import make_sample

SCRIPT = textwrap.dedent(
    """
    import asyncio, sys, time
    from annotator.store import Store
    from annotator.tui.app import AnnotatorApp

    async def main():
        store = Store.open(sys.argv[1])
        app = AnnotatorApp(store, "killme")
        async with app.run_test(size=(100, 30)) as pilot:
            for _ in range(5):
                screen = app.screen
                deadline = time.monotonic() + 20
                while screen.current is None or screen.current not in screen.shown_at:
                    assert time.monotonic() < deadline
                    await pilot.pause(0.02)
                sid = screen.current
                await pilot.press("2")
                summary = str(screen.query_one("#label-summary").render())
                assert "saved" in summary, summary
                print("SAVED", sid, flush=True)
                await pilot.press("n")
            print("READY", flush=True)
            await asyncio.sleep(60)

    asyncio.run(main())
    """
)


def test_labels_survive_sigkill(db_path: Path, tmp_path: Path) -> None:
    script = tmp_path / "run.py"
    script.write_text(SCRIPT)
    proc = subprocess.Popen(
        [sys.executable, str(script), str(db_path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    saved = []
    try:
        assert proc.stdout is not None
        for line in proc.stdout:
            if line.startswith("SAVED"):
                saved.append(line.split()[1])
            if line.startswith("READY"):
                break
        else:
            pytest.fail(f"no READY: {proc.stderr.read() if proc.stderr else ''}")
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.kill()
        proc.wait(timeout=10)
    assert len(saved) == 5
    with Store.open(db_path) as store:
        labels = {label.sample_id: label for label in store.labels(annotator="killme")}
    assert sorted(labels) == sorted(saved)
    assert all(label.category == 2 for label in labels.values())


def test_demo_no_ui_imports_and_prints_status(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = tmp_path / "demo.jsonl"
    records = [make_sample(i).model_dump(exclude={"source"}) for i in (1, 2, 3)]
    data.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    monkeypatch.setattr("annotator.cli.labeling.demo_path", lambda: data)
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "unused.db"), "demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    assert "Imported 3 samples (3 failing)" in result.output
    assert not (tmp_path / "unused.db").exists()  # the demo never touches --db


def test_bundled_demo_imports_when_present() -> None:
    pytest.importorskip("annotator.demo")
    from annotator.demo import DEMO_PATH

    if not Path(DEMO_PATH).exists():
        pytest.skip("demo data not written yet")
    result = CliRunner().invoke(cli, ["demo", "--no-ui"])
    assert result.exit_code == 0, result.output
    assert "Imported" in result.output


def test_label_rejects_bad_blind_share(db_path: Path) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(db_path), "label", "--annotator", "x", "--blind-suggestions", "2"]
    )
    assert result.exit_code == 1
    assert result.output.startswith("Error:") and "Traceback" not in result.output


def test_label_command_help_lists_keys() -> None:
    result = CliRunner().invoke(cli, ["label", "--help"])
    assert result.exit_code == 0
    assert "--annotator" in result.output and "u undo" in result.output
