"""The labeling and review screens at every size, their view keys, the keymap
file, search and focus time.

Snapshots use long ids (a shared prefix and a shared stem), long code and
error lines and a label with two categories; regenerate them with
``pytest tests/tui/test_layout.py --snapshot-update`` and look at the .svg
files before committing.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from textual.pilot import Pilot
from textual.widgets import Input, OptionList, TabbedContent

from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import FINAL, LabelValue
from annotator.store import SampleFilter, Store
from annotator.timing import FocusClock
from annotator.tui.app import AnnotatorApp, default_keys
from annotator.tui.keymap import ACTIONS, KeySetup, Settings, load_keys
from annotator.tui.names import common_prefix, short_name
from annotator.tui.screens.filter import FilterScreen
from annotator.tui.screens.help import HelpScreen
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.review import ReviewScreen
from annotator.tui.widgets.lines_view import LinesView
from annotator.tui.widgets.sample_list import SampleList
from annotator.tui.widgets.sample_viewer import SampleViewer

from .conftest import make_sample, settle, text_of

SIZES = [(80, 24), (120, 40), (160, 50), (200, 60)]
PREFIX = "experiment-output_"
STEM = "visionmodelsembedding_forward_pass_with"
OTHER_STEM = "audiomodelsspectrogram_transform_step_with"
LONG_CALL = "    return torch.nn.functional.interpolate(y, size=(224, 224), mode='bilinear', " + (
    "align_corners=False).reshape(3, -1)"
)
SHAPES = "mat1 and mat2 shapes cannot be multiplied (64x3136 and 4096x10)"


def long_ids() -> list[str]:
    return [f"{PREFIX}{STEM if i <= 3 else OTHER_STEM}_variant{i}" for i in range(1, 7)]


def fill_long(store: Store) -> list[str]:
    """Six samples with long ids, a long failing line and a long shape error."""
    ids = long_ids()
    for index, sid in enumerate(ids, start=1):
        sample = make_sample(index, "RuntimeError", SHAPES)
        code = sample.generated_code.replace("    return y.reshape", LONG_CALL + "  # ")
        # The traceback quotes the failing line as the code has it (the frame
        # is the generated code only where its line is found there).
        output = sample.test_output.replace(f"return y.reshape({index}, -1)", LONG_CALL.strip())
        store.upsert_sample(
            sample.model_copy(update={"id": sid, "generated_code": code, "test_output": output})
        )
    two = LabelValue(
        category=5,
        subcategory="Shape and dimension edges",
        category2=6,
        subcategory2="Type mismatch problem",
        note="two categories",
    )
    store.set_label(ids[0], "snap", two)
    store.set_label(ids[0], "ann", LabelValue(category=5, subcategory="Shape and dimension edges"))
    store.set_label(ids[0], "bob", LabelValue(category=7, subcategory=None))
    store.set_label(ids[1], "ann", LabelValue(category=1, subcategory=None))
    store.set_label(ids[1], "bob", LabelValue(kind="pass"))
    return ids


@pytest.fixture
def long_store(tmp_path: Path) -> Iterator[Store]:
    store = Store.open(tmp_path / "long.db")
    fill_long(store)
    yield store
    store.close()


# -- snapshots -------------------------------------------------------------------
@pytest.mark.parametrize("size", SIZES)
def test_label_screen_sizes(
    snap_compare: Callable[..., bool], long_store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)
        screen = pilot.app.screen
        assert isinstance(screen, LabelScreen)
        screen.queue.select_id(long_ids()[0])  # the one with two categories
        await settle(pilot)

    app = AnnotatorApp(long_store, "snap")
    assert snap_compare(app, terminal_size=size, run_before=run_before)


@pytest.mark.parametrize("size", SIZES)
def test_review_screen_sizes(
    snap_compare: Callable[..., bool], long_store: Store, size: tuple[int, int]
) -> None:
    async def run_before(pilot: Pilot[None]) -> None:
        await settle(pilot)

    app = AnnotatorApp(long_store, "rev", review=True, with_final=False)
    assert snap_compare(app, terminal_size=size, run_before=run_before)


# -- layout facts ----------------------------------------------------------------
async def test_side_by_side_from_160_columns(long_store: Store) -> None:
    for width, split in ((159, False), (160, True), (200, True)):
        app = AnnotatorApp(long_store, "me")
        async with app.run_test(size=(width, 50)) as pilot:
            await settle(pilot)
            viewer = app.screen.query_one(SampleViewer)
            assert viewer.split is split
            left = viewer.query_one("#generated-split", LinesView)
            assert left.display is split
            if split:
                # Both panes show code at once, each around the failing line.
                assert "torch.nn.functional" in left.text()
                assert viewer.active == "reference"
                assert "view(" in viewer.query_one("#reference", LinesView).text()


async def test_panes_scroll_together(tmp_path: Path) -> None:
    with Store.open(tmp_path / "s.db") as store:
        lines = [f"x{i} = {i}\n" for i in range(200)]
        lines[4] = "y = x.reshape(1, -1)\n"  # the failing line the traceback quotes
        body = "".join(lines)
        sample = make_sample(1)
        output = sample.test_output.replace("return y.reshape(1, -1)", "y = x.reshape(1, -1)")
        store.upsert_sample(
            sample.model_copy(
                update={"generated_code": body, "reference_code": body, "test_output": output}
            )
        )
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(200, 50)) as pilot:
            await settle(pilot)
            viewer = app.screen.query_one(SampleViewer)
            left = viewer.query_one("#generated-split", LinesView)
            right = viewer.query_one("#reference", LinesView)
            left.scroll_to(y=120, animate=False, immediate=True)
            await settle(pilot)
            assert right.scroll_offset.y == left.scroll_offset.y == 120


async def test_error_summary_wraps_at_80_columns(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "me")
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        error = app.screen.query_one("#error", LinesView)
        shown = [error.render_line(y).text for y in range(error.size.height)]
        assert "4096x10)" in "".join(shown)  # the shapes at the end of the message


def test_display_names_are_short_and_unique() -> None:
    ids = long_ids()
    prefix = common_prefix(ids)
    assert prefix == PREFIX
    names = [short_name(i, 18, prefix) for i in ids]
    assert len(set(names)) == len(ids)
    assert all(len(n) <= 18 and not n.startswith(PREFIX) for n in names)
    assert all(n.endswith(f"variant{i}") for i, n in enumerate(names, start=1))
    assert common_prefix(["a_1", "a_12"]) == "a_"
    assert common_prefix(["a_1", "a_"]) == ""  # never an empty name
    assert short_name("short", 18, "") == "short"


async def test_queue_shows_short_names_and_full_id_elsewhere(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        queue = app.screen.query_one(SampleList)
        first = str(queue.get_option_at_index(0).prompt)
        assert PREFIX not in first and "…" in first
        assert str(queue.tooltip) == queue.get_option_at_index(queue.highlighted or 0).id
        assert PREFIX in str(app.screen.query_one("#meta").render())


async def test_review_list_shows_answers_in_their_column(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "rev", review=True, with_final=False)
    async with app.run_test(size=(80, 24)) as pilot:
        await settle(pilot)
        rows = app.screen.query_one("#review-list", OptionList)
        prompts = [str(rows.get_option_at_index(i).prompt) for i in range(rows.option_count)]
        assert prompts and all(p.rstrip().endswith(("5≠7", "1≠pass")) for p in prompts)
        # Counts of each annotator's labels in the header, never their labels.
        header = text_of(app.screen.sub_title)
        assert "ann 2" in header and "bob 2" in header


# -- keys ------------------------------------------------------------------------
@pytest.mark.parametrize("review", [False, True])
async def test_view_keys(long_store: Store, review: bool) -> None:
    app = AnnotatorApp(long_store, "me", review=review, with_final=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        tabs = app.screen.query_one(TabbedContent)
        for key, tab in (("r", "reference"), ("d", "diff"), ("w", "prompt"), ("g", "generated")):
            await pilot.press(key)
            await settle(pilot)
            assert tabs.active == f"tab-{tab}"
            view = app.screen.query_one(f"#{tab}", LinesView)
            assert view.has_focus and view.line_count > 0
        active = app.screen.active_bindings.values()
        footer_keys = {b.binding.key for b in active if b.binding.show}
        assert {"g", "r", "d", "w"} <= footer_keys


async def test_view_keys_when_split(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "me")
    async with app.run_test(size=(200, 60)) as pilot:
        await settle(pilot)
        await pilot.press("d")
        await settle(pilot)
        viewer = app.screen.query_one(SampleViewer)
        assert viewer.active == "diff"
        await pilot.press("g")
        await settle(pilot)
        assert viewer.query_one("#generated-split", LinesView).has_focus
        assert viewer.active == "diff"  # the right pane stays


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "keys.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_keymap_valid(tmp_path: Path) -> None:
    setup = load_keys(
        write(tmp_path, 'advance = true\n[keys]\nnext = "j, down"\nview_prompt = "P"\n'),
        default_keys,
    )
    assert setup.keymap == {"next": "j,down", "view_prompt": "P"}
    assert setup.settings.advance is True
    assert load_keys(None).keymap == {} or DEFAULT_EXISTS()


def DEFAULT_EXISTS() -> bool:  # noqa: N802 - a user's own file may exist
    return Path("~/.config/annotator/keys.toml").expanduser().exists()


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[keys]\nnxt = 'j'\n", "keys.toml:2: nxt: unknown action"),
        ("[keys]\nnext = 'j'\nundo = ''\n", "keys.toml:3: undo: must be a key"),
        ("[keys]\nnext = 'ctrl+'\n", "keys.toml:2: next: 'ctrl+' is not a key name"),
        ("[keys]\naccept = 'n'\n", "accept: key 'n' is also bound to next"),
        ("[keys]\nnext = '3'\n", "next: key '3' is kept for categories"),
        ("advance = 'yes'\n", "keys.toml:1: advance: must be true or false"),
        ("speed = 1\n", "keys.toml:1: speed: unknown setting"),
        ("[keys\n", "keys.toml: not valid TOML"),
        ("[keys]\nnext = 3\n", "keys.toml:2: next: must be a key"),
        ("[keys]\nnext = ['j']\n", "keys.toml:2: next: must be a key"),
        ("keys = 1\n", "keys.toml:1: keys: must be a table ([keys])"),
    ],
)
def test_keymap_invalid(tmp_path: Path, text: str, message: str) -> None:
    with pytest.raises(UserError) as caught:
        load_keys(write(tmp_path, text), default_keys)
    assert message in str(caught.value) and "\n" not in str(caught.value)


def test_keymap_error_on_the_command_line(tmp_path: Path) -> None:
    keys = write(tmp_path, "[keys]\nnxt = 'j'\n")
    with Store.open(tmp_path / "k.db") as store:
        store.upsert_sample(make_sample(1))
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "k.db"), "label", "--annotator", "me", "--keys", str(keys)]
    )
    assert result.exit_code == 1
    assert "nxt: unknown action" in result.output and "Traceback" not in result.output
    missing = tmp_path / "none.toml"
    result = CliRunner().invoke(
        cli, ["--db", str(tmp_path / "k.db"), "label", "--keys", str(missing)]
    )
    assert result.exit_code == 1 and "no such keymap file" in result.output


def test_every_binding_id_is_a_keymap_action() -> None:
    assert set(default_keys()) == set(ACTIONS)


async def test_keymap_applies_and_help_shows_it(long_store: Store, tmp_path: Path) -> None:
    setup = load_keys(write(tmp_path, "[keys]\nnext = 'J'\nview_diff = 'D'\n"), default_keys)
    app = AnnotatorApp(long_store, "me", keys=setup)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        first = screen.current
        await pilot.press("n")  # no longer next
        await settle(pilot)
        assert screen.current == first
        await pilot.press("J")
        await settle(pilot)
        assert screen.current != first
        await pilot.press("D")
        await settle(pilot)
        assert screen.query_one(TabbedContent).active == "tab-diff"
        await pilot.press("question_mark")
        await settle(pilot)
        assert isinstance(app.screen, HelpScreen)
        keys = {part for key, _ in app.screen.rows for part in key.split(" / ")}
        assert {"J", "D"} <= keys and not {"n", "d"} & keys


async def test_advance_after_category(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "me", keys=KeySetup(settings=Settings(advance=True)))
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        first = screen.current
        assert first is not None
        await pilot.press("5")  # category 5 has several subcategories: picker first
        await settle(pilot)
        await pilot.press("1")
        await settle(pilot)
        assert long_store.label(first, "me") is not None
        assert screen.current != first


# -- search ----------------------------------------------------------------------
async def search(pilot: Pilot[None], text: str) -> list[str]:
    await pilot.press("slash")
    await settle(pilot)
    assert isinstance(pilot.app.screen, FilterScreen)
    pilot.app.screen.query_one("#f-text", Input).value = text
    await pilot.press("enter")
    await settle(pilot)
    queue = pilot.app.screen.query_one(SampleList)
    return [str(queue.get_option_at_index(i).prompt) for i in range(queue.option_count)]


async def test_search_code_output_and_own_notes(long_store: Store) -> None:
    ids = long_ids()
    long_store.set_label(ids[3], "me", LabelValue(kind="none", note="revisit the padding"))
    long_store.set_label(ids[4], "other", LabelValue(kind="none", note="padding is wrong"))
    second = long_store.require_sample(ids[1])
    code = second.generated_code + "# einsum_trick here\n"
    long_store.upsert_sample(second.as_input(generated_code=code))
    app = AnnotatorApp(long_store, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        rows = await search(pilot, "einsum_trick")  # code: only in sample 2
        assert len(rows) == 1 and "variant2" in rows[0] and "code:" in rows[0]
        rows = await search(pilot, "4096x10")  # test output: every sample
        assert len(rows) == len(ids) and all("output:" in r for r in rows)
        rows = await search(pilot, "padding")  # my note only, never another's
        assert len(rows) == 1 and "variant4" in rows[0] and "note: revisit" in rows[0]
        rows = await search(pilot, "[bold]x[/bold]")  # markup is words, not style
        assert rows == []
        meta = str(app.screen.query_one("#meta").render())
        assert "no sample matches" in meta


async def test_search_query_shown_literally(tmp_path: Path) -> None:
    with Store.open(tmp_path / "m.db") as store:
        sample = make_sample(1)
        store.upsert_sample(sample.model_copy(update={"prompt": "use [bold]torch[/bold] here"}))
        app = AnnotatorApp(store, "me")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            rows = await search(pilot, "[bold]torch")
            assert len(rows) == 1 and "[bold]torch[/bold]" in rows[0]
            await pilot.press("slash")
            await settle(pilot)
            assert app.screen.query_one("#f-text", Input).value == "[bold]torch"


def test_search_index_follows_updates(long_store: Store) -> None:
    sid = long_ids()[0]
    assert long_store.queue_count("me", SampleFilter(text="interpolate")) == 6
    sample = long_store.require_sample(sid)
    long_store.upsert_sample(
        sample.as_input(generated_code="def f():\n    return zebra\n", test_output="1 failed")
    )
    assert long_store.queue_count("me", SampleFilter(text="interpolate")) == 5
    assert long_store.queue_count("me", SampleFilter(text="zebra")) == 1
    long_store.set_label(sid, "me", LabelValue(kind="none", note="giraffe"))
    assert long_store.queue_count("me", SampleFilter(text="giraffe")) == 1
    long_store.set_label(sid, "me", LabelValue(kind="none", note="okapi"))
    assert long_store.queue_count("me", SampleFilter(text="giraffe")) == 0
    assert long_store.queue_count("you", SampleFilter(text="okapi")) == 0  # blind


# -- focus time ------------------------------------------------------------------
def test_focus_clock_drops_idle_gaps() -> None:
    t = [0.0]
    clock = FocusClock(lambda: t[0], idle=120)
    clock.focus("a")
    t[0] = 30
    clock.activity()
    t[0] = 30 + 500  # away from the desk: not counted
    clock.activity()
    t[0] += 10
    clock.focus("b")
    t[0] += 5
    clock.pause()  # terminal lost focus
    t[0] += 60
    clock.activity()
    assert clock.take("a") == 40 and clock.take("a") == 0
    assert clock.take("b") == 5


async def test_focus_time_is_stored_with_the_label(
    long_store: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    t = [1000.0]
    monkeypatch.setattr("annotator.tui.clock.now", lambda: t[0])
    app = AnnotatorApp(long_store, "me")
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        screen = app.screen
        assert isinstance(screen, LabelScreen)
        first = screen.current
        assert first is not None
        t[0] += 20
        await pilot.press("f")  # a key: 20 s on this sample, saved with the flag
        await settle(pilot)
        assert long_store.focus_time(first, "me") == pytest.approx(20)
        t[0] += 600  # idle, then a label: the gap does not count
        await pilot.press("f")
        await settle(pilot)
        assert long_store.focus_time(first, "me") == pytest.approx(20)
        t[0] += 7
        await pilot.press("f")
        await settle(pilot)
        assert long_store.focus_time(first, "me") == pytest.approx(27)
    summary = long_store.time_summary()
    n_samples, seconds = summary.per_annotator["me"]
    assert n_samples == 1 and seconds == pytest.approx(27)
    assert FINAL not in summary.per_annotator


async def test_review_screen_is_a_sample_viewer(long_store: Store) -> None:
    app = AnnotatorApp(long_store, "rev", review=True, with_final=False)
    async with app.run_test(size=(120, 40)) as pilot:
        await settle(pilot)
        assert isinstance(app.screen, ReviewScreen)
        viewer = app.screen.query_one(SampleViewer)
        assert viewer.shown is not None and viewer.shown.sample_id in long_ids()


def test_status_and_report_show_focus_time(tmp_path: Path) -> None:
    db = tmp_path / "t.db"
    with Store.open(db) as store:
        ids = fill_long(store)
        store.set_label(ids[2], "ann", LabelValue(category=5, subcategory=None))
        store.add_focus_time("ann", {ids[0]: 10.0, ids[1]: 30.0, ids[2]: 50.0})
        store.add_focus_time("ann", {ids[0]: 2.0})  # added up: 12 s
        store.add_focus_time("bob", {ids[0]: 7.0})
        summary = store.time_summary()
    assert summary.per_annotator == {"ann": (3, 30.0), "bob": (1, 7.0)}
    n_samples, seconds = summary.per_category[5]
    assert n_samples == 2 and seconds == pytest.approx(31.0)  # 12 and 50
    runner = CliRunner()
    status = runner.invoke(cli, ["--db", str(db), "status"])
    assert status.exit_code == 0, status.output
    assert "ann" in status.output and "median 30 s/sample over 3" in status.output
    assert "Progress: ann 3/6 (50.0%) · bob 2/6 (33.3%)" in status.output
    as_json = json.loads(runner.invoke(cli, ["--db", str(db), "status", "--json"]).output)
    assert as_json["focus_seconds"]["median_per_annotator"] == {"ann": 30.0, "bob": 7.0}
    report = runner.invoke(cli, ["--db", str(db), "report"])
    assert "## Annotation time" in report.output and "| ann | 3 | 30 |" in report.output
