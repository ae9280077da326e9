"""What the review screen lists and shows, as plain data and Rich ``Text``.

Contract: :func:`review_items` returns the samples to adjudicate in the order
of :func:`annotator.review.disagreements` (open ones first, largest
disagreement first): the raters disagree with each other or with the
sample's final label (``with_final=False``: with each other only). A final
label no reviewer wrote (imported) leaves the item open and is shown as
imported (:func:`final_text`); :func:`final_origin` says where a final label
came from (the write-final dialog names it when it prefills its note).
:func:`label_text`, :func:`final_text` and :func:`labels_table` render
labels literally (every string from the database goes through ``visible``
into ``Text``).
Nothing here imports Textual, so workers can call it.
"""

from __future__ import annotations

from rich.table import Table
from rich.text import Text

from ...models import FINAL, KINDS, Label
from ...review import Disagreement, adjudicated, decision, disagreement_of, disagreements
from ...store import Store
from ...taxonomy import Taxonomy
from ..names import short_name
from ..render import visible


def review_items(store: Store, with_final: bool | None = None) -> tuple[list[Disagreement], bool]:
    """The disagreements to review, and whether ``final`` was compared as a rater
    (``None``: yes)."""
    with_final = with_final is not False
    return disagreements(store, with_final=with_final), with_final


ANSWERS_WIDTH = 9
"""Cells of the list's answers column (e.g. ``3≠6≠ok``)."""


def item_prompt(item: Disagreement, width: int, prefix: str) -> Text:
    """A row of the review list, ``width`` cells: ✓ adjudicated, ● open, ◐ open
    with an imported final label; the id cut in the middle, never the answers
    (the raters' categories, and ``f6`` for an imported final they differ from)."""
    if item.resolved:
        mark = ("✓ ", "green")
    else:
        mark = ("◐ ", "yellow") if item.imported_final else ("● ", "yellow")
    given = {decision(label) for label in item.labels.values()}
    answers = "≠".join(sorted(given))
    if item.imported_final and item.final is not None and decision(item.final) not in given:
        answers += f"≠f{decision(item.final)}"  # the raters against the imported final
    if item.level == "subcategory":
        answers += " subcat."
    name_width = max(4, width - 2 - 1 - ANSWERS_WIDTH)
    name = short_name(visible(item.sample_id), name_width, visible(prefix))
    return Text.assemble(
        mark,
        name.ljust(name_width),
        " ",
        (answers[:ANSWERS_WIDTH].rjust(ANSWERS_WIDTH), "bold magenta"),
        no_wrap=True,
        end="",
    )


def item_for(store: Store, sample_id: str) -> Disagreement:
    """A review item for any sample (a jump from the agreement matrix)."""
    labels = {
        label.annotator: label
        for label in store.labels(sample_id=sample_id)
        if label.annotator != FINAL and decision(label)
    }
    final = store.label(sample_id, FINAL)
    return disagreement_of(sample_id, labels, final) or Disagreement(sample_id, labels, final)


def final_origin(final: Label) -> str:
    """Where a final label came from: ``adopted from bob by carol``, ``written
    by carol`` or ``imported (import:labels.csv), not adjudicated``."""
    raw = final.raw or {}
    source = raw.get("adopted_from")
    if not adjudicated(final):
        return f"imported ({final.source or '?'}), not adjudicated"
    how = f"adopted from {source}" if isinstance(source, str) else "written"
    return f"{how} by {final.written_by}"


def category_line(
    taxonomy: Taxonomy, category: int, subcategory: str | None, *, split: bool = False
) -> Text:
    """``N. name › subcategory [DL]`` (``split``: the subcategory on its own line)."""
    name = taxonomy.by_id[category].name if taxonomy.has(category) else "?"
    line = Text.assemble((f"{category}. ", "bold"), visible(name), end="")
    line.append("\n  › " if split else " › ")
    if subcategory:
        dl = taxonomy.is_dl(category, subcategory)
        line.append(visible(subcategory))
        line.append(" [DL]" if dl else "", style="cyan")
    else:
        line.append("?", style="yellow")
    return line


def label_text(taxonomy: Taxonomy, label: Label | None, *, split: bool = False) -> Text:
    """Category › subcategory, the second category and the flag of a label."""
    text = Text(end="")
    if label is None:
        text.append("—", style="dim")
    elif label.kind == "pass":
        text.append("pass (not a failure)", style="green")
    elif label.kind == "skip":
        text.append("skipped", style="blue")
    elif label.kind == "bug" and label.category is not None:
        text.append_text(category_line(taxonomy, label.category, label.subcategory, split=split))
        if label.category2 is not None:
            text.append("\n+ ")
            second = category_line(taxonomy, label.category2, label.subcategory2, split=split)
            text.append_text(second)
    else:  # a flag or note only, or a kind the table adds
        text.append(KINDS[label.kind].shown or "no category", style="dim")
    if label is not None and label.flag:
        text.append(f"\n⚑ {visible(label.flag)}", style="yellow bold")
    return text


def note_text(label: Label | None) -> Text:
    if label is None:
        return Text("")
    parts = [p for p in (label.note, label.note2) if p]
    return Text(visible(" / ".join(parts)), style="italic", end="")


def when(stamp: str) -> str:
    """``2024-05-01T12:00:00.123Z`` as ``2024-05-01 12:00 UTC``."""
    return f"{stamp[:16].replace('T', ' ')} UTC" if stamp else "?"


def final_text(taxonomy: Taxonomy, final: Label | None) -> Text:
    """The final label and who adopted or wrote it, and when."""
    text = Text.assemble(("Final: ", "bold"), end="")
    if final is None:
        text.append("open · 1-9 adopt a label · e write your own", style="yellow")
        return text
    text.append_text(label_text(taxonomy, final))
    origin = visible(final_origin(final))
    if adjudicated(final):
        text.append(f"\n  {origin} · {when(final.updated_at)}", "dim")
    else:
        text.append(f"\n  {origin} · 1-9 adopt a label · e write your own", "yellow")
    note = note_text(final)
    if note.plain:
        text.append(" · ", "dim")
        text.append_text(note)
    return text


def labels_table(taxonomy: Taxonomy, raters: list[str], labels: dict[str, Label]) -> Table:
    """One row per rater (in key order: 1 adopts the first): label and note."""
    table = Table(box=None, expand=True, show_edge=False, pad_edge=False, padding=(0, 1))
    table.add_column("#", style="bold cyan", no_wrap=True, width=1)
    table.add_column("annotator", no_wrap=True, max_width=14, overflow="ellipsis")
    # One line per category and per subcategory, cut with an ellipsis:
    # at 80 columns wrapped names would push the code off the screen.
    table.add_column("label", ratio=3, no_wrap=True, overflow="ellipsis")
    table.add_column("note", ratio=2, overflow="fold")
    for n, name in enumerate(raters, start=1):
        label = labels[name]
        table.add_row(
            Text(str(n) if n < 10 else " "),
            Text(visible(name), style="bold"),
            label_text(taxonomy, label, split=True),
            note_text(label),
        )
    return table
