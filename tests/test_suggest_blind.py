"""Blind suggestions: while A labels, nothing derived from other annotators' labels reaches A.

Votes and confidences for annotator A come from A's own labels and the prior
that ships with the rule table only; ``annotator suggest --annotator A`` is
exactly what A's labeling UI shows; without --annotator every label votes.
"""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn, Suggestion
from annotator.store import Store
from annotator.suggest.engine import Engine
from annotator.suggest.rules import Example

ERRORS = [
    "ValueError: expected 3 channels, got 4",
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
    "AssertionError: assert 1 == 2",
    "TypeError: unsupported operand type(s) for +: 'Tensor' and 'str'",
    "KeyError: 'weight'",
    "IndexError: index 5 is out of bounds for dimension 0 with size 3",
]


def _fill(path: Path) -> list[str]:
    ids = []
    with Store.open(path) as store:
        for index, error in enumerate(ERRORS):
            sid = f"b{index}"
            store.upsert_sample(
                SampleIn(
                    id=sid,
                    generated_code="def target(x):\n    return x + 1\n",
                    reference_code="def target(x):\n    return x\n",
                    test_output=Example(error=error).test_output(),
                    passed=False,
                )
            )
            ids.append(sid)
        store.set_label("b0", "alice", LabelValue(category=6))
        store.set_label("b1", "alice", LabelValue(category=10))
    return ids


def _others_label(path: Path) -> None:
    # Other annotators label everything, with a category no rule suggests.
    with Store.open(path) as store:
        for sid in [f"b{i}" for i in range(len(ERRORS))]:
            store.set_label(sid, "bob", LabelValue(category=4))
            store.set_label(sid, "final", LabelValue(category=4, category2=12))


def _suggest_all(path: Path, annotator: str | None) -> dict[str, list[Suggestion]]:
    with Store.open(path) as store:
        engine = Engine(store)
        return dict(engine.suggest_many([f"b{i}" for i in range(len(ERRORS))], 14, annotator))


def test_suggestions_for_a_do_not_change_when_others_label(tmp_path: Path) -> None:
    alone, crowded = tmp_path / "alone.db", tmp_path / "crowded.db"
    _fill(alone)
    _fill(crowded)
    _others_label(crowded)
    assert _suggest_all(alone, "alice") == _suggest_all(crowded, "alice")
    # The same database read without --annotator does see bob's and final's labels.
    everyone = _suggest_all(crowded, None)
    assert everyone != _suggest_all(crowded, "alice")
    assert any(
        "4 of" in e or s.category == 4 and s.score > 0.2
        for found in everyone.values()
        for s in found
        for e in [*s.evidence, ""]
    )


def test_suggest_cli_with_annotator_is_blind_and_without_is_not(tmp_path: Path) -> None:
    alone, crowded = tmp_path / "alone.db", tmp_path / "crowded.db"
    _fill(alone)
    _fill(crowded)
    _others_label(crowded)
    runner = CliRunner()

    def run(db: Path, *extra: str) -> list[dict[str, object]]:
        result = runner.invoke(cli, ["--db", str(db), "suggest", "--json", "--top", "5", *extra])
        assert result.exit_code == 0, result.output
        return [json.loads(line) for line in result.output.splitlines()]

    assert run(alone, "--annotator", "alice") == run(crowded, "--annotator", "alice")
    assert run(crowded) != run(crowded, "--annotator", "alice")


def test_a_blind_vote_uses_the_annotators_own_labels(tmp_path: Path) -> None:
    path = tmp_path / "own.db"
    _fill(path)
    with Store.open(path) as store:
        engine = Engine(store)
        before = {s.category: s.score for s in engine.suggest("b4", 14, "alice")}
        store.set_label("b5", "alice", LabelValue(category=9))
        store.set_label("b3", "alice", LabelValue(category=9))
        after = {s.category: s.score for s in engine.suggest("b4", 14, "alice")}
    assert after[9] > before.get(9, 0.0)
