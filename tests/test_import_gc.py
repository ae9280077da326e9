"""An import runs with Python's cyclic collector off and leaves it as it found it:
on again after an import that succeeds or fails, off still when someone else had
turned it off (importers.base.collector_paused, around run_import)."""

from __future__ import annotations

import gc
import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.importers.base import ImportSummary, run_import
from annotator.models import SampleIn
from annotator.store import Store

ENTRY = {"solution": "x", "status": "fail", "details": {"t": "tb"}}


def _results(tmp_path: Path, entries: list[object]) -> Path:
    path = tmp_path / "b_eval_results.json"
    path.write_text(json.dumps({"eval": {"T/1": entries}}))
    return path


@pytest.fixture
def collector_on() -> Iterator[None]:
    was = gc.isenabled()
    gc.enable()
    yield
    (gc.enable if was else gc.disable)()


def test_the_collector_is_off_while_the_samples_are_read_and_stored(
    store: Store, collector_on: None
) -> None:
    seen: list[bool] = []

    def records() -> Iterator[SampleIn]:
        for number in range(3):
            seen.append(gc.isenabled())
            yield SampleIn(id=f"s{number}", generated_code="x = 1\n")

    run_import(store, records(), ImportSummary("test"))
    assert seen == [False, False, False]
    assert gc.isenabled() and len(store.sample_ids()) == 3


def test_it_is_on_again_after_an_import_that_succeeds_or_fails(
    store: Store, tmp_path: Path, collector_on: None
) -> None:
    import_path(store, "bigcodebench", _results(tmp_path, [ENTRY, ENTRY]))
    assert gc.isenabled() and len(store.sample_ids()) == 2
    with pytest.raises(UserError):
        import_path(store, "bigcodebench", _results(tmp_path, [ENTRY, {"status": 3}]))
    assert gc.isenabled()


def test_a_pause_of_someone_elses_stays(store: Store, tmp_path: Path, collector_on: None) -> None:
    gc.disable()
    import_path(store, "bigcodebench", _results(tmp_path, [ENTRY]))
    assert not gc.isenabled()  # not turned on by the import
