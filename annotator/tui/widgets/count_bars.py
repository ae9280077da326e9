"""Horizontal bars of category occurrences, split into DL-specific and other.

Contract: :class:`CountBars` shows a :class:`~annotator.export.counts.CountTable`
(set with :meth:`CountBars.show_table`) as one line per category: the id and
name, the total, a bar whose segments are the DL-specific subcategory
occurrences, the non-DL ones and those without a subcategory, then those
numbers. Bars scale to the widest category and to the widget's width, so
the same table reads at 80 and at 200 columns. Names go through ``visible``
into ``Text`` (never markup).
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.widget import Widget

from ...export.counts import CategoryCount, CountTable
from ..render import visible

DL_STYLE = "cyan"
OTHER_STYLE = "magenta"
UNSPECIFIED_STYLE = "bright_black"


def split(category: CategoryCount) -> tuple[int, int, int]:
    """(DL-specific, non-DL, without subcategory) occurrences of a category."""
    dl = other = unspecified = 0
    for sub in category.subcategories:
        if sub.unspecified:
            unspecified += sub.count
        elif sub.dl_specific:
            dl += sub.count
        else:
            other += sub.count
    return dl, other, unspecified


def cells(counts: tuple[int, ...], largest: int, width: int) -> list[int]:
    """Bar cells per segment: proportional, and at least one for a non-zero count."""
    if largest <= 0 or width <= 0:
        return [0 for _ in counts]
    return [max(1, round(c * width / largest)) if c else 0 for c in counts]


class CountBars(Widget):
    DEFAULT_CSS = """
    CountBars {
        height: auto;
        padding: 0 1;
    }
    """

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.table: CountTable | None = None

    def show_table(self, table: CountTable) -> None:
        self.table = table
        self.refresh(layout=True)

    def render(self) -> Text:
        table = self.table
        if table is None:
            return Text("computing…", style="dim")
        width = max(self.size.width, 40)
        longest = max((len(c.name) for c in table.categories), default=10)
        name_width = max(12, min(longest, int(width * 0.35)))
        numbers_width = 26 if width >= 110 else 16
        bar_width = max(6, width - name_width - numbers_width - 10)
        largest = max((c.total for c in table.categories), default=0)
        out = Text(end="")
        out.append("█ DL-specific", DL_STYLE)
        out.append("  █ not DL-specific", OTHER_STYLE)
        out.append("  ░ ? no subcategory\n", UNSPECIFIED_STYLE)
        for category in table.categories:
            dl, other, unspecified = split(category)
            name = visible(category.name)
            if len(name) > name_width:
                name = name[: name_width - 1] + "…"
            out.append(f"{category.id:>2} ", "bold")
            out.append(f"{name:<{name_width}} ")
            out.append(f"{category.total:>4} ", "bold" if category.total else "dim")
            lengths = cells((dl, other, unspecified), largest, bar_width)
            out.append("█" * lengths[0], DL_STYLE)
            out.append("█" * lengths[1], OTHER_STYLE)
            out.append("░" * lengths[2], UNSPECIFIED_STYLE)
            out.append(" " * max(0, bar_width + 2 - sum(lengths)))
            out.append_text(self._numbers(dl, other, unspecified, numbers_width))
            out.append("\n")
        out.append_text(self._summary(table))
        return out

    @staticmethod
    def _numbers(dl: int, other: int, unspecified: int, width: int) -> Text:
        if not dl + other + unspecified:
            return Text("")
        long = width > 20
        text = Text.assemble(
            (f"{dl} DL" if long else f"{dl}", DL_STYLE),
            " · ",
            (f"{other} other" if long else f"{other}", OTHER_STYLE),
            end="",
        )
        if unspecified:
            text.append(" · ")
            text.append(f"{unspecified} ?", UNSPECIFIED_STYLE)
        return text

    @staticmethod
    def _summary(table: CountTable) -> Text:
        dl = table.dl_specific_total
        share = f" ({100 * dl / table.total:.0f}%)" if table.total else ""
        text = Text.assemble(
            ("Total ", "bold"),
            f"{table.total} occurrences in {table.n_samples} samples · ",
            (f"{dl} DL-specific{share}", DL_STYLE),
            end="",
        )
        if table.ties:
            text.append(f" · {table.ties} tied votes not counted", "yellow")
        return text
