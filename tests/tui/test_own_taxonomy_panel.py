"""A taxonomy of one's own: with too few labels the panel says so instead of a percentage."""

from __future__ import annotations

from pathlib import Path

from test_suggest_taxonomy import _fill, _own  # tests/ is on sys.path
from textual.app import App, ComposeResult

from annotator.models import LabelValue
from annotator.store import Store
from annotator.suggest.engine import Engine
from annotator.suggest.model import CONFIDENCE_LABELS
from annotator.tui.widgets.suggestion_list import SuggestionList


class Host(App[None]):
    def compose(self) -> ComposeResult:
        yield SuggestionList(_own(), id="suggestions")


async def test_few_own_labels_give_candidates_without_a_confidence_many_give_one(
    tmp_path: Path,
) -> None:
    with Store.open(tmp_path / "own.db", _own()) as store:
        ids = _fill(store, CONFIDENCE_LABELS + 4)
        for sid in ids[:3]:
            store.set_label(sid, "alice", LabelValue(category=1 + int(sid[1:]) % 3))
        engine = Engine(store)
        few = engine.suggest(ids[-1], 3, "alice")
        assert few and all(s.confidence is None for s in few)
        assert all(not s.evidence for s in few)  # no shipped rule speaks for a category
        app = Host()
        async with app.run_test(size=(120, 30)) as pilot:
            panel = app.query_one(SuggestionList)
            panel.show_suggestions(few, engine.model("alice").note())
            await pilot.pause()
            text = str(panel.render())
        assert "too few labels for a confidence" in text and "%" not in text
        assert "written for taxonomy DLEval" in text
        for sid in ids[3:CONFIDENCE_LABELS]:
            store.set_label(sid, "alice", LabelValue(category=1 + int(sid[1:]) % 3))
        many = Engine(store).suggest(ids[-1], 3, "alice")
        assert many and all(s.confidence is not None for s in many)
