"""mask_message, fingerprint and cluster."""

from __future__ import annotations

from annotator.failures.fingerprint import cluster, fingerprint
from annotator.failures.masking import mask_message
from annotator.failures.testoutput import parse_test_output


def _pytest(msg: str, func: str = "forward", line: int = 20) -> str:
    return (
        "=== test session starts ===\n=== FAILURES ===\n___ test_a ___\n"
        f"    def {func}(self, x):\n>       return self.fc(x)\nE       {msg}\n\n"
        f"pkg/temp.py:{line}: Error\n=== 1 failed in 0.1s ===\n"
    )


def test_mask_message() -> None:
    assert (
        mask_message("mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)")
        == "mat1 and mat2 shapes cannot be multiplied (<shape> and <shape>)"
    )
    assert mask_message("module 'torch' has no attribute 'foo'") == (
        "module <q> has no attribute <q>"
    )
    assert mask_message("object at 0x7f3a2b1c has 3 items") == "object at <hex> has <n> items"
    assert mask_message("No such file: /tmp/a/b.py") == "No such file: <path>"
    assert mask_message("expected torch.Size([2, 3]) got (4, 5)") == (
        "expected <shape> got <shape>"
    )
    assert mask_message("value 1e-05 vs -2.5") == "value <n> vs <n>"
    assert mask_message("x" * 10_000).startswith("xxx")


def test_identical_failures_fingerprint_alike() -> None:
    a = parse_test_output(_pytest("RuntimeError: size mismatch (64x512 and 256x10)"))
    b = parse_test_output(_pytest("RuntimeError: size mismatch (8x3 and 5x1)", line=99))
    assert (
        fingerprint(a)
        == fingerprint(b)
        == "RuntimeError: size mismatch (<shape> and <shape>) @ forward"
    )
    c = parse_test_output(_pytest("ValueError: size mismatch (8x3 and 5x1)"))
    assert fingerprint(c) != fingerprint(a)
    assert fingerprint(parse_test_output("")) == ""


def test_cluster_groups_identical_and_near_identical() -> None:
    items = [
        (1, "RuntimeError: size mismatch (<shape> and <shape>) @ forward"),
        (2, "TypeError: unsupported operand type(s) for -: <q> and <q> @ loss"),
        (3, "RuntimeError: size mismatch (<shape> and <shape>) @ forward"),
        (4, "RuntimeError: size mismatch (<shape> and <shape>) @ forward_"),
        (5, "NameError: name <q> is not defined @ forward"),
        (6, ""),
        (7, ""),
    ]
    clusters = cluster(items, threshold=90)
    by_member = {m: c.representative for c in clusters for m in c.members}
    assert by_member[1] == by_member[3] == by_member[4]
    assert by_member[2] != by_member[1]
    assert by_member[5] != by_member[1]
    assert by_member[6] == by_member[7] == ""
    assert clusters[0].members == [1, 3, 4]
    assert sum(len(c.members) for c in clusters) == len(items)


def test_cluster_threshold_100_is_exact() -> None:
    items = [("a", "X: one"), ("b", "X: one"), ("c", "X: onf")]
    assert [c.members for c in cluster(items, threshold=100)] == [["a", "b"], ["c"]]


def test_cluster_many_items_keeps_every_member() -> None:
    # Its time is benchmarks/guards.py's.
    items = [(i, f"Error{i % 40}: message {i % 40}") for i in range(50_000)]
    clusters = cluster(items)
    assert sum(len(c.members) for c in clusters) == 50_000
