"""The review screen: adjudicate the samples on which annotators disagree.

Contract: :class:`ReviewScreen` lists :func:`review_items` (open ones first,
largest disagreement first; loaded in a thread worker) and shows, for the
highlighted sample, every annotator's label and note side by side, the final
label with who adopted or wrote it and when, the code (generated, reference,
diff, prompt) and the primary error (the labeling screen's ``load_view``,
also in a worker: :class:`~.label_reads.Reads` over the store). Writes go
through a :class:`~annotator.tui.screens.label_writes.QueuedWrites` of its
own, as in labeling (at once when the lock is free, else on the writer
thread, so another process's lock never freezes the screen), and the screen
says "saved" only once committed: ``1``-``9`` adopt the n-th annotator's
label (``adopt``) and move on; ``e`` writes the reviewer's own label (the
pickers of :class:`~.review_write.FinalLabelDialog`, then ``write_final``);
``u`` undoes the last final-label change of
this sitting: both write through one :class:`~annotator.labeling.LabelSession`
of annotator ``final`` (``final_session``), whose undo restores the previous
history state. The sample is shown by :class:`SampleViewer` with the labeling
screen's view keys (``g`` ``r`` ``d`` ``w``); ``G`` opens the agreement matrix;
:meth:`ReviewScreen.jump_to` shows any sample. The header counts each
annotator's labels (counts only).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header, OptionList, Static
from textual.widgets.option_list import Option
from textual.worker import Worker

from ...errors import UserError
from ...models import FINAL, LabelValue
from ...review import Disagreement, adopted_value, decision, final_session, mark_seen
from ...rounds import negotiate
from ...store import Store
from .. import clock, workers
from ..keymap import view_bindings
from ..messages import SampleLoaded
from ..names import common_prefix
from ..render import visible
from ..widgets.sample_viewer import SampleViewer
from .agreement import AgreementScreen
from .help import LABEL_KEYS, HelpScreen, key_rows
from .label_reads import Reads
from .label_writes import QueuedWrites
from .output import OutputScreen
from .review_data import final_text, item_for, item_prompt, labels_table, review_items
from .review_write import FinalLabelDialog, NegotiateDialog

CACHE_SIZE = 16

HELP = {
    **LABEL_KEYS,
    "write_final": "write your own final label (category, subcategory, note)",
    "negotiate": "change your own label here after seeing the others' (a negotiated change,"
    " with a reason)",
    "undo": "undo the last final-label change (restores its previous state)",
    "cycle_view": "the next code view",
    "codebook": "codebook: definition, decision rules and final-labeled examples of the category",
    "notes": "open coding: clusters of notes without a subcategory; give a cluster one",
    "subcategories": "confirm subcategories: walk the labels whose subcategory is Unspecified"
    " or inferred; a digit takes one",
    "agreement": "agreement matrix (Enter on a cell lists the samples of that pair)",
    "quit": "quit (a label still waiting for the database asks for a second q)",
}


@dataclass
class Negotiated(Message):
    """The reviewer's own label of ``sample_id`` was changed (committed)."""

    sample_id: str


@dataclass
class ItemsLoaded(Message):
    items: list[Disagreement]
    with_final: bool


class ReviewScreen(Screen[None]):
    on_worker_state_changed = workers.on_worker_state_changed
    """Failed workers are reported in one place (:mod:`annotator.tui.workers`)."""

    VERTICAL_BREAKPOINTS = [(0, "-short"), (32, "-tall")]
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (110, "-wide")]

    BINDINGS = [
        *[Binding(str(n), f"adopt({n})", show=False) for n in range(1, 10)],
        Binding("e", "write", "Write final", id="write_final"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("u", "undo", "Undo", id="undo"),
        *view_bindings(),
        Binding("G", "agreement", "Agreement", show=False),
        Binding("S", "app.stats", "Stats", show=False),
        Binding("v", "cycle_view", "View", show=False),
        Binding("t", "output", "Output", show=False, id="output"),
        Binding("b", "codebook", "Codebook", show=False),
        Binding("o", "notes", "Open coding", show=False),
        Binding("i", "subcategories", "Subcats", show=False),
        Binding("m", "negotiate", "Mine", show=False),
    ]

    def __init__(self, store: Store, reviewer: str, with_final: bool | None = None) -> None:
        super().__init__()
        self.store = store
        self.reviewer = reviewer
        self.with_final = with_final
        self.items: list[Disagreement] = []
        self.loaded = False
        self.current: str | None = None
        self.raters: list[str] = []
        self.seen: set[str] = set()
        """Samples where this sitting recorded that the reviewer saw the disagreement."""
        """Annotators in the order shown (key 1 adopts the first)."""
        self.session = final_session(store, reviewer)
        self.reads = Reads(store, self)
        self.writes = QueuedWrites(self, self.session, self.refresh_label, self.update_progress)
        self.final_dialog = FinalLabelDialog(self, store, self.write_final)
        self.negotiate_dialog = NegotiateDialog(self, store, self.negotiate)
        self.status: dict[str, str] = {}
        self._pending: str | None = None
        self._list_width = 0
        self.prefix = ""
        """Left out of every display name in the list (shared by all ids)."""

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="review-body"):
            yield OptionList(id="review-list")
            with Vertical(id="review-work"):
                with VerticalScroll(id="review-labels-box"):
                    yield Static(id="review-labels")
                yield Static(id="review-final")
                yield SampleViewer(CACHE_SIZE, id="review-viewer")
        # ctrl+p is in the help: at 80 columns its footer item would cut '? Help'.
        yield Footer(show_command_palette=False)

    @property
    def viewer(self) -> SampleViewer:
        return self.query_one(SampleViewer)

    def on_mount(self) -> None:
        self.query_one("#review-list").border_title = "Disagreements"
        self.query_one("#review-labels-box").border_title = "Labels · 1-9 adopt"
        self.viewer.say(Text("loading disagreements…", "dim"))
        self.query_one("#review-list").focus()
        self.load_items()

    @property
    def option_list(self) -> OptionList:
        return self.query_one("#review-list", OptionList)

    @property
    def writes_pending(self) -> int:  # the app's quit asks twice while a write waits
        return self.writes.pending

    def on_unmount(self) -> None:
        self.writes.stop()

    # -- loading -------------------------------------------------------------
    def load_items(self) -> None:
        self.reads.run("load_items", "review-items", self._load_items)

    def _load_items(self) -> None:
        with self.reads.reader() as store:
            items, with_final = review_items(store, self.with_final)
        self.reads.post(ItemsLoaded(items, with_final))

    def worker_failed(self, worker: Worker[object], text: str) -> None:
        """A failed load says so where its result would be (never "loading…" for ever)."""
        if worker.name == "load_items":
            self.loaded = True
            self.viewer.say(Text(visible(text), "red"))
        elif worker.name == "load_sample":
            self.viewer.say(Text(visible(text), "red"))

    @on(ItemsLoaded)
    def _items_loaded(self, message: ItemsLoaded) -> None:
        self.items = message.items
        self.with_final = message.with_final
        self.loaded = True
        self.option_list.clear_options()
        self.prefix = common_prefix(item.sample_id for item in self.items)
        self.option_list.add_options([Option(self._prompt(item)) for item in self.items])
        self.call_after_refresh(self._fit_prompts)
        self.update_progress()
        if self._pending is not None:
            self.jump_to(self._pending)
        elif self.items:
            self.option_list.highlighted = 0
        else:
            self.viewer.say(Text("no disagreements: nothing to review", "green"))

    def resolved(self, item: Disagreement) -> bool:
        """Adjudicated: a reviewer wrote or adopted its final label (an imported
        final label leaves it open)."""
        return item.resolved

    def _prompt(self, item: Disagreement) -> Text:
        return item_prompt(item, self._list_width or 22, self.prefix)

    def on_resize(self) -> None:
        self.call_after_refresh(self._fit_prompts)

    def _fit_prompts(self) -> None:
        """Cut the names to the list's width once it is known (after layout)."""
        width = self.option_list.scrollable_content_region.width
        if width and width != self._list_width:
            self._list_width = width
            for index, item in enumerate(self.items):
                self.option_list.replace_option_prompt_at_index(index, self._prompt(item))

    def update_progress(self) -> None:
        open_ = sum(1 for item in self.items if not self.resolved(item))
        imported = sum(1 for item in self.items if item.imported_final)
        mode = f" · {imported} with an imported final" if imported else ""
        # The raters' progress as `annotator status` prints it (labeled of those to label;
        # the same view, without counting the tasks on every adjudication).
        to_label = self.store.to_label()
        labeled = " ".join(
            f"{visible(r.annotator)} {r.of_to_label}/{to_label}"
            for r in self.store.progress(final_first=False)
            if r.annotator != FINAL
        )
        self.sub_title = (
            f"reviewer {self.reviewer} · {open_} open of {len(self.items)}{mode}"
            f" · labeled: {labeled}"
        )

    @on(SampleLoaded)
    def _sample_loaded(self, message: SampleLoaded) -> None:
        if message.view is None:
            return
        self.viewer.remember(message.view, keep=self.current)
        if message.sample_id == self.current:
            self.viewer.paint(message.view)

    # -- showing -------------------------------------------------------------
    @on(OptionList.OptionHighlighted, "#review-list")
    def _highlighted(self, event: OptionList.OptionHighlighted) -> None:
        self.show_index(event.option_index)

    def show_index(self, index: int) -> None:
        item = self.items[index]
        changed = item.sample_id != self.current
        self.current = item.sample_id
        self.refresh_item(index)
        if not changed:
            return
        self.option_list.tooltip = Text(visible(item.sample_id))
        view = self.viewer.cache.get(item.sample_id)
        if view is None:
            self.viewer.say(Text(f"loading {visible(item.sample_id)}…", "dim"))
            self.reads.load_sample(item.sample_id, diff=True)  # the diff is painted at once
        else:
            self.viewer.paint(view)

    def refresh_item(self, index: int) -> None:
        """Re-read the sample's labels (they may have changed) and show them."""
        item = self.items[index]
        sid = item.sample_id
        labels = {
            label.annotator: label
            for label in self.store.labels(sample_id=sid)
            if label.annotator != FINAL and decision(label)
        }
        item.labels = labels
        item.final = self.store.label(sid, FINAL)
        self.option_list.replace_option_prompt_at_index(index, self._prompt(item))
        if sid != self.current:
            return
        self.raters = sorted(labels)
        if self.reviewer in labels and len(labels) > 1 and sid not in self.seen:
            # A rater reviewing sees the others' labels: their own later changes here
            # are negotiated (annotator.rounds). Written in a worker (another
            # process's lock must not freeze the screen).
            self.seen.add(sid)
            self.reads.run("mark_seen", f"seen-{sid}", partial(self._mark_seen, sid))
        self.query_one("#review-labels", Static).update(
            labels_table(self.store.taxonomy, self.raters, labels)
        )
        final = final_text(self.store.taxonomy, item.final)
        if sid in self.status:
            final.append(f"  {self.status[sid]}", "green bold")
        self.query_one("#review-final", Static).update(final)

    def _mark_seen(self, sample_id: str) -> None:
        with self.reads.reader() as store:
            mark_seen(store, sample_id, self.reviewer)

    def index_of(self, sample_id: str) -> int | None:
        for index, item in enumerate(self.items):
            if item.sample_id == sample_id:
                return index
        return None

    def jump_to(self, sample_id: str) -> None:
        """Show ``sample_id`` (added to the list when it is not a listed disagreement)."""
        if not self.loaded:
            self._pending = sample_id
            return
        self._pending = None
        index = self.index_of(sample_id)
        if index is None:
            if self.store.sample(sample_id) is None:
                self.notify(f"no sample {visible(sample_id)}", severity="warning")
                return
            item = item_for(self.store, sample_id)
            self.items.append(item)
            self.option_list.add_option(Option(self._prompt(item)))
            index = len(self.items) - 1
        self.option_list.highlighted = index
        self.option_list.focus()

    # -- writing -------------------------------------------------------------
    # Writes go through the screen's queue (:class:`QueuedWrites`): at once
    # when the lock is free, else behind another process's lock on the writer
    # thread, on the sample the key was pressed on.
    def refresh_label(self, sample_id: str, status: str = "") -> None:
        self.status[sample_id] = status
        index = self.index_of(sample_id)
        if index is not None:
            self.refresh_item(index)

    def action_adopt(self, n: int) -> None:
        sid = self.current
        if sid is None:
            return
        if not 1 <= n <= len(self.raters):
            self.notify(f"no annotator {n} on this sample", severity="warning")
            return
        name = self.raters[n - 1]
        try:
            value = adopted_value(self.store, sid, name)  # as shown when the key was pressed
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return

        def adopted(_: object) -> None:
            self.notify(f"{visible(sid)}: final ← {visible(name)} (saved)", timeout=3)

        self.writes.write(sid, lambda session: session.save(sid, value), then=adopted)
        self.action_next()

    def write_final(self, sample_id: str, value: LabelValue) -> None:
        """Write the reviewer's own final label; "saved" once committed."""
        self.writes.write(sample_id, lambda session: session.save(sample_id, value))

    def action_undo(self) -> None:
        self.writes.write(
            self.current or "", lambda session: session.undo(), "undone", self._undone
        )

    def _undone(self, changed: list[str]) -> None:
        if not changed:
            self.notify("nothing to undo")
            return
        sid = changed[0]
        self.refresh_label(sid, f"undone ↶ {clock.clock()}")
        self.jump_to(sid)
        self.update_progress()
        self.notify(f"undone: final label of {visible(sid)}")

    # -- navigation ------------------------------------------------------------
    def action_next(self) -> None:
        self.option_list.action_cursor_down()

    def action_previous(self) -> None:
        self.option_list.action_cursor_up()

    def action_cycle_view(self) -> None:
        self.viewer.cycle_tab()

    def action_view(self, name: str) -> None:
        self.viewer.show_tab(name)

    def action_output(self) -> None:
        OutputScreen.open(self.app, self.viewer.cache.get(self.current or ""))

    def action_write(self) -> None:
        if self.current is not None:
            self.final_dialog.start(self.current)

    def action_negotiate(self) -> None:
        sid = self.current
        if sid is None:
            return
        if self.reviewer not in self.raters:
            self.notify("you have no label of your own here to change", severity="warning")
            return
        self.negotiate_dialog.start(sid)

    def negotiate(self, sample_id: str, value: LabelValue, reason: str) -> None:
        """Change the reviewer's own label (negotiated) in a worker; "saved" once committed."""
        self.reads.run(
            "negotiate",
            f"negotiate-{sample_id}",
            partial(self._negotiate, sample_id, value, reason),
        )

    def _negotiate(self, sample_id: str, value: LabelValue, reason: str) -> None:
        with self.reads.reader() as store:
            negotiate(
                store,
                sample_id,
                self.reviewer,
                category=value.category,
                subcategory=value.subcategory,
                passed=value.kind == "pass",
                reason=reason,
            )
        self.post_message(Negotiated(sample_id))

    @on(Negotiated)
    def _negotiated(self, message: Negotiated) -> None:
        sid = message.sample_id
        self.refresh_label(sid, f"your label negotiated ✓ {clock.clock()}")
        self.notify(f"{visible(sid)}: your own label changed (negotiated, saved)", timeout=3)

    def action_agreement(self) -> None:
        self.app.push_screen(AgreementScreen(self.store))

    def action_notes(self) -> None:
        from .notes import NotesScreen

        self.app.push_screen(NotesScreen(self.store))

    def action_subcategories(self) -> None:
        from .subcategories import SubcategoryScreen

        self.app.push_screen(SubcategoryScreen(self.store))

    def action_codebook(self) -> None:
        from .codebook import CodebookScreen, codebook_category

        sid = self.current
        final = self.store.label(sid, FINAL) if sid else None
        labels = [lab for lab in self.store.labels(sample_id=sid)] if sid else []
        first = next((lab for lab in labels if lab.kind == "bug"), None)
        category = codebook_category(final if final is not None else first, None)
        # Review is not blind: the examples are final labels.
        self.app.push_screen(CodebookScreen(self.store, self.reviewer, category, blind=False))

    def action_help(self) -> None:
        rows = [("1-9", "adopt the label of the n-th annotator shown as final, then next")]
        self.app.push_screen(HelpScreen(rows + key_rows(self, HELP)))
