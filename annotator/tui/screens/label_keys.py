"""Category digits and 'pass' on the labeling screen.

Contract: :class:`CategoryKeys` is a base of
:class:`~annotator.tui.screens.label.LabelScreen`. Digit keys go through a
:class:`~annotator.tui.digits.DigitEntry` (``1`` then ``0`` within a second is
10; the waiting ``1_`` is shown in the label panel's title); ``o`` records
'pass' - ok, not a failure - like any category: saved at once, undone by ``u``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.screen import Screen
from textual.timer import Timer

from ..digits import PENDING_SECONDS, DigitEntry

if TYPE_CHECKING:
    from collections.abc import Callable

    from ...models import LabelValue
    from ..session import LabelSession
    from ..widgets.sample_list import SampleList

PANEL_TITLE = "Label"


class CategoryKeys(Screen[None]):
    session: LabelSession
    current: str | None
    _digits: DigitEntry | None = None
    _digit_timer: Timer | None = None
    _digit_sample: str | None = None
    """The sample the first digit was typed on (a pending digit is for it)."""

    if TYPE_CHECKING:

        @property
        def queue(self) -> SampleList: ...

        def apply_category(
            self, category: int, subcategory: str | None = None, sample_id: str | None = None
        ) -> None: ...

        def save(
            self,
            sample_id: str,
            build: Callable[[LabelSession], LabelValue],
            what: str = "saved",
            then: Callable[[bool], None] | None = None,
        ) -> None: ...

        def target(self) -> str | None: ...

        def shown(self, sample_id: str) -> bool: ...

    @property
    def digits(self) -> DigitEntry:
        if self._digits is None:
            self._digits = DigitEntry.of(c.id for c in self.session.taxonomy.categories)
        return self._digits

    def action_category(self, n: int) -> None:
        if self._digit_timer is not None:
            self._digit_timer.stop()
            self._digit_timer = None
        if self.digits.pending is None:
            self._digit_sample = self.target()
        number = self.digits.press(n)
        self._show_pending()
        if number is None:
            self._digit_timer = self.set_timer(PENDING_SECONDS, self.flush_digit)
        else:
            self.apply_category(number, sample_id=self._digit_sample)

    def flush_digit(self) -> None:
        """Apply a pending first digit by itself (its time ran out, or the sample changes)."""
        if self._digit_timer is not None:
            self._digit_timer.stop()
            self._digit_timer = None
        number = self.digits.flush()
        if number is not None:
            self._show_pending()
            self.apply_category(number, sample_id=self._digit_sample)

    def _show_pending(self) -> None:
        pending = self.digits.pending
        title = PANEL_TITLE
        if pending is not None:
            title += f" · {pending}_ (a second digit within {PENDING_SECONDS:g} s)"
        self.query_one("#label-panel").border_title = title

    def action_not_failure(self) -> None:
        """'pass': the sample is not a failure (keeps note and flag)."""
        self.flush_digit()
        sid = self.target()
        if sid is None:
            return
        shown = self.shown(sid)

        def saved(was_unlabeled: bool) -> None:
            self.queue.moved += int(was_unlabeled)

        self.save(sid, lambda s: s.pass_value(sid, shown=shown), "pass: not a failure", saved)
