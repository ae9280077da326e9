"""Label kinds as data: the kinds table (annotator.models.KINDS) is what the schema,
the store's SQL, the labeling keys and the sheet follow.

A new kind is a row of the table, its name in ``Kind`` and a migration widening the
schema's CHECK; these tests say which of those is missing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import get_args

import pytest

from annotator.models import (
    DECIDING_KINDS,
    KINDS,
    LABELED_KINDS,
    Kind,
    LabelValue,
    SampleIn,
    decides,
    kind_of_sheet_cell,
)
from annotator.store import SampleFilter, Store
from annotator.store.schema import current_schema


def _checked_kinds(schema: str, table: str) -> list[str]:
    """The kinds ``table``'s CHECK allows in what the migrations produce."""
    body = re.search(rf"CREATE TABLE {table} \((.*?)\n\);", schema, re.S)
    assert body is not None, table
    check = re.search(r"kind TEXT NOT NULL CHECK \(kind IN \(([^)]*)\)\)", body.group(1))
    assert check is not None, table
    return [k.strip().strip("'") for k in check.group(1).split(",")]


def test_the_table_names_every_kind_of_the_type_and_the_schema() -> None:
    assert list(KINDS) == list(get_args(Kind))
    schema = current_schema()  # what the migrations produce
    assert _checked_kinds(schema, "labels") == list(KINDS)
    # A gold reference and a training answer are decisions (m011).
    for table in ("gold", "training_answers"):
        assert _checked_kinds(schema, table) == list(DECIDING_KINDS)


def _value(kind: str) -> LabelValue:
    spec = KINDS[kind]
    return LabelValue(kind=spec.name, category=1 if spec.names_category else None, flag="?")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    store = Store.open(tmp_path / "k.db")
    for i, kind in enumerate(KINDS):
        store.upsert_sample(SampleIn(id=f"s{i}-{kind}", generated_code="x = 1", passed=False))
        store.set_label(f"s{i}-{kind}", "ann", _value(kind))
    return store


def test_the_store_sql_follows_the_table(store: Store) -> None:
    def ids(status: str) -> set[str]:
        return {r.id.split("-")[1] for r in store.queue("ann", SampleFilter(status=status))}

    assert ids("labeled") == set(LABELED_KINDS)
    assert ids("skipped") == {k for k, spec in KINDS.items() if not spec.labeled}
    row = store.status().annotators["ann"]
    assert row.labeled == len(LABELED_KINDS)
    assert row.decided == len(DECIDING_KINDS) == sum(decides(k) for k in KINDS)
    assert set(store.bug_sample_ids("ann")) == {
        f"s{i}-{k}" for i, k in enumerate(KINDS) if KINDS[k].names_category
    }


@pytest.mark.parametrize("kind", list(KINDS))
def test_only_a_kind_that_names_a_category_may_carry_one(store: Store, kind: str) -> None:
    from annotator.errors import UserError

    flipped = LabelValue(kind=KINDS[kind].name, category=None if KINDS[kind].names_category else 1)
    with pytest.raises(UserError, match="category"):
        store.set_label("s0-bug", "other", flipped)


def test_sheet_spellings_read_back_as_their_kind() -> None:
    for spec in KINDS.values():
        for spelling in spec.sheet:
            assert kind_of_sheet_cell(spelling.upper()) == spec.name
    assert kind_of_sheet_cell("3") is None and kind_of_sheet_cell("unsure") is None


def test_the_labeling_keys_come_from_the_table() -> None:
    from annotator.tui.screens.help import LABEL_KEYS
    from annotator.tui.screens.label import LabelScreen

    keys = {b.id: b.key for b in LabelScreen.BINDINGS if not isinstance(b, tuple) and b.id}
    for spec in KINDS.values():
        if spec.key:
            assert keys[spec.name] == spec.key
            assert LABEL_KEYS[spec.name] == spec.help
