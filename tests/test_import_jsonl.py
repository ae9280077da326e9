"""JSONL import: validation with file/line/field, all-or-nothing, idempotence."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rawsql import peek

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.store import Store


def _records(n: int) -> list[dict[str, object]]:
    return [
        {
            "id": f"task{i}",
            "prompt": f"Write f{i}",
            "generated_code": f"def f{i}():\n    return {i}\n",
            "reference_code": f"def f{i}():\n    return {i + 1}\n",
            "test_output": "E   assert 1 == 2",
            "passed": i % 3 == 0,
            "model": "m1" if i % 2 else "m2",
            "stage": "function",
            "harness_run": 7,
        }
        for i in range(n)
    ]


def _write(path: Path, records: list[dict[str, object]]) -> Path:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


def test_import_keeps_extra_keys_as_metadata(store: Store, tmp_path: Path) -> None:
    summary = import_path(store, "jsonl", _write(tmp_path / "a.jsonl", _records(5)))
    assert summary.samples["new"] == 5
    sample = store.sample("task1")
    assert sample is not None
    assert sample.metadata == {"harness_run": 7}
    assert sample.model == "m1" and sample.passed is False
    assert store.status().failing == 3


def test_missing_id_uses_the_content_hash(store: Store, tmp_path: Path) -> None:
    records = _records(2)
    for r in records:
        del r["id"]
    import_path(store, "jsonl", _write(tmp_path / "a.jsonl", records))
    ids = store.sample_ids()
    assert len(ids) == 2 and all(len(i) == 16 for i in ids)
    # The same content gets the same id on a second import: nothing new.
    again = import_path(store, "jsonl", tmp_path / "a.jsonl")
    assert again.samples["unchanged"] == 2 and again.samples["new"] == 0


def test_truncated_line_7_fails_the_whole_import(store: Store, tmp_path: Path) -> None:
    path = _write(tmp_path / "bad.jsonl", _records(10))
    lines = path.read_text().splitlines()
    lines[6] = lines[6][: len(lines[6]) // 2]
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(UserError, match=r"bad\.jsonl:7: invalid JSON"):
        import_path(store, "jsonl", path)
    assert store.status().samples == 0


def test_wrong_field_type_names_line_and_field(store: Store, tmp_path: Path) -> None:
    records = _records(4)
    records[2]["passed"] = "maybe"
    with pytest.raises(UserError, match=r"a\.jsonl:3 field 'passed'"):
        import_path(store, "jsonl", _write(tmp_path / "a.jsonl", records))
    assert store.sample_ids() == []


def test_failed_import_leaves_earlier_data_untouched(store: Store, tmp_path: Path) -> None:
    import_path(store, "jsonl", _write(tmp_path / "good.jsonl", _records(3)))
    before = peek(store, "SELECT id, content_hash FROM samples ORDER BY id")
    changed = _records(6)
    changed[0]["generated_code"] = "changed"
    path = _write(tmp_path / "bad.jsonl", changed)
    path.write_bytes(path.read_bytes() + b'{"id": "x", "prompt": "\xff"}\n')
    with pytest.raises(UserError, match=r"bad\.jsonl:7: not UTF-8"):
        import_path(store, "jsonl", path)
    after = peek(store, "SELECT id, content_hash FROM samples ORDER BY id")
    assert after == before


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("[1, 2]", "expected a JSON object"),
        ('{"id": ""}', "field 'id'"),
        ("{" * 100_000, "invalid JSON"),
    ],
)
def test_bad_lines_give_one_line_errors(
    store: Store, tmp_path: Path, line: str, message: str
) -> None:
    path = tmp_path / "x.jsonl"
    path.write_text(line + "\n")
    with pytest.raises(UserError, match=message) as info:
        import_path(store, "jsonl", path)
    assert "\n" not in str(info.value)


def test_duplicate_ids_in_one_file_are_an_error(store: Store, tmp_path: Path) -> None:
    records = _records(3)
    records[2]["id"] = "task0"
    with pytest.raises(UserError, match=r":3 field 'id'.*duplicate id 'task0' \(first on line 1\)"):
        import_path(store, "jsonl", _write(tmp_path / "a.jsonl", records))
