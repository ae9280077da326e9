"""Command palette provider: fuzzy search over all categories and subcategories.

Contract: :class:`CategoryProvider` offers one command per category and per
(category, subcategory) pair; choosing one labels the shown sample through
``LabelScreen.apply_category``; one more, "pass", records 'not a failure'
(``LabelScreen.action_not_failure``, the ``o`` key). Each entry's help line is its codebook
definition, so the highlighted entry says what it means (escaped: the
palette parses help as markup). Matching uses rapidfuzz (``WRatio``), so
"shape mism" finds "Shape and dimension mismatch".
"""

from __future__ import annotations

from functools import partial

from rich.text import Text
from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from .render import visible

MIN_SCORE = 55.0
PASS = 0
"""Stands for the 'pass' entry (no category has id 0)."""
PASS_TEXT = "pass · ok: not a failure (o)"
PASS_MEANING = "The sample does not fail because of a bug in the generated code (the sheet's pass)."


class CategoryProvider(Provider):
    def _entries(self) -> list[tuple[str, int, str | None, str]]:
        """(text, category, subcategory, codebook definition) per entry."""
        taxonomy = self.app.store.taxonomy  # type: ignore[attr-defined]
        out: list[tuple[str, int, str | None, str]] = [(PASS_TEXT, PASS, None, PASS_MEANING)]
        for cat in taxonomy.categories:
            out.append((f"{cat.id}. {cat.name}", cat.id, None, cat.meaning))
            for sub in cat.subcategories:
                dl = " (DL)" if sub.dl_specific else ""
                text = f"{cat.id}. {cat.name} › {sub.name}{dl}"
                out.append((text, cat.id, sub.name, sub.definition or cat.meaning))
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
        for text, category, sub, meaning in self._entries():
            yield DiscoveryHit(
                Text(visible(text)),
                partial(self._apply, category, sub),
                text=text,
                help=escape(visible(meaning)),
            )

    async def search(self, query: str) -> Hits:
        from rapidfuzz import fuzz  # on the first search, not at the UI's start

        scored = []
        for text, category, sub, meaning in self._entries():
            # All typed words present beats a closer partial match.
            score = max(
                fuzz.token_set_ratio(query, text, processor=str.lower),
                0.9 * fuzz.WRatio(query, text, processor=str.lower),
            )
            if score >= MIN_SCORE:
                scored.append((score, text, category, sub, meaning))
        scored.sort(key=lambda item: -item[0])
        for score, text, category, sub, meaning in scored[:30]:
            yield Hit(
                score / 100,
                Text(visible(text)),
                partial(self._apply, category, sub),
                text=text,
                help=escape(visible(meaning)),
            )
