"""Short display names for sample ids in narrow lists.

Contract: :func:`common_prefix` finds the prefix shared by all given ids, cut
back to a separator (``_ - . / :`` or a space), so ``processed_a1`` and
``processed_b2`` share ``processed_``; :func:`short_name` drops it and, when
the rest is still wider than the column, keeps the head and the tail with a
``…`` between them (ids usually differ at their end: a number, a variant),
so that the names in one column stay apart. Nothing here depends on any one
data set; full ids are shown elsewhere (meta line, tooltip). Nothing here
imports Textual.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable

from rich.cells import cell_len

_SEPARATORS = "_-./: "
_TAIL = re.compile(r"[\W_]*\w*$")


def common_prefix(ids: Iterable[str]) -> str:
    """The longest prefix of all ``ids`` that ends with a separator ('' if none)."""
    ids = list(ids)
    if len(ids) < 2:
        return ""
    prefix = os.path.commonprefix(ids)
    cut = max(prefix.rfind(sep) for sep in _SEPARATORS) + 1
    prefix = prefix[:cut]
    # Never leave a name empty.
    return "" if any(len(i) <= len(prefix) for i in ids) else prefix


def short_name(sample_id: str, width: int, prefix: str = "") -> str:
    """``sample_id`` without ``prefix``, cut in the middle to ``width`` cells."""
    name = sample_id[len(prefix) :] if prefix and sample_id.startswith(prefix) else sample_id
    if width <= 0 or cell_len(name) <= width:
        return name
    if width < 5:
        return name[: max(1, width - 1)] + "…"
    # The tail keeps the last word (the distinguishing number or variant),
    # up to half the width; the head takes the rest.
    tail_len = min(len(_TAIL.search(name).group()), (width - 1) // 2)  # type: ignore[union-attr]
    tail_len = max(tail_len, (width - 1) // 3)
    head_len = width - 1 - tail_len
    return f"{name[:head_len]}…{name[len(name) - tail_len :]}"
