"""Planning a taxonomy migration: which labels change, and into what.

Contract: :func:`plan_migration` takes the taxonomy the labels were made
under (``old``), the new taxonomy with its ``changes`` section (see
:mod:`annotator.taxonomy_changes`) and the stored labels, and returns a
:class:`~annotator.taxonomy_changes.MigrationPlan` without writing anything. It first checks the changes
against both taxonomies (every old category and subcategory that is gone is
accounted for, every new one is announced, every reference exists) and then
maps every label made under ``changes.from``; any problem raises one
:class:`~annotator.errors.UserError` naming the file and the YAML path (or
the label). Labels already at the new version are left alone, so running a
migration twice changes nothing the second time. When both categories of a
label map to the same category, the second is dropped and its note kept.
Labels of a split category, or that lost a removed subcategory, get the flag
:data:`TO_CONFIRM`.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import TYPE_CHECKING

from .errors import UserError
from .taxonomy import Taxonomy

if TYPE_CHECKING:
    from .models import Label
    from .taxonomy_changes import Changes, MigrationPlan

TO_CONFIRM = "to confirm"
"""The flag of labels an annotator should look at again after a migration."""


def _slot(category: int, sub: str | None) -> str:
    return f"{category}/{sub}" if sub else str(category)


class _Checker:
    """Static checks of a changes section against the old and new taxonomy."""

    def __init__(self, old: Taxonomy, new: Taxonomy, changes: Changes, source: str) -> None:
        self.old, self.new, self.changes, self.source = old, new, changes, source

    def fail(self, where: str, reason: str) -> None:
        raise UserError(reason, file=self.source, where=f"changes.{where}")

    def old_sub(self, where: str, category: int, sub: str | None) -> None:
        if not self.old.has(category):
            self.fail(where, f"category {category} is not in version {self.old.version}")
        if sub is not None and self.old.category(category).subcategory(sub) is None:
            self.fail(where, f"category {category} of version {self.old.version} has no '{sub}'")

    def new_sub(self, where: str, category: int, sub: str | None) -> None:
        if not self.new.has(category):
            self.fail(where, f"category {category} is not in version {self.new.version}")
        if sub is not None and self.new.category(category).subcategory(sub) is None:
            self.fail(where, f"category {category} of version {self.new.version} has no '{sub}'")

    def run(self) -> None:
        c, old, new = self.changes, self.old, self.new
        for i, r in enumerate(c.renamed):
            where = f"renamed[{i}]"
            self.old_sub(where, r.category, r.subcategory)
            if r.subcategory is None:
                self.new_sub(where, r.category, None)
                if new.category(r.category).name != r.to:
                    self.fail(where, f"category {r.category} is not named '{r.to}' in the new file")
            else:
                self.new_sub(where, r.category, r.to)
        for i, m in enumerate(c.merged):
            for old_id in m.from_:
                self.old_sub(f"merged[{i}].from", old_id, None)
            self.new_sub(f"merged[{i}].to", m.to, m.subcategory)
        for i, s in enumerate(c.split):
            self.old_sub(f"split[{i}].from", s.from_, None)
            for target in s.to:
                self.new_sub(f"split[{i}].to", target, None)
        for i, mv in enumerate(c.moved):
            self.old_sub(f"moved[{i}]", mv.from_, mv.subcategory)
            self.new_sub(f"moved[{i}]", mv.to, mv.as_ or mv.subcategory)
        for i, added in enumerate(c.added):
            if old.has(added):
                self.fail(f"added[{i}]", f"category {added} is already in version {old.version}")
            self.new_sub(f"added[{i}]", added, None)
        for i, rm in enumerate(c.removed):
            self.old_sub(f"removed[{i}]", rm.category, rm.subcategory)
        self.coverage()

    def coverage(self) -> None:
        c, old, new = self.changes, self.old, self.new
        merged_away = {i for m in c.merged for i in m.from_ if i != m.to}
        split_away = {s.from_ for s in c.split if s.from_ not in s.to}
        removed = {r.category for r in c.removed if r.subcategory is None}
        for cat in old.categories:
            if not new.has(cat.id) and cat.id not in merged_away | split_away | removed:
                self.fail(
                    "from", f"category {cat.id} is not in the new file: merge, split or remove it"
                )
        announced = set(c.added) | {t for s in c.split for t in s.to}
        announced |= {m.to for m in c.merged}
        for cat in new.categories:
            if not old.has(cat.id) and cat.id not in announced:
                self.fail("added", f"category {cat.id} is new: list it under added")
        handled = {(r.category, r.subcategory) for r in c.renamed}
        handled |= {(m.from_, m.subcategory) for m in c.moved}
        handled |= {(r.category, r.subcategory) for r in c.removed}
        for cat in old.categories:
            if not new.has(cat.id) or cat.id in merged_away | split_away:
                continue
            for sub in cat.subcategories:
                gone = new.category(cat.id).subcategory(sub.name) is None
                if gone and (cat.id, sub.name) not in handled:
                    self.fail(
                        "from",
                        f"subcategory '{sub.name}' of category {cat.id} is not in the new file:"
                        " rename, move or remove it",
                    )


class _Mapper:
    def __init__(self, new: Taxonomy, changes: Changes) -> None:
        self.new, self.c = new, changes

    def __call__(self, category: int, sub: str | None) -> tuple[int, str | None, bool]:
        """The new (category, subcategory) of one label slot, and whether to confirm it."""
        confirm = False
        for mv in self.c.moved:
            if (category, sub) == (mv.from_, mv.subcategory):
                return mv.to, mv.as_ or sub, False
        for r in self.c.renamed:
            if r.subcategory is not None and (category, sub) == (r.category, r.subcategory):
                sub = r.to
        for rm in self.c.removed:
            if rm.subcategory is not None and (category, sub) == (rm.category, rm.subcategory):
                sub, confirm = None, True
        for m in self.c.merged:
            if category in m.from_:
                category, sub = m.to, m.subcategory or sub
        for s in self.c.split:
            if category == s.from_:
                category = s.from_ if s.from_ in s.to else s.to[0]
                confirm = True
        if self.new.has(category) and sub is not None:
            target = self.new.category(category)
            if target.subcategory(sub) is None:
                # A merge or split into a category without that subcategory.
                sub, confirm = None, True
        if (
            self.new.has(category)
            and sub is None
            and len(self.new.category(category).subcategories) == 1
        ):
            sub = self.new.category(category).subcategories[0].name
        return category, sub, confirm


def check_changes(old: Taxonomy, new: Taxonomy, source: str) -> Changes:
    """The validated changes section of ``new`` (raises UserError otherwise)."""
    changes = new.changes
    if changes is None:
        raise UserError("the new taxonomy has no changes section", file=source, where="changes")
    if changes.from_ != old.version:
        raise UserError(
            f"the changes are from version {changes.from_}, but the current taxonomy is"
            f" {old.version} (give the old file with --taxonomy)",
            file=source,
            where="changes.from",
        )
    if new.version == old.version:
        raise UserError(
            f"the new taxonomy must have a new version (both are {new.version})",
            file=source,
            where="version",
        )
    if new.name != old.name:
        raise UserError(
            f"a migration keeps the taxonomy's name ('{old.name}', not '{new.name}')",
            file=source,
            where="name",
        )
    _Checker(old, new, changes, source).run()
    return changes


def plan_migration(
    old: Taxonomy, new: Taxonomy, labels: Iterable[Label], source: str = "<taxonomy>"
) -> MigrationPlan:
    """Check the changes and map every label made under the old version."""
    # Loaded here: the labeling session imports this module (TO_CONFIRM) and must not
    # load pydantic (the changes' models) before the labeling UI's first frame.
    from .store.labels import validate_label
    from .taxonomy_changes import MigrationPlan, Rewrite

    changes = check_changes(old, new, source)
    mapper = _Mapper(new, changes)
    plan = MigrationPlan(old.version, new.version)
    removed = {r.category for r in changes.removed if r.subcategory is None}
    stray: Counter[str] = Counter()
    for label in labels:
        if label.taxonomy_version == new.version:
            plan.already += 1
            continue
        if label.taxonomy_version != old.version:
            stray[label.taxonomy_version] += 1
            continue
        value = label.value()
        update: dict[str, object] = {}
        confirm = False
        for cat_key, sub_key in (("category", "subcategory"), ("category2", "subcategory2")):
            category = getattr(value, cat_key)
            if category is None:
                continue
            if category in removed:
                raise UserError(
                    f"label of {label.sample_id} by {label.annotator} uses removed category"
                    f" {category}: merge it into another category instead",
                    file=source,
                    where="changes.removed",
                )
            sub = getattr(value, sub_key)
            new_cat, new_sub, again = mapper(category, sub)
            confirm |= again
            if (new_cat, new_sub) != (category, sub) or again:
                update[cat_key], update[sub_key] = new_cat, new_sub
                mark = " (to confirm)" if again else ""
                plan.moves[(_slot(category, sub), _slot(new_cat, new_sub) + mark)] += 1
        if not update:
            plan.unchanged += 1
            continue
        merged = value.model_copy(update=update)
        if merged.category2 is not None and merged.category2 == merged.category:
            # Both categories became one: one category, both notes.
            note = " | ".join(n for n in (merged.note, merged.note2) if n)
            merged = merged.model_copy(
                update={"category2": None, "subcategory2": None, "note": note, "note2": ""}
            )
        if confirm:
            merged = merged.model_copy(update={"flag": TO_CONFIRM})
        try:
            validate_label(merged, new)
        except UserError as exc:
            raise UserError(
                f"label of {label.sample_id} by {label.annotator}: {exc.reason}", file=source
            ) from None
        plan.rewrites.append(Rewrite(label, merged, confirm))
    if stray:
        listing = ", ".join(f"{n} at {v}" for v, n in sorted(stray.items()))
        raise UserError(
            f"labels made under other versions ({listing}) cannot follow changes from"
            f" {old.version}",
            file=source,
        )
    return plan
