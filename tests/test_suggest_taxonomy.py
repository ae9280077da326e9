"""Priors and rules belong to their taxonomy (issue 22 item 2).

The shipped prior, rule table and examples carry the taxonomy (name and
content hash) they were written for. A group's own taxonomy gets no shipped
prior and no shipped rule naming a category; its suggestions come from its
own labels, without a confidence until there are enough of them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import yaml

from annotator.models import SampleIn
from annotator.store import Store
from annotator.store.taxonomy_binding import content_hash
from annotator.suggest.engine import Engine, suggestion_note
from annotator.suggest.rules import Example, load_rules
from annotator.taxonomy import Taxonomy, load_taxonomy, parse_taxonomy

OWN = """\
name: Ours
version: "1"
categories:
  - id: 1
    name: Wrong API
    subcategories: [{name: Any, dl_specific: false}]
  - id: 2
    name: Wrong math
    subcategories: [{name: Any, dl_specific: false}]
  - id: 3
    name: Wrong setup
    subcategories: [{name: Any, dl_specific: false}]
"""

ERRORS = [
    "ModuleNotFoundError: No module named 'torchvision'",
    "TypeError: f() got an unexpected keyword argument 'dim'",
    "RuntimeError: mat1 and mat2 shapes cannot be multiplied (2x3 and 4x5)",
]


def _own() -> Taxonomy:
    return parse_taxonomy(yaml.safe_load(OWN))


def _fill(store: Store, n: int) -> list[str]:
    ids = []
    for i in range(n):
        sid = f"s{i:02d}"
        store.upsert_sample(
            SampleIn(
                id=sid,
                generated_code="def target(x):\n    y = compute(x)\n    return y\n",
                test_output=Example(error=ERRORS[i % len(ERRORS)]).test_output(),
                passed=False,
            )
        )
        ids.append(sid)
    return ids


def test_the_shipped_table_names_the_shipped_taxonomy() -> None:
    taxonomy = load_taxonomy()
    rules = load_rules(taxonomy)
    assert rules.taxonomy is not None and rules.taxonomy.name == taxonomy.name
    assert content_hash(taxonomy).startswith(rules.taxonomy.hash)
    assert not rules.foreign and rules.prior is not None and rules.rules


def test_another_taxonomy_gets_no_prior_and_no_rule() -> None:
    rules = load_rules(_own())
    assert rules.rules == [] and rules.prior is None
    assert "written for taxonomy DLEval" in rules.foreign and "not Ours" in rules.foreign
    assert len(rules.skipped) == len(load_rules(load_taxonomy()).rules)


def test_another_version_of_the_taxonomy_is_another_taxonomy() -> None:
    home = load_taxonomy()
    renamed = replace(home.categories[0], name="Something else")
    edited = replace(home, version="9", categories=(renamed, *home.categories[1:]))
    assert load_rules(edited).rules == []


def test_without_labels_an_own_taxonomy_gets_no_suggestion_but_its_facts(tmp_path: Path) -> None:
    with Store.open(tmp_path / "own.db", _own()) as store:
        ids = _fill(store, 3)
        engine = Engine(store)
        assert all(engine.suggest(sid) == [] for sid in ids)  # not "95% 1. Wrong API"
        engine.ensure_facts()
        facts = store.facts_of(ids)
        assert "exc:ModuleNotFoundError" in facts["s00"]["flags"]  # structural facts stay
        assert "suggestions come only from your labels (0 labeled" in suggestion_note(store)


def test_the_cli_says_why_no_rule_applies(tmp_path: Path) -> None:
    from click.testing import CliRunner

    from annotator.cli import cli

    taxonomy = tmp_path / "own.yaml"
    taxonomy.write_text(OWN, encoding="utf-8")
    db = tmp_path / "own.db"
    with Store.open(db, _own()) as store:
        _fill(store, 2)
    result = CliRunner().invoke(cli, ["--db", str(db), "--taxonomy", str(taxonomy), "suggest"])
    assert result.exit_code == 0, result.output
    assert "written for taxonomy DLEval" in result.output
    assert "no rule applies to this taxonomy and no label votes yet" in result.output
    assert "%" not in result.output
