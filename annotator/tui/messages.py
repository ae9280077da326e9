"""Messages that worker threads post back to the labeling screen, and the
app-wide :class:`JumpToSample`.

Contract: plain dataclass messages carrying results computed off the UI
thread; the screen applies them only if they still concern what it shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from textual.message import Message

from ..store import QueueRow
from .sample_data import SampleView

if TYPE_CHECKING:
    from ..models import Suggestion


@dataclass
class SampleLoaded(Message):
    sample_id: str
    view: SampleView | None


@dataclass
class QueueLoaded(Message):
    rows: list[QueueRow]
    total: int
    reset: bool
    select: str | None = None


@dataclass
class SuggestionsReady(Message):
    sample_id: str
    suggestions: list[Suggestion] = field(default_factory=list)
    error: str | None = None
    version: int = 0
    """The screen's label version when the work started (older results are stale)."""
    note: str = ""
    """What the panel says before them (a taxonomy without a shipped rule table)."""


@dataclass
class ClusterReady(Message):
    sample_id: str
    signature: str
    members: list[str]
    """All failing samples in the cluster (the representative included)."""
    unlabeled: list[str]
    """Members other than the representative that this annotator has not labeled."""
    for_filter: bool = False
    categories: dict[str, set[int]] = field(default_factory=dict)
    """This annotator's own bug categories on the members they labeled (blind)."""


@dataclass
class JumpToSample(Message):
    """Show this sample on the review (or labeling) screen (handled by the app)."""

    sample_id: str
