"""The agreement report: every statistic of ``annotator.stats`` over one set of ratings.

Contract: :func:`agreement_report` returns a JSON-ready dict (see ``annotator.agreement`` for
the shape): the main block of :func:`~annotator.agreement.blocks.stats_block` on the current
labels, the same without the items where anyone said pass, the blocks by whether suggestions
were shown, and (without a taxonomy version) the initial-label block and the per-round
breakdown of :func:`annotator.agreement.rounds.negotiation_blocks`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..errors import UserError
from ..models import FINAL
from ..store import Store
from .blocks import CI_LEVEL, SEED, stats_block
from .ratings import ac1_categories, load_ratings, resolve_annotators, without_pass
from .rounds import negotiation_blocks


def agreement_report(
    store: Store,
    annotators: Sequence[str] | None = None,
    level: str = "category",
    no_pass: bool = False,
    n_boot: int = 0,
    taxonomy_version: str | None = None,
    round_id: int | None = None,
) -> dict[str, Any]:
    """The full report over the database (see the package docstring for its shape).

    With ``taxonomy_version``, on the labels as they were under that version
    (see :func:`~annotator.agreement.ratings.load_ratings`); with ``round_id``,
    on that round's samples only. Without a taxonomy version the report adds
    the initial-label block and the per-round breakdown
    (:func:`annotator.agreement.rounds.negotiation_blocks`).
    """
    if taxonomy_version is not None and taxonomy_version not in store.history_versions():
        have = ", ".join(sorted(store.history_versions())) or "none"
        raise UserError(
            f"no labels were made under taxonomy version {taxonomy_version!r} (found: {have})",
            field="taxonomy-version",
        )
    only = None
    if round_id is not None:
        if store.round(round_id) is None:
            have = ", ".join(str(r.id) for r in store.rounds()) or "none"
            raise UserError(f"no round {round_id} (rounds: {have})", field="round")
        only = store.round_sample_ids(round_id)
    names = resolve_annotators(store, annotators)
    loaded = load_ratings(store, names, level, taxonomy_version, sample_ids=only)
    patterns = loaded.patterns
    kept, n_pass = without_pass(patterns)
    without = stats_block(kept, names, level, ac1_categories(store.taxonomy, level, False), n_boot)
    without["n_pass_items"] = n_pass
    cats = ac1_categories(store.taxonomy, level, include_pass=not no_pass)
    main = dict(without) if no_pass else stats_block(patterns, names, level, cats, n_boot)
    report: dict[str, Any] = {
        "level": level,
        "taxonomy": {
            "name": store.taxonomy.name,
            "version": taxonomy_version or store.taxonomy.version,
            "as_of_version": taxonomy_version is not None,
            "label_versions": store.taxonomy_versions(),
        },
        "annotators": names,
        "includes_adjudicated": FINAL in names,
        "pass_included": not no_pass,
        **main,
        "without_pass": without,
        "bootstrap": {"resamples": n_boot, "seed": SEED, "level": CI_LEVEL},
    }
    if round_id is not None:
        report["round"] = round_id
    if taxonomy_version is None:
        report.update(
            negotiation_blocks(
                store, names, level, no_pass=no_pass, n_boot=n_boot, round_id=round_id
            )
        )
    if loaded.suggestions_vary:
        groups = {}
        for group in ("shown", "hidden"):
            part = loaded.groups[group]
            if no_pass:
                part = without_pass(part)[0]
            groups[group] = stats_block(part, names, level, cats, n_boot)
        mixed = loaded.groups["mixed"]
        unknown = loaded.groups["unknown"]
        if no_pass:
            mixed, unknown = without_pass(mixed)[0], without_pass(unknown)[0]
        report["by_suggestions"] = {
            **groups,
            "n_mixed": sum(mixed.values()),
            "n_unknown": sum(unknown.values()),
        }
    return report


__all__ = ["agreement_report"]
