"""Label writes of the labeling UI: in key order, off the UI thread, never lost.

Contract: :class:`LabelWriter` owns one thread with its own database
connection and a :class:`~annotator.labeling.LabelSession` that shares the
UI session's undo stack and progress. :meth:`LabelWriter.submit` queues a
:class:`WriteJob` — the sample id captured when the key was pressed and a
function of the writer's session that builds and writes the label — and
returns at once; jobs run strictly in submission order, each in one
transaction. Results come back through ``report`` (called on the writer
thread; the screen posts them as messages):

- :class:`WriteDone` when the job committed (the label is in SQLite);
- :class:`WriteFailed` with ``pending=False`` when it cannot be written
  (read-only database, full disk, invalid label): the message says why;
- :class:`WriteFailed` with ``pending=True`` when another process held the
  write lock for :attr:`LabelWriter.give_up` seconds: the job stays first in
  the queue and is retried every :attr:`LabelWriter.retry` seconds, so a
  label is never dropped because of a lock.

:meth:`LabelWriter.waiting_for` tells how long the current job has waited for
the lock (the UI says "waiting for the database (another writer)" after
:data:`WAIT_NOTICE` seconds). Nothing here imports Textual.
"""

from __future__ import annotations

import queue
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from ..blind import BlindView
from ..errors import UserError
from ..labeling import LabelSession
from ..store.locking import LockTimeout

WAIT_NOTICE = 0.5
"""Seconds a write may wait for the lock before the UI says so."""


@dataclass
class WriteJob:
    sample_id: str
    run: Callable[[LabelSession], Any]
    what: str = "saved"
    then: Callable[[Any], None] | None = None
    """Called on the UI thread with ``run``'s result once committed."""
    number: int = 0


@dataclass
class WriteDone:
    job: WriteJob
    result: Any


@dataclass
class WriteFailed:
    job: WriteJob
    message: str
    pending: bool


_STOP = object()


class LabelWriter:
    give_up: float = 30.0
    """Seconds a write waits for another writer's lock before it is reported pending."""
    retry: float = 5.0
    """Seconds between attempts of a pending write."""

    def __init__(
        self, session: LabelSession, report: Callable[[WriteDone | WriteFailed], object]
    ) -> None:
        self.ui_session = session
        self.report = report
        self._jobs: queue.Queue[Any] = queue.Queue()
        self._count = 0
        self._lock = threading.Lock()
        self.pending = 0
        """Jobs submitted and not yet committed or failed."""
        self._waiting_since: float | None = None
        self._stopping = threading.Event()
        self._thread = threading.Thread(target=self._main, name="label-writer", daemon=True)
        self._thread.start()

    def submit(self, job: WriteJob) -> WriteJob:
        with self._lock:
            self._count += 1
            job.number = self._count
            self.pending += 1
        self._jobs.put(job)
        return job

    def waiting_for(self) -> float:
        since = self._waiting_since
        return 0.0 if since is None else time.monotonic() - since

    def stop(self, timeout: float = 5.0) -> None:
        """Finish the queued writes (up to ``timeout`` s), then end the thread."""
        self._jobs.put(_STOP)
        self._thread.join(timeout)
        self._stopping.set()

    def _main(self) -> None:
        ui = self.ui_session
        view = ui.view.reopen()
        session = LabelSession(
            view, ui.source, undo_stack=ui.undo_stack, started=ui.started, touched=ui.touched
        )
        try:
            while (job := self._jobs.get()) is not _STOP:
                self._run(view, session, job)
        finally:
            view.close()

    def _run(self, view: BlindView, session: LabelSession, job: WriteJob) -> None:
        while True:
            self._waiting_since = time.monotonic()
            try:
                with view.write_lock(self.give_up):
                    self._waiting_since = None
                    result = job.run(session)
            except LockTimeout as exc:
                self._waiting_since = None
                self.report(WriteFailed(job, f"{exc}; the label is kept pending and retried", True))
                if self._stopping.wait(self.retry):
                    return
                continue
            except (UserError, sqlite3.Error, OSError) as exc:
                self._finish()
                self.report(WriteFailed(job, _why(exc), False))
                return
            finally:
                self._waiting_since = None
            self._finish()
            self.report(WriteDone(job, result))
            return

    def _finish(self) -> None:
        with self._lock:
            self.pending -= 1


def _why(exc: BaseException) -> str:
    text = str(exc)
    if "readonly" in text or "read-only" in text:
        return "the database is read-only: the label was not saved"
    if "full" in text:
        return "the disk is full: the label was not saved"
    return f"the label was not saved: {text}"
