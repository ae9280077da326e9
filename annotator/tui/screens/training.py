"""The training screen: a new annotator answers the gold set's training items, with feedback.

Contract: :class:`TrainingScreen` owns the training task of one annotator. It reads and writes
only through that annotator's :class:`~annotator.store.training.TrainingStore` (the training
items, their samples, the annotator's own answers, and an item's reference *after* it is
answered); it never sees the study's labels, and its answers go to ``training_answers``, which
no count of the study reads. The list holds the training items, unanswered first; the sample
is shown as in the labeling screen (:class:`~annotator.tui.widgets.sample_viewer.SampleViewer`,
``g`` ``r`` ``d`` ``w``, ``t``). The ordinary label keys answer: a category's digits (``1``
then ``0`` within a second is 10) or ``o`` (pass); the command palette (ctrl+p) answers a
category with its subcategory. Each answer is written in a thread worker
(its own connection) and committed before the feedback appears
(:class:`~annotator.tui.widgets.training_feedback.TrainingFeedback`: right or wrong, the
reference, its definition and decision rules). An item takes one answer: the first, given
before its feedback; another key on it says so. ``n`` / ``p`` move on.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from typing import Literal

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Container, Horizontal
from textual.message import Message
from textual.screen import Screen
from textual.widgets import Footer, Header
from textual.worker import Worker

from ...errors import UserError
from ...store import QueueRow
from ...store.training import Feedback, TrainingStore
from .. import workers
from ..digits import scheme
from ..keymap import view_bindings
from ..messages import SampleLoaded
from ..render import visible
from ..widgets.sample_list import SampleList
from ..widgets.sample_viewer import SampleViewer
from ..widgets.training_feedback import TrainingFeedback
from .help import LABEL_KEYS, HelpScreen, key_rows
from .label_keys import DigitKeys
from .label_reads import Reads
from .output import OutputScreen


@dataclass
class Answered(Message):
    """A training answer is committed; ``feedback`` is what to show."""

    feedback: Feedback
    again: bool = False
    """The item had been answered before (in another window): this is that answer."""


class TrainingScreen(Screen[None]):
    on_worker_state_changed = workers.on_worker_state_changed  # one place for failed workers

    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (100, "-medium"), (160, "-wide")]

    BINDINGS = [
        *[Binding(str(n), f"category({n})", show=False) for n in range(10)],
        Binding("o", "not_failure", "pass", id="pass"),
        Binding("n", "next", "Next", id="next"),
        Binding("p", "previous", "Prev", id="previous"),
        Binding("j", "next", "Next", show=False),
        Binding("k", "previous", "Prev", show=False),
        *view_bindings(),
        Binding("t", "output", "Output", show=False, id="output"),
        Binding("question_mark", "help", "Help", id="help"),
    ]

    def __init__(self, training: TrainingStore) -> None:
        super().__init__()
        self.training = training
        self.reads = Reads(training, self)
        self.current: str | None = None
        self.answering: set[str] = set()
        """Items whose answer is being written (a second key on them waits for nothing)."""
        self.digit_keys = DigitKeys(
            self,
            (c.id for c in training.taxonomy.categories),
            self._category_typed,
            self._feedback_title,
        )

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal(id="body"):
            yield SampleList(id="queue")
            with Container(id="work"):
                yield SampleViewer(id="viewer")
                yield TrainingFeedback(self.training.taxonomy, id="feedback")
        yield Footer(show_command_palette=False)

    @property
    def viewer(self) -> SampleViewer:
        return self.query_one(SampleViewer)

    @property
    def queue(self) -> SampleList:
        return self.query_one("#queue", SampleList)

    @property
    def feedback(self) -> TrainingFeedback:
        return self.query_one(TrainingFeedback)

    def on_mount(self) -> None:
        # A few hundred gold items at most, read from two small tables: no worker needed.
        rows = self.training.queue()
        self.queue.reset(rows, len(rows))
        self.queue.border_title = "Training"
        self.update_progress()
        self.queue.focus()
        if not rows:
            self.viewer.placeholder(
                Text("no training items: annotator gold add --purpose training")
            )
            return
        self.show(rows[0].id)

    def update_progress(self) -> None:
        answered, total = self.training.progress()
        self.sub_title = f"{self.training.annotator} · training · {answered}/{total} answered"

    # -- showing ---------------------------------------------------------------
    @on(SampleList.Picked)
    def _picked(self, message: SampleList.Picked) -> None:
        self.show(message.sample_id)

    def show(self, sample_id: str) -> None:
        if sample_id == self.current:
            return
        self.digit_keys.flush()  # a pending first digit was meant for the item left
        self.current = sample_id
        self.feedback.show(self.training.feedback(sample_id))
        view = self.viewer.cache.get(sample_id)
        if view is None:
            self.viewer.placeholder(Text(f"loading {visible(sample_id)}…"))
            self.reads.load_sample(sample_id)
        else:
            self.viewer.paint(view)

    @on(SampleLoaded)
    def _loaded(self, message: SampleLoaded) -> None:
        if message.view is not None:
            self.viewer.remember(message.view, keep=self.current)
            if message.sample_id == self.current:
                self.viewer.paint(message.view)

    def action_next(self) -> None:
        self.queue.action_cursor_down()
        if (sid := self.queue.current_id) is not None:
            self.show(sid)

    def action_previous(self) -> None:
        self.queue.action_cursor_up()
        if (sid := self.queue.current_id) is not None:
            self.show(sid)

    def action_view(self, name: str) -> None:
        self.viewer.show_tab(name)

    def action_output(self) -> None:
        OutputScreen.open(self.app, self.viewer.cache.get(self.current or ""))

    def action_help(self) -> None:
        digits = scheme(c.id for c in self.training.taxonomy.categories)
        texts = {
            **LABEL_KEYS,
            "pass": "answer pass: ok, not a failure",
            "quit": "quit (every answer is already saved)",
        }
        rows = [("digits", f"answer category {digits}; the first answer counts")]
        self.app.push_screen(HelpScreen(rows + key_rows(self, texts)))

    # -- answering ---------------------------------------------------------------
    def _feedback_title(self, title: str) -> None:
        # DigitKeys says "Label · 1_ (a second digit …)" while a first digit waits.
        self.feedback.pending(title.partition(" · ")[2] or None)

    def action_category(self, n: int) -> None:
        self.digit_keys.press(n, self.current)

    def _category_typed(self, number: int, sample_id: str | None) -> None:
        if not self.training.taxonomy.has(number):
            self.notify(f"no category {number}", severity="warning")
            return
        self._answer(sample_id, "bug", number)

    def apply_category(self, category: int, subcategory: str | None = None) -> None:
        """Answer a category (and subcategory) chosen in the command palette (ctrl+p)."""
        self.digit_keys.flush()
        self._answer(self.current, "bug", category, subcategory)

    def action_not_failure(self) -> None:
        self.digit_keys.flush()
        self._answer(self.current, "pass", None)

    def _answer(
        self,
        sample_id: str | None,
        kind: Literal["bug", "pass"],
        category: int | None,
        subcategory: str | None = None,
    ) -> None:
        if sample_id is None or sample_id in self.answering:
            return
        answered = self.training.feedback(sample_id)
        if answered is not None:
            # Perhaps in another window: show that answer's feedback, never a new one.
            self._answered(Answered(answered))
            self.notify("answered already: the first answer counts (n: next item)")
            return
        self.answering.add(sample_id)
        self.run_worker(
            partial(self._write, sample_id, kind, category, subcategory),
            name="training_answer",
            group="answer",
            thread=True,
            exit_on_error=False,
        )

    def _write(
        self,
        sample_id: str,
        kind: Literal["bug", "pass"],
        category: int | None,
        subcategory: str | None,
    ) -> None:
        """In a thread worker, on a connection of its own: committed before it posts."""
        training = self.training.reopen()
        try:
            try:
                feedback = training.answer(sample_id, kind, category, subcategory)
            except UserError:
                # Answered meanwhile in another window: that first answer stands.
                earlier = training.feedback(sample_id)
                if earlier is None:
                    self.answering.discard(sample_id)
                    raise
                self.post_message(Answered(earlier, again=True))
                return
        finally:
            training.close()
        self.post_message(Answered(feedback))

    def worker_failed(self, worker: Worker[object], text: str) -> None:
        """A failed answer (reported by the one handler) may be tried again."""
        if worker.name == "training_answer":
            self.answering.clear()

    @on(Answered)
    def _answered(self, message: Answered) -> None:
        feedback = message.feedback
        self.answering.discard(feedback.sample_id)
        self.queue.update_row(
            QueueRow(feedback.sample_id, kind=feedback.kind, category=feedback.category)
        )
        if feedback.sample_id == self.current:
            self.feedback.show(feedback)
        if message.again:
            self.notify("answered already (in another window): the first answer counts")
        self.update_progress()
