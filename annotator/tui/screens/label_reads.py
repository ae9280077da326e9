"""The slow reads of the task screens, each in its own named thread worker.

Contract: :class:`Reads` runs reads for one screen (its ``owner``) over one
source - the labeling screen's :class:`~annotator.store.blind.BlindView`
(never the whole store: labeling is blind) or the review screen's
:class:`~annotator.store.Store`. Every read runs in a thread worker of the
owner, with its *own* connection (``source.reopen()``: SQLite connections must
not be shared across threads), never touches widgets, and reports by posting
a message from :mod:`annotator.tui.messages` to the owner. Workers of one kind
are exclusive: a newer read cancels the older one, and a cancelled read posts
nothing. A worker that fails is reported by the owner's ``Worker.StateChanged``
handler (:class:`~annotator.tui.workers.ReportsWorkerErrors`, one place for
every screen and widget), named after the method that started it.

:class:`LabelReads` adds the reads of the labeling screen: the queue and its
pages, the neighbours' prefetch, suggestions and failure clusters.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from functools import partial
from typing import Any, Generic, Protocol, Self, TypeVar

from textual.screen import Screen
from textual.worker import get_current_worker

from ...blind import BlindView
from ...models import Sample
from ...store import SampleFilter
from ..messages import ClusterReady, QueueLoaded, SampleLoaded, SuggestionsReady
from ..preload import PAGE_SIZE, first_page, with_matches
from ..sample_data import load_view

S = TypeVar("S", bound="Source")


class Source(Protocol):
    """What a screen reads from: a blind view or the store."""

    def reopen(self) -> Self: ...

    def close(self) -> None: ...

    def sample(self, sample_id: str) -> Sample | None: ...


def _cancelled() -> bool:
    return get_current_worker().is_cancelled


class Reads(Generic[S]):
    """Reads of ``source`` in thread workers of ``owner``, reported as messages."""

    def __init__(self, source: S, owner: Screen[Any]) -> None:
        self.source = source
        self.owner = owner

    @contextmanager
    def reader(self) -> Iterator[S]:
        """A connection of the worker's own (closed when the read is done)."""
        store = self.source.reopen()
        try:
            yield store
        finally:
            store.close()

    def run(self, name: str, group: str, read: Callable[[], None]) -> None:
        """Run ``read`` in a thread worker (cancelling the previous one of ``group``)."""
        self.owner.run_worker(
            read, name=name, group=group, exclusive=True, thread=True, exit_on_error=False
        )

    def post(self, message: Any) -> None:
        """Report to the owner, unless this read was superseded."""
        if not _cancelled():
            self.owner.post_message(message)

    def load_sample(self, sample_id: str, diff: bool = False) -> None:
        """Post a :class:`SampleLoaded` for ``sample_id`` (``diff``: computed here too)."""
        self.run("load_sample", "load", partial(self._load_sample, sample_id, diff))

    def _load_sample(self, sample_id: str, diff: bool) -> None:
        with self.reader() as store:
            view = load_view(store, sample_id)
            if view is not None and diff:
                view.diff  # noqa: B018 - computed here, not when the tab opens
                view.marks  # noqa: B018 - and the marks, not after the paint
        self.post(SampleLoaded(sample_id, view))


class LabelReads(Reads[BlindView]):
    """The labeling screen's reads, all through the annotator's blind view."""

    def fetch_queue(self, filt: SampleFilter) -> None:
        """Post the first page of the queue (and its first sample)."""
        self.run("fetch_queue", "queue", partial(self._fetch_queue, filt))

    def _fetch_queue(self, filt: SampleFilter) -> None:
        # The first sample comes with the page: one round trip, not two.
        with self.reader() as store:
            page = first_page(store, filt)
        if not _cancelled():
            if page.view is not None:
                self.owner.post_message(SampleLoaded(page.view.sample_id, page.view))
            self.owner.post_message(QueueLoaded(page.rows, page.total, reset=True))

    def fetch_page(self, filt: SampleFilter, offset: int) -> None:
        """Post the queue page that starts at ``offset``."""
        self.run("fetch_page", "page", partial(self._fetch_page, filt, offset))

    def _fetch_page(self, filt: SampleFilter, offset: int) -> None:
        with self.reader() as store:
            rows = with_matches(store, filt, store.queue(filt, offset=offset, limit=PAGE_SIZE))
        self.post(QueueLoaded(rows, 0, reset=False))

    def prefetch(self, sample_ids: list[str], suggest_ids: list[str], version: int = 0) -> None:
        """Load the neighbours (and their suggestions) so that ``n`` is instant."""
        self.run("prefetch", "prefetch", partial(self._prefetch, sample_ids, suggest_ids, version))

    def _prefetch(self, sample_ids: list[str], suggest_ids: list[str], version: int) -> None:
        with self.reader() as store:
            for sample_id in sample_ids:
                if _cancelled():
                    return
                view = load_view(store, sample_id)
                if view is not None:
                    view.diff  # noqa: B018 - computed here, not when the tab opens
                    view.marks  # noqa: B018 - and the marks, not after the paint
                self.owner.post_message(SampleLoaded(sample_id, view))
            for sample_id in suggest_ids:
                if _cancelled():
                    return
                self.owner.post_message(_suggest(store, sample_id, version))

    def compute_suggestions(self, sample_id: str, version: int = 0) -> None:
        """Post the suggestions for ``sample_id`` as of label ``version``."""
        self.run("compute_suggestions", "suggest", partial(self._suggestions, sample_id, version))

    def _suggestions(self, sample_id: str, version: int) -> None:
        with self.reader() as store:
            message = _suggest(store, sample_id, version)
        self.post(message)

    def compute_cluster(self, sample_id: str, for_filter: bool = False) -> None:
        """Post the failing samples that share ``sample_id``'s failure fingerprint.

        The suggestion engine caches every sample's fingerprint, so this is an
        indexed lookup rather than a re-parse of every test output.
        """
        self.run("compute_cluster", "cluster", partial(self._cluster, sample_id, for_filter))

    def _cluster(self, sample_id: str, for_filter: bool) -> None:
        with self.reader() as store:
            signature, members, unlabeled = store.cluster(sample_id)
            categories = store.own_categories(members)
        self.post(ClusterReady(sample_id, signature, members, unlabeled, for_filter, categories))


def _suggest(store: BlindView, sample_id: str, version: int) -> SuggestionsReady:
    try:
        found = store.suggestions(sample_id)
        note = store.suggestion_note()
    except Exception as exc:  # a suggester bug must not stop labeling
        return SuggestionsReady(sample_id, error=f"{type(exc).__name__}: {exc}", version=version)
    return SuggestionsReady(sample_id, list(found), version=version, note=note)
