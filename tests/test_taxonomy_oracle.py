"""The taxonomy's hand-written checks accept and refuse what its pydantic models did.

The oracle is the models as they were (``tests/taxonomy_oracle.py``). Each case is
the shipped taxonomy (cut to a few categories, with a decision rule and aliases)
with one change: a key removed, a value replaced by a value of another type or out of
range, an unknown key added, a cross-check broken. Both must give the same one line
(file, YAML path, reason), or both accept it and read back the same data.
"""

from __future__ import annotations

import copy
import dataclasses
from collections.abc import Iterator
from typing import Any

import pytest
import taxonomy_oracle as oracle
import yaml

from annotator.errors import UserError
from annotator.paths import shipped
from annotator.taxonomy import (
    Alias,
    Category,
    Decision,
    Subcategory,
    Taxonomy,
    parse_taxonomy,
    stored_taxonomy_from_text,
    taxonomy_from_yaml,
    taxonomy_yaml,
)
from annotator.taxonomy_check import CHECKS, dump

ODD_VALUES: tuple[Any, ...] = (
    None,
    True,
    False,
    0,
    1,
    -1,
    5,
    10**7,
    2**70,
    5.0,
    5.5,
    float("inf"),
    "",
    "5",
    " 7 ",
    "5.0",
    "5.",
    "1_000",
    "0x5",
    "yes",
    "Off",
    "abc",
    "9" * 4400,
    b"12",
    b"\xff",
    [],
    ["a"],
    [1],
    {"a"},
    {},
    {"x": 1},
)


def base() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(shipped("taxonomy.yaml").read_text(encoding="utf-8"))
    data["categories"] = data["categories"][:3]
    kept = {c["id"] for c in data["categories"]}
    data["aliases"] = [a for a in data.get("aliases", []) if a["category"] in kept][:2]
    for cat in data["categories"]:
        cat["decision"] = [r for r in cat.get("decision", []) if r["then"] in kept][:1]
    first = data["categories"][0]
    first["decision"] += [
        {"when": "a shape", "then": data["categories"][1]["id"]},
        {
            "when": "an index",
            "then": first["id"],
            "subcategory": first["subcategories"][0]["name"],
        },
    ]
    first["examples"] = ["x.reshape(3)"]
    first["subcategories"][0]["keywords"] = ["shape", "dim"]
    data["aliases"].append({"code": 0, "name": "old", "category": first["id"]})
    return data


def paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key and index path into ``value``."""
    if isinstance(value, dict):
        for key, inner in value.items():
            yield (*at, key)
            yield from paths(inner, (*at, key))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield (*at, index)
            yield from paths(inner, (*at, index))


def changed(data: dict[str, Any], path: tuple[Any, ...], how: Any) -> dict[str, Any]:
    out = copy.deepcopy(data)
    holder = out
    for part in path[:-1]:
        holder = holder[part]
    if how is DELETE:
        del holder[path[-1]]
    else:
        holder[path[-1]] = how
    return out


DELETE = object()


def cases() -> Iterator[Any]:
    data = base()
    yield data
    yield "not a mapping"
    for path in paths(data):
        yield changed(data, path, DELETE)
        for value in ODD_VALUES:
            yield changed(data, path, value)
    for path in [(), *[p for p in paths(data) if isinstance(_at(data, p), dict)]]:
        holder = copy.deepcopy(data)
        _at(holder, path)["unknown"] = 1
        yield holder
        holder = copy.deepcopy(data)
        _at(holder, path)[3] = 1
        yield holder
    cats = data["categories"]
    first_sub = cats[0]["subcategories"][0]
    yield changed(data, ("categories", 2, "id"), cats[0]["id"])
    yield changed(data, ("categories", 0, "subcategories", 1), dict(first_sub))
    yield changed(data, ("aliases", 0, "code"), cats[1]["id"])
    yield changed(data, ("aliases", 0, "category"), 999)
    yield changed(data, ("aliases", 0, "subcategory"), "no such")
    yield changed(data, ("categories", 0, "decision", 0, "then"), 999)
    yield changed(data, ("categories", 0, "decision", 0, "subcategory"), "no such")
    plain = {"name": "c", "subcategories": [{"name": "s", "dl_specific": False}]}
    for count in (1000, 1001):
        yield changed(data, ("categories",), [dict(plain, id=i + 1) for i in range(count)])
    yield changed(data, ("aliases",), [{"code": 0, "category": 1}] * 1001)
    yield changed(data, ("changes",), {"from": "0.9", "renamed": [{"category": 1, "to": "X"}]})
    yield changed(data, ("changes",), {"from": "0.9", "renamed": [{"category": "x"}]})
    yield changed(data, ("changes",), "soon")


def _at(data: Any, path: tuple[Any, ...]) -> Any:
    for part in path:
        data = data[part]
    return data


def outcome(parse: Any, data: Any) -> tuple[str, Any]:
    try:
        taxonomy = parse(data, "t.yaml")
    except UserError as exc:
        return "refused", str(exc)
    if isinstance(taxonomy, oracle.Taxonomy):
        return "read", taxonomy.model_dump(mode="json", by_alias=True, exclude_none=True)
    return "read", dump(taxonomy)


def test_the_checks_refuse_what_the_models_refused_with_the_same_line() -> None:
    seen = 0
    refused = 0
    for data in cases():
        expected = outcome(oracle.parse_taxonomy, copy.deepcopy(data))
        got = outcome(parse_taxonomy, copy.deepcopy(data))
        assert got == expected, (str(data)[:300], expected, got)
        seen += 1
        refused += expected[0] == "refused"
    assert seen > 1000 and refused > 800  # the cases reach every field


def test_every_field_has_its_check() -> None:
    for cls in (Decision, Subcategory, Category, Alias, Taxonomy):
        assert set(CHECKS[cls]) == {f.name for f in dataclasses.fields(cls)}
        assert set(CHECKS[cls]) == set(getattr(oracle, cls.__name__).model_fields)


@pytest.mark.parametrize("name", ["taxonomy.yaml"])
def test_the_shipped_taxonomy_dumps_as_before(name: str) -> None:
    data = yaml.safe_load(shipped(name).read_text(encoding="utf-8"))
    assert dump(parse_taxonomy(data)) == oracle.parse_taxonomy(data).model_dump(
        mode="json", by_alias=True, exclude_none=True
    )


def test_the_kept_taxonomy_is_json_that_yaml_reads_the_same() -> None:
    """A database keeps its taxonomy as JSON (read without the YAML library); an older
    annotator reads the same text as YAML: both give the same taxonomy, odd characters
    included; text an older annotator wrote (YAML) is still read."""
    taxonomy = parse_taxonomy(base())
    odd = 'a\x85b\u2028c\x7fd\U0001f600e"\\ \t\n\x00 yes: [1e5]'
    first = dataclasses.replace(taxonomy.categories[0], definition=odd, examples=("1e5", "no"))
    taxonomy = dataclasses.replace(taxonomy, categories=(first, *taxonomy.categories[1:]))
    text = taxonomy_yaml(taxonomy)
    assert text.startswith("{")
    assert stored_taxonomy_from_text(text, "db") == taxonomy
    assert taxonomy_from_yaml(text, "db") == taxonomy
    old = yaml.safe_dump(dump(taxonomy), allow_unicode=True, sort_keys=False)
    assert stored_taxonomy_from_text(old, "db") == taxonomy


@pytest.mark.parametrize(
    "text",
    ['{"name": "T", "version": 1e5}', '{"name": NaN}', '{"name": "T"', "{name: T}"],
)
def test_kept_text_that_is_not_plain_json_is_read_as_yaml(text: str) -> None:
    with pytest.raises(UserError) as as_yaml:
        taxonomy_from_yaml(text, "db")
    with pytest.raises(UserError) as kept:
        stored_taxonomy_from_text(text, "db")
    assert str(kept.value) == str(as_yaml.value)
