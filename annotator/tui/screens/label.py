"""The labeling screen: one annotator works through their queue.

Contract: :class:`LabelScreen` owns the labeling task. It shows the queue, the
selected sample (:class:`~annotator.tui.widgets.sample_viewer.SampleViewer`:
code, reference, diff, prompt side by side from 160 columns, the primary
error; ``g`` ``r`` ``d`` ``w`` bring each view forward), suggestions and the
label panel. It measures focus time per sample (:mod:`annotator.timing`) and
stores it with each write. Every key action writes through
:class:`~annotator.labeling.LabelSession` (committed before the UI says
'saved'); slow reads (queue pages, samples, suggestions, clusters) run in
named thread workers with their own connection (see
:mod:`annotator.tui.screens.label_workers`) and post messages back.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from functools import partial

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.timer import Timer
from textual.widgets import Footer, Header
from textual.worker import Worker, WorkerState

from ...labeling import LabelSession
from ...models import LabelValue, Suggestion
from ...store import QueueRow, SampleFilter
from ...timing import FocusClock
from .. import clock
from ..digits import scheme
from ..keymap import Settings, view_bindings
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import FirstPage
from ..render import visible
from ..sample_data import SampleView, suggestions_hidden
from ..widgets.label_panel import LabelPanel
from ..widgets.sample_list import SampleList
from ..widgets.sample_viewer import SampleViewer
from ..widgets.suggestion_list import SuggestionList
from .help import HelpScreen, label_key_rows
from .label_bulk import ClusterAndFilter
from .label_keys import PANEL_TITLE, CategoryKeys
from .output import OutputScreen
from .picker import PickerScreen


class LabelScreen(CategoryKeys, ClusterAndFilter):
    BACKGROUND_DELAY = 0.15
    """Seconds between painting a sample and starting background work."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]

    BINDINGS = [
        *[Binding(str(n), f"category({n})", show=False) for n in range(10)],
        Binding("o", "not_failure", "pass", id="pass"),
        Binding("a", "accept", "Accept", id="accept"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("j", "next", "Next", show=False),
        Binding("k", "previous", "Prev", show=False),
        Binding("v", "pick_subcategory", "Pick subcategory", show=False, id="subcategory"),
        Binding("b", "codebook", "Codebook", show=False, id="codebook"),
        Binding("x", "second", "Second category", show=False, id="second"),
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
        self.settings = settings or Settings()
        self.focus_clock = FocusClock(clock.now)
        self.version = 0
        """Label changes in this sitting: suggestions computed before one are stale."""
        self.blind_share = blind_share
        self.preload = preload
        """The first page read before the app started (see :mod:`..preload`)."""
        self.filter = SampleFilter()
        self.current: str | None = None
        self.suggest_cache: dict[str, list[Suggestion]] = {}
        """Suggestions of this label version (emptied whenever a label changes)."""
        self.total_samples = 0
        self._second = False
        self.clusters: dict[str, ClusterReady] = {}
        self._background: Timer | None = None
        self.shown_at: dict[str, float] = {}
        """When each sample was last painted (benchmarks read this)."""

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        taxonomy = self.session.taxonomy
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
        self.query_one("#label-panel").border_title = PANEL_TITLE
        self.query_one("#queue").focus()
        first, self.preload = self.preload, None
        if first is None:
            self.fetch_queue(self.filter)
            return
        self._queue_loaded(QueueLoaded(first.rows, first.total, reset=True))
        if first.view is not None:
            # Painted now rather than on the queue's Picked message, which
            # would wait behind the mount and resize events: the first
            # frame shows the sample.
            self.viewer.remember(first.view)
            self.show(first.view.sample_id)

    # -- focus time ------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        self.focus_clock.activity()

    def on_click(self, event: events.Click) -> None:
        self.focus_clock.activity()

    def on_app_blur(self) -> None:
        self.focus_clock.pause()

    def on_unmount(self) -> None:
        self.store_focus_time()

    def store_focus_time(self) -> None:
        """Add the focus time gathered and not yet saved with a label (on quit)."""
        spent = self.focus_clock.take_all()
        try:
            self.session.view.add_focus_time(spent)
        except Exception as exc:  # the clock must never cost a label
            self.notify(f"focus time not stored: {exc}", severity="warning")

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
        self.fetch_page(self.filter, message.offset)

    @on(SampleList.Picked)
    def _picked(self, message: SampleList.Picked) -> None:
        self.show(message.sample_id)

    def show(self, sample_id: str) -> None:
        if sample_id == self.current and sample_id in self.shown_at:
            return  # the same row highlighted again: already on screen
        loading = sample_id == self.current
        if not loading:
            self.flush_digit()  # a pending first digit was meant for the sample left
        self.current = sample_id
        self.focus_clock.focus(sample_id)
        view = self.cache.get(sample_id)
        if view is None and loading:
            return
        if view is None:
            self.viewer.say(Text(f"loading {visible(sample_id)}…"))
            self.load_sample(sample_id)
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
        # Where suggestions are hidden, so are the code analysis's marks.
        self.viewer.paint(view, evidence=not suggestions_hidden(sid, self.blind_share))
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
            self.prefetch(views, suggest, self.version)

    def show_suggestions(self, sample_id: str) -> None:
        widget = self.query_one("#suggestions", SuggestionList)
        if suggestions_hidden(sample_id, self.blind_share):
            widget.show_hidden()
        elif sample_id in self.suggest_cache:
            widget.show_suggestions(self.suggest_cache[sample_id])
        else:
            widget.show_loading()
            self.compute_suggestions(sample_id, self.version)

    def labels_changed(self) -> None:
        """A label is being written or undone: suggestions may rank differently."""
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
        row = QueueRow(sample_id)
        if label is not None:
            row = QueueRow(sample_id, kind=label.kind, category=label.category, flag=label.flag)
        self.queue.update_row(row)
        if sample_id == self.current:
            self.query_one(LabelPanel).show_label(sample_id, label, status)

    def update_progress(self) -> None:
        done, total = self.session.progress()
        rate = self.session.per_hour()
        share = f" ({100 * done // total}%)" if total else ""
        self.sub_title = f"{self.session.annotator} · {done}/{total} decided{share} · {rate:.0f}/h"

    # -- writing -------------------------------------------------------------
    def save(
        self,
        sample_id: str,
        build: Callable[[LabelSession], LabelValue],
        what: str = "saved",
        then: Callable[[bool], None] | None = None,
    ) -> None:
        """Write the label ``build`` makes for ``sample_id`` (built when the write
        runs, in key order; see :mod:`.label_writes`); ``then(was_unlabeled)``
        runs once it is committed."""

        # The focus time so far goes with the label, in the same write (never
        # a write of its own on the UI thread: another writer may hold the lock).
        seconds = self.focus_clock.take(sample_id)

        def run(session: LabelSession) -> bool:
            was_unlabeled = session.label(sample_id) is None
            session.save(sample_id, build(session))
            session.view.add_focus_time({sample_id: seconds})
            return was_unlabeled

        self.labels_changed()
        self.write(sample_id, run, what, then)

    def saved_text(self, what: str) -> str:
        return f"{what} ✓ {clock.clock()}"

    def shown(self, sample_id: str) -> bool:
        return not suggestions_hidden(sample_id, self.blind_share)

    def apply_category(
        self, category: int, subcategory: str | None = None, sample_id: str | None = None
    ) -> None:
        sid = sample_id or self.target()
        if sid is None:
            return
        taxonomy = self.session.taxonomy
        if not taxonomy.has(category):
            self.notify(f"no category {category}", severity="warning")
            return
        second, self._second = self._second, False
        shown = self.shown(sid)

        def build(session: LabelSession) -> LabelValue:
            return session.category_value(sid, category, subcategory, second=second, shown=shown)

        def saved(was_unlabeled: bool) -> None:
            self.queue.moved += int(was_unlabeled)

        # Whether a subcategory is still to pick is known from the key itself
        # (and the label on screen), so the picker opens now, for this sample.
        current = self.session.value(sid)
        same = current.category2 if second else current.category
        kept = current.subcategory2 if second else current.subcategory
        needs_sub = subcategory is None and len(taxonomy.category(category).subcategories) > 1
        self.save(sid, build, then=saved)
        if needs_sub and not (same == category and kept):
            self.action_pick_subcategory(second=second, sample_id=sid, category=category)
        elif self.settings.advance:
            self.action_next()

    # -- actions -------------------------------------------------------------
    def action_second(self) -> None:
        self._second = not self._second
        self.notify("next category key sets the second category" if self._second else "off")

    def action_pick_subcategory(
        self, second: bool = False, sample_id: str | None = None, category: int | None = None
    ) -> None:
        sid = sample_id or self.target()
        if category is None:
            label = self.session.label(sid) if sid else None
            category = (label.category2 if second else label.category) if label else None
        if sid is None or category is None:
            self.notify("choose a category first (1-9, 1 then a digit: 10-14)", severity="warning")
            return
        cat = self.session.taxonomy.category(category)
        choices = [
            (Text.assemble(visible(s.name), (" [DL]" if s.dl_specific else "", "cyan")), s.name)
            for s in cat.subcategories
        ]

        def chosen(name: str | None) -> None:
            if name is None:
                return
            self.save(sid, lambda s: s.subcategory_value(sid, name, second=second))
            if self.settings.advance and sid == self.target():
                self.action_next()

        title = f"Subcategory of {category}. {visible(cat.name)}"
        details = [visible(s.definition) for s in cat.subcategories]
        self.app.push_screen(PickerScreen(title, choices, details), chosen)

    def action_codebook(self) -> None:
        from .codebook import CodebookScreen, codebook_category

        sid = self.current
        label = self.session.label(sid) if sid else None
        shown = self.suggest_cache.get(sid or "") if sid and self.shown(sid) else None
        category = codebook_category(label, shown)
        # Labeling is blind: the codebook's examples are this annotator's own labels.
        screen = CodebookScreen(
            self.session.view, self.session.annotator, category, blind=True, current=sid
        )
        self.app.push_screen(screen)

    def action_accept(self) -> None:
        sid = self.target()
        if sid is None:
            return
        if not self.shown(sid):
            self.notify("suggestions are hidden for this sample", severity="warning")
            return
        suggestions = self.suggest_cache.get(sid)
        if not suggestions:
            self.notify("no suggestion to accept yet", severity="warning")
            return
        best = suggestions[0]

        def saved(was_unlabeled: bool) -> None:
            self.queue.moved += int(was_unlabeled)

        self.save(sid, lambda s: s.suggestion_value(sid, best), "accepted", saved)
        self.action_next()

    def action_next(self) -> None:
        self.queue.action_cursor_down()

    def action_previous(self) -> None:
        self.queue.action_cursor_up()

    def action_undo(self) -> None:
        self.labels_changed()
        self.write(self.target() or "", lambda session: session.undo(), "undone", self._undone)

    def _undone(self, changed: list[str]) -> None:
        if not changed:
            self.notify("nothing to undo")
            return
        for sid in changed:
            self.refresh_label(sid, "undone ↶")
        # `a` and `s` move on after saving: go back to what was undone, so
        # the annotator sees it (a cluster undo stays where it is).
        if len(changed) == 1 and changed[0] != self.current and self.queue.select_id(changed[0]):
            self.show(changed[0])
        self.update_progress()
        self.notify(f"undone ({len(changed)} sample{'s' if len(changed) > 1 else ''})")

    def action_flag(self) -> None:
        sid = self.target()
        if sid is not None:
            self.save(sid, lambda s: s.flag_value(sid))

    def action_skip(self) -> None:
        sid = self.target()
        if sid is not None:
            self.save(sid, lambda s: s.skip_value(sid), "skipped")
            self.action_next()

    def action_note(self) -> None:
        self.query_one(LabelPanel).focus_note()

    def action_leave(self) -> None:
        self.queue.focus()

    @on(LabelPanel.NoteChanged)
    def _note(self, message: LabelPanel.NoteChanged) -> None:
        sid, note = message.sample_id, message.note
        self.save(sid, lambda s: s.note_value(sid, note))

    def action_view(self, name: str) -> None:
        self.viewer.show_tab(name)

    def action_output(self) -> None:
        view = self.cache.get(self.current or "")
        if view is not None:
            self.app.push_screen(OutputScreen(view.sample_id, view.output_lines))

    def action_help(self) -> None:
        digits = scheme(c.id for c in self.session.taxonomy.categories)
        self.app.push_screen(HelpScreen(label_key_rows(self, digits)))

    @on(Worker.StateChanged)
    def _worker_failed(self, event: Worker.StateChanged) -> None:
        if event.state == WorkerState.ERROR:
            self.notify(f"{event.worker.name}: {event.worker.error}", severity="error")
