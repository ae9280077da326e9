"""The filter dialog: restrict the queue by metadata, status, category, cluster.

Contract: :class:`FilterScreen` is built from the current
:class:`~annotator.store.SampleFilter` and the values in use, and dismisses
with a new filter (Apply / Enter), an empty filter (Clear) or ``None``
(Escape: unchanged). The cluster filter restricts to ``cluster_ids`` (the
current sample's failure cluster) when given.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Button, Checkbox, Input, Label, Select

from ...store import SampleFilter
from ..render import visible

STATUSES = ("unlabeled", "labeled", "flagged", "skipped", "disagreement")
COLUMNS = ("model", "stage", "data_type", "task_type")


class FilterScreen(ModalScreen[SampleFilter | None]):
    BINDINGS = [Binding("escape", "cancel", "Cancel")]

    def __init__(
        self,
        current: SampleFilter,
        values: Mapping[str, Sequence[str]],
        categories: Sequence[tuple[int, str]],
        cluster_ids: Sequence[str] | None = None,
        statuses: Sequence[str] = STATUSES,
    ) -> None:
        super().__init__()
        self.statuses = tuple(statuses)
        """Statuses offered (blind labeling: only those about one's own labels)."""
        self.current = current
        self.values = values
        self.categories = categories
        self.cluster_ids = tuple(cluster_ids) if cluster_ids else None

    def compose(self) -> ComposeResult:
        with Vertical(id="filter", classes="dialog"):
            yield Label(Text("Search and filter the queue", style="bold"))
            yield Input(
                value=self.current.text or "",
                placeholder="search: id, code, test output, prompt, your notes…",
                id="f-text",
            )
            yield self._select("status", [(s, s) for s in self.statuses], self.current.status)
            for column in COLUMNS:
                options = [(visible(v), v) for v in self.values.get(column, ())]
                yield self._select(column, options, getattr(self.current, column))
            cats = [(f"{cid}. {visible(name)}", str(cid)) for cid, name in self.categories]
            current_cat = str(self.current.category) if self.current.category else None
            yield self._select("category", cats, current_cat)
            yield Checkbox(
                self._cluster_text(),
                value=self.current.ids is not None,
                disabled=not (self.cluster_ids or self.current.ids),
                id="f-cluster",
            )
            with Horizontal(id="filter-buttons"):
                yield Button("Apply", id="apply", variant="primary", compact=True)
                yield Button("Clear", id="clear", compact=True)
                yield Button("Cancel", id="cancel", compact=True)

    def on_mount(self) -> None:
        self.query_one("#f-text", Input).focus()  # `/` then type: a search

    def _cluster_text(self) -> str:
        if self.cluster_ids is None:
            return "only the current sample's failure cluster (computing…)"
        return f"only the current sample's failure cluster ({len(self.cluster_ids)} samples)"

    def set_cluster(self, sample_ids: Sequence[str]) -> None:
        """The cluster of the current sample, once computed."""
        self.cluster_ids = tuple(sample_ids)
        box = self.query_one("#f-cluster", Checkbox)
        box.label = self._cluster_text()
        box.disabled = not self.cluster_ids

    def _select(self, name: str, options: list[tuple[str, str]], value: str | None) -> Select[str]:
        prompt = Text(name.replace("_", " "))
        select: Select[str] = Select(
            [(Text(label), v) for label, v in options],
            prompt=str(prompt) + ": any",
            id=f"f-{name}",
            compact=True,
        )
        if value is not None and any(v == value for _, v in options):
            select.value = value
        return select

    def _value(self, name: str) -> str | None:
        value = self.query_one(f"#f-{name}", Select).value
        return value if isinstance(value, str) else None

    def build(self) -> SampleFilter:
        category = self._value("category")
        text = self.query_one("#f-text", Input).value.strip() or None
        cluster = self.query_one("#f-cluster", Checkbox).value
        ids = (self.cluster_ids or self.current.ids) if cluster else None
        return replace(
            SampleFilter(),
            status=self._value("status"),
            model=self._value("model"),
            stage=self._value("stage"),
            data_type=self._value("data_type"),
            task_type=self._value("task_type"),
            category=int(category) if category else None,
            text=text,
            ids=ids,
        )

    def action_cancel(self) -> None:
        self.dismiss(None)

    @on(Input.Submitted)
    def _submitted(self) -> None:
        self.dismiss(self.build())

    @on(Button.Pressed)
    def _pressed(self, event: Button.Pressed) -> None:
        if event.button.id == "apply":
            self.dismiss(self.build())
        elif event.button.id == "clear":
            self.dismiss(SampleFilter())
        else:
            self.dismiss(None)
