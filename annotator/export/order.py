"""The order groups are shown in: the pipeline order for stages, the data's order otherwise.

Contract: :func:`order_groups(by, values, order=None)` returns ``values``
(distinct, in the order first seen in the data) reordered:

- with ``order`` (the user's ``--order a,b,c``): the named values first, in that
  order, then the others in their default order; a named value absent from the
  data is left out;
- else, for ``by == "stage"``: DL-Bench's pipeline order (:data:`PIPELINE`:
  pre/post processing, model construction, training, inference, evaluation),
  a value placed by the first pipeline step whose name it starts with, ignoring
  case, spaces and punctuation (so ``evaluation&metrics`` is evaluation);
  values of no step follow in data order;
- else: the data's order.

:func:`pipeline_rank` gives one value's step (``len(PIPELINE)`` for none).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence

PIPELINE = (
    "pre/post processing",
    "model construction",
    "training",
    "inference",
    "evaluation",
)
_NOISE = re.compile(r"[^a-z0-9]+")


def _norm(text: str) -> str:
    return _NOISE.sub("", text.lower())


_STEPS = [_norm(step) for step in PIPELINE]


def pipeline_rank(value: str) -> int:
    """The pipeline step of a stage name; ``len(PIPELINE)`` when it names none."""
    norm = _norm(value)
    for rank, step in enumerate(_STEPS):
        if norm.startswith(step):
            return rank
    return len(PIPELINE)


def parse_order(text: str | None) -> list[str] | None:
    """``--order a,b,c`` as a list (None when not given)."""
    if text is None:
        return None
    return [part.strip() for part in text.split(",") if part.strip()]


def order_groups(
    by: str | None, values: Iterable[str], order: Sequence[str] | None = None
) -> list[str]:
    """``values`` in the order they are shown (see the module docstring)."""
    seen = list(dict.fromkeys(values))
    if by == "stage":
        position = {v: i for i, v in enumerate(seen)}
        seen.sort(key=lambda v: (pipeline_rank(v), position[v]))
    if order:
        named = [v for v in dict.fromkeys(order) if v in seen]
        seen = named + [v for v in seen if v not in named]
    return seen
