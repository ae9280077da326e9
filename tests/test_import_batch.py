"""The import's batched sample writes (store/samples.SampleBatch): the search index,
once its waiting texts are indexed (m012), is the one the per-row triggers would have
built, the trigger is unchanged afterwards (also after a failed import), a repeated
id in one import reads as before, and the hash is the one ``model_dump`` gives."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest
from rawsql import peek

from annotator import safejson
from annotator.errors import UserError
from annotator.importers import import_path
from annotator.importers.base import PROGRESS_EVERY, ImportSummary, run_import
from annotator.models import LabelValue, SampleIn, content_hash
from annotator.store import SampleFilter, Store


def _write(path: Path, rows: list[dict[str, object]], bad: bool = False) -> Path:
    lines = [json.dumps(r) for r in rows]
    if bad:
        lines.append('{"id": ')
    path.write_text("\n".join(lines) + "\n")
    return path


def _rows(n: int, word: str = "alpha") -> list[dict[str, object]]:
    return [
        {"id": f"s{i}", "generated_code": f"x = {i}  # {word}{i % 7}", "passed": False}
        for i in range(n)
    ]


def _trigger(store: Store) -> str | None:
    rows = peek(
        store, "SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = 'sample_fts_insert'"
    )
    return str(rows[0][0]) if rows else None


def _index_ok(store: Store) -> None:
    assert store.search_index_ok()


def _found(store: Store, text: str) -> set[str]:
    return {r.id for r in store.queue("me", SampleFilter(text=text))}


def test_batched_import_indexes_every_sample_and_keeps_the_trigger(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "a.db")
    before = _trigger(store)
    assert before is not None
    import_path(store, "jsonl", _write(tmp_path / "a.jsonl", _rows(1234)), expected=1234)
    assert _trigger(store) == before
    _index_ok(store)
    assert len(_found(store, "alpha3")) == len([i for i in range(1234) if i % 7 == 3])
    # A sample written later through the trigger is found too.
    store.upsert_sample(SampleIn(id="late", generated_code="zeta_word"))
    assert _found(store, "zeta_word") == {"late"}
    _index_ok(store)


def test_changed_reimport_updates_index_and_keeps_labels(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "b.db")
    import_path(store, "jsonl", _write(tmp_path / "b.jsonl", _rows(700)))
    store.set_label("s5", "me", LabelValue(kind="skip"))
    again = import_path(store, "jsonl", _write(tmp_path / "b.jsonl", _rows(700)))
    assert again.samples["unchanged"] == 700
    changed = import_path(store, "jsonl", _write(tmp_path / "c.jsonl", _rows(700, "beta")))
    assert changed.samples["updated"] == 700
    _index_ok(store)
    assert _found(store, "alpha1") == set()
    assert "s1" in _found(store, "beta1")
    label = store.label("s5", "me")
    assert label is not None and label.kind == "skip"


def test_a_repeated_id_in_one_import_is_written_once_then_updated(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "c.db")
    rows = _rows(10) + [{"id": "s3", "generated_code": "gamma_word"}, _rows(10)[4]]
    records = [SampleIn.model_validate(r) for r in rows]  # jsonl refuses repeated ids
    summary = run_import(store, records, ImportSummary("test"))
    assert dict(summary.samples) == {"new": 10, "updated": 1, "unchanged": 1}
    _index_ok(store)
    assert _found(store, "gamma_word") == {"s3"}
    assert "s3" not in _found(store, "alpha3")


def test_failed_import_leaves_trigger_and_index_as_before(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "d.db")
    import_path(store, "jsonl", _write(tmp_path / "d.jsonl", _rows(5)))
    before = _trigger(store)
    with pytest.raises(UserError):
        import_path(store, "jsonl", _write(tmp_path / "e.jsonl", _rows(900, "delta"), bad=True))
    assert _trigger(store) == before
    assert store.status().samples == 5
    _index_ok(store)
    assert _found(store, "delta1") == set()


@pytest.mark.parametrize(
    "metadata",
    [{}, {"task_id": "T/1", "n": [1, 2.5, None, True], "é": {"b": 1, "a": "ü"}}, {"s": {1, 2}}],
)
def test_hashed_is_the_model_dump_hash(metadata: dict[str, object]) -> None:
    sample = SampleIn(
        id="x", generated_code="a", passed=False, model="m", metadata=metadata, source="f"
    )
    digest, meta = sample.hashed()
    assert digest == content_hash(sample.model_dump(exclude={"id", "source"}))
    assert meta == json.dumps(metadata, ensure_ascii=False, sort_keys=True, default=str)
    assert SampleIn(id="x", passed=None).hashed()[0] == content_hash(
        SampleIn(id="x", passed=None).model_dump(exclude={"id", "source"})
    )


def _depth(value: object) -> int:
    if isinstance(value, dict):
        value = list(value.values())
    if isinstance(value, list):
        return 1 + max((_depth(v) for v in value), default=0)
    return 0


def _nested(rnd: random.Random, room: int) -> object:
    """A random JSON value, its strings full of brackets."""
    pick = rnd.random()
    if room == 0 or pick < 0.3:
        return "".join(rnd.choice('[]{}"\\a') for _ in range(rnd.randint(0, 6)))
    items = [_nested(rnd, room - 1) for _ in range(rnd.randint(0, 3))]
    if pick < 0.65:
        return items
    return {f"k{i}[": v for i, v in enumerate(items)}


def test_depth_limit_counts_nesting_not_brackets_in_strings() -> None:
    """safejson refuses exactly the values nested deeper than the limit (the parsed
    value is walked; brackets inside strings never count), with one message."""
    rnd = random.Random(26)
    for _ in range(600):
        value = _nested(rnd, 7)
        text = json.dumps(value)
        for limit in (0, 1, 2, 3, 5):
            try:
                safejson.loads(text, max_depth=limit)
            except safejson.JsonLimitError as exc:
                assert str(exc) == f"nested too deeply (more than {limit} levels)"
                assert _depth(value) > limit, text
            else:
                assert _depth(value) <= limit, text


@pytest.mark.parametrize("digits", [4300, 4301])
def test_integer_digits_limit_reads_the_same(digits: int) -> None:
    """The interpreter's own integer limit gives safejson's message (no hook per integer)."""
    text = '{"n": [-' + "7" * digits + "]}"
    if digits <= safejson.MAX_DIGITS:
        assert safejson.loads(text)["n"][0] < 0
    else:
        with pytest.raises(safejson.JsonLimitError, match=r"^an integer of more than 4300 digits$"):
            safejson.loads(text)
    with pytest.raises(safejson.JsonLimitError, match=r"^an integer of more than 20 digits$"):
        safejson.loads('{"n": 1' + "0" * 20 + "}", max_digits=20)


def test_the_digest_is_content_hash_for_any_mix_of_ascii_and_other_text() -> None:
    """The digest spells an ASCII record once; any field with another character
    (accents, emoji, a lone surrogate, in a small field or the metadata) must give
    the same digest as the general definition."""
    rnd = random.Random(26)
    pieces = ["a", "é", "\ud800", "\U0001f600", "\n", "x" * 40, "", "null", "4:"]

    def text() -> str:
        return "".join(rnd.choice(pieces) for _ in range(rnd.randrange(0, 5)))

    def small() -> str | None:
        return rnd.choice([None, text()])

    for _ in range(2000):
        sample = SampleIn(
            id="x",
            prompt=text(),
            generated_code=text(),
            reference_code=text(),
            test_output=text(),
            passed=rnd.choice([None, True, False]),
            model=small(),
            stage=small(),
            data_type=small(),
            task_type=small(),
            metadata=rnd.choice([{}, {"k": text()}, {text(): [1, text()]}]),
        )
        assert sample.hashed()[0] == content_hash(sample.model_dump(exclude={"id", "source"}))


def test_progress_hears_of_every_sample_in_a_few_calls(tmp_path: Path) -> None:
    """The bar reaches the count of samples stored, told every PROGRESS_EVERY samples
    (a redraw per sample was a tenth of an import) and once for the rest."""
    store = Store.open(tmp_path / "p.db")
    heard: list[int] = []
    n = 2 * PROGRESS_EVERY + 37
    path = _write(tmp_path / "p.jsonl", _rows(n))
    import_path(store, "jsonl", path, progress=heard.append)
    assert sum(heard) == n == store.status().samples
    assert heard == [PROGRESS_EVERY, PROGRESS_EVERY, 37]
    heard.clear()
    import_path(store, "jsonl", path, progress=heard.append)  # all unchanged: still told
    assert heard == [PROGRESS_EVERY, PROGRESS_EVERY, 37]
