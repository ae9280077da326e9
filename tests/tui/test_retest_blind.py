"""Blind is blind on a re-show: the labeling UI draws a re-shown sample exactly as a sample
its annotator never labeled.

Two databases with the same samples and the same labels of alice on s02..s05; in one,
alice had also labeled s01 (a category with a subcategory, a note, a flag) before them,
and the study's retest plan (share 1, after 4) makes s01 due. The same keys are pressed
in both (open the note, the cluster, undo with nothing to undo, a category, the
subcategory picker, undo) and the whole rendered screen is compared after each step,
with the real suggestion engine, the title's progress count included: the sitting counts
a re-show as it shows it (not labeled until answered), so answering it moves the count
as answering a new sample does, while ``annotator status`` keeps the study's count (the
first answer; see :mod:`annotator.store.blind`).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.widgets import OptionList

from annotator.cli import cli
from annotator.models import LabelValue
from annotator.store import Store
from annotator.suggest import engine as engine_module
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen

from .conftest import fill, settle

REAL_SUGGESTIONS_FOR = engine_module.suggestions_for
FIRST_ANSWER = LabelValue(category=5, note="FIRSTNOTE remembered", flag="flagged")
OTHERS = {
    "s02": LabelValue(category=2, note="second"),
    "s03": LabelValue(category=1),
    "s04": LabelValue(kind="pass"),
    "s05": LabelValue(category=1, note="fifth"),
}
# Category 5 again: a view that leaked the first answer would keep its subcategory.
KEYS = ["", "e", "escape", "c", "escape", "u", "5", "p", "v", "escape", "u"]


def _make(path: Path, *, first_answer: bool) -> None:
    with Store.open(path) as store:
        fill(store)
        sub = store.taxonomy.category(5).subcategories
        assert len(sub) > 1
        if first_answer:
            value = FIRST_ANSWER.model_copy(update={"subcategory": sub[-1].name if sub else None})
            store.set_label("s01", "alice", value)
        for sid, other in OTHERS.items():
            store.set_label(sid, "alice", other)
        store.set_retest_plan(1.0, after=4)


def _state(app: AnnotatorApp) -> str:
    """What the text does not show: the focused widget, its value, the picker's choice."""
    focused = app.focused
    state = [type(focused).__name__]
    for attribute in ("value", "text", "highlighted"):
        if focused is not None and hasattr(focused, attribute):
            state.append(f"{attribute}={getattr(focused, attribute)!r}")
    for options in app.screen.query(OptionList):
        state.append(f"options.highlighted={options.highlighted!r}")
    return "\n" + " ".join(state)


async def _screens(path: Path) -> tuple[list[str], list[str]]:
    """The screen text after each key, and the titles."""
    frames: list[str] = []
    titles: list[str] = []
    with Store.open(path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            assert app.screen.current == "s01"
            for key in KEYS:
                if key:
                    await pilot.press(key)
                await settle(pilot)
                text = "\n".join(s.text for s in app.screen._compositor.render_strips())
                frames.append(text + _state(app))
                titles.append(str(app.screen.sub_title))
    return frames, titles


async def test_a_reshow_is_drawn_as_a_never_labeled_sample(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(engine_module, "suggestions_for", REAL_SUGGESTIONS_FOR)
    monkeypatch.setattr(engine_module, "_ENGINES", {})
    fresh, reshow = tmp_path / "fresh.db", tmp_path / "reshow.db"
    _make(fresh, first_answer=False)
    _make(reshow, first_answer=True)
    with Store.open(reshow) as store:
        assert store.retest_due("alice") == {"s01"}
    with Store.open(fresh) as store:
        assert store.retest_due("alice") == frozenset()
    fresh_frames, fresh_titles = await _screens(fresh)
    monkeypatch.setattr(engine_module, "_ENGINES", {})
    reshow_frames, reshow_titles = await _screens(reshow)
    for key, a, b in zip(KEYS, fresh_frames, reshow_frames, strict=True):
        assert a == b, f"after {key!r}"
    joined = "\n".join(reshow_frames)
    assert "FIRSTNOTE" not in joined and "flagged" not in joined
    # The titles count the re-show as unlabeled until it is answered, then as labeled.
    assert fresh_titles == reshow_titles
    assert "4/8 labeled" in reshow_titles[0]
    assert any("5/8 labeled" in title for title in reshow_titles)
    # The study's count (`annotator status`) counts the first answer.
    status = CliRunner().invoke(cli, ["--db", str(reshow), "status", "--json"])
    assert json.loads(status.output)["annotators"]["alice"]["of_to_label"] == 5
    with Store.open(reshow) as store:
        label = store.label("s01", "alice")
        assert label is not None and label.note == FIRST_ANSWER.note  # untouched
        assert store.retest_answer("s01", "alice") is None  # the last key undid the answer
        assert [h.op for h in store.history("s01", "alice")] == ["insert"]
