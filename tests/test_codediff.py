"""The reference/generated diff ignores comments and docstrings (libcst)."""

from __future__ import annotations

from annotator.codeview.codediff import code_diff, strip_noise

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


def test_the_diff_tab_shows_the_noise_free_diff(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from annotator.models import SampleIn
    from annotator.store import Store
    from annotator.tui.sample_data import load_view

    reference = "def f(x):\n    return x * 2\n"
    commented = 'def f(x):\n    """Double x."""\n    # twice\n    return x * 2  # done\n'
    with Store.open(tmp_path / "d.db") as store:
        store.upsert_sample(SampleIn(id="same", generated_code=commented, reference_code=reference))
        store.upsert_sample(
            SampleIn(id="changed", generated_code=commented.replace("* 2", "* 3"),
                     reference_code=reference)
        )  # fmt: skip
        same, changed = load_view(store, "same"), load_view(store, "changed")
    assert same is not None and changed is not None
    assert [t.plain for t in same.diff] == ["(no differences but comments and docstrings)"]
    lines = [t.plain for t in changed.diff]
    assert "-    return x * 2" in lines and "+    return x * 3" in lines
    assert not any("twice" in line or "Double" in line for line in lines)
