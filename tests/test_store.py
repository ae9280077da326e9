"""The SQLite store: pragmas, labels, history, restore, queue order, status."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from rawsql import peek

from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import SampleFilter, Store


def _samples(store: Store, n: int = 4) -> None:
    for i in range(n):
        store.upsert_sample(
            SampleIn(id=f"s{i}", generated_code=f"x = {i}", passed=(i == 3), test_output="E  boom")
        )


def test_database_uses_wal_and_foreign_keys(store: Store) -> None:
    settings = store.connection_settings()
    assert settings.journal_mode == "wal"
    assert settings.foreign_keys
    assert settings.busy_timeout >= 5000


def test_label_history_restores_any_earlier_state(store: Store) -> None:
    _samples(store)
    store.set_label("s0", "ann", LabelValue(category=6, note="first"))
    store.set_label("s0", "ann", LabelValue(category=10, note="second"))
    store.set_label("s0", "ann", LabelValue(kind="pass"))
    history = store.history("s0", "ann")
    assert [h.op for h in history] == ["insert", "update", "update"]
    assert [h.revision for h in history] == [1, 2, 3]
    store.restore_label("s0", "ann", history[0].id)
    label = store.label("s0", "ann")
    assert label is not None and label.category == 6 and label.note == "first"
    assert label.revision == 4  # restoring is itself an edit, kept in history
    store.restore_label("s0", "ann", None)
    assert store.label("s0", "ann") is None
    assert store.history("s0", "ann")[-1].op == "delete"


def test_label_survives_a_new_connection(tmp_path: Path) -> None:
    path = tmp_path / "a.db"
    with Store.open(path) as first:
        _samples(first)
        first.set_label("s1", "k", LabelValue(category=8, subcategory="Incorrect API usage"))
    raw = sqlite3.connect(path)
    assert raw.execute("SELECT category, subcategory FROM labels").fetchall() == [
        (8, "Incorrect API usage")
    ]


def test_invalid_labels_are_refused(store: Store) -> None:
    _samples(store)
    with pytest.raises(UserError, match="unknown category 42"):
        store.set_label("s0", "a", LabelValue(category=42))
    with pytest.raises(UserError, match="has no subcategory"):
        store.set_label(
            "s0", "a", LabelValue(category=2, subcategory="Shape and dimension mismatch")
        )
    with pytest.raises(UserError, match="no sample 'nope'"):
        store.set_label("nope", "a", LabelValue(category=2))
    assert list(store.labels()) == []


def test_queue_puts_unlabeled_failing_samples_first(store: Store) -> None:
    _samples(store)
    store.set_label("s0", "me", LabelValue(category=1))
    order = [row.id for row in store.queue("me")]
    assert order == ["s1", "s2", "s3", "s0"]
    assert [r.id for r in store.queue("me", offset=1, limit=2)] == ["s2", "s3"]
    assert store.queue_count("me", SampleFilter(status="labeled")) == 1
    assert [r.id for r in store.queue("me", SampleFilter(category=1))] == ["s0"]


def test_status_counts_samples_failing_and_labels_per_annotator(store: Store) -> None:
    _samples(store)
    store.set_label("s0", "k", LabelValue(category=1))
    store.set_label("s1", "k", LabelValue(kind="skip"))
    store.set_label("s1", "q", LabelValue(kind="pass"))
    store.set_label("s2", "only-skips", LabelValue(kind="skip"))
    status = store.status()
    assert (status.samples, status.tasks, status.failing, status.passing) == (4, 4, 3, 1)
    assert (status.outcome_unknown, status.to_label) == (0, 3)
    # A skip is not a label: k has one, and only-skips (no label at all) is not listed.
    assert sorted(status.annotators) == ["k", "q"]
    k, q = status.annotators["k"], status.annotators["q"]
    assert (k.labeled, k.decided, k.bugs, k.skipped, k.of_to_label) == (1, 1, 1, 1, 1)
    assert (q.labeled, q.decided, q.passes, q.skipped, q.of_to_label) == (1, 1, 1, 0, 1)


def test_updating_a_sample_keeps_its_labels(store: Store) -> None:
    _samples(store, 1)
    store.set_label("s0", "k", LabelValue(category=3))
    assert store.upsert_sample(SampleIn(id="s0", generated_code="changed")) == "updated"
    assert store.upsert_sample(SampleIn(id="s0", generated_code="changed")) == "unchanged"
    label = store.label("s0", "k")
    assert label is not None and label.category == 3
    sample = store.sample("s0")
    assert sample is not None and sample.generated_code == "changed"


def test_category_counts_view_counts_a_sample_once_per_category(store: Store) -> None:
    _samples(store)
    store.set_label("s0", "f", LabelValue(category=1, category2=10))
    store.set_label("s1", "f", LabelValue(category=1, category2=1))
    store.set_label("s2", "f", LabelValue(kind="pass"))
    rows = dict(peek(store, "SELECT category, occurrences FROM category_counts"))
    assert rows == {1: 2, 10: 1}


def test_the_connection_is_private(store: Store) -> None:
    # The store is the one door: callers use named methods, never the connection.
    assert not hasattr(store, "db")
    assert type(store.status()).__name__ == "StoreStatus"
