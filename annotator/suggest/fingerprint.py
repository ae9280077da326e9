"""Sentry-style failure fingerprints and clustering.

Contract:

* :func:`mask_message` replaces the volatile parts of an error message
  (numbers, shapes, hex addresses, quoted identifiers, paths) with stable
  placeholders, so two runs of the same bug produce the same text. It is pure,
  total (any ``str`` in, ``str`` out) and linear in the input length.
* :func:`fingerprint` turns a :class:`~annotator.suggest.testoutput.TestReport`
  into one line ``"<ExcType>: <masked message> @ <function>"``; reports with no
  failure give ``""``.
* :func:`cluster` groups ``(id, fingerprint)`` pairs: identical fingerprints
  first, then representatives whose rapidfuzz similarity is at least
  ``threshold`` (0-100) are merged. Output order is deterministic: clusters by
  decreasing size, then by representative text.
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Generic, TypeVar

if TYPE_CHECKING:  # only for annotations: testoutput imports mask_message from here
    from annotator.suggest.testoutput import TestReport

__all__ = ["Cluster", "cluster", "fingerprint", "mask_message"]

# Messages can embed whole tensor reprs; masking beyond this adds nothing to
# the signature and would make fingerprints unbounded.
MAX_MESSAGE = 500

# Order matters: shapes and paths must be replaced before bare numbers eat
# their digits. Every pattern is linear (no nested quantifiers).
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.\-~]*/)+[\w.\-]+")
_QUOTED = re.compile(r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"|`[^`\n]{0,200}`")
_TORCH_SIZE = re.compile(r"torch\.Size\(\[[^\]\n]{0,200}\]\)")
_DIMS_X = re.compile(r"\b\d+(?:x\d+)+\b")
_TUPLE = re.compile(r"[(\[]\s*-?\d+(?:\s*,\s*-?\d*)*\s*,?\s*[)\]]")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?(?![\w])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # parametrized tests repeat the same messages
def mask_message(msg: str) -> str:
    """Replace volatile details of ``msg`` with placeholders.

    >>> mask_message("mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)")
    'mat1 and mat2 shapes cannot be multiplied (<shape> and <shape>)'
    """
    text = msg[:MAX_MESSAGE]
    text = _HEX.sub("<hex>", text)
    text = _QUOTED.sub("<q>", text)
    text = _PATH.sub("<path>", text)
    text = _TORCH_SIZE.sub("<shape>", text)
    text = _DIMS_X.sub("<shape>", text)
    text = _TUPLE.sub("<shape>", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACES.sub(" ", text).strip()


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
    from rapidfuzz import fuzz  # here: the failure panel imports this module at start-up

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
