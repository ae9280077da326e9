"""The open-coding screen (from review): clusters of notes of labels without a subcategory.

Contract: :class:`NotesScreen` lists :func:`~annotator.opencoding.cluster_notes`
over :meth:`~annotator.store.notes.NoteQueries.unspecified_notes` (every human
annotator: review is not blind), one row per cluster with its size,
representative note and sample ids. Enter on a cluster opens a picker of the
subcategories of its category (with their definitions); choosing one is the
confirmation for that cluster and writes its labels through
:meth:`~annotator.store.notes.NoteQueries.assign_subcategory` (with history), then the
list is computed again. Escape closes. Notes are shown literally.
"""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from ...errors import UserError
from ...opencoding import NoteCluster, cluster_notes
from ...store import Store
from ..render import visible
from .picker import PickerScreen


def cluster_option(cluster: NoteCluster) -> Option:
    ids = cluster.sample_ids
    more = f" +{len(ids) - 3}" if len(ids) > 3 else ""
    return Option(
        Text.assemble(
            (f"{cluster.name:<6}", "bold"),
            f"{len(cluster.items):>4}  ",
            visible(cluster.representative),
            (f"  {', '.join(visible(i) for i in ids[:3])}{more}", "dim"),
        )
    )


class NotesScreen(ModalScreen[None]):
    BINDINGS = [Binding("escape", "close", "Close"), Binding("q", "close", "Close")]

    def __init__(self, store: Store) -> None:
        super().__init__()
        self.store = store
        self.clusters: list[NoteCluster] = []

    def compose(self) -> ComposeResult:
        with Vertical(id="notes", classes="dialog"):
            yield Static(id="notes-title")
            yield OptionList(id="notes-clusters")
            yield Static(
                Text("Enter: give a cluster a subcategory · Esc close", style="dim"),
                id="notes-keys",
            )

    def on_mount(self) -> None:
        self.reload()
        self.query_one(OptionList).focus()

    def reload(self) -> None:
        self.clusters = cluster_notes(self.store.unspecified_notes())
        labels = sum(len(c.items) for c in self.clusters)
        title = f"Notes without a subcategory: {labels} in {len(self.clusters)} clusters"
        self.query_one("#notes-title", Static).update(Text(title, style="bold"))
        options = self.query_one(OptionList)
        options.clear_options()
        options.add_options([cluster_option(c) for c in self.clusters])
        if self.clusters:
            options.highlighted = 0

    @on(OptionList.OptionSelected)
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        cluster = self.clusters[event.option_index]
        cat = self.store.taxonomy.category(cluster.category)
        choices = [(Text(visible(s.name)), s.name) for s in cat.subcategories]
        details = [visible(s.definition) for s in cat.subcategories]
        title = (
            f"Give the {len(cluster.items)} labels of {cluster.name}"
            f" ('{visible(cluster.representative)}') the subcategory of {cat.id}:"
        )

        def assign(name: str | None) -> None:
            if name is None:
                return
            try:
                written = self.store.assign_subcategory(cluster.items, name)
            except UserError as exc:
                self.notify(str(exc), severity="error")
            else:
                self.notify(f"{cluster.name}: {written} labels now {cat.id} / {name}")
            self.reload()

        self.app.push_screen(PickerScreen(title, choices, details), assign)

    def action_close(self) -> None:
        self.dismiss(None)
