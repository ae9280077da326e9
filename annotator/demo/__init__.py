"""The bundled demo dataset: twelve failing and two passing LLM-generated DL samples.

Contract: :data:`DEMO_PATH` is a samples JSONL file (the ``jsonl`` import
format) shipped inside the package, so ``annotator import jsonl`` works on it
from an installed wheel. The samples were written for this project (not taken
from any benchmark): PyTorch, TensorFlow and NumPy functions and classes from
two models ("gpt-4o", "llama-3-70b"), each with a reference solution and a
verbose pytest run whose tracebacks point at the generated file (``temp.py``)
with real line numbers. Together they cover the taxonomy's common failures:
shape mismatches (two near-identical, for clustering), nonexistent attributes,
undefined names, a wrong constant, an empty-batch edge case, a dtype clash, a
wrong keyword argument, a syntax error at collection, a timeout, an added
feature, a redundant cast and the wrong framework. ``layer_norm_markup``
carries Rich markup and ANSI escapes in its prompt, code and test output, to
check that they are always shown literally. The file holds no labels.
"""

from __future__ import annotations

from pathlib import Path

DEMO_PATH: Path = Path(__file__).with_name("demo.jsonl")
"""The demo samples, one JSON object per line."""

MARKUP_SAMPLE_ID = "layer_norm_markup"
"""The sample whose text contains Rich markup and ANSI escape sequences."""

__all__ = ["DEMO_PATH", "MARKUP_SAMPLE_ID"]
