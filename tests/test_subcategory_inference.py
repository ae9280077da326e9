"""Subcategory inference from notes weighs the evidence for every subcategory.

The fixture ``data/subcategory_notes.csv`` holds notes written for this test
(in the style annotators write, not copied from any study) with the
subcategory a reader would pick; an empty expectation means no guess
(Unspecified).
"""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from annotator.importers.base import ImportSummary
from annotator.sheet.reader import parse_cells
from annotator.taxonomy import load_taxonomy

FIXTURE = Path(__file__).parent / "data" / "subcategory_notes.csv"


def rows() -> list[dict[str, str]]:
    with FIXTURE.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def test_fixture_is_big_enough_and_valid() -> None:
    taxonomy = load_taxonomy()
    found = rows()
    assert len(found) >= 40
    for row in found:
        cat = taxonomy.category(int(row["category"]))
        assert not row["expected"] or cat.subcategory(row["expected"]) is not None, row


def test_accuracy_on_the_fixture() -> None:
    taxonomy = load_taxonomy()
    found = rows()
    wrong = [
        (r["category"], r["note"], got, r["expected"])
        for r in found
        if (got := taxonomy.infer_subcategory(int(r["category"]), r["note"]) or "") != r["expected"]
    ]
    accuracy = 1 - len(wrong) / len(found)
    assert accuracy >= 0.95, wrong


@pytest.mark.parametrize(
    ("category", "note", "expected"),
    [
        # 'tensor' is a keyword of 'Incorrect DL/ML functionality', but the
        # evidence (shape, mismatch) is for the shape subcategory.
        (1, "tensor shape mismatch", "Shape and dimension mismatch"),
        (1, "batch dimenstion", "Shape and dimension mismatch"),  # a typo still counts
        (10, "Tensor Shape Mismatch", "Shape and dimension errors in operations"),
        (6, "tesnor shape missmatch", "Tensor shape mismatch"),
        (1, "non-dl", "Not DL-related"),  # its 'dl' is no evidence for a DL subcategory
        (1, "tensor type mismatch", None),  # one point each way: a tie is not guessed
        (10, "something else entirely", None),
        # Issue 22: two frameworks named is a library mix-up, not 'functionality';
        # "X needs a tensor" is a type mismatch, not a shape one.
        (
            1,
            "NumPy arrays while PyTorch tensors are expected",
            "Incorrect DL library or framework usage",
        ),
        (6, "torch.sqrt needs tensor", "Type mismatch problem"),
        (6, "torch.exp needs a tensor", "Type mismatch problem"),
    ],
)
def test_best_evidence_wins_and_ties_are_unspecified(
    category: int, note: str, expected: str | None
) -> None:
    assert load_taxonomy().infer_subcategory(category, note) == expected


def test_an_inferred_subcategory_is_marked_inferred() -> None:
    taxonomy = load_taxonomy()
    cells = {"cat1": "1", "note1": "tensor shape mismatch", "cat2": "", "note2": ""}
    value = parse_cells(cells, taxonomy, "row 2", "final", ImportSummary(source="x"))
    assert value is not None
    assert (value.subcategory, value.subcategory_inferred) == (
        "Shape and dimension mismatch",
        True,
    )
