"""The labeling application.

Contract: :class:`AnnotatorApp` owns navigation: it opens the store's
labeling screen for one annotator (or, with ``review=True``, the review
screen for a reviewer) and adds the app-wide keys (quit, help, ``S``
statistics), the category command-palette provider and the navigation of
:class:`~annotator.tui.messages.JumpToSample`. It takes an open
:class:`~annotator.store.Store` and never closes it (the caller does).

Labeling is blind: the labeling screen gets only the annotator's
:class:`~annotator.blind.BlindView`, and ``S`` there shows only the
annotator's own counts. The agreement matrix and statistics by source
(final, majority, other raters) are reachable only from review.

With ``training=True`` it opens the training screen instead: the gold set's training
items through the annotator's :class:`~annotator.store.training.TrainingStore`, with
feedback after each answer (the reference is revealed there by design).

At start it indexes, in a thread worker with its own connection, the sample texts an
import left waiting for the search index (:mod:`annotator.store.search_index`), one
batch per transaction, so that a search finds them at once and a label being saved
waits for one batch at most.

The review, agreement and statistics screens are imported when first opened:
``annotator label`` starts faster without them (about 0.1 s).
"""

from __future__ import annotations

import gc
import sys
from typing import TYPE_CHECKING, Any, ClassVar

from textual import work
from textual.app import App
from textual.binding import Binding, BindingType
from textual.content import Content
from textual.notifications import SeverityLevel
from textual.screen import Screen
from textual.worker import get_current_worker

from ..blind import BlindView
from ..labeling import LabelSession
from ..startup import resume_collection
from ..store import Store
from .commands import CategoryProvider
from .keymap import KeySetup
from .messages import JumpToSample
from .preload import FirstPage
from .render import visible
from .screens.label import LabelScreen
from .workers import on_worker_state_changed

if TYPE_CHECKING:
    from ..suggest.rules import RuleSet
    from .screens.review import ReviewScreen


class AnnotatorApp(App[None]):
    CSS_PATH = ["styles/app.tcss", "styles/review.tcss", "styles/training.tcss"]
    TITLE = "annotator"
    COMMANDS = App.COMMANDS | {CategoryProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit", id="quit"),
        Binding("question_mark", "help", "Help", id="help"),
        Binding("S", "stats", "category statistics (bars per category)", show=False),
    ]

    def __init__(
        self,
        store: Store,
        annotator: str,
        *,
        blind_share: float = 0.0,
        review: bool = False,
        with_final: bool | None = None,
        preload: FirstPage | None = None,
        keys: KeySetup | None = None,
        training: bool = False,
        notice: str | None = None,
        rules: RuleSet | None = None,
    ) -> None:
        super().__init__()
        self.keys = keys or KeySetup()
        if self.keys.keymap:
            self.set_keymap(self.keys.keymap)
        self.preload = preload
        self.store = store
        self.annotator = annotator
        self.blind_share = blind_share
        self.review = review
        self.with_final = with_final
        self.session = LabelSession(BlindView(store, annotator, rules=rules))
        self.training = training
        """Open the training screen (gold training items, with feedback) instead."""
        self.notice = notice
        """One line to say when the app starts (e.g. training items not yet answered)."""

    GC_THRESHOLD = (20_000, 50, 1_000)
    """Rendering allocates many short-lived objects; with the default
    thresholds a full (gen 2) collection lands in the middle of a frame every
    few samples and stalls it by 100-300 ms. Objects that exist at start-up
    are frozen and full collections are made rare (refcounting frees almost
    everything the UI allocates anyway)."""

    def notify(
        self,
        message: str,
        *,
        title: str = "",
        severity: SeverityLevel = "information",
        timeout: float | None = None,
        markup: bool = True,
    ) -> None:
        """Every notification is literal text: messages carry sample ids, names and
        error texts from data, which must neither be read as markup nor carry
        control characters to the terminal (``markup`` is accepted and ignored)."""
        super().notify(
            visible(message), title=visible(title), severity=severity, timeout=timeout, markup=False
        )

    def format_title(self, title: str, sub_title: str) -> Content:
        """The header with control characters made visible (it names the annotator)."""
        return super().format_title(visible(title), visible(sub_title))

    def on_mount(self) -> None:
        self._gc_threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*self.GC_THRESHOLD)
        # `annotator label` loads without the collector (annotator.startup): on from here.
        resume_collection()
        if self.notice:
            self.notify(self.notice, timeout=10)
        if self.store.search_waiting():  # else no second connection, no thread
            self.index_search()

    on_worker_state_changed = on_worker_state_changed

    @work(thread=True, exclusive=True, group="search-index", exit_on_error=False)
    def index_search(self) -> None:
        """Index the texts waiting for the search index, a batch per transaction,
        until none is left or the app quits."""
        worker = get_current_worker()
        store = self.store.reopen()
        try:
            while not worker.is_cancelled and store.index_search_batch():
                pass
        finally:
            store.close()

    def on_unmount(self) -> None:
        gc.set_threshold(*self._gc_threshold)
        gc.unfreeze()

    def get_default_screen(self) -> Screen[None]:
        if self.review:
            from .screens.review import ReviewScreen

            return ReviewScreen(self.store, self.annotator, self.with_final)
        if self.training:
            from ..store.training import TrainingStore
            from .screens.training import TrainingScreen

            return TrainingScreen(TrainingStore(self.store, self.annotator))
        preload, self.preload = self.preload, None  # the screen owns it from here
        return LabelScreen(self.session, self.blind_share, preload, self.keys.settings)

    def _task_screen(self) -> LabelScreen | ReviewScreen | None:
        """The labeling or review screen, when it is the one on top."""
        screen = self.screen
        if isinstance(screen, LabelScreen):
            return screen
        # Imported lazily: while it is not imported, no ReviewScreen exists.
        review = sys.modules.get(f"{__package__}.screens.review")
        if review is not None and isinstance(screen, review.ReviewScreen):
            found: ReviewScreen = screen
            return found
        return None

    _quit_armed = False

    async def action_quit(self) -> None:
        """Quit; with writes still waiting for the database, the first ``q`` says
        so and only a second one quits (and drops them)."""
        pending = sum(getattr(s, "writes_pending", 0) for s in self.screen_stack)
        if pending and not self._quit_armed:
            self._quit_armed = True
            self.notify(
                f"{pending} label{'s' if pending != 1 else ''} still waiting for the database;"
                " q again to quit and drop them",
                severity="warning",
                timeout=8,
            )
            return
        self.exit()

    def action_help(self) -> None:
        screen = self._task_screen()
        if screen is not None:
            screen.action_help()

    def action_stats(self) -> None:
        if self._task_screen() is not None:
            from .screens.stats import StatsScreen

            # Labeling is blind: only the annotator's own counts.
            self.push_screen(StatsScreen(self.store if self.review else self.session.view))

    def on_jump_to_sample(self, message: JumpToSample) -> None:
        """Close the screens above the review/labeling screen and show the sample."""
        while len(self.screen_stack) > 1 and self._task_screen() is None:
            self.pop_screen()
        target: Any = self._task_screen()
        if target is None:
            return
        if hasattr(target, "jump_to"):
            target.jump_to(message.sample_id)
        else:
            target.show(message.sample_id)


def default_keys() -> dict[str, str]:
    """Binding id -> default keys, over the app and both task screens."""
    from .screens.label import LabelScreen
    from .screens.review import ReviewScreen

    out: dict[str, list[str]] = {}
    for owner in (AnnotatorApp, LabelScreen, ReviewScreen):
        for binding in owner.BINDINGS:
            if isinstance(binding, Binding) and binding.id is not None:
                keys = out.setdefault(binding.id, [])
                if binding.key not in keys:
                    keys.append(binding.key)
    return {action: ",".join(keys) for action, keys in out.items()}
