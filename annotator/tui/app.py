"""The labeling application.

Contract: :class:`AnnotatorApp` owns navigation: it opens the store's
labeling screen for one annotator (or, with ``review=True``, the review
screen for a reviewer) and adds the app-wide keys (quit, help, ``G``
agreement (in review only: labeling is blind), ``S`` statistics), the category command-palette provider and the
navigation of :class:`~annotator.tui.screens.agreement.JumpToSample`. It takes an open
:class:`~annotator.store.Store` and never closes it (the caller does).
"""

from __future__ import annotations

import gc
from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen

from ..store import Store
from .commands import CategoryProvider
from .screens.agreement import AgreementScreen, JumpToSample, jump
from .screens.label import LabelScreen
from .screens.review import ReviewScreen
from .screens.stats import StatsScreen
from .session import LabelSession


class AnnotatorApp(App[None]):
    CSS_PATH = ["styles/app.tcss", "styles/review.tcss"]
    TITLE = "annotator"
    COMMANDS = App.COMMANDS | {CategoryProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
        Binding("G", "agreement", "agreement matrix of all annotators", show=False),
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
    ) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.blind_share = blind_share
        self.review = review
        self.with_final = with_final
        self.session = LabelSession(store, annotator)

    GC_THRESHOLD = (20_000, 50, 1_000)
    """Rendering allocates many short-lived objects; with the default
    thresholds a full (gen 2) collection lands in the middle of a frame every
    few samples and stalls it by 100-300 ms. Objects that exist at start-up
    are frozen and full collections are made rare (refcounting frees almost
    everything the UI allocates anyway)."""

    def on_mount(self) -> None:
        self._gc_threshold = gc.get_threshold()
        gc.freeze()
        gc.set_threshold(*self.GC_THRESHOLD)

    def on_unmount(self) -> None:
        gc.set_threshold(*self._gc_threshold)
        gc.unfreeze()

    def get_default_screen(self) -> Screen[None]:
        if self.review:
            return ReviewScreen(self.store, self.annotator, self.with_final)
        return LabelScreen(self.session, self.blind_share)

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, (LabelScreen, ReviewScreen)):
            screen.action_help()

    def action_agreement(self) -> None:
        # Labeling is blind: the matrix (and its lists of other annotators'
        # answers) is for review only.
        if isinstance(self.screen, ReviewScreen):
            self.push_screen(AgreementScreen(self.store))
        elif isinstance(self.screen, LabelScreen):
            self.notify("The agreement matrix is part of review: labeling is blind.")

    def action_stats(self) -> None:
        if isinstance(self.screen, (LabelScreen, ReviewScreen)):
            self.push_screen(StatsScreen(self.store))

    def on_jump_to_sample(self, message: JumpToSample) -> None:
        jump(self, message.sample_id)
