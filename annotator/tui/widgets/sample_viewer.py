"""One sample on screen: meta line, code views and the primary error.

Contract: :class:`SampleViewer` owns the display of one
:class:`~annotator.tui.sample_data.SampleView` and a small cache of views
(filled by the screen's workers through :meth:`SampleViewer.remember`). The
labeling and the review screen both use it, so they show a sample the same
way and share the view keys (``g`` generated, ``r`` reference, ``d`` diff,
``w`` prompt, through :meth:`SampleViewer.show_tab`).

Layout: below :data:`SPLIT_COLUMNS` terminal columns the four views are
tabs. From :data:`SPLIT_COLUMNS` on, the generated code stands on the left
and the reference (or diff, or prompt) on the right, scrolled together: both
start around the failing line (the reference at the line that matches it)
and the right pane follows the left one's scrolling. Long lines scroll
horizontally (``left`` / ``right`` in a focused view); the error panel's
summary lines wrap so that shapes and values at their end stay visible.
Only the views on screen are filled when a sample is shown; the others when
they are opened.

Marks: the expression each fact points at (:mod:`annotator.codeview.marks`:
the failing call, the argument that differs from the reference's call, an
undefined name) is marked in the generated code and, where it has a match,
in the reference, in :class:`LinesView`'s mark style. A prefetched view
brings its marks along; otherwise a worker computes them after the sample is
painted and they are applied only if that sample is still shown. With
``evidence=False`` (the sample's suggestions are hidden) only the marks of
the failure itself are shown, not the code analysis's findings.
"""

from __future__ import annotations

from typing import Any

from textual import on, work
from textual.app import ComposeResult
from textual.containers import Horizontal, Vertical
from textual.message import Message
from textual.widgets import Static, TabbedContent, TabPane
from textual.worker import get_current_worker

from .. import render, workers
from ..sample_data import SampleView
from .lines_view import LinesView

TABS = ("generated", "reference", "diff", "prompt")
"""The code views, each a :class:`LinesView` with the id and the SampleView field of that name."""

SPLIT_COLUMNS = 160
"""From this terminal width on, generated code and reference stand side by side."""

CACHE_SIZE = 24


MARKED = {"generated": "generated", "generated-split": "generated", "reference": "reference"}
"""The views that show marks, and the side (:data:`annotator.codeview.marks.GENERATED`...) each shows."""


class SampleViewer(Vertical):
    """The shown sample and the views of the samples around it."""

    on_worker_state_changed = workers.on_worker_state_changed
    """Failed workers are reported in one place (:mod:`annotator.tui.workers`)."""

    class MarksReady(Message):
        """The marks of ``view`` are computed (posted by the marks worker)."""

        def __init__(self, view: SampleView) -> None:
            super().__init__()
            self.view = view

    def __init__(self, cache_size: int = CACHE_SIZE, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.cache_size = cache_size
        self.cache: dict[str, SampleView] = {}
        self.shown: SampleView | None = None
        self.split = False
        self._stale: set[str] = set()
        self._syncing = False
        self.evidence = True
        """Whether marks of the code analysis's findings are shown (see the module's docstring)."""

    def compose(self) -> ComposeResult:
        # The split's class set before the children mount, so that they are styled
        # once: set in on_mount it restyled the viewer's whole subtree before the
        # first frame (on_mount still hides the split's tab).
        self.set_class(self.app.size.width >= SPLIT_COLUMNS, "-split")
        yield Static(id="meta", markup=False)
        with Horizontal(id="code-row"):
            yield LinesView(id="generated-split")
            with TabbedContent(id="tabs"):
                for tab in TABS:
                    with TabPane(tab.capitalize(), id=f"tab-{tab}"):
                        yield LinesView(id=tab)
        yield LinesView(id="error")

    def on_mount(self) -> None:
        self.query_one("#error", LinesView).border_title = "Error · t: full output"
        left = self.query_one("#generated-split", LinesView)
        left.border_title = "Generated"
        self.watch(left, "scroll_y", self._follow, init=False)
        self._set_split(self.app.size.width >= SPLIT_COLUMNS)

    # -- the cache -------------------------------------------------------------
    def remember(self, view: SampleView, keep: str | None = None) -> None:
        """Cache ``view``; the oldest views go (never ``keep``, the shown one).
        A view not shown has its first screen rendered now (a neighbour,
        prefetched while the annotator reads): its key then only swaps lines."""
        self.cache[view.sample_id] = view
        while len(self.cache) > self.cache_size:
            oldest = next(iter(self.cache))
            if oldest == keep:
                break
            del self.cache[oldest]
        if view is not self.shown and view.sample_id != keep:
            self._prerender(view)

    def _prerender(self, view: SampleView) -> None:
        for name in self._visible():
            if name == "diff" and "diff" not in view.__dict__:
                continue  # made when the tab is first shown, not ahead
            lines = getattr(view, name.removesuffix("-split"))
            marks = self._marks_of(name, view)
            self.query_one(f"#{name}", LinesView).prerender(
                lines, self._anchor(name, view), 0, marks
            )
        self.query_one("#error", LinesView).prerender(view.error, wrap_head=view.error_head)

    # -- showing ---------------------------------------------------------------
    def say(self, text: Any) -> None:
        """A message in the meta line (loading…, empty queue)."""
        self.query_one("#meta", Static).update(text)

    def placeholder(self, text: Any) -> None:
        """No sample's content on screen (an empty queue, a search without a match,
        a sample still loading): ``text`` in the meta line, every view emptied (the
        previous sample's code must not stand under another's header)."""
        self.shown = None
        self._stale = set()
        for name in (*TABS, "generated-split", "error"):
            self.query_one(f"#{name}", LinesView).set_lines(())
        self.say(text)

    def paint(self, view: SampleView, evidence: bool = True) -> None:
        """Show ``view``; ``evidence`` False: no marks of code-analysis findings."""
        self.shown = view
        self.evidence = evidence
        self._stale = set(TABS) | {"generated-split"}
        for name in self._visible():
            self._fill(name)
        error = self.query_one("#error", LinesView)
        error.set_lines(view.error, wrap_head=view.error_head)
        # One fixed-height line: no layout pass needed for new text.
        self.query_one("#meta", Static).update(view.meta, layout=False)
        if not view.marks_ready:
            # After this frame is drawn: the worker competes for the GIL.
            self.call_after_refresh(self._start_marks, view)

    @property
    def active(self) -> str:
        """The view shown in the tabs (or on the right, when split)."""
        return self.query_one(TabbedContent).active.removeprefix("tab-")

    def show_tab(self, name: str) -> None:
        """Bring view ``name`` (one of :data:`TABS`) forward and focus it."""
        if self.split and name == "generated":
            self.query_one("#generated-split", LinesView).focus()
            return
        self.query_one(TabbedContent).active = f"tab-{name}"
        self._fill(name)
        self.query_one(f"#{name}", LinesView).focus()

    def cycle_tab(self) -> None:
        names = [t for t in TABS if not (self.split and t == "generated")]
        index = names.index(self.active) if self.active in names else -1
        self.show_tab(names[(index + 1) % len(names)])

    def _visible(self) -> list[str]:
        return ["generated-split", self.active] if self.split else [self.active]

    def _anchor(self, name: str, view: SampleView | None = None) -> int | None:
        """0-based line of view ``name`` that corresponds to the failing line
        (of the sample shown, or of ``view``)."""
        view = view or self.shown
        if view is None:
            return None
        line = {
            "generated": view.failure.line,
            "generated-split": view.failure.line,
            "reference": view.reference_line,
        }.get(name)
        if name == "diff":  # the diff is made when first shown (libcst)
            line = render.diff_line(view.diff, view.failure.line)
        return line - 1 if line else None

    def _fill(self, name: str) -> None:
        view = self.shown
        if view is None or name not in self._stale:
            return
        self._stale.discard(name)
        lines = getattr(view, name.removesuffix("-split"))
        self.query_one(f"#{name}", LinesView).set_lines(lines, self._anchor(name))
        self._mark(name)

    # -- marks -------------------------------------------------------------------
    def _mark(self, name: str) -> None:
        """Mark the shown sample's expressions in view ``name``, if it shows code."""
        marks = self._marks_of(name, self.shown)
        if marks is not None:
            self.query_one(f"#{name}", LinesView).set_marks(marks)

    def _marks_of(
        self, name: str, view: SampleView | None
    ) -> dict[int, list[tuple[int, int]]] | None:
        """The marks of ``view`` in view ``name`` (None: not a view with marks, or
        the marks are not computed yet)."""
        side = MARKED.get(name)
        if view is None or side is None or not view.marks_ready:
            return None
        code = view.sample.generated_code if side == "generated" else view.sample.reference_code
        lines = view.generated if side == "generated" else view.reference
        spans = [m.span for m in view.marks if m.side == side and (self.evidence or not m.evidence)]
        return render.mark_offsets(code, lines, spans)

    def _start_marks(self, view: SampleView) -> None:
        if view is self.shown:
            self._compute_marks(view)

    @work(thread=True, exclusive=True, group="marks", exit_on_error=False)
    def _compute_marks(self, view: SampleView) -> None:
        view.marks  # noqa: B018 - computed here, off the UI thread
        if not get_current_worker().is_cancelled:
            self.post_message(self.MarksReady(view))

    @on(MarksReady)
    def _marks_ready(self, message: MarksReady) -> None:
        if message.view is not self.shown:
            return  # the user moved on
        for name in MARKED:
            if name not in self._stale:
                self._mark(name)

    @on(TabbedContent.TabActivated)
    def _tab_shown(self, event: TabbedContent.TabActivated) -> None:
        if event.pane.id is not None:
            self._fill(event.pane.id.removeprefix("tab-"))

    # -- side by side ------------------------------------------------------------
    def on_resize(self) -> None:
        self._set_split(self.app.size.width >= SPLIT_COLUMNS)

    def _set_split(self, split: bool) -> None:
        if split == self.split:
            return
        self.split = split
        self.set_class(split, "-split")
        tabs = self.query_one(TabbedContent)
        if split:
            if self.active == "generated":
                tabs.active = "tab-reference"
            tabs.hide_tab("tab-generated")
        else:
            tabs.show_tab("tab-generated")
        for name in self._visible():
            self._fill(name)

    def _follow(self, y: float) -> None:
        """The right pane keeps the same distance from its anchor as the left one."""
        if not self.split or self._syncing:
            return
        left_anchor = self._anchor("generated-split")
        right = self.active
        right_anchor = self._anchor(right)
        if left_anchor is None or right_anchor is None:
            return
        delta = round(y) - max(0, left_anchor - 3)
        target = max(0, right_anchor - 3 + delta)
        self._syncing = True
        try:
            self.query_one(f"#{right}", LinesView).scroll_to(
                y=target, animate=False, immediate=True
            )
        finally:
            self._syncing = False
