"""The clocks of the UI, in one place so that tests can pin them.

Contract: :func:`clock` is the wall time shown next to 'saved'; :func:`now`
the monotonic time (seconds) that focus time per sample is measured with.
Both are looked up through this module at call time (``clock.clock()``), so
``monkeypatch.setattr("annotator.tui.clock.clock", ...)`` pins every screen.
"""

from __future__ import annotations

import time


def clock() -> str:
    """Time shown next to 'saved'."""
    return time.strftime("%H:%M:%S")


def now() -> float:
    """Monotonic seconds (focus time)."""
    return time.monotonic()
