"""Samples the benchmark importers build without validating them again are refused
as before: an id with a NUL, text that is not Unicode (a file name that is not
UTF-8, a model name from the command line), with the same line as main's (8c66246)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.store import Store

NOT_TEXT = "Input should be a valid string, unable to parse raw data as a unicode string"


def _refusal(store: Store, fmt: str, path: Path, **options: Any) -> str:
    with pytest.raises(UserError) as caught:
        import_path(store, fmt, path, **options)
    assert store.sample_ids() == []
    return str(caught.value)


def test_a_nul_in_a_task_id(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "b_eval_results.json"
    entry = {"solution": "x", "status": "fail", "details": {"t": "tb"}}
    path.write_text(json.dumps({"eval": {"T\x00/1": [entry]}}))
    assert _refusal(store, "bigcodebench", path) == (
        f"{path} (task \"T\\u0000/1\", attempt 1) field 'id':"
        " a sample id must not contain a NUL character"
    )


def test_a_model_name_that_is_not_unicode(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "r.eval_results.json"
    path.write_text(json.dumps({"eval": {"T/1": [{"solution": "x", "base_status": "pass"}]}}))
    line = _refusal(store, "evalplus", path, model="m\udcff")
    assert line == f"{path} (task \"T/1\", attempt 1) field 'id': {NOT_TEXT}"


def test_an_instance_folder_whose_name_is_not_utf8(store: Store, tmp_path: Path) -> None:
    run = tmp_path / "run" / "model"
    folder = os.fsencode(run) + b"/org__re\xffpo-1"
    os.makedirs(folder)
    Path(os.fsdecode(folder + b"/patch.diff")).write_text("diff\n")
    assert _refusal(store, "swe-bench", run) == f"{run} field 'id': {NOT_TEXT}"
