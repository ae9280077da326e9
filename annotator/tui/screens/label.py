"""The labeling screen: one annotator works through their queue.

Contract: :class:`LabelScreen` owns the labeling task. It shows the queue, the selected sample
(:class:`~annotator.tui.widgets.sample_viewer.SampleViewer`: code, reference, diff, prompt side by
side from 160 columns, the primary error; ``g`` ``r`` ``d`` ``w`` bring each view forward),
suggestions and the label panel. It measures focus time per sample (:mod:`annotator.timing`) and
stores it with each write. Every key action writes through
:class:`~annotator.labeling.LabelSession`, committed before the UI says 'saved', on the sample on
screen when the key is handled (:meth:`LabelScreen.target`). It reads only through the annotator's
:class:`~annotator.store.blind.BlindView`.

Design: the screen holds the task's state (session, shown sample, filter) and wires plain
collaborators, each typed by its constructor, reporting through callbacks or messages:
:class:`~.label_reads.LabelReads` (slow reads in thread workers, posted back as messages handled
here), :class:`~.label_writes.QueuedWrites` (the write queue; it calls back
:meth:`~LabelScreen.refresh_label` and :meth:`~LabelScreen.update_progress`),
:class:`~.label_suggest.Suggestions` (the suggestions of this label version),
:class:`~.label_keys.LabelKeys` (what each label key writes) and
:class:`~.label_bulk.ClusterAndFilter` (``c`` and ``/``). Widgets get attributes down and post
messages up; a failed worker is reported in one place.
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

from ...labeling import LabelSession
from ...models import KINDS
from ...store import QueueRow, SampleFilter
from ...store.rows import share
from ...timing import FocusClock
from .. import clock, workers
from ..compositor import labeling_compositor
from ..digits import scheme
from ..first_frame import first_resume, set_breakpoints
from ..keymap import Settings, view_bindings
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import FirstPage
from ..render import visible
from ..sample_data import SampleView
from ..widgets.label_panel import LabelPanel
from ..widgets.sample_list import SampleList
from ..widgets.sample_viewer import SampleViewer
from ..widgets.suggestion_list import SuggestionList
from .label_bulk import ClusterAndFilter
from .label_keys import PANEL_TITLE, LabelKeys
from .label_reads import LabelReads
from .label_suggest import Suggestions
from .label_writes import QueuedWrites


class LabelScreen(Screen[None]):
    on_worker_state_changed = workers.on_worker_state_changed  # one place for failed workers

    BACKGROUND_DELAY = 0.15
    """Seconds between painting a sample and starting background work."""

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]

    BINDINGS = [
        *[Binding(str(n), f"category({n})", show=False) for n in range(10)],
        Binding(KINDS["pass"].key, "not_failure", "pass", id="pass"),
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
        Binding(KINDS["skip"].key, "skip", "Skip", show=False, id="skip"),
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
        # Partial updates render only the chops they write (n's frame at 200x60).
        self._compositor = labeling_compositor()
        self.session = session
        self.settings = settings or Settings()
        self.focus_clock = FocusClock(clock.now)
        self.preload = preload
        """The first page read before the app started (see :mod:`..preload`)."""
        self.filter = SampleFilter()
        self.current: str | None = None
        self._resumed = False
        self._background: Timer | None = None
        self.shown_at: dict[str, float] = {}
        """When each sample was last painted (benchmarks read this)."""
        self.reads = LabelReads(session.view, self)
        self.writes = QueuedWrites(self, session, self.refresh_label, self.update_progress)
        self.suggestions = Suggestions(self.reads, blind_share)
        self.label_keys = LabelKeys(
            self,
            self.writes,
            self.suggestions,
            self.focus_clock,
            self.settings,
            target=self.target,
            next_sample=self.action_next,
            moved=self._moved,
            show_title=self._panel_title,
        )
        self.bulk = ClusterAndFilter(
            self,
            session,
            self.reads,
            self.writes,
            shown=self.suggestions.shown,
            labeled=self._cluster_labeled,
            filtered=self._filtered,
        )

    # -- layout --------------------------------------------------------------
    def compose(self) -> ComposeResult:
        # Before the children mount: the first frame is laid out as it stays (:mod:`..first_frame`).
        set_breakpoints(self)
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
    def queue(self) -> SampleList:
        return self.query_one("#queue", SampleList)

    def _panel_title(self, title: str) -> None:
        self.query_one("#label-panel").border_title = title

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Before Screen's own handler: the first (the app starting) restyles nothing.
        self._resumed = first_resume(event, self._resumed)

    def on_mount(self) -> None:
        self.query_one(SuggestionList).border_title = "Suggestions · a: accept"
        self._panel_title(PANEL_TITLE)
        self.queue.focus()
        first, self.preload = self.preload, None
        if first is None:
            self.reads.fetch_queue(self.filter)
            return
        self._queue_loaded(QueueLoaded(first.rows, first.total, reset=True))
        if first.view is not None:
            # Painted now rather than on the queue's Picked message, which
            # would wait behind the mount and resize events: the first
            # frame shows the sample.
            self.viewer.remember(first.view)
            self.show(first.view.sample_id)

    @property
    def writes_pending(self) -> int:  # the app's quit asks twice while a write waits
        return self.writes.pending

    # -- focus time ------------------------------------------------------------
    def on_key(self, event: events.Key) -> None:
        self.focus_clock.activity()

    def on_click(self, event: events.Click) -> None:
        self.focus_clock.activity()

    def on_app_blur(self) -> None:
        self.focus_clock.pause()

    def on_unmount(self) -> None:
        self.label_keys.store_focus_time()
        self.writes.stop()

    # -- queue and selection ------------------------------------------------
    @on(QueueLoaded)
    def _queue_loaded(self, message: QueueLoaded) -> None:
        if message.reset:
            self.queue.reset(message.rows, message.total)
            if not message.rows:
                empty = (
                    "no sample matches the filter (/ to change it)"
                    if self.filter != SampleFilter()
                    else "no samples in this database yet: annotator import FORMAT PATH"
                )
                # Nothing to act on: keys must not reach the sample shown before.
                self.current = None
                self.shown_at = {}
                self.viewer.placeholder(Text(empty, style="dim"))
            self.update_progress()
        else:
            self.queue.add_rows(message.rows)

    @on(SampleList.NeedRows)
    def _need_rows(self, message: SampleList.NeedRows) -> None:
        self.reads.fetch_page(self.filter, message.offset)

    @on(SampleList.Picked)
    def _picked(self, message: SampleList.Picked) -> None:
        self.show(message.sample_id)

    def target(self) -> str | None:
        """The sample a key acts on: :attr:`current`, which changes only where a
        sample is painted (:meth:`show`), never a row not yet on screen (23.5)."""
        return self.current

    def show(self, sample_id: str) -> None:
        """Paint ``sample_id`` now: its view if cached, else its header over emptied views."""
        if sample_id == self.current:
            return  # the same row highlighted again: already on screen (or loading)
        self.label_keys.digits.flush()  # a pending first digit was meant for the sample left
        self.current = sample_id
        self.focus_clock.focus(sample_id)
        view = self.viewer.cache.get(sample_id)
        if view is None:
            self.viewer.placeholder(Text(f"loading {visible(sample_id)}…"))
            self.refresh_label(sample_id)
            self.reads.load_sample(sample_id)
            return
        self.paint(view)

    @on(SampleLoaded)
    def _loaded(self, message: SampleLoaded) -> None:
        if message.view is not None:
            self.viewer.remember(message.view, keep=self.current)
            if message.sample_id == self.current and self.current not in self.shown_at:
                self.paint(message.view)

    def paint(self, view: SampleView) -> None:
        sid = view.sample_id
        # Where suggestions are hidden, so are the code analysis's marks.
        self.viewer.paint(view, evidence=self.suggestions.shown(sid))
        self.refresh_label(sid)
        self.shown_at = {sid: time.perf_counter()}
        # Background work (neighbours, suggestions) competes for the GIL with drawing.
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
        self.suggestions.show(self.query_one(SuggestionList), sample_id)
        neighbours = self.queue.neighbour_ids()
        views = [i for i in neighbours if i not in self.viewer.cache]
        suggest = self.suggestions.missing(neighbours)
        if views or suggest:
            self.reads.prefetch(views, suggest, self.suggestions.version)

    @on(SuggestionsReady)
    def _suggestions(self, message: SuggestionsReady) -> None:
        self.suggestions.ready(self.query_one(SuggestionList), message, self.current)

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
        part = f" ({share(done, total)})" if total else ""
        # A database without rounds keeps its title (the snapshots hold it).
        current = self.session.current_round()
        in_round = f" · {current[0]} · {current[1]}/{current[2]}" if current else ""
        self.sub_title = (
            f"{self.session.annotator} · {done}/{total} labeled{part}{in_round} · {rate:.0f}/h"
        )

    def _moved(self, was_unlabeled: bool) -> None:
        """A sample left the unlabeled part of the queue (the list keeps its place)."""
        self.queue.moved += int(was_unlabeled)

    # -- label keys (see :mod:`.label_keys`) ------------------------------------
    def apply_category(
        self, category: int, subcategory: str | None = None, sample_id: str | None = None
    ) -> None:
        """Set a category (the command palette calls this too)."""
        self.label_keys.category(category, subcategory, sample_id)

    def action_category(self, n: int) -> None:
        self.label_keys.digits.press(n, self.target())

    def action_not_failure(self) -> None:
        self.label_keys.not_failure()

    def action_second(self) -> None:
        self.label_keys.toggle_second()

    def action_pick_subcategory(self) -> None:
        self.label_keys.pick_subcategory()

    def action_accept(self) -> None:
        self.label_keys.accept()

    def action_flag(self) -> None:
        self.label_keys.flag()

    def action_skip(self) -> None:
        self.label_keys.skip()

    @on(LabelPanel.NoteChanged)
    def _note(self, message: LabelPanel.NoteChanged) -> None:
        self.label_keys.note(message.sample_id, message.note)

    # -- other actions -----------------------------------------------------------
    def action_codebook(self) -> None:
        from .codebook import own_codebook

        sid = self.current
        shown = self.suggestions.get(sid) if sid else None
        self.app.push_screen(own_codebook(self.session, sid, shown))

    def action_next(self) -> None:
        self.queue.action_cursor_down()
        self._show_highlighted()

    def action_previous(self) -> None:
        self.queue.action_cursor_up()
        self._show_highlighted()

    def _show_highlighted(self) -> None:
        """Paint in the key's handler: highlight and sample reach one frame, the next key acts on it."""
        if (sid := self.queue.current_id) is not None:
            self.show(sid)

    def action_undo(self) -> None:
        self.suggestions.labels_changed()
        self.writes.write(self.target() or "", lambda s: s.undo(), "undone", self._undone)

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

    def action_note(self) -> None:
        self.query_one(LabelPanel).focus_note()

    def action_leave(self) -> None:
        self.queue.focus()

    def action_filter(self) -> None:
        self.bulk.open_filter(self.filter, self.current)

    def _filtered(self, filt: SampleFilter) -> None:
        self.filter = filt
        self.reads.fetch_queue(filt)

    def action_cluster(self) -> None:
        if self.current is not None:
            self.bulk.cluster(self.current)

    @on(ClusterReady)
    def _cluster_ready(self, message: ClusterReady) -> None:
        self.bulk.ready(message)

    def _cluster_labeled(self, targets: list[str], count: int) -> None:
        self.queue.moved += count
        for target in targets:
            self.refresh_label(target)
        self.update_progress()

    def action_view(self, name: str) -> None:
        self.viewer.show_tab(name)

    def action_output(self) -> None:
        from .output import OutputScreen  # the dialogs load when first opened, not at start

        OutputScreen.open(self.app, self.viewer.cache.get(self.current or ""))

    def action_help(self) -> None:
        from .help import HelpScreen, label_key_rows

        digits = scheme(c.id for c in self.session.taxonomy.categories)
        self.app.push_screen(HelpScreen(label_key_rows(self, digits)))
