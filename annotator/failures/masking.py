"""Error messages with their volatile parts masked, so that two runs of one bug read alike.

Contract: :func:`mask_message` replaces the volatile parts of an error message
(numbers, shapes, hex addresses, quoted identifiers, paths) with stable
placeholders. It is pure, total (any ``str`` in, ``str`` out) and linear in the
input length. Imports nothing of the project, so that both the output models
(:attr:`~.outputmodels.FailedTest.signature`) and the fingerprints
(:mod:`.fingerprint`) use it without an import circle.
"""

from __future__ import annotations

import re
from functools import lru_cache

__all__ = ["mask_message"]

# Messages can embed whole tensor reprs; masking beyond this adds nothing to
# the signature and would make fingerprints unbounded.
MAX_MESSAGE = 500

# Order matters: shapes and paths must be replaced before bare numbers eat
# their digits. Every pattern is linear (no nested quantifiers).
_HEX = re.compile(r"0x[0-9a-fA-F]+")
_PATH = re.compile(r"(?:[A-Za-z]:)?(?:[\w.\-~]*/)+[\w.\-]+")
_QUOTED = re.compile(r"'[^'\n]{0,200}'|\"[^\"\n]{0,200}\"|`[^`\n]{0,200}`")
_TORCH_SIZE = re.compile(r"torch\.Size\(\[[^\]\n]{0,200}\]\)")
_DIMS_X = re.compile(r"\b\d+(?:x\d+)+\b")
_TUPLE = re.compile(r"[(\[]\s*-?\d+(?:\s*,\s*-?\d*)*\s*,?\s*[)\]]")
_NUMBER = re.compile(r"(?<![\w.])[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?%?(?![\w])")
_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)  # parametrized tests repeat the same messages
def mask_message(msg: str) -> str:
    """Replace volatile details of ``msg`` with placeholders.

    >>> mask_message("mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)")
    'mat1 and mat2 shapes cannot be multiplied (<shape> and <shape>)'
    """
    text = msg[:MAX_MESSAGE]
    text = _HEX.sub("<hex>", text)
    text = _QUOTED.sub("<q>", text)
    text = _PATH.sub("<path>", text)
    text = _TORCH_SIZE.sub("<shape>", text)
    text = _DIMS_X.sub("<shape>", text)
    text = _TUPLE.sub("<shape>", text)
    text = _NUMBER.sub("<n>", text)
    return _SPACES.sub(" ", text).strip()
