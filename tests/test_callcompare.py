"""The failing statement's call against the reference's call of the same name."""

from __future__ import annotations

import pytest

from annotator.suggest.callcompare import compare_calls
from annotator.suggest.features import sample_facts

HEAD = "import torch\n\ndef join(a, b):\n"
EXAMPLES = [
    (
        "    return torch.cat([a, b], dim=0)\n",
        "    return torch.cat([a, b], dim=1)\n",
        ("code:call_differs", "line 4: reference calls torch.cat(..., dim=1), generated dim=0"),
    ),
    (
        "    return a.sum(0)\n",
        "    return a.sum(1) + b\n",
        ("code:call_differs", "line 4: reference calls a.sum with argument 1 = 1, generated 0"),
    ),
    (
        "    return torch.stack([a, b])\n",
        "    return torch.cat([a, b])\n",
        ("code:call_not_in_reference", "line 4: the reference does not call torch.stack"),
    ),
    (
        "    return np.concatenate([a, b], axis=0)\n",
        "    return torch.concatenate([a, b], axis=0)\n",
        (
            "code:call_differs",
            "line 4: reference calls torch.concatenate(...), generated np.concatenate(...)",
        ),
    ),
]


@pytest.mark.parametrize(("generated", "reference", "expected"), EXAMPLES)
def test_the_difference_is_stated(
    generated: str, reference: str, expected: tuple[str, str]
) -> None:
    assert compare_calls(HEAD + generated, HEAD + reference, 4) == expected


def test_same_call_unparsable_code_or_no_line_give_nothing() -> None:
    same = HEAD + "    return torch.cat([a, b], dim=1)\n"
    assert compare_calls(same, same, 4) is None
    assert compare_calls(same, "def (", 4) is None
    assert compare_calls(same, same, None) is None
    assert compare_calls(same, "", 4) is None


def test_the_fact_reaches_the_evidence_from_the_primary_line() -> None:
    generated = HEAD + "    return torch.cat([a, b], dim=0)\n"
    reference = HEAD + "    return torch.cat([a, b], dim=1)\n"
    output = (
        "Traceback (most recent call last):\n"
        '  File "/tmp/generated.py", line 4, in join\n'
        "    return torch.cat([a, b], dim=0)\n"
        "RuntimeError: Sizes of tensors must match except in dimension 0\n"
    )
    facts = sample_facts(generated, reference, output, "join")
    assert facts.flags["code:call_differs"].endswith("torch.cat(..., dim=1), generated dim=0")
