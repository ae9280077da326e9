"""Cluster labeling and the filter dialog of the labeling screen.

Contract: :class:`ClusterAndFilter` runs two dialogs for the labeling screen.
``c`` (:meth:`~ClusterAndFilter.cluster`) finds the failure cluster of the
shown sample in a worker; when it is ready (:meth:`~ClusterAndFilter.ready`)
a preview (:class:`ClusterPreview`) lists the samples it will touch and, on
confirmation, they are all labeled like the shown one in one transaction that
one undo reverts (through the screen's :class:`~.label_writes.QueuedWrites`;
``labeled(targets, count)`` then redraws them). ``/``
(:meth:`~ClusterAndFilter.open_filter`) opens the filter dialog at once,
with only the statuses of blind labeling, and fills in the cluster option
when its worker is done; an applied filter is made the annotator's own
(``BlindView.own_filter``) and handed to ``filtered``. Every read goes through
the screen's :class:`~.label_reads.LabelReads` (the blind view).

A plain object: the screen gives it the modal screens' owner, the session,
its reads and writes, and the three callbacks.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from ...labeling import LabelSession
from ...store import SampleFilter
from ...store.blind import BLIND_STATUSES
from ..messages import ClusterReady
from .label_reads import LabelReads
from .label_writes import QueuedWrites


class ClusterAndFilter:
    """``c`` and ``/`` of the labeling screen, and the clusters found so far."""

    def __init__(
        self,
        owner: Screen[Any],
        session: LabelSession,
        reads: LabelReads,
        writes: QueuedWrites,
        *,
        shown: Callable[[str], bool],
        labeled: Callable[[list[str], int], None],
        filtered: Callable[[SampleFilter], None],
    ) -> None:
        self.owner = owner
        self.session = session
        self.reads = reads
        self.writes = writes
        self.shown = shown
        """Whether the annotator sees suggestions for a sample (goes with the label)."""
        self.labeled = labeled
        """Called once a cluster label is committed: the samples and their count."""
        self.filtered = filtered
        """Called with the filter the annotator applied."""
        self.clusters: dict[str, ClusterReady] = {}

    def cluster(self, sample_id: str) -> None:
        """Find ``sample_id``'s cluster; :meth:`ready` previews it."""
        self.reads.compute_cluster(sample_id)

    def open_filter(self, current: SampleFilter, sample_id: str | None) -> None:
        """The filter dialog over ``current``, with ``sample_id``'s cluster when known."""
        known = self.clusters.get(sample_id or "")
        view = self.session.view
        values = {c: view.distinct_values(c) for c in ("model", "stage", "data_type", "task_type")}
        cats = [(c.id, c.name) for c in view.taxonomy.categories]

        def applied(filt: SampleFilter | None) -> None:
            if filt is not None:
                self.filtered(view.own_filter(filt))

        from .filter import FilterScreen  # a dialog: loaded when first opened, not at start

        members = known.members if known else None
        screen = FilterScreen(current, values, cats, members, statuses=BLIND_STATUSES)
        self.owner.app.push_screen(screen, applied)
        if sample_id is not None and known is None:
            self.reads.compute_cluster(sample_id, for_filter=True)

    def ready(self, message: ClusterReady) -> None:
        """A cluster was found: fill in the filter dialog, or preview the cluster label."""
        self.clusters[message.sample_id] = message
        app = self.owner.app
        if message.for_filter:
            from .filter import FilterScreen  # (asked for by the dialog: loaded by then)

            if isinstance(app.screen, FilterScreen):
                app.screen.set_cluster(message.members)
            return
        sid = message.sample_id
        label = self.session.label(sid)
        if label is None or label.kind != "bug" or label.category is None:
            self.owner.notify("label this sample first, then press c", severity="warning")
            return
        targets = message.unlabeled
        if not targets:
            self.owner.notify("no other unlabeled sample has this failure")
            return
        text = self.session.taxonomy.label_text(label.category, label.subcategory)
        value = label.value().model_copy(update={"suggestions_shown": self.shown(sid)})

        def saved(count: int) -> None:
            self.labeled(targets, count)
            noun = "sample" if count == 1 else "samples"
            self.owner.notify(f"labeled {count} {noun} of the cluster (u undoes)")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.writes.write(sid, lambda s: s.save_many(targets, value), "saved", saved)

        kept = len(message.members) - len(targets) - 1
        others = [cats for member, cats in message.categories.items() if member != sid]
        agreed = sum(label.category in cats for cats in others)
        from .cluster_preview import ClusterPreview

        preview = ClusterPreview(message.signature, text, targets, kept, (agreed, len(others)))
        app.push_screen(preview, confirmed)
