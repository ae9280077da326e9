"""A's labeling UI shows exactly what `annotator suggest --annotator A` gives (blind)."""

from __future__ import annotations

from pathlib import Path

import pytest
from test_suggest_blind import _fill, _others_label  # tests/ is on sys.path

from annotator.store import Store
from annotator.suggest import engine as engine_module
from annotator.suggest.engine import Engine

from .conftest import settle

REAL_SUGGESTIONS_FOR = engine_module.suggestions_for


async def test_the_labeling_ui_shows_what_suggest_annotator_gives(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.widgets.suggestion_list import SuggestionList

    path = tmp_path / "ui.db"
    _fill(path)
    _others_label(path)
    # The real engine, not the stub the UI tests use.
    monkeypatch.setattr(engine_module, "suggestions_for", REAL_SUGGESTIONS_FOR)
    monkeypatch.setattr(engine_module, "_ENGINES", {})
    with Store.open(path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            current = screen.current  # type: ignore[attr-defined]
            shown = screen.query_one("#suggestions", SuggestionList).suggestions
        expected = Engine(store).suggest(current, 5, "alice")
    assert current == "b2"  # alice labeled b0 and b1
    assert shown and shown == expected
    assert all(s.category != 4 for s in shown)
