"""The taxonomy file: content, codes, aliases, and errors that name the YAML path."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from annotator.errors import UserError
from annotator.taxonomy import load_taxonomy, parse_taxonomy

EXPECTED_SUBS = {
    1: 4,
    2: 1,
    3: 1,
    4: 1,
    5: 3,
    6: 4,
    7: 3,
    8: 3,
    9: 1,
    10: 4,
    11: 1,
    12: 1,
    13: 2,
    14: 2,
}


def test_dleval_taxonomy_has_the_fourteen_categories_in_order() -> None:
    tax = load_taxonomy()
    assert [c.id for c in tax.categories] == list(range(1, 15))
    assert {c.id: len(c.subcategories) for c in tax.categories} == EXPECTED_SUBS
    assert tax.category(12).subcategories[0].name == "Incorrect tensor constant value"
    assert tax.category(12).subcategories[0].dl_specific is True
    assert tax.is_dl(1, "Not DL-related") is False
    assert tax.version


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("6", (6, None)),
        ("6.0", (6, None)),
        (" 10 ", (10, None)),
        ("15", (8, "Wrong DL module import")),
        ("pass", None),
        ("?", None),
        ("99", None),
        ("", None),
    ],
)
def test_resolve_code_maps_messy_spreadsheet_values(raw: str, expected: object) -> None:
    assert load_taxonomy().resolve_code(raw) == expected


@pytest.mark.parametrize(
    ("category", "note", "expected"),
    [
        (
            6,
            "Incorrect Tensor dimention (incompatible with boolean operation)",
            "Tensor shape mismatch",
        ),
        # One point each for 'miscalculation' (algebraic) and 'offset' (not
        # DL-related): a tie is not guessed.
        (10, "miscalculation in char offset", None),
        (10, "miscalculation of the normalisation formula", "Incorrect algebraic calculations"),
        (1, "non-dl logic error", "Not DL-related"),
        (9, "anything at all", "Not DL-related"),
        (5, "", None),
    ],
)
def test_infer_subcategory_from_notes(category: int, note: str, expected: str | None) -> None:
    assert load_taxonomy().infer_subcategory(category, note) == expected


def _data() -> dict[str, Any]:
    """The bundled taxonomy as parsed YAML (what ``parse_taxonomy`` takes), to be spoiled."""
    data = yaml.safe_load((Path(__file__).resolve().parents[1] / "taxonomy.yaml").read_text())
    assert isinstance(data, dict)
    return data


def test_duplicate_category_id_names_its_yaml_path() -> None:
    data = _data()
    data["categories"][3]["id"] = 1
    with pytest.raises(UserError, match=r"categories\[3\]\.id.*duplicate category id 1"):
        parse_taxonomy(data, "t.yaml")


def test_unknown_alias_target_names_its_yaml_path() -> None:
    data = _data()
    data["aliases"][0]["category"] = 42
    with pytest.raises(UserError, match=r"t\.yaml.*aliases\[0\]\.category.*unknown alias target"):
        parse_taxonomy(data, "t.yaml")


def test_missing_name_names_its_yaml_path() -> None:
    data = _data()
    del data["categories"][2]["subcategories"][0]["name"]
    with pytest.raises(
        UserError, match=r"categories\[2\]\.subcategories\[0\]\.name.*Field required"
    ):
        parse_taxonomy(data, "t.yaml")


def test_broken_yaml_names_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: x\nversion: 1\ncategories:\n  - id: 1\n    name: a: b\n")
    with pytest.raises(UserError, match=r"bad\.yaml:5: invalid YAML"):
        load_taxonomy(bad)
