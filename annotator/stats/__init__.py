"""Inter-annotator agreement statistics: pure, standard-library-only functions.

Every statistic returns a ``Stat`` whose ``value`` is ``None`` (with a ``reason``) when it is
undefined; nothing here raises on degenerate data or returns NaN. Formulas, edge-case policy and
test vectors: shared/research/agreement.md. Never imports the TUI.
"""

from ._core import Distance, Ratings, Stat, annotators_of, is_missing, item_values, sort_labels
from .agreement import fleiss_kappa_gwet, gwet_ac1, percent_agreement
from .alpha import (
    alpha_from_values,
    jaccard_distance,
    krippendorff_alpha,
    masi_distance,
    nominal_distance,
)
from .bootstrap import bootstrap_ci, effective_resamples, with_bootstrap_ci
from .kappa import (
    cohen_kappa,
    cohen_kappa_pair,
    confusion_matrix,
    fleiss_kappa,
    fleiss_kappa_counts,
    light_kappa,
    pairwise_kappa,
    per_category_kappa,
    scott_pi,
)
from .tables import (
    counts_table,
    pairs_from_table,
    ratings_from_columns,
    ratings_from_item_rows,
    ratings_from_observer_rows,
    ratings_from_pairs,
    ratings_from_table,
)

__all__ = [
    "Distance",
    "Ratings",
    "Stat",
    "alpha_from_values",
    "annotators_of",
    "bootstrap_ci",
    "cohen_kappa",
    "cohen_kappa_pair",
    "confusion_matrix",
    "counts_table",
    "effective_resamples",
    "fleiss_kappa",
    "fleiss_kappa_counts",
    "fleiss_kappa_gwet",
    "gwet_ac1",
    "is_missing",
    "item_values",
    "jaccard_distance",
    "krippendorff_alpha",
    "light_kappa",
    "masi_distance",
    "nominal_distance",
    "pairs_from_table",
    "pairwise_kappa",
    "per_category_kappa",
    "percent_agreement",
    "ratings_from_columns",
    "ratings_from_item_rows",
    "ratings_from_observer_rows",
    "ratings_from_pairs",
    "ratings_from_table",
    "scott_pi",
    "sort_labels",
    "with_bootstrap_ci",
]
