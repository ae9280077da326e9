"""A rater who opens review sees the other raters' labels: from then on their own
changes on that sample are negotiated (``annotator.rounds``); a reviewer who did not
rate the sample records nothing."""

from __future__ import annotations

from pathlib import Path

from annotator.models import LabelValue
from annotator.rounds import conflicts, draw_round
from annotator.store import Store
from annotator.tui.app import AnnotatorApp

from .conftest import fill, settle

ONE = LabelValue(kind="bug", category=1)
TWO = LabelValue(kind="bug", category=2)


def study(path: Path) -> Store:
    store = Store.open(path)
    fill(store)
    for who in ("alice", "bob", "carol"):
        store.register_annotator(who)
    draw_round(store, 2, query="id:s01,s02", annotators=["alice", "bob"])
    for sid in ("s01", "s02"):
        store.set_label(sid, "alice", ONE)
        store.set_label(sid, "bob", TWO)
    return store


async def test_a_rater_reviewing_has_seen_the_disagreement(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "alice", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
        shown = store.shown_at("s01", "alice")
        assert shown is not None
        assert store.shown_at("s01", "bob") is None
        store.set_label("s01", "alice", TWO)
        (first, _) = conflicts(store, 1)
        assert first.sample_id == "s01"
        assert [(c.annotator, c.category) for c in first.changes] == [("alice", 2)]
    finally:
        store.close()


async def test_a_reviewer_who_did_not_rate_records_nothing(tmp_path: Path) -> None:
    store = study(tmp_path / "study.db")
    try:
        app = AnnotatorApp(store, "carol", review=True)
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            await pilot.press("n")
            await settle(pilot)
        assert all(store.shown_at(s, w) is None for s in ("s01", "s02") for w in ("alice", "bob"))
    finally:
        store.close()
