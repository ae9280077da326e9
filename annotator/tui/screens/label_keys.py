"""The label keys of the labeling screen: what each writes, on the sample it was pressed on.

Contract: :class:`LabelKeys` is the handler of the keys that write a label -
category digits, ``o`` 'pass' (ok, not a failure), ``x`` second category,
``v`` subcategory picker, ``a`` accept the top suggestion, ``f`` flag, ``s``
skip, the note - and the command palette's categories; the focus time
gathered for a sample goes with its next label (what is left, on quit:
:meth:`LabelKeys.store_focus_time`). Each takes the sample
the key was pressed on (``target()``: the highlighted queue row when the key
is handled), builds its label when the write runs (in key order, through the
screen's :class:`~.label_writes.QueuedWrites`) with the focus time gathered
so far, and marks the screen's suggestions stale. A category with more than one
subcategory opens the picker for the same sample at once (unless the label
already has that category with a subcategory); with the ``advance`` setting,
a finished category moves on (``next()``); ``a`` and ``s`` always do. A write
that labels an unlabeled sample calls ``moved(True)`` once committed.

Digits go through :class:`DigitKeys` (``1`` then ``0`` within a second is
10; the waiting ``1_`` is shown in the label panel's title).

Both are plain objects: the screen gives them the Textual services' owner
(notifications, modal screens, timers), its collaborators and callbacks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any

from textual.screen import Screen
from textual.timer import Timer

from ...labeling import LabelSession
from ...timing import FocusClock
from ..digits import PENDING_SECONDS, DigitEntry
from ..keymap import Settings
from .label_suggest import Suggestions
from .label_writes import QueuedWrites

if TYPE_CHECKING:
    from ...models import LabelValue

PANEL_TITLE = "Label"


class DigitKeys:
    """Digit presses to category numbers, each for the sample its first digit was typed on.

    A finished number goes to ``apply(number, sample_id)``; while a first digit
    waits (up to :data:`~annotator.tui.digits.PENDING_SECONDS`), ``show_title``
    gets the label panel's title saying so. :meth:`flush` applies a waiting
    digit by itself (time out, the shown sample changes, another label key).
    """

    def __init__(
        self,
        owner: Screen[Any],
        categories: Iterable[int],
        apply: Callable[[int, str | None], None],
        show_title: Callable[[str], None],
    ) -> None:
        self.owner = owner
        self.entry = DigitEntry.of(categories)
        self.apply = apply
        self.show_title = show_title
        self._timer: Timer | None = None
        self._sample: str | None = None
        """The sample the first digit was typed on (a pending digit is for it)."""

    def press(self, digit: int, sample_id: str | None) -> None:
        """A digit key on ``sample_id`` (when a first digit waits, its sample counts)."""
        self._stop_timer()
        if self.entry.pending is None:
            self._sample = sample_id
        number = self.entry.press(digit)
        self._show_pending()
        if number is None:
            self._timer = self.owner.set_timer(PENDING_SECONDS, self.flush)
        else:
            self.apply(number, self._sample)

    def flush(self) -> None:
        """Apply a pending first digit by itself."""
        self._stop_timer()
        number = self.entry.flush()
        if number is not None:
            self._show_pending()
            self.apply(number, self._sample)

    def _stop_timer(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None

    def _show_pending(self) -> None:
        pending = self.entry.pending
        title = PANEL_TITLE
        if pending is not None:
            title += f" · {pending}_ (a second digit within {PENDING_SECONDS:g} s)"
        self.show_title(title)


class LabelKeys:
    """The label-writing keys of one annotator's labeling screen."""

    def __init__(
        self,
        owner: Screen[Any],
        writes: QueuedWrites,
        suggestions: Suggestions,
        focus_clock: FocusClock,
        settings: Settings,
        *,
        target: Callable[[], str | None],
        next_sample: Callable[[], None],
        moved: Callable[[bool], None],
        show_title: Callable[[str], None],
    ) -> None:
        self.owner = owner
        self.session = writes.session
        self.writes = writes
        self.suggestions = suggestions
        self.focus_clock = focus_clock
        self.settings = settings
        self.target = target
        """The sample a key acts on, when the key is handled."""
        self.next_sample = next_sample
        self.moved = moved
        """Called with whether a committed write labeled an unlabeled sample."""
        self.second = False
        """The next category key sets the second category (``x``)."""
        ids = (c.id for c in self.session.taxonomy.categories)
        self.digits = DigitKeys(owner, ids, self._digit_category, show_title)

    def save(
        self,
        sample_id: str,
        build: Callable[[LabelSession], LabelValue],
        what: str = "saved",
        then: Callable[[bool], None] | None = None,
    ) -> None:
        """Write the label ``build`` makes for ``sample_id`` (built when the write
        runs, in key order); ``then(was_unlabeled)`` runs once it is committed."""

        # The focus time so far goes with the label, in the same write (never
        # a write of its own on the UI thread: another writer may hold the lock).
        seconds = self.focus_clock.take(sample_id)

        def run(session: LabelSession) -> bool:
            was_unlabeled = session.label(sample_id) is None
            session.save(sample_id, build(session))
            session.view.add_focus_time({sample_id: seconds})
            return was_unlabeled

        self.suggestions.labels_changed()
        self.writes.write(sample_id, run, what, then)

    def store_focus_time(self) -> None:
        """Add the focus time gathered and not yet saved with a label (on quit)."""
        spent = self.focus_clock.take_all()
        try:
            self.session.view.add_focus_time(spent)
        except Exception as exc:  # the clock must never cost a label
            self.owner.notify(f"focus time not stored: {exc}", severity="warning")

    def _digit_category(self, category: int, sample_id: str | None) -> None:
        self.category(category, sample_id=sample_id)

    def category(
        self, category: int, subcategory: str | None = None, sample_id: str | None = None
    ) -> None:
        """Set the (second) category of ``sample_id`` (default: the target)."""
        sid = sample_id or self.target()
        if sid is None:
            return
        taxonomy = self.session.taxonomy
        if not taxonomy.has(category):
            self.owner.notify(f"no category {category}", severity="warning")
            return
        second, self.second = self.second, False
        shown = self.suggestions.shown(sid)

        def build(session: LabelSession) -> LabelValue:
            return session.category_value(sid, category, subcategory, second=second, shown=shown)

        # Whether a subcategory is still to pick is known from the key itself
        # (and the label on screen), so the picker opens now, for this sample.
        current = self.session.value(sid)
        same = current.category2 if second else current.category
        kept = current.subcategory2 if second else current.subcategory
        needs_sub = subcategory is None and len(taxonomy.category(category).subcategories) > 1
        self.save(sid, build, then=self.moved)
        if needs_sub and not (same == category and kept):
            self.pick_subcategory(second=second, sample_id=sid, category=category)
        elif self.settings.advance:
            self.next_sample()

    def not_failure(self) -> None:
        """'pass': the sample is not a failure (keeps note and flag)."""
        self.digits.flush()
        sid = self.target()
        if sid is None:
            return
        shown = self.suggestions.shown(sid)
        self.save(sid, lambda s: s.pass_value(sid, shown=shown), "pass: not a failure", self.moved)

    def toggle_second(self) -> None:
        self.second = not self.second
        self.owner.notify("next category key sets the second category" if self.second else "off")

    def pick_subcategory(
        self, second: bool = False, sample_id: str | None = None, category: int | None = None
    ) -> None:
        """Open the subcategory picker for the (second) category of the sample."""
        sid = sample_id or self.target()
        if category is None:
            label = self.session.label(sid) if sid else None
            category = (label.category2 if second else label.category) if label else None
        if sid is None or category is None:
            message = "choose a category first (1-9, 1 then a digit: 10-14)"
            self.owner.notify(message, severity="warning")
            return

        def chosen(name: str | None) -> None:
            if name is None:
                return
            self.save(sid, lambda s: s.subcategory_value(sid, name, second=second))
            if self.settings.advance and sid == self.target():
                self.next_sample()

        from .picker import subcategory_picker  # a dialog: loaded when first opened

        picker = subcategory_picker(self.session.taxonomy.category(category), definitions=True)
        self.owner.app.push_screen(picker, chosen)

    def accept(self) -> None:
        """Write the top suggestion, then go to the next sample."""
        sid = self.target()
        if sid is None:
            return
        if not self.suggestions.shown(sid):
            self.owner.notify("suggestions are hidden for this sample", severity="warning")
            return
        suggestions = self.suggestions.get(sid)
        if not suggestions:
            self.owner.notify("no suggestion to accept yet", severity="warning")
            return
        best = suggestions[0]
        self.save(sid, lambda s: s.suggestion_value(sid, best), "accepted", self.moved)
        self.next_sample()

    def flag(self) -> None:
        sid = self.target()
        if sid is not None:
            self.save(sid, lambda s: s.flag_value(sid))

    def skip(self) -> None:
        sid = self.target()
        if sid is not None:
            self.save(sid, lambda s: s.skip_value(sid), "skipped")
            self.next_sample()

    def note(self, sample_id: str, note: str) -> None:
        """The note field of ``sample_id`` was submitted or left."""
        self.save(sample_id, lambda s: s.note_value(sample_id, note))
