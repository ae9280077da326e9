"""Inter-annotator agreement over the database (core of ``annotator agreement``; no UI code).

Contract: :func:`agreement_report(store, annotators=None, level="category", no_pass=False,
n_boot=0)` reads the labels table with one query (label columns only, never sample texts), counts
identical per-sample rating rows (``ratings``) and computes every statistic over those counts
(``weighted``, the ``annotator.stats`` formulas; bootstrap intervals use ``annotator.stats`` on
the expanded ratings). It returns a JSON-ready dict::

    {"level", "annotators", "includes_adjudicated", "pass_included", "n_items", "n_rated", "n_dropped", "percent",
     "pairs": [{"a", "b", "n", "percent", "cohen_kappa", "ci"}], "fleiss_kappa",
     "krippendorff_alpha", "gwet_ac1", "light_kappa", "ci": {alpha name: [lo, hi] | null},
     "per_category": [{"category", "kappa", "n", "method"}],
     "confusion": {"a|b": {"labels", "matrix"}}, "undefined": {stat: reason},
     "without_pass": {same statistics, plus "n_pass_items"},
     "bootstrap": {"resamples", "seed", "level"},
     "by_suggestions": {"shown": {...}, "hidden": {...}, "n_mixed", "n_unknown"},  # optional
     "initial": {same statistics, on the initial labels},  # not with a taxonomy version
     "rounds": [{"round", "name", "size", "initial": {...}, "negotiated": {...}}],
     "round": R  # only with round_id=R: every block is on that round's samples
    }

plus ``alpha_masi`` / ``alpha_jaccard`` at level ``set``.

Choices:
- Default annotators are the raters: every annotator with at least one label except
  ``final`` and machine annotators (``llm:NAME``). ``final`` is derived from the raters'
  labels, so pooling it inflates agreement; it (or a machine) counts only when named in
  ``annotators``, and then ``includes_adjudicated`` is true and the output says so.
  Unknown names raise a ``UserError`` naming them.
- ``pass`` is a category of its own; ``skip`` and flag-only labels are missing ratings. The
  ``without_pass`` block drops every item where any selected annotator said pass; with
  ``no_pass=True`` the main block is that one too.
- Gwet's AC1 uses q = every taxonomy category (at level ``subcategory``: every subcategory plus
  ``<cat>/?`` per category), plus ``pass`` when pass is included.
- ``by_suggestions`` appears only when the raters' (non-``final``) labels record
  ``suggestions_shown`` both True and False. Items are grouped by the raters' labels only (the
  final label is made after seeing theirs): *shown* when every flagged rater label says True,
  *hidden* when all say False. Items with both (``n_mixed``) or with no flag at all
  (``n_unknown``) are left out and counted. Each group holds the main statistics computed on
  its items, final's ratings of those items included.
- The main block is on the current labels (negotiated, final); ``initial`` is on each
  label's initial value (its first decided state, kept in the label history), the
  independent answers before any discussion (``annotator.agreement.rounds``).
- Undefined statistics are ``null`` with their reason under ``undefined`` (keys: the
  statistic name, ``cohen_kappa:a|b`` for a pair, ``per_category:<category>``).
"""

from __future__ import annotations

from .blocks import jsonable, label_text, stats_block
from .ratings import (
    LEVELS,
    PASS,
    Loaded,
    default_annotators,
    default_raters,
    expand,
    load_ratings,
    resolve_annotators,
)
from .report import agreement_report
from .retest import Flip, SelfAgreement, retest_agreement

__all__ = [
    "LEVELS",
    "PASS",
    "Flip",
    "Loaded",
    "SelfAgreement",
    "agreement_report",
    "default_annotators",
    "default_raters",
    "expand",
    "jsonable",
    "label_text",
    "load_ratings",
    "resolve_annotators",
    "retest_agreement",
    "stats_block",
]
