"""Cluster labeling and the filter dialog of the labeling screen.

Contract: :class:`ClusterAndFilter` is a base of
:class:`~annotator.tui.screens.label.LabelScreen`. ``c`` finds the failure
cluster of the shown sample in a worker, previews the samples it will touch
(:class:`ClusterPreview`) and, on confirmation, labels them all in one
transaction that one undo reverts. ``/`` opens the filter dialog at once and
fills in the cluster option when its worker is done.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from textual import on

from ...store import SampleFilter
from ...store.blind import BLIND_STATUSES
from ..messages import ClusterReady
from .cluster_preview import ClusterPreview
from .filter import FilterScreen
from .label_writes import LabelWrites

if TYPE_CHECKING:
    from ..widgets.sample_list import SampleList


class ClusterAndFilter(LabelWrites):
    current: str | None
    filter: SampleFilter
    clusters: dict[str, ClusterReady]

    if TYPE_CHECKING:

        @property
        def queue(self) -> SampleList: ...

        def refresh_label(self, sample_id: str, status: str = "") -> None: ...

        def update_progress(self) -> None: ...

        def shown(self, sample_id: str) -> bool: ...

    def action_filter(self) -> None:
        sid = self.current
        known = self.clusters.get(sid or "")
        self._open_filter(known.members if known else None)
        if sid is not None and known is None:
            self.compute_cluster(sid, for_filter=True)

    @on(ClusterReady)
    def _cluster_ready(self, message: ClusterReady) -> None:
        self.clusters[message.sample_id] = message
        if message.for_filter:
            if isinstance(self.app.screen, FilterScreen):
                self.app.screen.set_cluster(message.members)
            return
        sid = message.sample_id
        label = self.session.label(sid)
        if label is None or label.kind != "bug" or label.category is None:
            self.notify("label this sample first, then press c", severity="warning")
            return
        targets = message.unlabeled
        if not targets:
            self.notify("no other unlabeled sample has this failure")
            return
        text = self.session.taxonomy.label_text(label.category, label.subcategory)
        value = label.value().model_copy(update={"suggestions_shown": self.shown(sid)})

        def saved(count: int) -> None:
            self.queue.moved += count
            for target in targets:
                self.refresh_label(target)
            self.update_progress()
            noun = "sample" if count == 1 else "samples"
            self.notify(f"labeled {count} {noun} of the cluster (u undoes)")

        def confirmed(ok: bool | None) -> None:
            if ok:
                self.write(sid, lambda session: session.save_many(targets, value), "saved", saved)

        kept = len(message.members) - len(targets) - 1
        others = [cats for member, cats in message.categories.items() if member != sid]
        agreed = sum(label.category in cats for cats in others)
        preview = ClusterPreview(message.signature, text, targets, kept, (agreed, len(others)))
        self.app.push_screen(preview, confirmed)

    def action_cluster(self) -> None:
        if self.current is not None:
            self.compute_cluster(self.current)

    def _open_filter(self, cluster_ids: list[str] | None) -> None:
        view = self.session.view
        values = {c: view.distinct_values(c) for c in ("model", "stage", "data_type", "task_type")}
        cats = [(c.id, c.name) for c in view.taxonomy.categories]

        def applied(filt: SampleFilter | None) -> None:
            if filt is not None:
                self.filter = view.own_filter(filt)
                self.fetch_queue(self.filter)

        screen = FilterScreen(self.filter, values, cats, cluster_ids, statuses=BLIND_STATUSES)
        self.app.push_screen(screen, applied)
