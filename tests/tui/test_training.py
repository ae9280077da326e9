"""Training mode (``annotator label --training``, issue #27 part 4) under Pilot, on real files.

A training answer is committed to ``training_answers`` (never ``labels``) and then the
feedback shows the reference label, its codebook definition and decision rules, and the
annotator's own answer marked right or wrong; at 80x24 that essential text is on screen
without scrolling. Training leaves the trainee's study queue as it was, and a check item in
the ordinary labeling screen shows nothing of its reference.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot

from annotator.blind import BlindView
from annotator.models import LabelValue
from annotator.store import Store
from annotator.store.gold import GoldItem
from annotator.store.training import TrainingStore
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.training import TrainingScreen
from annotator.tui.widgets.training_feedback import TrainingFeedback

from .conftest import settle, text_of

# s01 (category 1: the longest definition and four decision rules), s02 a pass, s03 a check.
GOLD = [
    GoldItem("s01", "bug", 1, None, "training", "annotator:final"),
    GoldItem("s02", "pass", None, None, "training", "annotator:final"),
    GoldItem("s04", "bug", 6, None, "check", "annotator:final"),
]


def with_gold(store: Store) -> Store:
    store.set_label("s04", "final", LabelValue(category=6))
    store.put_gold(GOLD)
    return store


def feedback_lines(app: AnnotatorApp) -> list[str]:
    """The feedback's text lines that are on screen (its scroll at the top)."""
    panel = app.screen.query_one(TrainingFeedback)
    static = panel.query_one("#feedback-text")
    assert panel.scroll_offset.y == 0
    visible = min(panel.scrollable_content_region.height, static.size.height)
    return [static.render_line(y).text.strip() for y in range(visible)]


async def test_a_training_answer_shows_the_reference_and_its_definition(tui_store: Store) -> None:
    taxonomy = with_gold(tui_store).taxonomy
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        assert screen.current == "s01"
        before = " ".join(feedback_lines(app))
        assert taxonomy.category(1).name not in before  # nothing of the reference yet
        await pilot.press("3")  # wrong: the reference is 1
        await settle(pilot)
        shown = " ".join(feedback_lines(app))
        assert "✗ wrong" in shown
        assert "your answer: 3. " + taxonomy.category(3).name in shown
        assert "Reference: 1. " + taxonomy.category(1).name in shown
        words = " ".join(taxonomy.category(1).meaning.split())
        assert words in " ".join(shown.split())
        assert "Decision rules:" in shown
        assert text_of(screen.sub_title).endswith("1/2 answered")
        # A second answer changes nothing: the first (before the feedback) counts.
        await pilot.press("1")
        await settle(pilot)
        assert "✗ wrong" in " ".join(feedback_lines(app))
        await pilot.press("n", "o")  # s02: pass is right
        await settle(pilot)
        assert "✓ right" in " ".join(feedback_lines(app))
    answers = tui_store.training_answers("newbie")
    assert [(a.sample_id, a.kind, a.category) for a in answers] == [
        ("s01", "bug", 3),
        ("s02", "pass", None),
    ]
    assert list(tui_store.labels("newbie")) == []  # never a study label
    assert tui_store.annotator_progress("newbie") is None


async def test_two_digit_category_answers_once(tui_store: Store) -> None:
    with_gold(tui_store)
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "0")  # 10, not 1 then 0
        await settle(pilot)
    answers = tui_store.training_answers("newbie")
    assert [(a.sample_id, a.category) for a in answers] == [("s01", 10)]


async def test_feedback_is_readable_at_80x24(tui_store: Store) -> None:
    taxonomy = with_gold(tui_store).taxonomy
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        await pilot.press("2")
        await settle(pilot)
        lines = feedback_lines(app)
        shown = " ".join(" ".join(lines).split())
        # The verdict, both labels and the whole definition, without scrolling.
        assert lines[0].startswith("✗ wrong · your answer: 2.")
        assert "Reference: 1. " + taxonomy.category(1).name in shown
        assert " ".join(taxonomy.category(1).meaning.split()) in shown
        # The rules follow; those below the panel are reached by scrolling it.
        panel = app.screen.query_one(TrainingFeedback)
        assert panel.region.bottom <= 23  # above the footer
        assert panel.region.width >= 60


async def test_training_leaves_the_study_queue_unchanged(tui_store: Store) -> None:
    with_gold(tui_store)
    view = BlindView(tui_store, "newbie")
    before = (view.queue(), view.queue_count(), view.progress())
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        await pilot.press("1", "n", "o")
        await settle(pilot)
    assert len(tui_store.training_answers("newbie")) == 2
    assert (view.queue(), view.queue_count(), view.progress()) == before
    # Training items stay in the study queue, unlabeled: training answers are no labels.
    assert {"s01", "s02"} <= {r.id for r in view.queue() if r.kind is None}


async def _labeling_screen_on(path: Path, sample_id: str) -> str:
    """The labeling screen of ann1 on ``sample_id``, as an SVG screenshot."""
    with Store.open(path) as store:
        app = AnnotatorApp(store, "ann1")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            screen = app.screen
            assert isinstance(screen, LabelScreen)
            assert screen.queue.select_id(sample_id)
            screen.show(sample_id)
            await settle(pilot)
            assert screen.current == sample_id
            return app.export_screenshot()


async def test_check_item_shows_nothing_of_its_reference(db_path: Path, tmp_path: Path) -> None:
    plain = tmp_path / "plain.db"
    with Store.open(db_path) as store:
        store.set_label("s04", "final", LabelValue(category=6))
    plain.write_bytes(db_path.read_bytes())  # closed: the last connection checkpointed
    with Store.open(db_path) as store:
        store.put_gold(GOLD[2:])  # s04 becomes a hidden check item (its reference: final's 6)
    # The same screen, pixel for pixel, with and without the check item: nothing shows it.
    assert await _labeling_screen_on(db_path, "s04") == await _labeling_screen_on(plain, "s04")


async def test_label_notice_says_training_waits(tui_store: Store) -> None:
    with_gold(tui_store)
    app = AnnotatorApp(tui_store, "newbie", notice="2 training items not yet answered")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, LabelScreen)
        notes = [str(n.message) for n in app._notifications]
        assert notes == ["2 training items not yet answered"]


async def test_help_lists_the_training_keys(tui_store: Store) -> None:
    with_gold(tui_store)
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(100, 40)) as pilot:
        await settle(pilot)
        await pilot.press("question_mark")
        await settle(pilot)
        help_screen = app.screen
        assert isinstance(help_screen, HelpScreen)
        rows = dict(help_screen.rows)
        assert rows["digits"].startswith("answer category 1-9")
        assert rows["o"] == "answer pass: ok, not a failure"


async def test_command_palette_answers_with_a_subcategory(tui_store: Store) -> None:
    taxonomy = with_gold(tui_store).taxonomy
    sub = taxonomy.category(1).subcategories[-1].name
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, TrainingScreen)
        screen.apply_category(1, sub)  # what a palette entry calls
        await settle(pilot)
        assert "✓ right" in " ".join(feedback_lines(app))
    [answer] = tui_store.training_answers("newbie")
    assert (answer.category, answer.subcategory) == (1, sub)


async def test_an_answer_given_in_another_window_stands(tui_store: Store, db_path: Path) -> None:
    with_gold(tui_store)
    app = AnnotatorApp(tui_store, "newbie", training=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        with Store.open(db_path) as other:  # another process, the same annotator
            TrainingStore(other, "newbie").answer("s01", "bug", 1)
        await pilot.press("3")
        await settle(pilot)
        shown = " ".join(feedback_lines(app))
        assert "✓ right" in shown and "your answer: 1." in shown
        assert text_of(app.screen.sub_title).endswith("1/2 answered")
    assert [(a.sample_id, a.category) for a in tui_store.training_answers("newbie")] == [("s01", 1)]


@pytest.mark.parametrize("size", [(80, 24), (120, 40)])
def test_feedback_snapshot(
    snap_compare: Callable[..., bool], tui_store: Store, size: tuple[int, int]
) -> None:
    with_gold(tui_store)

    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        await pilot.press("3")  # wrong: the reference is 1 (its four decision rules)
        await settle(pilot)

    app = AnnotatorApp(tui_store, "newbie", training=True)
    assert snap_compare(app, terminal_size=size, run_before=run_before)
