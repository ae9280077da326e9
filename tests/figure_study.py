"""A study that stresses the figures: the bundled DLEval taxonomy (long names), five models
with long names, the five DL-Bench stages, raters and final labels over most categories (two
left at zero), labels without a subcategory. Built through the store API."""

from __future__ import annotations

import random
from pathlib import Path

from annotator.models import LabelValue, SampleIn
from annotator.store import Store

MODELS = [
    "gpt-4o-2024-08-06",
    "llama-3.1-70b-instruct",
    "deepseek-coder-v2-instruct",
    "claude-3-5-sonnet",
    "qwen2.5-coder-32b",
]
STAGES = [
    "evaluation&metrics",
    "training",
    "pre/post processing",
    "inference",
    "model construction",
]
ZERO = {2, 12}


def build_study(path: Path, models: int = len(MODELS), seed: int = 3) -> Path:
    rng = random.Random(seed)
    with Store.open(path) as store:
        taxonomy = store.taxonomy
        cats = [c for c in taxonomy.categories if c.id not in ZERO]
        with store.transaction():
            store.bind_taxonomy()
            for t in range(40):
                for model in MODELS[:models]:
                    for attempt in range(3):
                        store.import_sample(
                            SampleIn(
                                id=f"{model}/task{t}#{attempt}",
                                model=model,
                                stage=STAGES[t % len(STAGES)],
                                passed=rng.random() < 0.3 + 0.1 * MODELS.index(model),
                                metadata={"task_id": f"task{t}"},
                            )
                        )
        failing = store.sample_ids(failing_only=True)
        with store.transaction():
            for i, sid in enumerate(failing[:160]):
                truth = cats[i % len(cats)]
                for who in ("alice", "bob", "final"):
                    cat = truth if who == "final" or rng.random() < 0.7 else rng.choice(cats)
                    subs = [s.name for s in cat.subcategories]
                    sub = None if rng.random() < 0.25 else rng.choice(subs)
                    value = LabelValue(kind="bug", category=cat.id, subcategory=sub)
                    store.import_label(sid, who, value, source="import:test")
    return path
