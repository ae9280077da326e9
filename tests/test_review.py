"""Adjudication core: which samples disagree, in which order, and final labels."""

from __future__ import annotations

from annotator.models import LabelValue, SampleIn
from annotator.review import adopt, disagreements, pair_disagreements, write_final
from annotator.store import Store


def _store(store: Store) -> Store:
    for sid in ("agree", "sub", "cat", "three", "passbug", "single"):
        store.upsert_sample(SampleIn(id=sid, generated_code="x = 1"))
    put = store.set_label
    put("agree", "k", LabelValue(category=6, subcategory="Tensor shape mismatch"))
    put("agree", "q", LabelValue(category=6, subcategory="Tensor shape mismatch"))
    put("sub", "k", LabelValue(category=6, subcategory="Tensor shape mismatch"))
    put("sub", "q", LabelValue(category=6, subcategory="Type mismatch problem", note="dtype"))
    put("cat", "k", LabelValue(category=1))
    put("cat", "q", LabelValue(category=10))
    put("three", "k", LabelValue(category=1))
    put("three", "q", LabelValue(category=10))
    put("three", "z", LabelValue(category=7))
    put("passbug", "k", LabelValue(kind="pass"))
    put("passbug", "q", LabelValue(category=5))
    put("single", "k", LabelValue(category=3))
    return store


def test_disagreements_come_largest_first(store: Store) -> None:
    found = disagreements(_store(store))
    assert [d.sample_id for d in found] == ["three", "cat", "passbug", "sub"]
    assert [d.level for d in found] == ["category"] * 3 + ["subcategory"]
    assert found[-1].labels["q"].note == "dtype"


def test_adopt_and_write_final_record_the_reviewer(store: Store) -> None:
    _store(store)
    final = adopt(store, "cat", "q", reviewer="rev")
    assert (final.annotator, final.category, final.written_by, final.source) == (
        "final",
        10,
        "rev",
        "review",
    )
    write_final(store, "cat", LabelValue(category=1, note="after discussion"), reviewer="rev2")
    history = store.history("cat", "final")
    assert [(h.category, h.written_by) for h in history] == [(10, "rev"), (1, "rev2")]
    open_items = disagreements(store, include_resolved=False)
    assert "cat" not in [d.sample_id for d in open_items]
    # Resolved samples stay reviewable, after the open ones.
    assert [d.sample_id for d in disagreements(store)][-1] == "cat"


def test_pair_disagreements_are_the_matrix_cells(store: Store) -> None:
    _store(store)
    assert pair_disagreements(store, "k", "q") == ["cat", "three", "passbug"]
    assert pair_disagreements(store, "k", "z") == ["three"]
