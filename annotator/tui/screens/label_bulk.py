"""Cluster labeling and the search/filter dialog of the labeling screen.

Contract: :class:`ClusterFlow` is a plain helper owned by
:class:`~annotator.tui.screens.label.LabelScreen` (not a base class). ``c``
finds the failure cluster of the shown sample in a worker, previews the
samples it will touch (:class:`ClusterPreview`) and, on confirmation, labels
them all in one transaction that one undo reverts. ``/`` opens the
search/filter dialog at once and fills in the cluster option when its worker
is done.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

from ...store import SampleFilter
from ..messages import ClusterReady
from .cluster_preview import ClusterPreview
from .filter import FilterScreen

if TYPE_CHECKING:
    from .label import LabelScreen


class ClusterFlow:
    def __init__(self, screen: LabelScreen) -> None:
        self.screen = screen
        self.clusters: dict[str, ClusterReady] = {}

    def open_filter(self) -> None:
        screen = self.screen
        sid = screen.current
        known = self.clusters.get(sid or "")
        self._open_filter(known.members if known else None)
        if sid is not None and known is None:
            screen.loader.compute_cluster(sid, for_filter=True)

    def start_cluster(self) -> None:
        if self.screen.current is not None:
            self.screen.loader.compute_cluster(self.screen.current)

    def cluster_ready(self, message: ClusterReady) -> None:
        screen = self.screen
        session = screen.session
        self.clusters[message.sample_id] = message
        if message.for_filter:
            if isinstance(screen.app.screen, FilterScreen):
                screen.app.screen.set_cluster(message.members)
            return
        sid = message.sample_id
        label = session.label(sid)
        if label is None or label.kind != "bug" or label.category is None:
            screen.notify("label this sample first, then press c", severity="warning")
            return
        targets = message.unlabeled
        if not targets:
            screen.notify("no other unlabeled sample has this failure")
            return
        text = session.store.taxonomy.label_text(label.category, label.subcategory)
        value = label.value().model_copy(update={"suggestions_shown": screen.shown(sid)})

        def confirmed(ok: bool | None) -> None:
            if ok:
                count = session.save_many(targets, value)
                screen.labels_changed()
                screen.queue.moved += count
                for target in targets:
                    screen.refresh_label(target)
                screen.update_progress()
                noun = "sample" if count == 1 else "samples"
                screen.notify(f"labeled {count} {noun} of the cluster (u undoes)")

        kept = len(message.members) - len(targets) - 1
        preview = ClusterPreview(message.signature, text, targets, kept)
        screen.app.push_screen(preview, confirmed)

    def _open_filter(self, cluster_ids: list[str] | None) -> None:
        screen = self.screen
        store = screen.session.store
        values = {c: store.distinct_values(c) for c in ("model", "stage", "data_type", "task_type")}
        cats = [(c.id, c.name) for c in store.taxonomy.categories]

        def applied(filt: SampleFilter | None) -> None:
            if filt is not None:
                annotator = screen.session.annotator
                screen.filter = replace(filt, category_annotator=annotator)
                screen.loader.fetch_queue(screen.filter)

        screen.app.push_screen(FilterScreen(screen.filter, values, cats, cluster_ids), applied)
