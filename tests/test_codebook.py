"""The codebook: fields of taxonomy.yaml, their validation, and the appendix exports.

Golden files (tests/golden/codebook.*) are compared byte for byte; run with
``UPDATE_GOLDEN=1`` to rewrite them after an intended change.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from annotator.cli import cli
from annotator.errors import UserError
from annotator.export import codebook
from annotator.export.latex import escape
from annotator.taxonomy import load_taxonomy, parse_taxonomy

GOLDEN = Path(__file__).resolve().parent / "golden"


def _golden(name: str, text: str) -> None:
    path = GOLDEN / name
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_bytes(text.encode("utf-8"))
    assert text.encode("utf-8") == path.read_bytes(), f"{name} differs from its golden file"


def _small(**category: Any) -> dict[str, Any]:
    base: dict[str, Any] = {
        "id": 1,
        "name": "Shape | *bold*",
        "description": "desc",
        "subcategories": [{"name": "A_b", "dl_specific": True, "definition": "50% & $x$"}],
    }
    base.update(category)
    return {
        "name": "T",
        "version": "2",
        "categories": [
            base,
            {"id": 2, "name": "Other", "subcategories": [{"name": "x", "dl_specific": False}]},
        ],
    }


def test_the_bundled_taxonomy_defines_every_category_and_subcategory() -> None:
    tax = load_taxonomy()
    for cat in tax.categories:
        assert cat.definition, cat.id
        assert cat.decision, cat.id
        assert all(sub.definition for sub in cat.subcategories), cat.id
    # The rules that separate the categories overlapping on shapes.
    rules = {(r.when, r.then) for r in tax.category(1).decision}
    assert {then for _, then in rules} == {1, 5, 6, 10}


def test_a_decision_rule_naming_an_unknown_category_is_refused_with_its_path() -> None:
    data = _small(decision=[{"when": "ok", "then": 2}, {"when": "bad", "then": 9}])
    with pytest.raises(UserError) as err:
        parse_taxonomy(data, "t.yaml")
    assert str(err.value) == "t.yaml (categories[0].decision[1].then): unknown category 9"


def test_a_decision_rule_naming_an_unknown_subcategory_is_refused() -> None:
    data = _small(decision=[{"when": "w", "then": 2, "subcategory": "nope"}])
    with pytest.raises(UserError, match=r"categories\[0\]\.decision\[0\]\.subcategory"):
        parse_taxonomy(data, "t.yaml")


@pytest.mark.parametrize(
    ("change", "where"),
    [
        ({"decision": [{"when": "", "then": 1}]}, "categories[0].decision[0].when"),
        ({"decision": [{"then": 1}]}, "categories[0].decision[0].when"),
        (
            {"decision": [{"when": "x", "then": 1, "because": 1}]},
            "categories[0].decision[0].because",
        ),
        ({"examples": "not a list"}, "categories[0].examples"),
        ({"definition": 3}, "categories[0].definition"),
    ],
)
def test_bad_codebook_fields_name_their_yaml_path(change: dict[str, Any], where: str) -> None:
    with pytest.raises(UserError) as err:
        parse_taxonomy(_small(**change), "t.yaml")
    assert f"({where})" in str(err.value)


def test_meaning_falls_back_to_the_description() -> None:
    tax = parse_taxonomy(_small())
    assert tax.category(1).meaning == "desc"
    tax = parse_taxonomy(_small(definition="def"))
    assert tax.category(1).meaning == "def"


@pytest.mark.parametrize(("fmt", "golden"), [("md", "codebook.md"), ("latex", "codebook.tex")])
def test_codebook_command_matches_the_golden_files(fmt: str, golden: str) -> None:
    result = CliRunner().invoke(cli, ["taxonomy", "--codebook", "--format", fmt])
    assert result.exit_code == 0, result.output
    _golden(golden, result.stdout)
    # Every definition and rule of the bundled taxonomy is in the appendix.
    tax = load_taxonomy()
    for cat in tax.categories:
        assert str(cat.id) in result.stdout
        for rule in cat.decision:
            assert escape(rule.when) in result.stdout or rule.when in result.stdout


def test_codebook_text_is_escaped_for_each_format(tmp_path: Path) -> None:
    data = _small(
        definition="uses `x` and <b>",
        decision=[{"when": "a | b", "then": 2}],
        examples=["100% #1 {x}"],
    )
    tax = parse_taxonomy(data)
    md = codebook.render(tax, "md")
    assert "Shape \\| \\*bold\\*" in md and "a \\| b → 2. Other" in md and "\\<b\\>" in md
    tex = codebook.render(tax, "latex")
    assert r"100\% \#1 \{x\}" in tex and r"50\% \& \$x\$" in tex and r"A\_b" in tex
    file = tmp_path / "t.yaml"
    file.write_text(yaml.safe_dump(data), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--taxonomy", str(file), "taxonomy", "--codebook"])
    assert result.exit_code == 0 and result.stdout == md


def test_a_bad_codebook_field_is_one_line_and_exit_1(tmp_path: Path) -> None:
    file = tmp_path / "t.yaml"
    file.write_text(yaml.safe_dump(_small(decision=[{"when": "x", "then": 7}])), encoding="utf-8")
    result = CliRunner().invoke(cli, ["--taxonomy", str(file), "taxonomy", "--codebook"])
    assert result.exit_code == 1
    assert result.output.strip().splitlines() == [
        f"Error: {file} (categories[0].decision[0].then): unknown category 7"
    ]
