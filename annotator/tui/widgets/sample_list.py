"""The queue: a lazily paged list of sample ids with their label status.

Contract: :class:`SampleList` holds only the compact queue rows it has been
given (never the big texts) and asks for more with :class:`SampleList.NeedRows`
when the cursor nears the end of what is loaded, so 100k samples cost one page
at a time. It posts :class:`SampleList.Picked` when the highlighted sample
changes. Row text is built from ``rich.text.Text`` so ids are shown literally.
Rows show a short display name (:mod:`annotator.tui.names`: the prefix all
ids of the first page share left out, cut in the middle to the column); the
full id is the list's tooltip and in the meta line. A row of a search result
shows its match on a second line.

Start-up (issue 24): the first page arrives before the list is laid out, so its
names cannot be cut yet; they are cut to the list's width just before its first
drawing (:meth:`SampleList.render_lines`), not drawn uncut and then again once the
resize event arrives, and a row's height is known from its prompt (one line, two
with a match) rather than measured by wrapping all 200 rows of the page.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, cast

from rich.text import Text
from textual.css.styles import RulesMap
from textual.geometry import Region, Size
from textual.message import Message
from textual.reactive import reactive
from textual.strip import Strip
from textual.widgets import OptionList
from textual.widgets.option_list import Option

from ...models import KINDS
from ...store import QueueRow
from ...textsafe import visible_id
from ..names import common_prefix, short_name
from ..render import visible

PREFETCH_MARGIN = 40
"""Ask for the next page when the cursor is this close to the last loaded row."""

STATUS_ICONS: dict[str, tuple[str, str]] = {
    "unlabeled": ("·", "dim"),
    "labeled": ("✓", "green"),
    "flagged": ("⚑", "yellow"),
    "skipped": ("»", "blue"),
    "disagreement": ("≠", "magenta"),
}


def row_status(row: QueueRow) -> str:
    """unlabeled, labeled, flagged or skipped, from a queue row or label dict."""
    if row.kind is None:
        return "unlabeled"
    if row.flag:
        return "flagged"
    if not KINDS[row.kind].labeled:
        return "skipped"
    return "labeled"


ROW_GUTTER = 5
"""Cells before the name: status icon, category (3) and a space."""


def row_prompt(row: QueueRow, prefix: str = "", width: int = 0) -> Text:
    """A queue row: status, category and the display name (``width`` cells,
    0: uncut), and the search match below it when there is one."""
    icon, style = STATUS_ICONS[row_status(row)]
    spec = KINDS[row.kind] if row.kind is not None else None
    code = str(row.category) if spec and spec.names_category and row.category else ""
    if spec and spec.glyph:  # "ok" for a pass (the kinds table)
        code = spec.glyph
    text = Text.assemble(
        (icon, style),
        (f"{code:>3} ", "bold"),
        short_name(visible_id(row.id), width, visible_id(prefix)),
        no_wrap=True,
        overflow="ellipsis",
        end="",
    )
    match = row.match
    if match:
        text.append("\n    ")
        text.append(visible(str(match)), style="italic dim")
    return text


def _row_height(prompt: object, width: int) -> int | None:
    """1 for a one-line prompt that fits ``width`` cells (nothing to wrap), None
    for any other (measured as OptionList does: a search match's line wraps)."""
    if isinstance(prompt, Text) and "\n" not in prompt.plain and prompt.cell_len <= width:
        return 1
    return None


class SampleList(OptionList):
    """The annotator's queue, one page at a time."""

    @dataclass
    class Picked(Message):
        """The highlighted sample changed."""

        sample_id: str

    @dataclass
    class NeedRows(Message):
        """More rows are wanted, starting at queue ``offset``."""

        offset: int

    highlighted: reactive[int | None] = reactive(None, repaint=False)
    """As OptionList's, without repainting the whole list when it moves: a
    repaint draws every visible row again (Textual's OptionList works out each
    row's style and size per line: 8-15 ms a frame at 120x40 on a loaded 2-core
    machine, the largest part of showing the next sample); the watcher refreshes
    the two rows that changed."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.total = 0
        self._prompts: dict[str, Text] = {}
        """The prompt shown for each loaded row, by sample id."""
        self._rows: dict[str, QueueRow] = {}
        self.prefix = ""
        """Left out of every display name (shared by all ids of the first page)."""
        self.name_width = 0
        self._exhausted = False
        self._waiting = False
        self.moved = 0
        """Rows labeled in this sitting that left the unlabeled head of the
        queue: the next page starts that many rows earlier."""

    @property
    def loaded(self) -> int:
        return self.option_count

    def reset(self, rows: Iterable[QueueRow], total: int) -> None:
        """Replace the content with the first page."""
        self.clear_options()
        self._prompts.clear()
        self._rows.clear()
        rows = list(rows)
        ids = [str(r.id) for r in rows]
        # A page of one (a narrow search) keeps the prefix it had, if it fits.
        keep = (
            self.prefix if all(i.startswith(self.prefix) and i != self.prefix for i in ids) else ""
        )
        self.prefix = common_prefix(ids) if len(ids) > 1 else keep
        self.name_width = self._name_width()
        self._exhausted = False
        self._waiting = False
        self.moved = 0
        self.total = total
        self.add_rows(rows)
        self._update_title()  # also when the page is empty (a search without a match)
        if all(row.match is None for row in rows):
            # One line a row (names are cut to the width): the height is known before
            # the first layout, which so places the scrollbar, and the first frame cuts
            # the names to the width they keep (not, laid out again, a second time).
            self.virtual_size = Size(self.virtual_size.width, len(rows))
        self.highlighted = 0 if self.option_count else None
        # A page that adds or removes the scrollbar changes the width of the
        # names without resizing the list: fit them once it is laid out.
        self.call_after_refresh(self.fit_names)

    def add_rows(self, rows: Iterable[QueueRow]) -> None:
        """Append a page (rows already shown are skipped)."""
        fresh = [r for r in rows if r.id not in self._prompts]
        self._waiting = False
        if not fresh:
            self._exhausted = True
            return
        self._rows.update((r.id, r) for r in fresh)
        self._prompts.update((r.id, self._prompt(r)) for r in fresh)
        self.add_options(Option(self._prompts[r.id], id=r.id) for r in fresh)
        self._update_title()

    def update_row(self, row: QueueRow) -> None:
        """Show a changed label status of a loaded row."""
        # Replacing a prompt re-renders the whole list: only when it changed.
        if row.id in self._rows:
            if row.match is None:  # a status update keeps the search match shown
                row = row._replace(match=self._rows[row.id].match)
            self._rows[row.id] = row
        prompt = self._prompt(row)
        if row.id in self._prompts and self._prompts[row.id] != prompt:
            self._prompts[row.id] = prompt
            self.replace_option_prompt(row.id, prompt)

    def select_id(self, sample_id: str) -> bool:
        if sample_id not in self._prompts:
            return False
        self.highlighted = self.get_option_index(sample_id)
        return True

    @property
    def current_id(self) -> str | None:
        """The highlighted row's sample id (keys act on it: see LabelScreen.target)."""
        option = self.highlighted_option
        return option.id if option is not None else None

    def _prompt(self, row: QueueRow) -> Text:
        return row_prompt(row, self.prefix, self.name_width)

    def _name_width(self) -> int:
        if not self.is_mounted:
            return 0
        padding = self.get_component_styles("option-list--option").padding.width
        return max(0, self.scrollable_content_region.width - padding - ROW_GUTTER)

    def on_resize(self) -> None:
        self.fit_names()

    def render_lines(self, crop: Region) -> list[Strip]:
        # The first drawing after the page arrived unlaid-out: cut the names now,
        # in place (the options keep their place, highlight and scroll), so the
        # first frame is drawn once, as it will stay; the resize event that
        # follows then finds the names fitted.
        width = self._name_width()
        if width != self.name_width and self._rows and width > 0:
            self.name_width = width
            for option in self.options:
                if option.id is not None and option.id in self._rows:
                    prompt = self._prompt(self._rows[option.id])
                    self._prompts[option.id] = prompt
                    option._set_prompt(prompt)
            self._option_render_cache.clear()
            self._line_cache.clear()
        return super().render_lines(crop)

    def _update_lines(self) -> None:
        """OptionList's, with a row of one line that fits the width taken as one
        line (the names are cut to the width: nothing to wrap) instead of wrapping
        every loaded row's text to measure it; any other row (a search match's
        second line, a name not yet cut) is measured as OptionList does. Tied to Textual 8.2's
        ``_LineCache`` (``constraints.txt``); ``tests/tui/test_sample_list_lines.py``
        compares the result with OptionList's own on pages with and without matches."""
        region = self.scrollable_content_region
        if not region:
            return
        cache = self._line_cache
        lines = cache.lines
        next_index = lines[-1][0] + 1 if lines else 0
        width = region.width - self._get_left_gutter_width()
        options = self.options
        if next_index < len(options):
            padding = self.get_component_styles("option-list--option").padding
            for index in range(next_index, len(options)):
                option = options[index]
                cache.index_to_line[index] = len(lines)
                height = _row_height(option.prompt, width - padding.width)
                if height is None:
                    rules = cast(RulesMap, self.styles)  # as OptionList passes them
                    height = self._get_visual(option).get_height(rules, width - padding.width)
                height += option._divider
                cache.heights[index] = height
                lines.extend((index, line_no) for line_no in range(height))
        last_divider = bool(options) and options[-1]._divider
        virtual_size = Size(width, len(lines) - (1 if last_divider else 0))
        if virtual_size != self.virtual_size:
            self.virtual_size = virtual_size
            self._scroll_update(virtual_size)

    def fit_names(self) -> None:
        """Cut the names to the list's current width (after a resize, or a page
        that showed or hid the scrollbar)."""
        width = self._name_width()
        if width == self.name_width or not self._rows:
            return
        self.name_width = width
        highlighted = self.highlighted
        self._prompts = {sid: self._prompt(row) for sid, row in self._rows.items()}
        self.clear_options()
        self.add_options(Option(prompt, id=sid) for sid, prompt in self._prompts.items())
        self.highlighted = highlighted

    def neighbour_ids(self) -> list[str]:
        """Ids of the rows next to the cursor (to prefetch)."""
        index = self.highlighted
        if index is None:
            return []
        out = []
        for i in (index + 1, index - 1, index + 2):
            if 0 <= i < self.option_count:
                option_id = self.get_option_at_index(i).id
                if option_id is not None:
                    out.append(option_id)
        return out

    def scroll_to_highlight(self, top: bool = False) -> None:
        """Scroll by whole pages: a scroll repaints the screen, so moving the
        cursor within the visible rows must not scroll at all."""
        index = self.highlighted
        height = self.scrollable_content_region.height
        if index is None or height <= 0 or not self.is_mounted:
            return super().scroll_to_highlight(top)
        first = round(self.scroll_offset.y)
        if first <= index < first + height:
            return None
        if index >= first + height:  # moving down: the row becomes the first one
            self.scroll_to(y=max(0, index - 1), animate=False, immediate=True)
            return None
        return super().scroll_to_highlight(top)

    def _refresh_row(self, index: int | None) -> None:
        """Draw the row of option ``index`` again (all rows if it is not laid out)."""
        if index is None or not self.is_mounted:
            return
        lines: dict[int, int] = getattr(self, "_index_to_line", {})
        heights: dict[int, int] = getattr(self, "_heights", {})
        if index in lines and index in heights:
            self.refresh_lines(lines[index], heights[index])
        else:
            self.refresh()

    def _update_title(self) -> None:
        self.border_title = f"Queue ({self.total})"

    def _watch_highlighted(self, previous: int | None, highlighted: int | None) -> None:
        # Only the rows left and reached are drawn again (see ``highlighted``).
        for index in (previous, highlighted):
            self._refresh_row(index)
        # After this frame: the rows n and p reach next, in the highlight's style.
        self.call_after_refresh(self._prerender_neighbours)

    def _prerender_neighbours(self) -> None:
        """Render the rows next to the highlight as highlighted rows, ahead of the
        key that highlights one of them: OptionList keeps each row's render by its
        style, and a row first drawn highlighted was most of the queue's part of
        ``n``'s frame (issue 24). Nothing is drawn on screen."""
        render = getattr(self, "_get_option_render", None)  # OptionList's; another Textual: skip
        if render is None or self.highlighted is None or not self.is_mounted:
            return
        style = self.get_visual_style("option-list--option", "option-list--option-highlighted")
        for index in (self.highlighted - 1, self.highlighted + 1):
            if 0 <= index < self.option_count:
                render(self.get_option_at_index(index), style)

    def watch_highlighted(self, highlighted: int | None) -> None:
        super().watch_highlighted(highlighted)
        if highlighted is None:
            return
        option = self.get_option_at_index(highlighted)
        if option.id is not None:
            self.tooltip = Text(visible(option.id))
            self.post_message(self.Picked(option.id))
        near_end = highlighted >= self.option_count - PREFETCH_MARGIN
        if near_end and not self._exhausted and not self._waiting and self.loaded < self.total:
            self._waiting = True
            self.post_message(self.NeedRows(max(0, self.loaded - self.moved)))
