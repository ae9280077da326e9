"""The labeling rules as SQL, each spelled once for every query of the store.

Contract: the functions return SQL fragments for a ``labels`` column (or an
aliased one, ``l.kind``); the kinds come from :data:`annotator.models.DECIDING_KINDS`,
so Python and SQL cannot disagree about which labels decide a sample.
"""

from __future__ import annotations

from ..models import DECIDING_KINDS

BUG_KIND = "bug"
"""A bug label names a taxonomy category (``kind = 'bug'``)."""


def decided(column: str = "kind") -> str:
    """``kind IN ('bug', 'pass')``: the label decides its sample."""
    return f"{column} IN ({', '.join(repr(k) for k in DECIDING_KINDS)})"


def bug(column: str = "kind") -> str:
    """``kind = 'bug'``: the label names a category."""
    return f"{column} = '{BUG_KIND}'"
