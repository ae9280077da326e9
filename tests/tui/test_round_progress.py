"""The labeling screen shows the annotator's own round first, with their own progress.

Blind: the title counts only alice's assignments and alice's labels, and the queue
order follows only them; two databases that differ only in bob's round work (his
labels, his share of the round) show alice the same screen.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from annotator.models import LabelValue
from annotator.rounds import draw_round
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen

from .conftest import fill, settle, text_of

ME = "alice"
BUG = LabelValue(kind="bug", category=1)


async def seen_by(store: Store, who: str = ME, press: tuple[str, ...] = ()) -> dict[str, Any]:
    app = AnnotatorApp(store, who)
    seen: dict[str, Any] = {}
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        seen["title"] = text_of(screen.sub_title).split(" · ")[:4]
        seen["queue"] = [screen.queue.get_option_at_index(i).id for i in range(5)]
        if press:
            await pilot.press(*press)
            await settle(pilot)
            seen["after"] = text_of(screen.sub_title).split(" · ")[:4]
    return seen


def study(path: Path, bob_works: bool) -> Store:
    store = Store.open(path)
    fill(store)
    for who in ("alice", "bob"):
        store.register_annotator(who)
    # alice: s04, s05 (shared) and s06; bob: s04, s05 and s07 (and, when he works, his
    # own extra round of s08).
    draw_round(store, 4, query="id:s04,s05,s06,s07", annotators=["alice", "bob"], overlap="2")
    if bob_works:
        draw_round(store, 1, query="id:s08", annotators=["bob"])
        for sid in ("s04", "s05", "s07", "s08"):
            store.set_label(sid, "bob", BUG)
    return store


async def test_title_and_queue_show_only_alices_round(tmp_path: Path) -> None:
    views = []
    for name, bob_works in (("alone.db", False), ("shared.db", True)):
        store = study(tmp_path / name, bob_works)
        try:
            views.append(await seen_by(store, press=("o",)))
        finally:
            store.close()
    alone, shared = views
    assert alone == shared
    assert alone["title"] == ["alice", "0/8 labeled (0.0%)", "round 1", "0/3"]
    assert alone["queue"][:3] == ["s04", "s05", "s06"]
    assert alone["after"][2:] == ["round 1", "1/3"]


async def test_bob_sees_his_own_round(tmp_path: Path) -> None:
    store = study(tmp_path / "bob.db", bob_works=False)
    try:
        seen = await seen_by(store, "bob")
    finally:
        store.close()
    assert seen["title"][2:] == ["round 1", "0/3"]
    assert seen["queue"][:3] == ["s04", "s05", "s07"]


async def test_no_round_no_round_in_the_title(tui_store: Store) -> None:
    seen = await seen_by(tui_store)
    assert seen["title"] == ["alice", "0/8 labeled (0.0%)", "0/h"]
    assert seen["queue"][:3] == ["s01", "s02", "s03"]
