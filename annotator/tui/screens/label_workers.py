"""Background reads of the labeling screen, each in its own named worker.

Contract: :class:`LabelLoader` is a plain helper owned by
:class:`~annotator.tui.screens.label.LabelScreen` (not a base class). Each
public method starts a thread worker on the screen with its *own* database
connection (``Store.reopen``; SQLite connections must not be shared across
threads); the work never touches widgets and reports by posting a message
from :mod:`annotator.tui.messages` to the screen. A worker that was
superseded (same group, ``exclusive``) posts nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from textual.message import Message
from textual.screen import Screen
from textual.worker import get_current_worker

from ...store import SampleFilter, Store
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import PAGE_SIZE, first_page, with_matches
from ..sample_data import load_view


class LabelLoader:
    def __init__(self, host: Screen[None], store: Store, annotator: str) -> None:
        self.host = host
        self.store = store
        self.annotator = annotator

    # -- plumbing --------------------------------------------------------------
    @contextmanager
    def reader(self) -> Iterator[Store]:
        store = self.store.reopen()
        try:
            yield store
        finally:
            store.close()

    def _start(self, group: str, work: Callable[[], None]) -> None:
        self.host.run_worker(
            work, name=group, group=group, thread=True, exclusive=True, exit_on_error=False
        )

    @staticmethod
    def _cancelled() -> bool:
        return get_current_worker().is_cancelled

    def _post(self, message: Message) -> None:
        if not self._cancelled():
            self.host.post_message(message)

    # -- the reads -------------------------------------------------------------
    def fetch_queue(self, filt: SampleFilter) -> None:
        def work() -> None:
            # The first sample comes with the page: one round trip, not two.
            with self.reader() as store:
                page = first_page(store, self.annotator, filt)
            if page.view is not None:
                self._post(SampleLoaded(page.view.sample_id, page.view))
            self._post(QueueLoaded(page.rows, page.total, reset=True))

        self._start("queue", work)

    def fetch_page(self, filt: SampleFilter, offset: int) -> None:
        def work() -> None:
            with self.reader() as store:
                rows = store.queue(self.annotator, filt, offset=offset, limit=PAGE_SIZE)
                rows = with_matches(store, self.annotator, filt, rows)
            self._post(QueueLoaded(rows, 0, reset=False))

        self._start("page", work)

    def load_sample(self, sample_id: str) -> None:
        def work() -> None:
            with self.reader() as store:
                view = load_view(store, sample_id)
            self._post(SampleLoaded(sample_id, view))

        self._start("load", work)

    def prefetch(self, sample_ids: list[str], suggest_ids: list[str], version: int) -> None:
        """Load the neighbours (and their suggestions) so that ``n`` is instant."""

        def work() -> None:
            with self.reader() as store:
                for sample_id in sample_ids:
                    if self._cancelled():
                        return
                    self._post(SampleLoaded(sample_id, load_view(store, sample_id)))
                for sample_id in suggest_ids:
                    if self._cancelled():
                        return
                    self._post(_suggest(store, sample_id, version))

        self._start("prefetch", work)

    def compute_suggestions(self, sample_id: str, version: int) -> None:
        def work() -> None:
            with self.reader() as store:
                message = _suggest(store, sample_id, version)
            self._post(message)

        self._start("suggest", work)

    def compute_cluster(self, sample_id: str, for_filter: bool = False) -> None:
        """Failing samples that share ``sample_id``'s failure fingerprint.

        The suggestion engine caches every sample's fingerprint, so this is an
        indexed lookup rather than a re-parse of every test output.
        """

        def work() -> None:
            from ...suggest import engine

            with self.reader() as store:
                signature, members = engine.engine_for(store).cluster_of(sample_id)
                labeled = store.labeled_among(self.annotator, members)
            unlabeled = [sid for sid in members if sid != sample_id and sid not in labeled]
            self._post(ClusterReady(sample_id, signature, members, unlabeled, for_filter))

        self._start("cluster", work)


def _suggest(store: Store, sample_id: str, version: int) -> SuggestionsReady:
    from ...suggest import engine

    try:
        found = engine.suggestions_for(store, sample_id)
    except Exception as exc:  # a suggester bug must not stop labeling
        return SuggestionsReady(sample_id, error=f"{type(exc).__name__}: {exc}", version=version)
    return SuggestionsReady(sample_id, list(found), version=version)
