"""The labeling app indexes, in a background worker at start, the sample texts an
import left waiting for the search index (store/search_index.py): batch by batch,
each batch its own transaction; a failure is said on screen and the app goes on
(a search still indexes what is left before it matches)."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.models import LabelValue
from annotator.store import SampleFilter, Store
from annotator.tui.app import AnnotatorApp

from .conftest import make_sample, settle


def _imported(path: Path, n: int) -> Store:
    store = Store.open(path)
    with store.transaction():
        store.bind_taxonomy()
        with store.sample_batch() as batch:
            for i in range(n):
                batch.add(make_sample(i + 1).model_copy(update={"id": f"s{i:05d}"}))
    return store


async def test_app_indexes_waiting_texts_in_batches(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _imported(tmp_path / "w.db", 45)
    assert store.search_pending() == 45
    sizes: list[int] = []
    real = Store.index_search_batch

    def small_batches(self: Store, size: int = 0) -> int:
        done = real(self, 20)
        sizes.append(done)
        return done

    monkeypatch.setattr(Store, "index_search_batch", small_batches)
    app = AnnotatorApp(store, "me")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert sizes == [20, 20, 5, 0]
        assert store.search_pending() == 0
        assert store.search_index_ok()
        # Labels are saved as ever beside it.
        app.session.view.set_label("s00001", LabelValue(category=1))
    assert store.label("s00001", "me") is not None
    store.close()


async def test_a_failed_indexing_is_said_and_search_still_finds(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _imported(tmp_path / "w.db", 5)

    def boom(self: Store, size: int = 0) -> int:
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(Store, "index_search_batch", boom)
    app = AnnotatorApp(store, "me")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        said = [n.message for n in app._notifications]
        assert said == ["indexing the imported texts for search failed: RuntimeError: disk on fire"]
        assert store.search_pending() == 5
        found = store.queue("me", SampleFilter(text="reshape"))
        assert len(found) == 5
    store.close()


async def test_nothing_waiting_starts_no_indexing_worker(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = _imported(tmp_path / "w.db", 5)
    store.index_search()
    assert not store.search_waiting()
    started: list[int] = []

    def counted(self: Store, size: int = 0) -> int:
        started.append(size)
        return 0

    monkeypatch.setattr(Store, "index_search_batch", counted)
    app = AnnotatorApp(store, "me")
    async with app.run_test(size=(100, 30)) as pilot:
        await settle(pilot)
        assert not [w for w in app.workers if w.name == "index_search"]
    assert started == []
    store.close()
