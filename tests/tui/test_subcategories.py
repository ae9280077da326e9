"""Confirming subcategories fast (issue 22, item 8): review's `i` walks the labels
whose subcategory is Unspecified or inferred and takes one with a digit;
`annotator notes unconfirmed` lists them."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner
from textual.widgets import OptionList, Static

from annotator.cli import cli
from annotator.models import FINAL, LabelValue
from annotator.store import Store
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.subcategories import SubcategoryScreen
from annotator.tui.widgets.lines_view import LinesView

from .conftest import HOSTILE, fill, settle


def labeled(tmp_path: Path) -> Path:
    db = tmp_path / "sub.db"
    with Store.open(db) as store:
        fill(store)
        # inferred from the note (as an import does)
        store.set_label(
            "s01",
            FINAL,
            LabelValue(
                category=6,
                subcategory="Tensor shape mismatch",
                subcategory_inferred=True,
                note="torch.sqrt needs [b]tensor[/b]",
            ),
            source="import:sheet",
        )
        store.set_label("s02", "ann", LabelValue(category=1, subcategory=None, note=HOSTILE))
        store.set_label(
            "s03", "ann", LabelValue(category=5, subcategory="Shape and dimension edges")
        )  # confirmed: not listed
        store.set_label(
            "s04",
            "bob",
            LabelValue(
                category=3,
                subcategory="Not DL-related",
                category2=6,
                subcategory2=None,
                note2="list given",
            ),
        )
    return db


def test_the_cli_lists_unspecified_and_inferred(tmp_path: Path) -> None:
    db = labeled(tmp_path)
    result = CliRunner().invoke(cli, ["--db", str(db), "notes", "unconfirmed", "--json"])
    assert result.exit_code == 0, result.output
    rows = json.loads(result.output)
    assert [(r["sample"], r["annotator"], r["slot"], r["inferred"]) for r in rows] == [
        ("s01", FINAL, 1, True),
        ("s02", "ann", 1, False),
        ("s04", "bob", 2, False),
    ]
    text = CliRunner().invoke(cli, ["--db", str(db), "notes", "unconfirmed"])
    assert text.exit_code == 0 and "3 to confirm: 1 inferred, 2 Unspecified" in text.output
    assert "\x1b" not in text.output and "\\x1b" in text.output  # shown literally


async def test_review_mode_confirms_with_one_key(tmp_path: Path) -> None:
    db = labeled(tmp_path)
    with Store.open(db) as store:
        app = AnnotatorApp(store, "rev", review=True)
        async with app.run_test(size=(120, 40), notifications=True) as pilot:
            await settle(pilot)
            await pilot.press("i")
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, SubcategoryScreen)
            assert "3 to confirm of 3" in str(screen.sub_title)
            label = str(screen.query_one("#sub-label", Static).render())
            assert "s01" in label and "inferred from the note" in label
            assert "torch.sqrt needs [b]tensor[/b]" in label  # literally
            defs = str(screen.query_one("#sub-defs", Static).render())
            assert "1 Tensor shape mismatch" in defs and "3 Type mismatch problem" in defs
            code = screen.query_one("#sub-code", LinesView)
            assert "import torch" in code.render_line(0).text + code.render_line(1).text
            await pilot.press("3")  # Type mismatch problem
            await settle(pilot)
            final = store.label("s01", FINAL)
            assert final is not None
            assert (final.subcategory, final.subcategory_inferred) == (
                "Type mismatch problem",
                False,
            )
            assert len(store.history("s01", FINAL)) == 2  # the inferred state is kept
            assert screen.query_one(OptionList).highlighted == 1  # moved on
            assert "2 to confirm of 3" in str(screen.sub_title)
            await pilot.press("9")  # category 1 has four subcategories: nothing written
            await settle(pilot)
            ann = store.label("s02", "ann")
            assert ann is not None and ann.subcategory is None
            await pilot.press("2")
            await settle(pilot)
            await pilot.press("1")  # the second category of bob's label
            await settle(pilot)
            bob = store.label("s04", "bob")
            assert bob is not None
            assert (bob.subcategory, bob.subcategory2) == (
                "Not DL-related",
                "Tensor shape mismatch",
            )
            assert store.unconfirmed_subcategories() == []
            await pilot.press("escape")
            await settle(pilot)
            assert app.screen is not screen
