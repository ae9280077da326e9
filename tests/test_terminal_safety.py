"""No control character from data reaches the terminal through any CLI command.

Every field a command can print (sample ids, annotator names, notes, flags,
models, taxonomy names, file names in import errors and warnings) carries OSC
title / clipboard sequences, BEL and a C1 CSI; every command's output
(stdout and stderr) must contain none of ESC, BEL or a C1 control.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.textsafe import TERMINAL_UNSAFE, json_visible, visible

ESC = "\x1b]0;PWNED\x07\x1b]52;c;ZXZpbA==\x07\x9b2J\u202e"
_Q = json.dumps  # JSON strings are YAML double-quoted strings with \\u escapes
TAXONOMY = f"""\
name: {_Q("Evil" + ESC)}
version: {_Q("1" + ESC)}
categories:
  - id: 1
    name: {_Q("Cat" + ESC)}
    subcategories:
      - {{name: {_Q("Sub" + ESC)}, dl_specific: true}}
      - {{name: Not DL-related, dl_specific: false}}
  - id: 2
    name: {_Q("Two" + ESC)}
    subcategories:
      - {{name: Not DL-related, dl_specific: false}}
"""


def _sample(i: int) -> SampleIn:
    return SampleIn(
        id=f"s{i}{ESC}",
        prompt=f"prompt {ESC}",
        generated_code=f"import torch\ndef f{i}(x):\n    return x.view({i}, -1)  # {ESC}\n",
        reference_code="def f(x):\n    return x\n",
        test_output=f"E   RuntimeError: shape {ESC} invalid\nFAILED test.py::t - RuntimeError: {ESC}\n",
        passed=False,
        model=f"model{ESC}",
        stage=f"stage{ESC}",
        metadata={"function": f"f{ESC}"},
    )


def _build(path: Path, tax: Path) -> None:
    with Store.open(path) as store:
        for i in range(4):
            store.upsert_sample(_sample(i))
        for name in (f"ann{ESC}", f"bob{ESC}", "final"):
            for i in range(4):
                value = LabelValue(
                    category=1 + (i + len(name)) % 2,
                    subcategory=None,
                    note=f"shape {ESC}",
                    flag=f"flag{ESC}",
                )
                store.set_label(f"s{i}{ESC}", name, value)


@pytest.fixture
def hostile(tmp_path: Path) -> tuple[Path, Path]:
    tax = tmp_path / "evil.yaml"
    tax.write_text(TAXONOMY, encoding="utf-8")
    db = tmp_path / "evil.db"
    _build(db, tax)
    return db, tax


COMMANDS = [
    ["status"],
    ["status", "--json"],
    ["suggest"],
    ["suggest", "--json"],
    ["clusters"],
    ["clusters", "--json"],
    ["evaluate"],
    ["evaluate", "--annotator", f"ann{ESC}"],
    ["agreement", "--bootstrap", "0"],
    ["agreement", "--json", "--bootstrap", "0"],
    ["agreement", "--bootstrap", "0", "--annotators", f"ann{ESC},bob{ESC}"],
    ["export", "counts"],
    ["export", "counts", "--format", "csv"],
    ["export", "counts", "--format", "json"],
    ["export", "counts", "--format", "latex"],
    ["export", "counts", "--source", f"ann{ESC}"],
    ["export", "labels"],
    ["export", "labels", "--format", "csv"],
    ["export", "inferred"],
    ["export", "inferred", "--format", "csv"],
    ["report", "--title", "study"],
    ["report", "--format", "latex"],
    ["saturation", "--batches", "1"],
    ["saturation", "--batches", "1", "--json"],
]


def _check(result_output: str, exception: BaseException | None) -> None:
    assert exception is None or isinstance(exception, SystemExit), repr(exception)
    found = TERMINAL_UNSAFE.search(result_output)
    assert found is None, repr(result_output[max(0, found.start() - 80) : found.end() + 20])


@pytest.mark.parametrize("args", COMMANDS, ids=lambda a: " ".join(a)[:40])
def test_command_writes_no_control_character(hostile: tuple[Path, Path], args: list[str]) -> None:
    db, _ = hostile
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    _check(result.output, result.exception)
    assert result.exit_code in (0, 1), result.output


def test_taxonomy_names_are_printed_visibly(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    _, tax = hostile
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "t.db"), "--taxonomy", str(tax), "taxonomy"]
    )
    _check(result.output, result.exception)
    assert "Cat\\x1b]0;PWNED" in result.output


def test_json_output_stays_json_with_the_same_values(hostile: tuple[Path, Path]) -> None:
    db, _ = hostile
    result = CliRunner().invoke(cli, ["--db", str(db), "export", "labels"])
    rows = [json.loads(line) for line in result.output.splitlines()]
    assert {r["annotator"] for r in rows} == {f"ann{ESC}", f"bob{ESC}", "final"}
    assert json_visible('"\x1b"') == '"\\u001b"' and visible("\x9b") == "\\x9b"


def test_import_errors_and_warnings_name_files_visibly(tmp_path: Path) -> None:
    bad = tmp_path / f"bad{ESC}.jsonl"
    bad.write_text('{"id": "a"}\n{not json\n', encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "i.db"), "import", "jsonl", str(bad)])
    assert result.exit_code == 1
    _check(result.output, result.exception)
    assert "bad\\x1b]0;PWNED" in result.output
    good = tmp_path / f"good{ESC}.jsonl"
    records = [_sample(i).model_dump() for i in range(2)]
    good.write_text("\n".join(json.dumps(r) for r in records) + "\n", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--db", str(tmp_path / "i.db"), "import", "jsonl", str(good)])
    _check(result.output, result.exception)
    assert result.exit_code == 0


def test_merge_summary_is_visible(hostile: tuple[Path, Path], tmp_path: Path) -> None:
    db, tax = hostile
    other = tmp_path / "other.db"
    with Store.open(other) as store:
        store.upsert_sample(_sample(0))
        store.set_label(f"s0{ESC}", f"ann{ESC}", LabelValue(category=2, note=f"x{ESC}"))
    for extra in ([], ["--json"]):
        result = CliRunner().invoke(cli, ["--db", str(db), "merge", *extra, str(other)])
        _check(result.output, result.exception)
