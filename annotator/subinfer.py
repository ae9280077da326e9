"""Which subcategory an annotator's free-text note points at, by weighing evidence.

Contract: :func:`infer` scores every subcategory of one category against a
note and returns the best one, or ``None`` when nothing points anywhere or two
subcategories tie for best (the table's 'Unspecified' row: a guess between
equals is not made). Callers mark a returned subcategory as *inferred*.

Evidence, counted per subcategory:

- a **keyword** of the subcategory (``taxonomy.yaml``) found in the note, one
  point per word of the keyword (``tensor shape`` and ``non-dl`` are two); typos and
  inflections count too (rapidfuzz ratio >= 85, or the note's word starts
  with a keyword of five letters or more: "dimenstion", "shapes",
  "dimensionality"); words of three letters or fewer (``dl``, ``int``) must
  match exactly;
- a **word of the subcategory's name** ("mismatch" in 'Shape and dimension
  mismatch') found the same way, one point each (so "shape" is worth a point
  as a keyword and one as a word of the name); generic words ("incorrect",
  "and", "DL", "tensor") are not evidence.

Articles are left out of the note first ("needs a tensor" is the keyword
'needs tensor'). The bundled keywords make a note naming two frameworks
("NumPy arrays while PyTorch tensors are expected") evidence for the library
subcategory and "X needs / expects / requires a tensor" evidence for a type
mismatch.

Longer keywords are matched first and the words they cover are used up, so
"non-dl" is evidence for 'Not DL-related' and its "dl" is not evidence for a
DL subcategory. Why scores instead of "the longest keyword wins": a note
saying "tensor shape mismatch" mentions a tensor, but its evidence (shape,
mismatch) is for the shape subcategory.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

FUZZY = 85.0
"""Least rapidfuzz ratio for a typo to count as the word."""
PREFIX = 5
"""A note word starting with a keyword this long or longer counts ('casting', 'dimensionality')."""
EXACT_ONLY = 3
"""Words this short must match exactly ('dl' is not 'nl')."""

GENERIC = frozenset(
    "a an and or of in on the for to with by not incorrect wrong dl ml dl/ml related"
    " problem problems issue issues error errors tensor tensors".split()
)
"""Words of subcategory names that say nothing about which one is meant. 'tensor'
is in every deep-learning note: "torch.sqrt needs tensor" is no evidence for
'Tensor shape mismatch' (a keyword with it, like 'tensor type', still is)."""
ARTICLES = frozenset({"a", "an", "the"})
"""Left out of the note before keywords are matched: "needs a tensor" is the
keyword 'needs tensor'."""

_WORD = re.compile(r"[a-z0-9]+(?:[-/'][a-z0-9]+)*")


@dataclass(frozen=True)
class Subcategory:
    name: str
    keywords: Sequence[str]


MAX_NOTE_WORDS = 500
"""Words of a note weighed (its first ones): the matching is words x keywords, so a note of
megabytes (a sheet cell may hold 4 Mi characters) would otherwise take minutes."""


def words(text: str) -> list[str]:
    return _WORD.findall(text.lower())


def _first_words(note: str) -> list[str]:
    found = []
    for match in _WORD.finditer(note.lower()):
        found.append(match.group())
        if len(found) == MAX_NOTE_WORDS:
            break
    return found


def _same(note_word: str, word: str) -> bool:
    if note_word == word:
        return True
    if len(word) <= EXACT_ONLY or len(note_word) <= EXACT_ONLY:
        return False
    if len(word) >= PREFIX and note_word.startswith(word):
        return True
    shorter, longer = sorted((len(note_word), len(word)))
    if 200 * shorter < FUZZY * (shorter + longer):
        # The ratio is at most 200 * shorter / (shorter + longer): no typo this far off in
        # length. Also what keeps a word of megabytes from costing a second per keyword.
        return False
    # Loaded on the first typo, not with the taxonomy (every command and the UI import it).
    from rapidfuzz import fuzz

    return fuzz.ratio(note_word, word) >= FUZZY


def scores(note: str, subcategories: Sequence[Subcategory]) -> dict[str, int]:
    """Points of evidence per subcategory name (see the module docstring)."""
    tokens = [word for word in _first_words(note) if word not in ARTICLES]
    used = [False] * len(tokens)
    points = {sub.name: 0 for sub in subcategories}
    keywords: dict[tuple[str, ...], list[str]] = {}
    for sub in subcategories:
        for keyword in sub.keywords:
            keywords.setdefault(tuple(words(keyword)), []).append(sub.name)
    for key in sorted(keywords, key=lambda k: (-len(k), -len(" ".join(k)))):
        if not key:
            continue
        found = False
        for start in range(len(tokens) - len(key) + 1):
            span = range(start, start + len(key))
            if any(used[i] for i in span):
                continue
            if all(_same(tokens[i], word) for i, word in zip(span, key, strict=True)):
                found = True
                for i in span:
                    used[i] = True
        if found:
            weight = sum(len(re.split(r"[-/]", word)) for word in key)
            for name in keywords[key]:
                points[name] += weight
    for sub in subcategories:
        for word in set(words(sub.name)) - GENERIC:
            if any(_same(token, word) for token in tokens):
                points[sub.name] += 1
    return points


def infer(note: str, subcategories: Sequence[Subcategory]) -> str | None:
    """The subcategory with the most evidence; None when there is none or a tie."""
    if not note.strip():
        return None
    points = scores(note, subcategories)
    best = max(points.values(), default=0)
    if best <= 0:
        return None
    leaders = [name for name, p in points.items() if p == best]
    return leaders[0] if len(leaders) == 1 else None
