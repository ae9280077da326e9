"""Facts shown as evidence: where the error is raised, the assertion kind, which name is missing."""

from __future__ import annotations

from pathlib import Path

from annotator.models import SampleIn
from annotator.store import Store
from annotator.suggest import NO_SIGNAL
from annotator.suggest.engine import Engine
from annotator.suggest.features import sample_facts
from annotator.suggest.rules import RULES_PATH, Example, load_rules
from annotator.taxonomy import load_taxonomy


def _rule_example(rule_id: str) -> Example:
    rules = load_rules(load_taxonomy(), RULES_PATH)
    return next(r for r in rules.rules if r.id == rule_id).examples.fire[0]


def test_own_raise_names_the_line_and_statement() -> None:
    example = _rule_example("generated-code-raises-itself")
    facts = sample_facts(example.code, "", example.test_output())
    assert facts.flags["out:own_raise"] == (
        'raised by the generated code\'s own raise, line 3: raise ValueError("expected a 4-D input")'
    )


def test_library_call_names_the_library_and_the_calling_line() -> None:
    example = _rule_example("library-rejects-the-call")
    facts = sample_facts(example.code, "", example.test_output())
    text = facts.flags["out:library_call"]
    assert "nn/functional.py:455" in text and "line 3 of the generated code" in text


def test_test_comparison_and_closeness_show_the_test_statement() -> None:
    example = _rule_example("closeness-assertion")
    facts = sample_facts(example.code, "", example.test_output())
    assert "assert_close(target(x), expected)" in facts.flags["assert:close"]
    assert facts.flags["out:test_comparison"].startswith(
        "the test's comparison failed at test_sample.py:10"
    )


def test_undefined_alias_and_local_are_told_apart() -> None:
    code = "def target(x):\n    return np.array(x) * scale\n"
    facts = sample_facts(code, "", "NameError: name 'np' is not defined")
    assert (
        "'np' is a module alias never imported, line 2"
        == facts.flags["code:undefined_module_alias"]
    )
    assert "'scale' is never defined, line 2" == facts.flags["code:undefined_local"]


def test_no_failure_signal_gives_no_ranking(tmp_path: Path) -> None:
    with Store.open(tmp_path / "p.db") as store:
        store.upsert_sample(
            SampleIn(id="ok", generated_code="def f(x):\n    return x\n", test_output="2 passed",
                     passed=True)
        )  # fmt: skip
        assert Engine(store).suggest("ok") == []
    assert "judge the code against the prompt" in NO_SIGNAL
