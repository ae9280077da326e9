"""Decisive triggers: none by default; decisive only while visible labels give a 95% lower bound >= 0.85."""

from __future__ import annotations

from annotator.suggest.rules import load_rules
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
