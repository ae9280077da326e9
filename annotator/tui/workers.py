"""One handler for every failed worker of the UI.

Contract: a screen or widget that runs workers takes this module's handler
as its own (``on_worker_state_changed = workers.on_worker_state_changed``:
the function, not a mixin). Textual posts a worker's state changes to the
node that started it and does not bubble them, so each such node needs a
handler; this is that handler, written once. When a worker ends in error it
notifies (severity error, literal text: the app's ``notify``) with what
failed (:data:`WHAT`, else the worker's name) and the error, then calls the
node's ``worker_failed(worker, text)`` when it has one, so a screen can
replace a "loading…" line with the failure. Nothing else happens: the app
goes on, and the next action can start the worker again.
"""

from __future__ import annotations

from typing import Any

from textual.app import App
from textual.widget import Widget
from textual.worker import Worker, WorkerState

WHAT = {
    "load_items": "loading the disagreements",
    "load_sample": "loading the sample",
    "compute": "computing agreement",
    "load_pair": "listing the pair's samples",
    "_compute_marks": "marking the code",
    "compute_cluster": "finding the failure cluster",
    "count": "counting",
    "index_search": "indexing the imported texts for search",
}
"""Worker names as the message says them."""


def failure_text(worker: Worker[object]) -> str:
    """One line: what failed and why."""
    what = WHAT.get(worker.name, worker.name or "a background task")
    error = worker.error
    reason = f"{type(error).__name__}: {error}" if error is not None else "unknown error"
    return f"{what} failed: {reason}"


def on_worker_state_changed(node: Widget | App[Any], event: Worker.StateChanged) -> None:
    """The handler (see the module docstring)."""
    if event.state != WorkerState.ERROR:
        return
    text = failure_text(event.worker)
    node.notify(text, severity="error", timeout=10)
    failed: Any = getattr(node, "worker_failed", None)
    if failed is not None:
        failed(event.worker, text)
