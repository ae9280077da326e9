"""Every suggestion rule fires on its examples and skips its counter-examples."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.suggest.features import FACTS, sample_facts
from annotator.suggest.rules import Example, Rule, load_rules
from annotator.taxonomy import load_taxonomy

RULES = load_rules(load_taxonomy())


def _cases() -> list[tuple[str, Rule, Example, bool]]:
    cases = []
    for rule in RULES.rules:
        cases += [(f"{rule.id}-fire{i}", rule, ex, True) for i, ex in enumerate(rule.examples.fire)]
        cases += [
            (f"{rule.id}-skip{i}", rule, ex, False) for i, ex in enumerate(rule.examples.skip)
        ]
    return cases


@pytest.mark.parametrize(
    ("case", "rule", "example", "fires"), _cases(), ids=[c[0] for c in _cases()]
)
def test_rule_examples(case: str, rule: Rule, example: Example, fires: bool) -> None:
    facts = sample_facts(example.code, example.reference, example.test_output(), example.function)
    assert rule.fires(facts) is fires, f"{case}: facts were {sorted(facts.flags)}"
    if fires:
        assert all(text for text in rule.evidence(facts))


def test_every_category_but_prompt_problems_has_a_rule() -> None:
    covered = {rule.category for rule in RULES.rules}
    # 4 (relies on prompt examples) and 14 (prompt missing information) need
    # the prompt's meaning: only the label votes suggest them.
    assert set(range(1, 15)) - covered == {4, 14}


def test_rules_refuse_unknown_facts_and_skip_unknown_categories(tmp_path: Path) -> None:
    bad = tmp_path / "rules.yaml"
    bad.write_text(
        "version: '1'\nrules:\n  - id: x\n    when: [msg:made_up]\n    category: 1\n    weight: 1\n"
        "    examples: {fire: [{error: 'E'}]}\n"
    )
    with pytest.raises(UserError, match=r"rules\[0\].*unknown fact 'msg:made_up'"):
        load_rules(load_taxonomy(), bad)
    bad.write_text(
        bad.read_text().replace("msg:made_up", "msg:shape").replace("category: 1", "category: 77")
    )
    # A rule naming a category the taxonomy lacks is skipped and listed, not fatal:
    # a group's own taxonomy must not make a rule table unusable.
    rules = load_rules(load_taxonomy(), bad)
    assert rules.rules == [] and rules.skipped == ["x: no category 77 in taxonomy DLEval"]


def test_fact_vocabulary_is_documented() -> None:
    assert all(text and not text.endswith(".") for text in FACTS.values())


def _error_facts(error: str, function: str | None = None) -> set[str]:
    return set(sample_facts("", "", Example(error=error).test_output(), function).flags)


def test_quoted_names_are_not_shape_or_dtype_evidence() -> None:
    facts = _error_facts("AttributeError: type object 'F_pil' has no attribute 'get_dimensions'")
    assert "msg:object_attr" in facts
    assert not facts & {"msg:shape", "msg:dtype"}
    # The same words outside quotes still count.
    assert "msg:shape" in _error_facts("ValueError: expected 2 dimensions, got 3")


def test_torchscript_class_errors_are_jit_errors() -> None:
    error = "RuntimeError: Can't redefine method: forward on class: __torch__.m.Elastic"
    assert "msg:jit" in _error_facts(error)


def test_requested_function_is_matched_by_whole_name() -> None:
    error = "TypeError: draw_boxes_fast() missing 1 required positional argument: 'x'"
    assert "msg:target_interface" not in _error_facts(error, "draw_boxes")
    assert "msg:target_interface" in _error_facts(error, "draw_boxes_fast")
    assert "msg:target_interface" not in _error_facts(error)
