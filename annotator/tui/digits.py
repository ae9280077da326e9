"""Typing a category number with digit keys, one or two digits.

Contract: :class:`DigitEntry` turns digit key presses into category numbers.
A digit that no two-digit category starts with (``2``-``9`` with categories
1-14) is a category at once. A digit that one does start with (``1``: 10-14)
is *pending*: the screen shows ``1_`` and the next digit, typed within
:data:`PENDING_SECONDS`, completes it (``1`` ``0`` is 10, ``1`` ``4`` is 14);
when the time runs out or a key other than a digit comes, the pending digit
is the category by itself. Two digits typed in time are that number, even
when no such category exists (``1`` ``7``: "no category 17", not 1 and 7).
``0`` alone is no category. This is how a phone keypad or a TV remote reads
numbers, which is what people expect; the old ``0``-prefix (``0`` ``1`` for
11) read "01" as eleven.

Nothing here imports Textual; the screen owns the timer.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

PENDING_SECONDS = 1.0
"""How long a pending first digit waits for a second one."""


@dataclass
class DigitEntry:
    categories: frozenset[int]
    pending: int | None = None
    _prefixes: frozenset[int] = field(init=False)

    def __post_init__(self) -> None:
        self._prefixes = frozenset(c // 10 for c in self.categories if c >= 10)

    @classmethod
    def of(cls, ids: Iterable[int]) -> DigitEntry:
        return cls(frozenset(ids))

    def press(self, digit: int) -> int | None:
        """The number typed, once complete (None: a digit is pending)."""
        if self.pending is not None:
            first, self.pending = self.pending, None
            return first * 10 + digit
        if digit in self._prefixes:
            self.pending = digit
            return None
        return digit

    def flush(self) -> int | None:
        """The pending digit as a category by itself (time out, another key)."""
        first, self.pending = self.pending, None
        return first


def scheme(ids: Iterable[int]) -> str:
    """How digits pick categories, in the words the README, ``?`` and the panel use.

    For categories 1-14: ``1-9; 10-14 = 1 then 0-4 within 1 s``.
    """
    known = sorted(set(ids))
    singles = [c for c in known if 0 < c < 10]
    parts = [f"{singles[0]}-{singles[-1]}"] if singles else []
    for first in sorted({c // 10 for c in known if c >= 10}):
        group = [c for c in known if c // 10 == first]
        parts.append(
            f"{group[0]}-{group[-1]} = {first} then {group[0] % 10}-{group[-1] % 10}"
            f" within {PENDING_SECONDS:g} s"
        )
    return "; ".join(parts)
