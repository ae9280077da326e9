"""One ordering: the panel's likeliest, the one `a` takes, `suggest --json`'s first and
the one `evaluate` scores are the same suggestion, on every sample of the demo fixture."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.demo import DEMO_PATH
from annotator.importers import import_path
from annotator.models import LabelValue, Suggestion
from annotator.store import Store
from annotator.suggest import engine as engine_module
from annotator.suggest.calibrate import Calibrator
from annotator.suggest.engine import Engine
from annotator.suggest.evaluate import evaluate

from .conftest import settle

REAL_SUGGESTIONS_FOR = engine_module.suggestions_for
FINAL_CATEGORIES = [1, 6, 10, 1, 8, 5, 1, 6, 10, 7, 13, 1]


def _json_first(path: Path, *extra: str) -> dict[str, int | None]:
    result = CliRunner().invoke(cli, ["--db", str(path), "suggest", "--json", *extra])
    assert result.exit_code == 0, result.output
    rows = [json.loads(line) for line in result.output.splitlines() if line.startswith("{")]
    return {
        r["sample"]: (r["suggestions"][0]["category"] if r["suggestions"] else None) for r in rows
    }


def _fixture(path: Path) -> list[str]:
    with Store.open(path) as store:
        import_path(store, "jsonl", DEMO_PATH)
        failing = store.sample_ids(failing_only=True)
        for sid, category in zip(failing, FINAL_CATEGORIES, strict=False):
            store.set_label(sid, "final", LabelValue(category=category))
        return failing


def test_confidences_never_rise_down_the_ranking() -> None:
    # A fitted map that marks decisive suggestions down: the first must still
    # show the highest confidence (the panel names it the likeliest).
    calibrator = Calibrator(theta=[0.0, 1.0, -3.0, 0.0])
    ranked = [
        Suggestion(category=7, score=0.5, decisive=True),
        Suggestion(category=1, score=0.3),
        Suggestion(category=6, score=0.2),
    ]
    shown = [s.confidence or 0.0 for s in calibrator.apply(ranked)]
    assert shown == sorted(shown, reverse=True)
    assert [s.category for s in calibrator.apply(ranked)] == [7, 1, 6]


def test_evaluate_scores_what_suggest_json_lists_first(tmp_path: Path) -> None:
    path = tmp_path / "o.db"
    failing = _fixture(path)
    first = _json_first(path)
    with Store.open(path) as store:
        scored = evaluate(Engine(store), "final").top
    assert set(scored) == set(failing[: len(FINAL_CATEGORIES)])
    assert scored == {sid: first[sid] for sid in scored}


async def test_the_panel_and_a_take_what_suggest_json_lists_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.tui.app import AnnotatorApp
    from annotator.tui.widgets.suggestion_list import SuggestionList

    path = tmp_path / "o.db"
    failing = _fixture(path)
    monkeypatch.setattr(engine_module, "suggestions_for", REAL_SUGGESTIONS_FOR)
    monkeypatch.setattr(engine_module, "_ENGINES", {})
    seen: set[str] = set()
    with Store.open(path) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            for _ in range(40):
                screen = app.screen
                current = screen.current  # type: ignore[attr-defined]
                if current is None or current in seen:
                    break
                seen.add(current)
                panel = screen.query_one("#suggestions", SuggestionList)
                shown = panel.suggestions
                if not shown:
                    await pilot.press("j")
                    await settle(pilot)
                    continue
                # Blind: what alice's panel shows is `suggest --json --annotator alice`.
                listed = _json_first(path, current, "--annotator", "alice")
                assert listed[current] == shown[0].category
                text = str(panel.render())
                named = f"the likeliest, {shown[0].category})" in text or text.startswith(
                    "decisive"
                )
                assert named, text
                values = [s.confidence for s in shown[:3]]
                assert max(v or 0.0 for v in values) == (values[0] or 0.0)
                await pilot.press("a")
                await settle(pilot)
                label = store.label(current, "alice")
                assert label is not None and label.category == shown[0].category
    assert set(failing) <= seen
