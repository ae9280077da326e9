"""One handler for every failed worker of the UI.

Contract: a screen or widget that runs workers inherits
:class:`ReportsWorkerErrors`. Textual posts a worker's state changes to the
node that started it and does not bubble them, so each such node needs a
handler; this mixin is that handler, written once. When a worker ends in
error it notifies (severity error, literal text: the app's ``notify``) with
what failed (:data:`WHAT`, else the worker's name) and the error, then calls
the node's :meth:`~ReportsWorkerErrors.worker_failed` so a screen can replace
a "loading…" line with the failure. Nothing else happens: the app goes on,
and the next action can start the worker again.
"""

from __future__ import annotations

from textual.worker import Worker, WorkerState

WHAT = {
    "load_items": "loading the disagreements",
    "load_sample": "loading the sample",
    "compute": "computing agreement",
    "load_pair": "listing the pair's samples",
    "_compute_marks": "marking the code",
    "compute_cluster": "finding the failure cluster",
    "count": "counting",
}
"""Worker names as the message says them."""


def failure_text(worker: Worker[object]) -> str:
    """One line: what failed and why."""
    what = WHAT.get(worker.name, worker.name or "a background task")
    error = worker.error
    reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
    return f"{what} failed: {reason}"


class ReportsWorkerErrors:
    """Mixin of every screen and widget with workers (see the module docstring)."""

    def on_worker_state_changed(self, event: Worker.StateChanged) -> None:
        if event.state != WorkerState.ERROR:
            return
        text = failure_text(event.worker)
        notify = getattr(self, "notify", None)
        if notify is not None:
            notify(text, severity="error", timeout=10)
        self.worker_failed(event.worker, text)

    def worker_failed(self, worker: Worker[object], text: str) -> None:
        """Show the failure where the result would have been (default: nothing more)."""
