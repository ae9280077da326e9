"""Random documents shaped roughly like the benchmark result files: every import
either succeeds or fails with one clean line, and a failure changes nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st
from rawsql import peek

from annotator.errors import UserError
from annotator.failures.primary import primary_error, report_of
from annotator.importers import import_path
from annotator.models import SampleIn
from annotator.store import Store

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

leaf = st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20)
values = st.recursive(
    leaf,
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=8), children, max_size=3)
    ),
    max_leaves=10,
)
KEYS = [
    "task_id", "solution", "base_status", "plus_status", "base_fail_tests", "plus_fail_tests",
    "status", "details", "question_id", "code_list", "graded_list", "metadata", "output_list",
]  # fmt: skip
entry = st.fixed_dictionaries(
    {},
    optional={k: values | st.sampled_from(["pass", "fail", "timeout"]) for k in KEYS},
)


def _attempt(tmp_path: Path, fmt: str, path: Path) -> None:
    store = Store.open(tmp_path / f"{fmt}.db")
    store.upsert_sample(SampleIn(id="keep", generated_code="x = 1"))
    before = peek(store, "SELECT id, content_hash FROM samples ORDER BY id")
    try:
        import_path(store, fmt, path)
    except UserError as exc:
        assert "\n" not in str(exc)
        assert peek(store, "SELECT id, content_hash FROM samples ORDER BY id") == before
    else:  # what was imported is shown without raising
        for sample_id in store.sample_ids():
            sample = store.require_sample(sample_id)
            primary_error(report_of(sample.test_output, sample.metadata), sample.generated_code)
    store.close()


@SETTINGS
@given(tasks=st.dictionaries(st.text(max_size=8), st.lists(entry, max_size=3), max_size=3))
def test_evalplus_and_bigcodebench_random_results(tmp_path: Path, tasks: dict[str, Any]) -> None:
    path = tmp_path / "r_eval_results.json"
    path.write_text(json.dumps({"eval": tasks}))
    _attempt(tmp_path, "evalplus", path)
    _attempt(tmp_path, "bigcodebench", path)


@pytest.mark.parametrize("fmt", ["evalplus", "bigcodebench"])
def test_a_nul_in_a_task_id_is_one_line(tmp_path: Path, fmt: str) -> None:
    """Found by the test above: the sample id (model/task) cannot hold a NUL."""
    path = tmp_path / "r_eval_results.json"
    path.write_text(json.dumps({"eval": {"\x00": [{"base_status": "pass", "status": "pass"}]}}))
    with Store.open(tmp_path / "a.db") as store, pytest.raises(UserError) as caught:
        import_path(store, fmt, path)
    assert str(caught.value) == (
        f"{path} (task \"\\u0000\", attempt 1) field 'id':"
        " a sample id must not contain a NUL character"
    )
    _attempt(tmp_path, fmt, path)


@SETTINGS
@given(
    questions=st.lists(entry, max_size=3),
    metadata=st.lists(st.text(max_size=40) | st.just('{"error_code": -2}'), max_size=3),
)
def test_livecodebench_random_questions(
    tmp_path: Path, questions: list[dict[str, Any]], metadata: list[str]
) -> None:
    for question in questions[:1]:
        question.setdefault("metadata", metadata)
    path = tmp_path / "x_eval_all.json"
    path.write_text(json.dumps(questions))
    _attempt(tmp_path, "livecodebench", path)
