"""The labeling application.

Contract: :class:`AnnotatorApp` owns navigation: it opens the store's
labeling screen for one annotator and adds the app-wide keys (quit, help)
and the category command-palette provider. It takes an open
:class:`~annotator.store.Store` and never closes it (the caller does).
"""

from __future__ import annotations

from typing import ClassVar

from textual.app import App
from textual.binding import Binding, BindingType

from ..store import Store
from .commands import CategoryProvider
from .screens.label import LabelScreen
from .session import LabelSession


class AnnotatorApp(App[None]):
    CSS_PATH = ["styles/app.tcss"]
    TITLE = "annotator"
    COMMANDS = App.COMMANDS | {CategoryProvider}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("q", "quit", "Quit"),
        Binding("question_mark", "help", "Help"),
    ]

    def __init__(self, store: Store, annotator: str, *, blind_share: float = 0.0) -> None:
        super().__init__()
        self.store = store
        self.annotator = annotator
        self.blind_share = blind_share
        self.session = LabelSession(store, annotator)

    def get_default_screen(self) -> LabelScreen:
        return LabelScreen(self.session, self.blind_share)

    def action_help(self) -> None:
        screen = self.screen
        if isinstance(screen, LabelScreen):
            screen.action_help()
