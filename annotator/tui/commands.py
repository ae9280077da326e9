"""Command palette provider: fuzzy search over all categories and subcategories.

Contract: :class:`CategoryProvider` offers one command per category and per
(category, subcategory) pair; choosing one labels the shown sample through
``LabelScreen.apply_category``; one more, "pass", records 'not a failure'
(``LabelScreen.action_not_failure``, the ``o`` key). Matching uses rapidfuzz (``WRatio``), so
"shape mism" finds "Shape and dimension mismatch".
"""

from __future__ import annotations

from functools import partial

from rapidfuzz import fuzz
from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider

from .render import visible

MIN_SCORE = 55.0
PASS = 0
"""Stands for the 'pass' entry (no category has id 0)."""
PASS_TEXT = "pass · ok: not a failure (o)"


class CategoryProvider(Provider):
    def _entries(self) -> list[tuple[str, int, str | None]]:
        taxonomy = self.app.store.taxonomy  # type: ignore[attr-defined]
        out: list[tuple[str, int, str | None]] = [(PASS_TEXT, PASS, None)]
        for cat in taxonomy.categories:
            out.append((f"{cat.id}. {cat.name}", cat.id, None))
            for sub in cat.subcategories:
                dl = " (DL)" if sub.dl_specific else ""
                out.append((f"{cat.id}. {cat.name} › {sub.name}{dl}", cat.id, sub.name))
        return out

    def _apply(self, category: int, subcategory: str | None) -> None:
        if category == PASS:
            not_failure = getattr(self.screen, "action_not_failure", None)
            if not_failure is not None:
                not_failure()
            return
        apply = getattr(self.screen, "apply_category", None)
        if apply is not None:
            apply(category, subcategory)

    async def discover(self) -> Hits:
        for text, category, sub in self._entries():
            yield DiscoveryHit(Text(visible(text)), partial(self._apply, category, sub), text=text)

    async def search(self, query: str) -> Hits:
        scored = []
        for text, category, sub in self._entries():
            # All typed words present beats a closer partial match.
            score = max(
                fuzz.token_set_ratio(query, text, processor=str.lower),
                0.9 * fuzz.WRatio(query, text, processor=str.lower),
            )
            if score >= MIN_SCORE:
                scored.append((score, text, category, sub))
        scored.sort(key=lambda item: -item[0])
        for score, text, category, sub in scored[:30]:
            yield Hit(
                score / 100,
                Text(visible(text)),
                partial(self._apply, category, sub),
                text=text,
                help="label the shown sample",
            )
