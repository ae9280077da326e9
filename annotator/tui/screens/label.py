"""The labeling screen: one annotator works through their queue.

Contract: :class:`LabelScreen` owns the labeling task. It shows the queue, the
selected sample (code, reference, diff, prompt, primary error), suggestions
and the label panel. Every key action writes through
:class:`~annotator.tui.session.LabelSession` (committed before the UI says
'saved'); slow reads (queue pages, samples, suggestions, clusters) run in
named thread workers with their own connection (see
:mod:`annotator.tui.screens.label_workers`) and post messages back.
"""

from __future__ import annotations

import time
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from ...errors import UserError
from ...models import LabelValue, Suggestion
from ...store import SampleFilter
from ...timing import FocusClock
from .. import clock
from ..keymap import Settings, view_bindings
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import FirstPage
from ..render import visible
from ..sample_data import SampleView, suggestions_hidden
from ..session import LabelSession
from ..widgets.label_panel import LabelPanel
from ..widgets.sample_list import SampleList
from ..widgets.sample_viewer import SampleViewer
from ..widgets.suggestion_list import SuggestionList
from .help import HelpScreen, label_key_rows
from .label_bulk import ClusterFlow
from .label_workers import LabelLoader
from .output import OutputScreen
from .picker import PickerScreen


class LabelScreen(Screen[None]):
    BACKGROUND_DELAY = 0.15
    """Seconds between painting a sample and starting background work."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]

    BINDINGS = [
        *[Binding(str(n), f"category({n})", show=False) for n in range(1, 10)],
        Binding("0", "zero", "0+digit: category 10-14", show=False),
        Binding("a", "accept", "Accept", id="accept"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("j", "next", "Next", show=False),
        Binding("k", "previous", "Prev", show=False),
        Binding("b", "pick_subcategory", "Pick subcategory", show=False, id="subcategory"),
        Binding(
            "x", "second", "Next category key sets the second category", show=False, id="second"
        ),  # fmt: skip
        Binding("u", "undo", "Undo", id="undo"),
        Binding("f", "flag", "Flag", show=False, id="flag"),
        Binding("s", "skip", "Skip", show=False, id="skip"),
        Binding("e", "note", "Edit note (Enter saves, Esc leaves)", show=False, id="note"),
        Binding("slash", "filter", "Search", id="search"),
        *view_bindings(),
        Binding("t", "output", "Output", show=False, id="output"),
        Binding("c", "cluster", "Cluster", show=False, id="cluster"),
        Binding("escape", "leave", "Leave the note field", show=False),
    ]

    def __init__(
        self,
        session: LabelSession,
        blind_share: float = 0.0,
        preload: FirstPage | None = None,
        settings: Settings | None = None,
    ) -> None:
        super().__init__()
        self.session = session
        self.blind_share = blind_share
        self.preload = preload
        """The first page read before the app started (see :mod:`..preload`)."""
        self.settings = settings or Settings()
        self.loader = LabelLoader(self, session.store, session.annotator)
        self.bulk = ClusterFlow(self)
        self.filter = SampleFilter()
        self.current: str | None = None
        self.suggest_cache: dict[str, list[Suggestion]] = {}
        """Suggestions of this label version (emptied whenever a label changes)."""
        self.version = 0
        self.total_samples = 0
        self._ten = False
        self._second = False
        self._background: Timer | None = None
        self.shown_at: dict[str, float] = {}
        """When each sample was last painted (benchmarks read this)."""
        self.focus_clock = FocusClock(clock.now)

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        taxonomy = self.session.store.taxonomy
        yield Header()
        with Horizontal(id="body"):
            yield SampleList(id="queue")
            with Container(id="work"):
                yield SampleViewer(id="viewer")
                with Horizontal(id="side"):
                    yield SuggestionList(taxonomy, id="suggestions")
                    yield LabelPanel(taxonomy, id="label-panel")
        # ctrl+p is in the help: at 80 columns its footer item would cut '? Help'.
        yield Footer(show_command_palette=False)

    @property
    def viewer(self) -> SampleViewer:
        return self.query_one(SampleViewer)

    @property
    def cache(self) -> dict[str, SampleView]:
        return self.viewer.cache

    def on_mount(self) -> None:
        self.query_one("#suggestions").border_title = "Suggestions · a: accept"
        self.query_one("#label-panel").border_title = "Label"
        self.query_one("#queue").focus()
        first, self.preload = self.preload, None
        if first is None:
            self.loader.fetch_queue(self.filter)
            return
        self._queue_loaded(QueueLoaded(first.rows, first.total, reset=True))
        if first.view is not None:
            # Painted now rather than on the queue's Picked message, which
            # would wait behind the mount and resize events: the first
            # frame shows the sample.
            self.viewer.remember(first.view)
            self.show(first.view.sample_id)

    def on_unmount(self) -> None:
        self.store_focus_time()

    # -- focus time ------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        self.focus_clock.activity()

    def on_click(self, event: events.Click) -> None:
        self.focus_clock.activity()

    def on_app_blur(self) -> None:
        self.focus_clock.pause()

    def store_focus_time(self, sample_id: str | None = None) -> None:
        """Add the focus time gathered (for ``sample_id``, or all) to the store."""
        if sample_id is not None:
            spent = {sample_id: self.focus_clock.take(sample_id)}
        else:
            spent = self.focus_clock.take_all()
        self.session.store.add_focus_time(self.session.annotator, spent)

    # -- queue and selection ------------------------------------------------
    @property
    def queue(self) -> SampleList:
        return self.query_one("#queue", SampleList)

    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        if message.reset:
            self.total_samples = self.total_samples or message.total
            self.queue.reset(message.rows, message.total)
            if not message.rows:
                empty = (
                    "no sample matches the filter (/ to change it)"
                    if self.filter != SampleFilter()
                    else "no samples in this database yet: annotator import FORMAT PATH"
                )
                self.viewer.say(Text(empty, style="dim"))
            self.update_progress()
        else:
            self.queue.add_rows(message.rows)

    @on(SampleList.NeedRows)
    def _need_rows(self, message: SampleList.NeedRows) -> None:
        self.loader.fetch_page(self.filter, message.offset)

    @on(SampleList.Picked)
    def _picked(self, message: SampleList.Picked) -> None:
        self.show(message.sample_id)

    def show(self, sample_id: str) -> None:
        if sample_id == self.current and sample_id in self.shown_at:
            return  # the same row highlighted again: already on screen
        loading = sample_id == self.current
        self.current = sample_id
        self.focus_clock.focus(sample_id)
        self._ten = False
        view = self.cache.get(sample_id)
        if view is None and loading:
            return
        if view is None:
            self.viewer.say(Text(f"loading {visible(sample_id)}…"))
            self.loader.load_sample(sample_id)
            return
        self.paint(view)

    @on(SampleLoaded)
    def _loaded(self, message: SampleLoaded) -> None:
        if message.view is None:
            return
        self.viewer.remember(message.view, keep=self.current)
        if message.sample_id == self.current and self.current not in self.shown_at:
            self.paint(message.view)

    def paint(self, view: SampleView) -> None:
        sid = view.sample_id
        self.viewer.paint(view)
        self.refresh_label(sid)
        self.shown_at = {sid: time.perf_counter()}
        # Background work (highlighting neighbours, suggestions) competes for
        # the GIL with drawing this frame, so it starts a moment later.
        if self._background is not None:
            self._background.stop()
        if self.BACKGROUND_DELAY > 0:
            self._background = self.set_timer(
                self.BACKGROUND_DELAY, partial(self._after_paint, sid)
            )
        else:
            self.call_after_refresh(self._after_paint, sid)

    def _after_paint(self, sample_id: str) -> None:
        if sample_id != self.current:
            return
        self.show_suggestions(sample_id)
        neighbours = self.queue.neighbour_ids()
        views = [i for i in neighbours if i not in self.cache]
        suggest = [
            i
            for i in neighbours
            if i not in self.suggest_cache and not suggestions_hidden(i, self.blind_share)
        ]
        if views or suggest:
            self.loader.prefetch(views, suggest, self.version)

    def show_suggestions(self, sample_id: str) -> None:
        widget = self.query_one("#suggestions", SuggestionList)
        if suggestions_hidden(sample_id, self.blind_share):
            widget.show_hidden()
        elif sample_id in self.suggest_cache:
            widget.show_suggestions(self.suggest_cache[sample_id])
        else:
            widget.show_loading()
            self.loader.compute_suggestions(sample_id, self.version)

    def labels_changed(self) -> None:
        """A label was written or undone: suggestions may rank differently now."""
        self.version += 1
        self.suggest_cache.clear()

    @on(SuggestionsReady)
    def _suggestions(self, message: SuggestionsReady) -> None:
        widget = self.query_one("#suggestions", SuggestionList)
        if message.version != self.version:
            # Computed before a label changed: ask again if it is on screen.
            if message.sample_id == self.current:
                self.show_suggestions(message.sample_id)
            return
        if message.error is not None:
            if message.sample_id == self.current:
                widget.show_error(message.error)
            return
        self.suggest_cache[message.sample_id] = message.suggestions
        if message.sample_id == self.current:
            widget.show_suggestions(message.suggestions)

    def refresh_label(self, sample_id: str, status: str = "") -> None:
        label = self.session.label(sample_id)
        row: dict[str, object] = {"id": sample_id, "kind": None, "category": None, "flag": None}
        if label is not None:
            row |= {"kind": label.kind, "category": label.category, "flag": label.flag}
        self.queue.update_row(row)
        if sample_id == self.current:
            self.query_one(LabelPanel).show_label(sample_id, label, status)

    def update_progress(self) -> None:
        done = self.session.labeled_count()
        rate = self.session.per_hour()
        self.sub_title = (
            f"{self.session.annotator} · {done}/{self.total_samples} labeled · {rate:.0f}/h"
        )

    # -- writing -------------------------------------------------------------
    def save(self, sample_id: str, value: LabelValue, what: str = "saved") -> bool:
        """Write a label (committed on return), then show it as saved."""
        try:
            self.session.save(sample_id, value)
        except UserError as exc:
            self.notify(str(exc), severity="error")
            return False
        self.labels_changed()
        self.store_focus_time(sample_id)
        self.refresh_label(sample_id, f"{what} ✓ {clock.clock()}")
        self.update_progress()
        return True

    def shown(self, sample_id: str) -> bool:
        return not suggestions_hidden(sample_id, self.blind_share)

    def apply_category(self, category: int, subcategory: str | None = None) -> None:
        sid = self.current
        if sid is None:
            return
        taxonomy = self.session.store.taxonomy
        if not taxonomy.has(category):
            self.notify(f"no category {category}", severity="warning")
            return
        second, self._second = self._second, False
        value = self.session.category_value(
            sid, category, subcategory, second=second, shown=self.shown(sid)
        )
        was_unlabeled = self.session.label(sid) is None
        if not self.save(sid, value):
            return
        if was_unlabeled:
            self.queue.moved += 1
        if (value.subcategory2 if second else value.subcategory) is None:
            self.action_pick_subcategory(second=second)
        elif self.settings.advance:
            self.action_next()

    # -- actions -------------------------------------------------------------
    def action_category(self, n: int) -> None:
        if self._ten:
            self._ten = False
            n += 10
        self.apply_category(n)

    def action_zero(self) -> None:
        if self._ten:
            self._ten = False
            self.apply_category(10)
        else:
            self._ten = True
            self.notify("0: the next digit picks category 10-14", timeout=2)

    def action_second(self) -> None:
        self._second = not self._second
        self.notify("next category key sets the second category" if self._second else "off")

    def action_pick_subcategory(self, second: bool = False) -> None:
        sid = self.current
        label = self.session.label(sid) if sid else None
        category = (label.category2 if second else label.category) if label else None
        if sid is None or category is None:
            self.notify("choose a category first (1-9, 0+digit)", severity="warning")
            return
        cat = self.session.store.taxonomy.category(category)
        choices = [
            (Text.assemble(visible(s.name), (" [DL]" if s.dl_specific else "", "cyan")), s.name)
            for s in cat.subcategories
        ]

        def chosen(name: str | None) -> None:
            if name is None:
                return
            saved = self.save(sid, self.session.subcategory_value(sid, name, second=second))
            if saved and self.settings.advance and sid == self.current:
                self.action_next()

        title = f"Subcategory of {category}. {visible(cat.name)}"
        self.app.push_screen(PickerScreen(title, choices), chosen)

    def action_accept(self) -> None:
        sid = self.current
        if sid is None:
            return
        if not self.shown(sid):
            self.notify("suggestions are hidden for this sample", severity="warning")
            return
        suggestions = self.suggest_cache.get(sid)
        if not suggestions:
            self.notify("no suggestion to accept yet", severity="warning")
            return
        was_unlabeled = self.session.label(sid) is None
        if self.save(sid, self.session.suggestion_value(sid, suggestions[0]), "accepted"):
            self.queue.moved += int(was_unlabeled)
            self.action_next()

    def action_next(self) -> None:
        self.queue.action_cursor_down()

    def action_previous(self) -> None:
        self.queue.action_cursor_up()

    def action_undo(self) -> None:
        changed = self.session.undo()
        if not changed:
            self.notify("nothing to undo")
            return
        self.labels_changed()
        for sid in changed:
            self.refresh_label(sid, "undone ↶")
        # `a` and `s` move on after saving: go back to what was undone, so
        # the annotator sees it (a cluster undo stays where it is).
        if len(changed) == 1 and changed[0] != self.current and self.queue.select_id(changed[0]):
            self.show(changed[0])
        self.update_progress()
        self.notify(f"undone ({len(changed)} sample{'s' if len(changed) > 1 else ''})")

    def action_flag(self) -> None:
        if self.current is not None:
            self.save(self.current, self.session.flag_value(self.current))

    def action_skip(self) -> None:
        sid = self.current
        if sid is not None and self.save(sid, self.session.skip_value(sid), "skipped"):
            self.action_next()

    def action_note(self) -> None:
        self.query_one(LabelPanel).focus_note()

    def action_leave(self) -> None:
        self.queue.focus()

    @on(LabelPanel.NoteChanged)
    def _note(self, message: LabelPanel.NoteChanged) -> None:
        self.save(message.sample_id, self.session.note_value(message.sample_id, message.note))

    def action_view(self, name: str) -> None:
        self.viewer.show_tab(name)

    def action_filter(self) -> None:
        self.bulk.open_filter()

    def action_cluster(self) -> None:
        self.bulk.start_cluster()

    @on(ClusterReady)
    def _cluster_ready(self, message: ClusterReady) -> None:
        self.bulk.cluster_ready(message)

    def action_output(self) -> None:
        view = self.cache.get(self.current or "")
        if view is not None:
            self.app.push_screen(OutputScreen(view.sample_id, view.output_lines))

    def action_help(self) -> None:
        self.app.push_screen(HelpScreen(label_key_rows(self)))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(f"{event.worker.name}: {event.worker.error}", severity="error")
