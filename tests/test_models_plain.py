"""The plain models read on the labeling UI's start keep step with the validated ones.

A stored :class:`~annotator.models.Sample` is a plain row with :class:`SampleIn`'s
fields (and what the store adds), checked as the store reads it; the keymap's
settings are the typed file's fields; the validated models still import from
:mod:`annotator.models`.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from annotator import models
from annotator.models import Sample, SampleIn, stored_sample
from annotator.store import Store
from annotator.tui.keymap import Settings
from annotator.tui.keymap_file import KeymapFile

ROW = {
    "id": "s1",
    "prompt": "p",
    "generated_code": "x = 1\n",
    "reference_code": "",
    "test_output": "boom",
    "passed": 0,
    "model": "m",
    "stage": None,
    "data_type": None,
    "task_type": None,
    "metadata": '{"k": [1]}',
    "source": None,
    "content_hash": "abc",
    "created_at": "2026-12-06T10:00:00.000000Z",
    "updated_at": "2026-12-06T10:00:00+00:00",
    "rowid_we_do_not_know": 7,
}


def test_a_stored_sample_has_the_input_fields_and_the_store_s() -> None:
    names = [f.name for f in dataclasses.fields(Sample)]
    assert names == [*SampleIn.model_fields, "content_hash_", "created_at", "updated_at"]


def test_a_row_is_read_and_checked() -> None:
    sample = stored_sample(dict(ROW))
    assert sample.passed is False and sample.metadata == {"k": [1]}
    assert sample.updated_at == "2026-12-06T10:00:00.000000Z"  # the stored spelling
    assert sample.as_input(prompt="q") == SampleIn(
        id="s1", prompt="q", generated_code="x = 1\n", test_output="boom", passed=False,
        model="m", metadata={"k": [1]},
    )  # fmt: skip


@pytest.mark.parametrize(
    ("column", "value", "why"),
    [
        ("id", "", "empty id"),
        ("id", "a\x00b", "NUL"),
        ("prompt", None, "prompt is not text"),
        ("model", 5, "model is not text"),
        ("metadata", "[1]", "metadata is not a JSON object"),
        ("created_at", "yesterday", "not a timestamp"),
        ("updated_at", "1999-01-01T00:00:00Z", "before 2000"),
    ],
)
def test_a_bad_row_is_refused(column: str, value: object, why: str) -> None:
    with pytest.raises(ValueError, match=why):
        stored_sample({**ROW, column: value})


def test_the_store_reads_plain_samples(tmp_path: Path) -> None:
    with Store.open(tmp_path / "a.db") as store:
        store.upsert_sample(SampleIn(id="s1", generated_code="x\n", metadata={"a": 1}))
        sample = store.require_sample("s1")
    assert isinstance(sample, Sample) and sample.metadata == {"a": 1}
    assert (
        sample.content_hash_
        == SampleIn(id="s1", generated_code="x\n", metadata={"a": 1}).content_hash()
    )


def test_the_keymap_settings_are_the_file_s() -> None:
    settings = [f.name for f in dataclasses.fields(Settings)]
    assert settings == [name for name in KeymapFile.model_fields if name != "keys"]


def test_the_validated_models_import_from_models() -> None:
    assert models.Label.__module__ == "annotator.pydantic_models"
    with pytest.raises(AttributeError):
        models.NoSuchModel  # noqa: B018
