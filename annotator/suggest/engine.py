"""Suggestion engine entry point (placeholder until the ranking lands).

Contract: :func:`suggestions_for` returns the ranked suggestions of one
sample, best first, computing and caching them as needed. It never executes
sample code.
"""

from __future__ import annotations

from ..models import Suggestion
from ..store import Store


def suggestions_for(store: Store, sample_id: str, top: int = 5) -> list[Suggestion]:
    """Ranked suggestions for a sample (best first)."""
    return []
