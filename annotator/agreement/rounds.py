"""Initial versus negotiated agreement, overall and per round.

Contract: :func:`negotiation_blocks` adds to an agreement report (see
``annotator.agreement``) the statistics of :func:`~annotator.agreement.blocks.stats_block`
computed on the raters' *initial* labels (each label's first decided value, from
the label history: what they answered before any discussion) beside the main
block, which is always on the current labels (after negotiation, the final
figure). Per round (migration m008) both are computed on the round's samples:
``{"initial": block, "rounds": [{"round", "name", "size", "initial": block,
"negotiated": block}]}``. With ``no_pass`` every block drops the items where
anyone said pass, as the main one does. Same statistics, same bootstrap
(fixed seed) as the main block.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..store import Store
from .blocks import stats_block
from .ratings import ac1_categories, load_ratings, without_pass


def block(
    store: Store,
    names: Sequence[str],
    level: str,
    *,
    no_pass: bool,
    n_boot: int,
    initial: bool,
    sample_ids: Sequence[str] | None = None,
) -> dict[str, Any]:
    """The main statistics on initial (or current) labels, of ``sample_ids`` when given."""
    patterns = load_ratings(store, names, level, initial=initial, sample_ids=sample_ids).patterns
    if no_pass:
        patterns = without_pass(patterns)[0]
    cats = ac1_categories(store.taxonomy, level, include_pass=not no_pass)
    return stats_block(patterns, names, level, cats, n_boot)


def negotiation_blocks(
    store: Store,
    names: Sequence[str],
    level: str,
    *,
    no_pass: bool,
    n_boot: int,
    round_id: int | None = None,
) -> dict[str, Any]:
    """``initial`` (on ``round_id``'s samples when given) and the per-round breakdown."""
    only = store.round_sample_ids(round_id) if round_id is not None else None
    kw: dict[str, Any] = {"no_pass": no_pass, "n_boot": n_boot}
    out: dict[str, Any] = {
        "initial": block(store, names, level, initial=True, sample_ids=only, **kw)
    }
    per_round = []
    for found in store.rounds():
        if round_id is not None and found.id != round_id:
            continue
        ids = store.round_sample_ids(found.id)
        per_round.append(
            {
                "round": found.id,
                "name": found.name,
                "size": found.size,
                "initial": block(store, names, level, initial=True, sample_ids=ids, **kw),
                "negotiated": block(store, names, level, initial=False, sample_ids=ids, **kw),
            }
        )
    out["rounds"] = per_round
    return out
