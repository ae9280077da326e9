"""Decisive triggers: none by default; decisive only while visible labels give a 95% lower bound >= 0.85."""

from __future__ import annotations

from pathlib import Path

from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.suggest.engine import Engine
from annotator.suggest.rules import Example, load_rules
from annotator.suggest.triggers import LOWER_BOUND, Triggers, wilson
from annotator.taxonomy import load_taxonomy

RULES = load_rules(load_taxonomy())


def test_without_labels_no_rule_is_decisive() -> None:
    assert Triggers(RULES).decisive() == frozenset()


def test_a_few_right_firings_never_make_a_rule_decisive() -> None:
    triggers = Triggers(RULES)
    for _ in range(12):  # 12 of 12: the lower bound is 0.76
        triggers.add(["syntax-error"], {2})
    assert "syntax-error" not in triggers.decisive()


def test_a_rule_becomes_decisive_only_with_many_right_firings_and_stops_when_wrong() -> None:
    triggers = Triggers(RULES)
    n = next(n for n in range(1, 200) if wilson(n, n)[0] >= LOWER_BOUND)
    assert n >= 20  # "needs many firings"
    for _ in range(n):
        triggers.add(["numeric-mismatch"], {10})
    assert "numeric-mismatch" in triggers.decisive()
    for _ in range(3):
        triggers.add(["numeric-mismatch"], {1})  # wrong three times
    assert "numeric-mismatch" not in triggers.decisive()


def test_a_samples_own_labels_do_not_count_for_it() -> None:
    triggers = Triggers(RULES)
    n = next(n for n in range(1, 200) if wilson(n, n)[0] >= LOWER_BOUND)
    for _ in range(n):
        triggers.add(["numeric-mismatch"], {10})
    assert "numeric-mismatch" in triggers.decisive()
    assert "numeric-mismatch" not in triggers.decisive(without=(["numeric-mismatch"], {10}))


def test_wilson_interval() -> None:
    low, high = wilson(7, 7)
    assert 0.5 < low < 0.7 and high == 1.0
    assert wilson(0, 0) == (0.0, 1.0)


def _store_with(path: Path, right: int, wrong: int) -> Store:
    store = Store.open(path)
    for i in range(right + wrong + 1):
        store.upsert_sample(
            SampleIn(
                id=f"m{i:02d}",
                generated_code="def target(x):\n    y = compute(x)\n    return y\n",
                test_output=Example(
                    error="ModuleNotFoundError: No module named 'foo'"
                ).test_output(),
                passed=False,
            )
        )
    for i in range(right + wrong):
        store.set_label(f"m{i:02d}", "alice", LabelValue(category=7 if i < right else 1))
    return store


def last(n: int) -> str:
    """The one unlabeled sample of :func:`_store_with`."""
    return f"m{n:02d}"


def test_the_engine_shows_a_trigger_as_the_answer_only_once_labels_earn_it(tmp_path: Path) -> None:
    with _store_with(tmp_path / "few.db", 10, 0) as store:
        assert not Engine(store).suggest(last(10), 3, "alice")[0].decisive  # 10 of 10: not yet
    with _store_with(tmp_path / "many.db", 30, 0) as store:
        top = Engine(store).suggest(last(30), 3, "alice")[0]
        assert top.decisive and top.category == 7
        # Other annotators' labels never make it decisive for alice (blind).
        assert not Engine(store).suggest(last(30), 3, "bob")[0].decisive
    with _store_with(tmp_path / "wrong.db", 30, 6) as store:
        assert not Engine(store).suggest(last(36), 3, "alice")[0].decisive  # 30 of 36
