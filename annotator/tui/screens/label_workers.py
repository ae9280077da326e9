"""Background work of the labeling screen, each in its own named worker.

Contract: :class:`LabelWorkers` is the base of
:class:`~annotator.tui.screens.label.LabelScreen`. Every method here runs in a
thread worker with its *own* database connection (``BlindView.reopen``: the
annotator's blind view, never the whole store; SQLite
connections must not be shared across threads), never touches widgets, and
reports by posting a message from :mod:`annotator.tui.messages`. A worker that
was superseded (``exclusive=True``) posts nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING

from textual import work
from textual.screen import Screen
from textual.worker import get_current_worker

from ...blind import BlindView
from ...store import SampleFilter
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import PAGE_SIZE, first_page, with_matches
from ..sample_data import load_view

if TYPE_CHECKING:
    from ...labeling import LabelSession


class LabelWorkers(Screen[None]):
    session: LabelSession

    @contextmanager
    def reader(self) -> Iterator[BlindView]:
        store = self.session.view.reopen()
        try:
            yield store
        finally:
            store.close()

    @staticmethod
    def _cancelled() -> bool:
        return get_current_worker().is_cancelled

    @work(thread=True, exclusive=True, group="queue", exit_on_error=False)
    def fetch_queue(self, filt: SampleFilter) -> None:
        # The first sample comes with the page: one round trip, not two.
        with self.reader() as store:
            page = first_page(store, filt)
        if not self._cancelled():
            if page.view is not None:
                self.post_message(SampleLoaded(page.view.sample_id, page.view))
            self.post_message(QueueLoaded(page.rows, page.total, reset=True))

    @work(thread=True, exclusive=True, group="page", exit_on_error=False)
    def fetch_page(self, filt: SampleFilter, offset: int) -> None:
        with self.reader() as store:
            rows = with_matches(store, filt, store.queue(filt, offset=offset, limit=PAGE_SIZE))
        if not self._cancelled():
            self.post_message(QueueLoaded(rows, 0, reset=False))

    @work(thread=True, exclusive=True, group="load", exit_on_error=False)
    def load_sample(self, sample_id: str) -> None:
        with self.reader() as store:
            view = load_view(store, sample_id)
        if not self._cancelled():
            self.post_message(SampleLoaded(sample_id, view))

    @work(thread=True, exclusive=True, group="prefetch", exit_on_error=False)
    def prefetch(self, sample_ids: list[str], suggest_ids: list[str], version: int = 0) -> None:
        """Load the neighbours (and their suggestions) so that ``n`` is instant."""
        with self.reader() as store:
            for sample_id in sample_ids:
                if self._cancelled():
                    return
                view = load_view(store, sample_id)
                if view is not None:
                    view.diff  # noqa: B018 - computed here, not when the tab opens
                self.post_message(SampleLoaded(sample_id, view))
            for sample_id in suggest_ids:
                if self._cancelled():
                    return
                self.post_message(_suggest(store, sample_id, version))

    @work(thread=True, exclusive=True, group="suggest", exit_on_error=False)
    def compute_suggestions(self, sample_id: str, version: int = 0) -> None:
        with self.reader() as store:
            message = _suggest(store, sample_id, version)
        if not self._cancelled():
            self.post_message(message)

    @work(thread=True, exclusive=True, group="cluster", exit_on_error=False)
    def compute_cluster(self, sample_id: str, for_filter: bool = False) -> None:
        """Failing samples that share ``sample_id``'s failure fingerprint.

        The suggestion engine caches every sample's fingerprint, so this is an
        indexed lookup rather than a re-parse of every test output.
        """
        with self.reader() as store:
            signature, members, unlabeled = store.cluster(sample_id)
            categories = store.own_categories(members)
        if self._cancelled():
            return
        self.post_message(
            ClusterReady(sample_id, signature, members, unlabeled, for_filter, categories)
        )


def _suggest(store: BlindView, sample_id: str, version: int) -> SuggestionsReady:
    try:
        found = store.suggestions(sample_id)
    except Exception as exc:  # a suggester bug must not stop labeling
        return SuggestionsReady(sample_id, error=f"{type(exc).__name__}: {exc}", version=version)
    return SuggestionsReady(sample_id, list(found), version=version)
