"""The reference/generated diff ignores comments and docstrings (libcst)."""

from __future__ import annotations

from annotator.suggest.codediff import code_diff, strip_noise

GENERATED = '''import torch
# helper comment

def scale(x, factor=2):
    """Scale x."""
    # multiply
    return x * factor  # done
'''
REFERENCE = '''def scale(x, factor=2):
    """Multiply x by factor (the original docstring)."""
    return x * factor
'''


def test_strip_noise_removes_comments_and_docstrings_only() -> None:
    assert (
        strip_noise(GENERATED) == "import torch\n\ndef scale(x, factor=2):\n    return x * factor\n"
    )


def test_diff_shows_only_real_changes() -> None:
    diff = code_diff(GENERATED, REFERENCE)
    changed = [line for line in diff if line[:1] in "+-" and not line.startswith(("+++", "---"))]
    assert changed == ["+import torch", "+"]
    raw = code_diff(GENERATED, REFERENCE, ignore_noise=False)
    assert any("Multiply x by factor" in line for line in raw)


def test_unparseable_code_is_diffed_as_written() -> None:
    broken = "def scale(x:\n    return x  # keep\n"
    assert strip_noise(broken) == broken
    assert "+    return x  # keep" in code_diff(broken, REFERENCE)


def test_markup_and_escapes_pass_through_as_text() -> None:
    code = "x = '[bold red]hi[/bold red]\\x1b[31m'\n"
    assert strip_noise(code) == code
