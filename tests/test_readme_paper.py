"""The README's command lines for the paper's tables and figures run as written, on a small
DL-Bench folder plus a metadata file and on two harness result files of our own."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli

REPO = Path(__file__).resolve().parents[1]
RESULT = "output file:\n{id}.json\n\nPass or Failed: {passed}\n\nE   RuntimeError: boom\n"
STAGES = ["training", "pre/post processing", "inference"]


def _block(name: str) -> list[list[str]]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    block = text.split(f"<!-- paper-commands: {name} -->\n```bash\n", 1)[1].split("```", 1)[0]
    return [shlex.split(line) for line in block.splitlines() if line.strip()]


def _dlbench(root: Path) -> None:
    folder = root / "dlbench"
    for sub in ("Original", "Generated", "Result"):
        (folder / sub).mkdir(parents=True)
    rows = []
    for i in range(9):
        sid = f"processed_lib{'AB'[i % 2]}func{chr(97 + i)}{100 + i}"
        (folder / "Original" / f"{sid}.py").write_text(f"def f():\n    return {i}\n")
        (folder / "Generated" / f"{sid}.py").write_text(f"def f():\n    return {i + 1}\n")
        (folder / "Result" / f"{sid}.txt").write_text(RESULT.format(id=sid, passed=int(i % 3 == 0)))
        if i % 3:
            rows.append(f"{sid},prompt {i},{1 + i % 4},note {i},,")
    (folder / "labels.csv").write_text(
        "sample,prompt,final_cat1,final_note1,final_cat2,final_note2\n" + "\n".join(rows) + "\n"
    )
    tasks = ["task,model,stage,data_type,task_type"] + [
        f"{100 + i},{['gpt-4o', 'llama'][i % 2]},{STAGES[i % 3]},{['image', 'text'][i % 2]},general"
        for i in range(12)  # three tasks more than samples: reported as unmatched
    ]
    (root / "tasks.csv").write_text("\n".join(tasks) + "\n")


def _harness(root: Path) -> None:
    (root / "solutions").mkdir()
    for model, name in (("claude", "claude.jsonl"), ("gpt-4o", "gpt4o.jsonl")):
        lines = []
        for t in range(6):
            statuses = ["pass" if (t + a + len(model)) % 3 else "fail" for a in range(5)]
            status = "pass" if "pass" in statuses else "fail"
            lines.append(
                {
                    "task_id": f"DLBench/{t}",
                    "status": status,
                    "statuses": statuses,
                    "stage": STAGES[t % 3],
                    "counts": {"passed": 1, "failed": 0},
                }
            )
            if model == "claude":
                (root / "solutions" / f"DLBench_{t}.py").write_text(f"def f():\n    return {t}\n")
        (root / name).write_text("".join(json.dumps(x) + "\n" for x in lines))
    (root / "names.csv").write_text("model,name\ngpt-4o,GPT-4o\nclaude,Claude 3.5 Sonnet\n")


@pytest.mark.parametrize("name", ["dlbench", "harness"])
def test_paper_commands_run_as_written(
    name: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pytest.importorskip("matplotlib")
    (_dlbench if name == "dlbench" else _harness)(tmp_path)
    monkeypatch.chdir(tmp_path)
    commands = _block(name)
    assert len(commands) >= 7
    for argv in commands:
        assert argv[0] == "annotator"
        result = CliRunner().invoke(cli, argv[1:])
        assert result.exit_code == 0, (argv, result.output)
    table3 = (tmp_path / "table3.tex").read_text(encoding="utf-8")
    assert re.search(r"Model & pre/post processing & training & inference & All", table3)
    assert r"\toprule" in table3
    assert (tmp_path / "figures" / "pass_at_1_by_stage_column.pdf").exists()
    assert (tmp_path / "figures" / "pass_at_1_by_stage_page.pdf").exists()
    if name == "dlbench":
        assert "\\textbf{Total}" in (tmp_path / "table6.tex").read_text(encoding="utf-8")
        assert "Tasks by stage" in (tmp_path / "report.md").read_text(encoding="utf-8")
    else:
        assert "Claude 3.5 Sonnet" in table3 and "pass@5" in table3
        rows = (tmp_path / "table2.tex").read_text(encoding="utf-8")
        assert rows.index("GPT-4o") < rows.index("Claude 3.5 Sonnet")  # the names file's order
