"""Open coding: similar free-text notes grouped, so a group can propose subcategories.

Contract: :func:`cluster_notes` groups the notes of
:meth:`~annotator.store.notes.NoteQueries.unspecified_notes` per category (a subcategory
belongs to one category) by rapidfuzz token-set similarity: a note joins the
first cluster whose representative (its first, most frequent note) it matches
at ``threshold`` or more, else it starts a cluster. Clusters are ordered
largest first and named ``<category>.<n>`` in that order, so the same labels
give the same names. Nothing here touches the database.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

from rapidfuzz import fuzz

from .store.notes import NoteItem

THRESHOLD = 70.0


@dataclass
class NoteCluster:
    name: str
    category: int
    representative: str
    items: list[NoteItem] = field(default_factory=list)

    @property
    def notes(self) -> Counter[str]:
        return Counter(item.note for item in self.items)

    @property
    def sample_ids(self) -> list[str]:
        return list(dict.fromkeys(item.sample_id for item in self.items))


def _key(note: str) -> str:
    return " ".join(note.lower().split())


def cluster_notes(items: list[NoteItem], threshold: float = THRESHOLD) -> list[NoteCluster]:
    by_category: dict[int, list[NoteItem]] = defaultdict(list)
    for item in items:
        by_category[item.category].append(item)
    out: list[NoteCluster] = []
    for category in sorted(by_category):
        members = by_category[category]
        frequency = Counter(_key(i.note) for i in members)
        # Most frequent notes lead their clusters; ties in text order (stable).
        order = sorted(frequency, key=lambda k: (-frequency[k], k))
        leaders: list[tuple[str, list[str]]] = []
        for key in order:
            for leader, keys in leaders:
                if fuzz.token_set_ratio(key, leader) >= threshold:
                    keys.append(key)
                    break
            else:
                leaders.append((key, [key]))
        clusters = []
        for leader, keys in leaders:
            wanted = set(keys)
            chosen = [i for i in members if _key(i.note) in wanted]
            clusters.append(NoteCluster("", category, leader, chosen))
        clusters.sort(key=lambda c: (-len(c.items), c.representative))
        for n, cluster in enumerate(clusters, start=1):
            cluster.name = f"{category}.{n}"
        out += clusters
    return out
