"""The labeling core: labels built from the current one, written, and undone through history."""

from __future__ import annotations

from annotator.blind import BlindView
from annotator.labeling import LabelSession
from annotator.models import LabelValue, SampleIn
from annotator.review import adopt, final_session, write_final
from annotator.store import Store


def _samples(store: Store, *ids: str) -> None:
    for sid in ids:
        store.upsert_sample(SampleIn(id=sid, generated_code="x = 1"))


def test_undo_walks_back_through_history(store: Store) -> None:
    _samples(store, "a")
    session = LabelSession(BlindView(store, "ann"))
    session.save("a", session.category_value("a", 1, None))
    session.save("a", session.note_value("a", "why"))
    assert store.label("a", "ann").note == "why"  # type: ignore[union-attr]
    assert session.undo() == ["a"]
    label = store.label("a", "ann")
    assert label is not None and label.category == 1 and not label.note
    assert session.undo() == ["a"]
    assert store.label("a", "ann") is None
    assert session.undo() == []
    # Every step, undo included, is in the history.
    assert [h.op for h in store.history("a", "ann")] == ["insert", "update", "update", "delete"]


def test_a_cluster_label_is_one_undo_step(store: Store) -> None:
    _samples(store, "a", "b", "c")
    session = LabelSession(BlindView(store, "ann"))
    session.save("c", LabelValue(category=2))
    assert session.save_many(["a", "b", "c"], LabelValue(category=5)) == 3
    assert {store.label(s, "ann").source for s in "abc"} == {"ui-cluster"}  # type: ignore[union-attr]
    assert sorted(session.undo()) == ["a", "b", "c"]
    assert store.label("a", "ann") is None and store.label("b", "ann") is None
    assert store.label("c", "ann").category == 2  # type: ignore[union-attr]


def test_review_writes_and_undoes_final_labels_through_the_same_session(store: Store) -> None:
    _samples(store, "s")
    store.set_label("s", "k", LabelValue(category=1))
    store.set_label("s", "q", LabelValue(category=10))
    session = final_session(store, "rev")
    adopt(store, "s", "k", "rev", session)
    write_final(store, "s", LabelValue(kind="pass"), "rev", session)
    final = store.label("s", "final")
    assert final is not None and (final.kind, final.source, final.written_by) == (
        "pass",
        "review",
        "rev",
    )
    assert session.undo() == ["s"]
    final = store.label("s", "final")
    assert final is not None and final.category == 1 and final.raw == {"adopted_from": "k"}
    assert session.undo() == ["s"]
    assert store.label("s", "final") is None
    # The raters' labels are untouched by the reviewer's undo.
    assert store.label("s", "k") is not None and store.label("s", "q") is not None
