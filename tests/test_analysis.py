"""analyze_code / did_you_mean on small snippets and on every DL-Bench file."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.suggest.analysis import analyze_code
from annotator.suggest.names import did_you_mean

DLBENCH = Path(__file__).resolve().parents[2] / "shared" / "dlbench"

REFERENCE = """\
import torch
import torch.nn.functional as F


def normalize(x: torch.Tensor, dim: int = 1, eps: float = 1e-12) -> torch.Tensor:
    return x / x.norm(dim=dim, keepdim=True).clamp_min(eps)
"""

GENERATED = """\
import numpy as np
import torch


def _helper(v):
    return v


class Extra:
    pass


def normalize(x: torch.Tensor, eps: float = 1e-6, dim: int = 0, scale=2.5):
    assert isinstance(x, torch.Tensor)
    if x.dim() != 2:
        raise ValueError("bad")
    y = torch.tensor(x)
    y = y.float().float()
    z = torch.zeros(3, dtype=torch.float32).float()
    out = []
    for i in range(x.shape[0]):
        out.append(x[i].sum().item())
    for row in range(len(y)):
        y[row] = y[row] * 2
    w = float(float(eps))
    return torch.tensor(out) / nrm(x) + -3
"""


def test_code_that_does_not_parse() -> None:
    facts = analyze_code("def f(:\n    return 1\n")
    assert facts.syntax_error is not None
    assert facts.syntax_error.line == 1
    assert facts.functions == [] and facts.undefined_names == []
    assert analyze_code("x = 1\n\x00").syntax_error is not None
    assert analyze_code("(" * 10000).syntax_error is not None


def test_indented_method_body_is_not_a_syntax_error() -> None:
    facts = analyze_code("    def forward(self, x):\n        return x\n")
    assert facts.syntax_error is None
    assert [f.name for f in facts.functions] == ["forward"]


def test_undefined_names_respect_scopes() -> None:
    code = """\
import torch

class A:
    k = 3
    def m(self):
        return k + torch.ones(1) + to_pil_image1(self)

def f(a, *args, b=1, **kw):
    g = [j for j in range(a)]
    lam = lambda q: q + a
    try:
        pass
    except ValueError as e:
        print(e)
    return g, lam, args, kw, b, later, np.zeros(1)

later = 1
"""
    facts = analyze_code(code)
    assert [(u.code, u.line) for u in facts.undefined_names] == [
        ("k", 6),
        ("to_pil_image1", 6),
        ("np", 15),
    ]


@pytest.mark.parametrize(
    "body",
    [
        "    return sum(ops) < 0\n",  # a HumanEval completion: the def line is the prompt's
        "total = 0\nfor op in ops:\n    total += op\n    if total < 0:\n        return True\n",
        "    for op in ops:\n        yield op\n",
    ],
)
def test_a_function_body_claims_no_undefined_name(body: str) -> None:
    facts = analyze_code(body)
    assert facts.syntax_error is None
    assert facts.undefined_names == []  # 'ops' is the parameter of the prompt's def


def test_code_with_its_def_still_names_undefined_names() -> None:
    facts = analyze_code("def below_zero(values):\n    return sum(ops) < 0\n")
    assert [u.code for u in facts.undefined_names] == ["ops"]
    top_level = analyze_code("x = ops[0]\nprint(x)\n")  # no return: a script, not a body
    assert [u.code for u in top_level.undefined_names] == ["ops"]


def test_frameworks_and_imports() -> None:
    code = "import tensorflow as tf\nfrom PIL import Image\nimport cv2, os\nfrom .x import y\n"
    facts = analyze_code(code)
    assert facts.frameworks == ["PIL", "cv2", "tensorflow"]
    assert facts.imports == ["PIL", "cv2", "os", "tensorflow"]
    assert {"tf", "Image", "cv2", "os", "y"} <= set(facts.names())


def test_reference_comparison() -> None:
    facts = analyze_code(GENERATED, REFERENCE, function="normalize")
    diff = facts.reference
    assert diff is not None and diff.signature is not None
    sig = diff.signature
    assert sig.differs
    assert sig.extra == ["scale"] and sig.missing == []
    assert sig.order_changed
    assert ("dim", "1", "0") in sig.default_changes
    assert ("eps", "1e-12", "1e-06") in sig.default_changes
    assert diff.frameworks_only_generated == ["numpy"]
    assert diff.frameworks_only_reference == []
    assert "-3" in diff.constants_only_generated and "2.5" in diff.constants_only_generated
    assert "1e-12" in diff.constants_only_reference
    assert diff.added_functions == ["_helper"]
    assert diff.added_classes == ["Extra"]
    kinds = sorted({c.kind for c in diff.redundant_checks})
    assert kinds == ["assert", "isinstance", "raise"]


def test_signature_same_when_identical() -> None:
    facts = analyze_code(REFERENCE, REFERENCE, function="normalize")
    assert facts.reference is not None and facts.reference.signature is not None
    assert not facts.reference.signature.differs
    assert facts.reference.constants_only_generated == []
    assert facts.reference.redundant_checks == []


def test_missing_target_function() -> None:
    facts = analyze_code("def other():\n    pass\n", REFERENCE, function="normalize")
    assert facts.reference is not None and facts.reference.signature is not None
    assert facts.reference.signature.missing_function


def test_redundant_casts() -> None:
    facts = analyze_code(GENERATED)
    details = {(c.line, c.detail) for c in facts.redundant_casts}
    assert (17, "torch.tensor() of existing tensor 'x'") in details
    assert (18, ".float() applied twice") in details
    assert (19, ".float() on a tensor created with dtype=float32") in details
    assert (25, "float() of float()") in details
    assert all(c.line != 26 for c in facts.redundant_casts)  # torch.tensor(list) is fine


def test_loops_over_tensors() -> None:
    facts = analyze_code(GENERATED)
    loops = {f.line: f.detail for f in facts.tensor_loops}
    assert set(loops) == {21, 23}
    assert "range over a tensor dimension" in loops[21] and ".item()" in loops[21]
    assert "range(len(y))" in loops[23]
    plain = analyze_code("def f(xs):\n    for i in range(len(xs)):\n        print(xs[i])\n")
    assert plain.tensor_loops == []


def test_did_you_mean() -> None:
    hits = did_you_mean("nms1", ["nms", "batched_nms", "box_iou", "nms1"])
    assert hits[0][0] == "nms" and hits[0][1] > 80
    assert all(name != "nms1" for name, _ in hits)
    assert did_you_mean("zzzz", ["torch", "numpy"]) == []
    assert did_you_mean("Tensor", ["tensor"])[0][0] == "tensor"


def test_every_dlbench_file_analyzes() -> None:
    if not (DLBENCH / "Generated").is_dir():
        pytest.skip("DL-Bench data not available")
    count = refs = 0
    bad_refs: list[str] = []
    for gen in sorted((DLBENCH / "Generated").glob("*.py")):
        ref_path = DLBENCH / "Original" / gen.name
        ref = ref_path.read_text(errors="replace") if ref_path.exists() else None
        facts = analyze_code(gen.read_text(errors="replace"), ref)
        assert facts.syntax_error is None or not facts.syntax_error.message.startswith(
            "analysis failed"
        ), gen.name
        if ref is not None:
            refs += 1
            # References are real project code; a few DL-Bench ones are
            # placeholders such as 'Some partial errors'.
            if analyze_code(ref).syntax_error is not None:
                bad_refs.append(ref_path.name)
        count += 1
    print(f"references that do not parse: {bad_refs}")
    assert count >= 200
    assert len(bad_refs) <= 0.05 * refs
