"""Focus time per sample: how long an annotator looked at each sample.

Contract: :class:`FocusClock` is told which sample is on screen
(:meth:`FocusClock.focus`) and when the annotator does something
(:meth:`FocusClock.activity`: a key, a click); the time between two events
counts for the sample on screen, unless the gap is longer than ``idle``
seconds (the annotator was away: the whole gap is dropped) or the terminal
had lost focus (:meth:`FocusClock.pause`). :meth:`FocusClock.take` hands
over (and forgets) the seconds gathered for a sample, so the caller can store
them with the label. The clock is injected, so tests pin it. Nothing here
imports Textual.
"""

from __future__ import annotations

from collections.abc import Callable

IDLE_SECONDS = 120.0
"""A gap between two actions longer than this is not counted (away from the desk)."""


class FocusClock:
    def __init__(self, now: Callable[[], float], idle: float = IDLE_SECONDS) -> None:
        self.now = now
        self.idle = idle
        self.sample: str | None = None
        self._last = now()
        self._paused = False
        self._spent: dict[str, float] = {}

    def _tick(self) -> None:
        t = self.now()
        gap = t - self._last
        if self.sample is not None and not self._paused and 0 < gap <= self.idle:
            self._spent[self.sample] = self._spent.get(self.sample, 0.0) + gap
        self._last = t

    def focus(self, sample_id: str | None) -> None:
        """``sample_id`` is on screen from now on (None: nothing is)."""
        self._tick()
        self.sample = sample_id

    def activity(self) -> None:
        self._tick()
        self._paused = False

    def pause(self) -> None:
        """The terminal lost focus: nothing counts until the next activity."""
        self._tick()
        self._paused = True

    def pending(self, sample_id: str) -> float:
        return self._spent.get(sample_id, 0.0)

    def take(self, sample_id: str) -> float:
        """The seconds gathered for ``sample_id`` since the last take."""
        self._tick()
        return self._spent.pop(sample_id, 0.0)

    def take_all(self) -> dict[str, float]:
        self._tick()
        spent, self._spent = self._spent, {}
        return spent
