"""Decisive triggers: the table's flags by default, overridden only by conclusive labels."""

from __future__ import annotations

from annotator.suggest.rules import load_rules
from annotator.suggest.triggers import MIN_COUNT, Triggers, wilson
from annotator.taxonomy import load_taxonomy

RULES = load_rules(load_taxonomy())


def test_without_labels_the_tables_flags_decide() -> None:
    decisive = Triggers(RULES).decisive()
    assert decisive == {r.id for r in RULES.rules if r.decisive and r.weight > 0}


def test_a_rule_always_right_becomes_decisive_and_one_often_wrong_stops() -> None:
    triggers = Triggers(RULES, 0.8)
    for _ in range(20):
        triggers.add(["numeric-mismatch"], {10})  # right every time
        triggers.add(["module-not-found"], {1})  # wrong every time (its category is 7)
    decisive = triggers.decisive()
    assert "numeric-mismatch" in decisive and "module-not-found" not in decisive


def test_few_labels_never_override_the_table() -> None:
    triggers = Triggers(RULES, 0.8)
    for _ in range(MIN_COUNT - 1):
        triggers.add(["module-not-found"], {1})
        triggers.add(["numeric-mismatch"], {10})
    decisive = triggers.decisive()
    assert "module-not-found" in decisive and "numeric-mismatch" not in decisive


def test_a_samples_own_labels_do_not_count_for_it() -> None:
    triggers = Triggers(RULES, 0.8)
    for _ in range(11):
        triggers.add(["numeric-mismatch"], {10})
    assert "numeric-mismatch" in triggers.decisive()  # 11 of 11: lower bound 0.80
    assert "numeric-mismatch" not in triggers.decisive(without=(["numeric-mismatch"], {10}))


def test_wilson_interval() -> None:
    low, high = wilson(7, 7)
    assert 0.6 < low < 0.8 and high == 1.0
    assert wilson(0, 0) == (0.0, 1.0)
