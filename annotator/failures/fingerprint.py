"""Sentry-style failure fingerprints and clustering.

Contract:

* :func:`fingerprint` turns a :class:`~.outputmodels.TestReport`
  into one line ``"<ExcType>: <masked message> @ <function>"``; reports with no
  failure give ``""``; its message is masked by :func:`.masking.mask_message`.
* :func:`cluster` groups ``(id, fingerprint)`` pairs: identical fingerprints
  first, then representatives whose rapidfuzz similarity is at least
  ``threshold`` (0-100) are merged. Output order is deterministic: clusters by
  decreasing size, then by representative text.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from typing import Generic, TypeVar

from rapidfuzz import fuzz

from .masking import mask_message
from .outputmodels import TestReport

__all__ = ["Cluster", "cluster", "fingerprint"]


def fingerprint(report: TestReport, function: str | None = None) -> str:
    """One-line signature of the report's primary failure.

    ``function`` names the generated function; it is used when no frame of the
    generated code was identified so that the same bug in different samples of
    the same task still fingerprints alike.
    """
    failure = report.primary_failure()
    if failure is None:
        if report.timeout:
            return "Timeout"
        if report.no_tests_ran:
            return "NoTestsRan"
        return ""
    where = failure.generated_frame.function if failure.generated_frame else (function or "")
    text = f"{failure.exception_type or 'Error'}: {mask_message(failure.message)}"
    return f"{text} @ {where}" if where else text


K = TypeVar("K", bound=Hashable)


@dataclass(frozen=True, slots=True)
class Cluster(Generic[K]):
    """A group of items with (near-)identical fingerprints.

    ``representative`` is the fingerprint text of the largest exact group;
    ``members`` are the item ids in input order.
    """

    representative: str
    members: list[K] = field(default_factory=list)


def cluster(items: Iterable[tuple[K, str]], threshold: float = 90.0) -> list[Cluster[K]]:
    """Group items by fingerprint, merging near-identical fingerprints.

    Exact keys are grouped first (O(n)); only the k distinct keys are compared
    with each other (O(k^2) rapidfuzz calls), which stays fast because failure
    signatures repeat a lot. Empty fingerprints are never merged with others.
    """
    groups: dict[str, list[K]] = {}
    order: dict[K, int] = {}
    for i, (item_id, text) in enumerate(items):
        groups.setdefault(text, []).append(item_id)
        order.setdefault(item_id, i)
    # Biggest groups first so that they become the representatives.
    keys = sorted(groups, key=lambda k: (-len(groups[k]), k))
    merged: list[tuple[str, list[str]]] = []
    for key in keys:
        target = None
        if key:
            for rep, keys_in in merged:
                if rep and fuzz.ratio(key, rep, score_cutoff=threshold):
                    target = keys_in
                    break
        if target is None:
            merged.append((key, [key]))
        else:
            target.append(key)
    out: list[Cluster[K]] = []
    for rep, keys_in in merged:
        members = [m for k in keys_in for m in groups[k]]
        members.sort(key=lambda m: order[m])
        out.append(Cluster(rep, members))
    out.sort(key=lambda c: (-len(c.members), c.representative))
    return out
