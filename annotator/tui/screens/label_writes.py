"""Label writes of the labeling screen: on the sample the key was pressed on, in order.

Contract: :class:`LabelWrites` is a base of
:class:`~annotator.tui.screens.label.LabelScreen`. Every key action captures
its sample id when the key is handled (:meth:`target`: the highlighted queue
row, which moves synchronously with ``n``/``p``, not the painted sample,
which follows a message later) and calls :meth:`write` with a function of the
session that builds and writes the label. A write runs at once on the UI
thread when nothing is queued and the lock is free within
:data:`FAST_WAIT` seconds; otherwise it joins the queue of the
:class:`~annotator.tui.writer.LabelWriter` thread, so keys apply in the order
pressed and the UI never freezes on another process's lock. While a write
waits, the label panel says "saving…" and, after half a second, a
notification says "waiting for the database (another writer)"; a write that
cannot be made (read-only database, full disk) is reported and the UI goes on.
"""

from __future__ import annotations

import sqlite3
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from textual import on
from textual.message import Message
from textual.screen import Screen

from ...errors import UserError
from ...labeling import LabelSession
from ...store.locking import LockTimeout
from ..writer import WAIT_NOTICE, LabelWriter, WriteDone, WriteFailed, WriteJob, _why
from .label_workers import LabelWorkers

if TYPE_CHECKING:
    from ..widgets.sample_list import SampleList

FAST_WAIT = 0.05
"""Seconds the UI thread itself waits for the lock before handing a write to the writer."""

PENDING = "⧗ saving…"


@dataclass
class WriteReport(Message):
    report: WriteDone | WriteFailed


class QueuedWrites(Screen[None]):
    """The write queue shared by the labeling and the review screen: the screen
    gives ``session``, ``refresh_label``, ``update_progress`` and ``saved_text``."""

    session: LabelSession

    if TYPE_CHECKING:

        def refresh_label(self, sample_id: str, status: str = "") -> None: ...

        def update_progress(self) -> None: ...

        def saved_text(self, what: str) -> str: ...

    writer: LabelWriter | None = None
    _pending_ids: Counter[str]
    _lock_notice = False

    @property
    def writes_pending(self) -> int:
        return self.writer.pending if self.writer is not None else 0

    def write(
        self,
        sample_id: str,
        run: Callable[[LabelSession], Any],
        what: str = "saved",
        then: Callable[[Any], None] | None = None,
    ) -> None:
        """Write for ``sample_id`` now, or queue it behind the writes already waiting."""
        if not hasattr(self, "_pending_ids"):
            self._pending_ids = Counter()
        job = WriteJob(sample_id, run, what, then)
        if self.writes_pending == 0:
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
            self.writer = LabelWriter(self.session, lambda r: self.post_message(WriteReport(r)))
            self.set_interval(0.2, self._watch_lock)
        self._pending_ids[sample_id] += 1
        self.writer.submit(job)
        self.refresh_label(sample_id, PENDING)

    @on(WriteReport)
    def _report(self, message: WriteReport) -> None:
        report = message.report
        if isinstance(report, WriteDone):
            self._pending_ids[report.job.sample_id] -= 1
            self._done(report)
        elif report.pending:
            self.notify(report.message, severity="error", timeout=8)
            self.refresh_label(report.job.sample_id, "⧗ pending: the database is locked")
        else:
            self._pending_ids[report.job.sample_id] -= 1
            self._failed(report)

    def _done(self, report: WriteDone) -> None:
        sid = report.job.sample_id
        waiting = self._pending_ids.get(sid, 0) > 0 if hasattr(self, "_pending_ids") else False
        self.refresh_label(sid, PENDING if waiting else self.saved_text(report.job.what))
        self.update_progress()
        if report.job.then is not None:
            report.job.then(report.result)

    def _failed(self, report: WriteFailed) -> None:
        self.notify(report.message, severity="error", timeout=8)
        self.refresh_label(report.job.sample_id, "✗ not saved")

    def _watch_lock(self) -> None:
        writer = self.writer
        waiting = writer is not None and writer.waiting_for() > WAIT_NOTICE
        if waiting and not self._lock_notice:
            self._lock_notice = True
            pending = writer.pending if writer else 0
            self.notify(
                f"waiting for the database (another writer): {pending} label(s) pending",
                severity="warning",
                timeout=4,
            )
        elif not waiting:
            self._lock_notice = False

    def on_unmount(self) -> None:
        if self.writer is not None:
            self.writer.stop()


class LabelWrites(LabelWorkers, QueuedWrites):
    current: str | None

    if TYPE_CHECKING:

        @property
        def queue(self) -> SampleList: ...

    def target(self) -> str | None:
        """The sample a key acts on: the highlighted row when the key is handled."""
        return self.queue.current_id or self.current
