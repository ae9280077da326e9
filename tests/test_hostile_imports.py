"""Hostile input to the importers: never an unhandled exception, and a failed
import leaves the database exactly as it was."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings, strategies as st
from rawsql import peek

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.models import SampleIn
from annotator.store import Store

SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _fingerprint(store: Store) -> tuple[list[tuple[object, ...]], int]:
    return (
        peek(store, "SELECT id, content_hash FROM samples ORDER BY id"),
        peek(store, "SELECT COUNT(*) FROM label_history")[0][0],
    )


def _seeded(tmp_path: Path, name: str) -> Store:
    store = Store.open(tmp_path / name)
    store.upsert_sample(SampleIn(id="keep", generated_code="x = 1"))
    return store


def _attempt(store: Store, fmt: str, path: Path) -> None:
    before = _fingerprint(store)
    try:
        import_path(store, fmt, path)
    except UserError as exc:
        assert "\n" not in str(exc)
        assert _fingerprint(store) == before


@SETTINGS
@given(data=st.binary(max_size=2000))
def test_jsonl_random_bytes(tmp_path: Path, data: bytes) -> None:
    store = _seeded(tmp_path, "bytes.db")
    path = tmp_path / "random.jsonl"
    path.write_bytes(data)
    _attempt(store, "jsonl", path)
    store.close()


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=True) | st.text(max_size=30),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=10), children, max_size=4)
    ),
    max_leaves=12,
)


@SETTINGS
@given(
    records=st.lists(
        st.dictionaries(
            st.sampled_from(["id", "prompt", "generated_code", "passed", "model", "metadata", "x"]),
            json_values,
            max_size=6,
        ),
        max_size=6,
    )
)
def test_jsonl_random_records(tmp_path: Path, records: list[dict[str, object]]) -> None:
    store = _seeded(tmp_path, "records.db")
    path = tmp_path / "records.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in records))
    _attempt(store, "jsonl", path)
    store.close()


def test_huge_single_line_and_nul_bytes(tmp_path: Path) -> None:
    store = _seeded(tmp_path, "huge.db")
    path = tmp_path / "huge.jsonl"
    blob = "A" * 10_000_000
    path.write_text(json.dumps({"id": "big", "test_output": blob + "\x00\x1b[31m"}) + "\n")
    import_path(store, "jsonl", path)
    sample = store.sample("big")
    assert sample is not None and sample.test_output.endswith("\x00\x1b[31m")
    nested = tmp_path / "nested.jsonl"
    nested.write_text("[" * 50_000 + "]" * 50_000 + "\n")
    _attempt(store, "jsonl", nested)
    store.close()


@SETTINGS
@given(sheet=st.text(alphabet=st.characters(codec="utf-8"), max_size=400))
def test_dlbench_random_labels_sheet(tmp_path: Path, sheet: str) -> None:
    folder = tmp_path / "d"
    for sub in ("Generated", "Original", "Result"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "Generated" / "s0.py").write_text("x = 1\n")
    (folder / "Result" / "s0.txt").write_text("Pass or Failed: 0\n")
    header = "sample,prompt,final_cat1,final_note1,final_cat2,final_note2\n"
    (folder / "labels.csv").write_text(header + "s0," + sheet)
    store = _seeded(tmp_path, "sheet.db")
    _attempt(store, "dlbench", folder)
    store.close()


@SETTINGS
@given(result=st.binary(max_size=3000))
def test_dlbench_random_result_file(tmp_path: Path, result: bytes) -> None:
    folder = tmp_path / "r"
    for sub in ("Generated", "Original", "Result"):
        (folder / sub).mkdir(parents=True, exist_ok=True)
    (folder / "Generated" / "s0.py").write_text("x = 1\n")
    (folder / "Result" / "s0.txt").write_bytes(result)
    store = _seeded(tmp_path, "result.db")
    import_path(store, "dlbench", folder)  # test output is a log: any bytes import
    assert store.sample("s0") is not None
    store.close()
