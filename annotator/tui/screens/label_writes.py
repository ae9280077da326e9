"""Label writes of a task screen: on the sample the key was pressed on, in order.

Contract: :class:`QueuedWrites` is the write queue that the labeling and the
review screen each own one of. A key action captures its sample id when the
key is handled and calls :meth:`QueuedWrites.write` with a function of the
:class:`~annotator.labeling.LabelSession` that builds and writes the label. A
write runs at once on the UI thread when nothing is queued and the lock is free
within :data:`FAST_WAIT` seconds; otherwise it joins the queue of the
:class:`~annotator.tui.writer.LabelWriter` thread, so keys apply in the order
pressed and the UI never freezes on another process's lock. While a write
waits, ``show_status`` is told "saving…" for its sample and, after half a
second, a notification says "waiting for the database (another writer)"; a
write that cannot be made (read-only database, full disk) is reported and the
UI goes on. Once a write is committed, ``show_status`` gets "saved ✓ time",
``progress`` is called and then the write's own ``then``, on the UI thread.

The queue is a plain object, not a widget: the screen that owns it is given to
it for the Textual services it needs (notifications, a timer, running a
callback on the UI thread), and tells it what to redraw through the two
callbacks. :meth:`QueuedWrites.stop` (on the screen's unmount) lets the
writer thread finish the queued writes.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from typing import Any

from textual.screen import Screen

from ...errors import UserError
from ...labeling import LabelSession
from ...store.locking import LockTimeout
from .. import clock
from ..writer import WAIT_NOTICE, LabelWriter, WriteDone, WriteFailed, WriteJob, _why

FAST_WAIT = 0.05
"""Seconds the UI thread itself waits for the lock before handing a write to the writer."""

PENDING = "⧗ saving…"


def saved_text(what: str) -> str:
    """The status of a committed write: ``saved ✓ 12:00:00``."""
    return f"{what} ✓ {clock.clock()}"


class QueuedWrites:
    """The writes of one screen's session, in key order, never on a held lock."""

    def __init__(
        self,
        owner: Screen[Any],
        session: LabelSession,
        show_status: Callable[[str, str], None],
        progress: Callable[[], None],
    ) -> None:
        self.owner = owner
        self.session = session
        self.show_status = show_status
        """Redraw a sample's label with a status line (``saving…``, ``saved ✓``)."""
        self.progress = progress
        """Redraw the progress line (a write changed the counts)."""
        self.writer: LabelWriter | None = None
        self._pending_ids: Counter[str] = Counter()
        self._lock_notice = False

    @property
    def pending(self) -> int:
        """Writes handed to the writer thread and not yet committed or failed."""
        return self.writer.pending if self.writer is not None else 0

    def write(
        self,
        sample_id: str,
        run: Callable[[LabelSession], Any],
        what: str = "saved",
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Write for ``sample_id`` now, or queue it behind the writes already waiting."""
        job = WriteJob(sample_id, run, what, then)
        if self.pending == 0:
            try:
                with self.session.view.write_lock(FAST_WAIT):
                    result = run(self.session)
            except LockTimeout:
                pass  # another writer holds it: queue the job and keep the UI going
            except (UserError, sqlite3.Error, OSError) as exc:
                self._failed(WriteFailed(job, _why(exc), False))
                return
            else:
                self._done(WriteDone(job, result))
                return
        if self.writer is None:
            # The writer reports on its own thread; call_later hands the report
            # to the UI thread, in order with the screen's other messages.
            self.writer = LabelWriter(
                self.session, lambda r: self.owner.call_later(self._report, r)
            )
            self.owner.set_interval(0.2, self._watch_lock)
        self._pending_ids[sample_id] += 1
        self.writer.submit(job)
        self.show_status(sample_id, PENDING)

    def stop(self) -> None:
        """Let the writer thread finish the queued writes, then end it."""
        if self.writer is not None:
            self.writer.stop()

    def _report(self, report: WriteDone | WriteFailed) -> None:
        if isinstance(report, WriteDone):
            self._pending_ids[report.job.sample_id] -= 1
            self._done(report)
        elif report.pending:
            self.owner.notify(report.message, severity="error", timeout=8)
            self.show_status(report.job.sample_id, "⧗ pending: the database is locked")
        else:
            self._pending_ids[report.job.sample_id] -= 1
            self._failed(report)

    def _done(self, report: WriteDone) -> None:
        sid = report.job.sample_id
        waiting = self._pending_ids.get(sid, 0) > 0
        self.show_status(sid, PENDING if waiting else saved_text(report.job.what))
        self.progress()
        if report.job.then is not None:
            report.job.then(report.result)

    def _failed(self, report: WriteFailed) -> None:
        self.owner.notify(report.message, severity="error", timeout=8)
        self.show_status(report.job.sample_id, "✗ not saved")

    def _watch_lock(self) -> None:
        writer = self.writer
        waiting = writer is not None and writer.waiting_for() > WAIT_NOTICE
        if waiting and not self._lock_notice:
            self._lock_notice = True
            pending = writer.pending if writer else 0
            self.owner.notify(
                f"waiting for the database (another writer): {pending} label(s) pending",
                severity="warning",
                timeout=4,
            )
        elif not waiting:
            self._lock_notice = False
