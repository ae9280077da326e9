"""The labeling rules as SQL, each spelled once for every query of the store.

Contract: the functions return SQL fragments for a ``labels`` column (or an
aliased one, ``l.kind``); the kinds come from the kinds table
:data:`annotator.models.KINDS`, so Python and SQL cannot disagree about which
labels decide a sample, count as labeled or name a category.
"""

from __future__ import annotations

from collections.abc import Iterable

from ..models import BUG_KIND, DECIDING_KINDS, LABELED_KINDS, SKIP_KIND

__all__ = ["BUG_KIND", "bug", "decided", "is_kind", "labeled", "skipped"]


def _among(column: str, kinds: Iterable[str]) -> str:
    return f"{column} IN ({', '.join(repr(k) for k in kinds)})"


def is_kind(kind: str, column: str = "kind") -> str:
    """``kind = 'pass'`` for one kind."""
    return f"{column} = {kind!r}"


def decided(column: str = "kind") -> str:
    """``kind IN ('bug', 'pass')``: the label decides its sample."""
    return _among(column, DECIDING_KINDS)


def labeled(column: str = "kind") -> str:
    """``kind IN ('bug', 'pass', 'none')``: the label counts as labeled (a skip does not)."""
    return _among(column, LABELED_KINDS)


def bug(column: str = "kind") -> str:
    """``kind = 'bug'``: the label names a category."""
    return is_kind(BUG_KIND, column)


def skipped(column: str = "kind") -> str:
    """``kind = 'skip'``: the sample was skipped."""
    return is_kind(SKIP_KIND, column)
