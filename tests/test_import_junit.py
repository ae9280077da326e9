"""The junit importer: pytest --junitxml output joined with a folder of generated code."""

from __future__ import annotations

import json
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from annotator.cli import cli
from annotator.errors import UserError
from annotator.importers import import_path
from annotator.store import Store

DATA = Path(__file__).parent / "data" / "junit"
XML = DATA / "results.xml"
CODE = DATA / "code"


def run(*args: str | Path) -> Result:
    return CliRunner().invoke(cli, [str(a) for a in args])


def count_samples(db: Path) -> int:
    with Store.open(db) as store:
        return len(store.sample_ids())


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "a.db")
    yield s
    s.close()


def test_imports_one_sample_per_code_file_with_pass_flags(store: Store) -> None:
    summary = import_path(store, "junit", XML, code_dir=CODE)
    assert summary.samples["new"] == 3
    assert sorted(store.sample_ids()) == ["conv_block", "layer_norm", "layer_norm_v2"]
    conv, norm, norm2 = (store.require_sample(i) for i in sorted(store.sample_ids()))
    assert conv.passed is False  # a failure
    assert norm.passed is True  # a pass and a skip
    assert norm2.passed is False  # an error at setup
    assert conv.generated_code == (CODE / "conv_block.py").read_text(encoding="utf-8")
    assert norm2.generated_code.startswith("import torch")  # read from layer_norm_v2.txt
    assert norm2.metadata["code_file"] == "layer_norm_v2.txt"
    assert conv.metadata["junit"] == {
        "tests": 3,
        "failed": 1,
        "passed": 2,
        "skipped": 0,
        "errors": 0,
    }


def test_test_output_reads_like_verbose_pytest(store: Store) -> None:
    import_path(store, "junit", XML, code_dir=CODE)
    out = store.require_sample("conv_block").test_output
    lines = out.splitlines()
    assert "tests/test_conv_block.py::test_output_shape PASSED" in lines
    assert "tests/test_conv_block.py::test_forward_keeps_spatial_size[4-16] FAILED" in lines
    assert "tests/test_misc.py::test_seed_is_fixed PASSED" in lines
    failures = lines.index(next(line for line in lines if " FAILURES " in line))
    body = "\n".join(lines[failures:])
    assert "_ test_forward_keeps_spatial_size[4-16] _" in body
    assert ">       y = head(block(x))" in body  # the traceback (XML &gt; unescaped)
    assert "tests/test_conv_block.py:20: " in body
    assert "E   RuntimeError: mat1 and mat2 shapes cannot be multiplied (64x512 and 256x10)" in body
    assert "Captured stderr call" in body and "CUDA not available" in body
    assert (
        "FAILED tests/test_conv_block.py::test_forward_keeps_spatial_size[4-16] - RuntimeError:"
        in body
    )
    assert lines[-1].startswith("=") and " 1 failed, 2 passed in 0.08s " in lines[-1]


def test_errors_and_skips_are_rendered(store: Store) -> None:
    import_path(store, "junit", XML, code_dir=CODE)
    norm = store.require_sample("layer_norm").test_output
    assert "tests/test_layer_norm.py::test_half_precision_on_gpu SKIPPED" in norm
    assert "SKIPPED [1] tests/test_layer_norm.py:22: CUDA is not available" in norm
    assert "FAILURES" not in norm and " 1 passed, 1 skipped in 0.01s " in norm
    norm2 = store.require_sample("layer_norm_v2").test_output
    assert "tests/test_layer_norm_v2.py::test_affine_parameters ERROR" in norm2
    assert "ERROR at setup of test_affine_parameters" in norm2
    assert "E       TypeError: layer_norm_v2() missing 2 required positional" in norm2
    # pytest's 'failed on setup with "..."' wrapper is unwrapped in the summary
    assert "ERROR tests/test_layer_norm_v2.py::test_affine_parameters - TypeError:" in norm2
    assert " 1 passed, 1 error in 0.01s " in norm2


def test_longest_id_wins_and_property_takes_precedence(store: Store) -> None:
    import_path(store, "junit", XML, code_dir=CODE)
    norm = store.require_sample("layer_norm").test_output
    norm2 = store.require_sample("layer_norm_v2").test_output
    # 'layer_norm' occurs in tests.test_layer_norm_v2 too, but 'layer_norm_v2' is longer
    assert "test_layer_norm_v2" not in norm
    assert "test_zero_variance_row PASSED" in norm2
    # test_misc names no sample: its <property name="sample"> assigns it
    assert (
        "tests/test_misc.py::test_seed_is_fixed PASSED"
        in store.require_sample("conv_block").test_output
    )


def test_unmatched_testcases_are_reported_as_skipped(store: Store) -> None:
    summary = import_path(store, "junit", XML, code_dir=CODE)
    assert len(summary.skipped) == 1
    assert summary.skipped[0].startswith(
        "tests/test_dropout.py::test_dropout_scaling: no code file"
    )
    assert summary.warnings == []


def test_reimport_changes_nothing(store: Store) -> None:
    import_path(store, "junit", XML, code_dir=CODE)
    before = {i: store.require_sample(i).updated_at for i in store.sample_ids()}
    summary = import_path(store, "junit", XML, code_dir=CODE)
    assert dict(summary.samples) == {"unchanged": 3}
    assert {i: store.require_sample(i).updated_at for i in store.sample_ids()} == before


def test_code_file_without_testcase_is_imported_with_a_warning(
    store: Store, tmp_path: Path
) -> None:
    code = tmp_path / "code"
    shutil.copytree(CODE, code)
    (code / "orphan.py").write_text("def orphan():\n    return 1\n", encoding="utf-8")
    (code / "notes.md").write_text("not code", encoding="utf-8")  # ignored: not .py/.txt
    summary = import_path(store, "junit", XML, code_dir=code)
    assert summary.samples["new"] == 4
    orphan = store.require_sample("orphan")
    assert orphan.passed is None and orphan.test_output == ""
    assert len(summary.warnings) == 1 and summary.warnings[0].startswith("orphan: no testcase")


def test_sample_property_naming_no_code_file_is_skipped(store: Store, tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<testsuite name="pytest"><testcase classname="tests.test_layer_norm" name="t">'
        '<properties><property name="sample" value="ghost"/></properties>'
        "</testcase></testsuite>",
        encoding="utf-8",
    )
    summary = import_path(store, "junit", xml, code_dir=CODE)
    # the property wins over the 'layer_norm' in the classname, and names nothing
    assert summary.skipped == [
        f"tests/test_layer_norm.py::t: property sample='ghost' names no code file in {CODE}"
    ]
    assert store.require_sample("layer_norm").passed is None


def test_xunit2_classname_with_a_test_class(store: Store, tmp_path: Path) -> None:
    xml = tmp_path / "r.xml"
    xml.write_text(
        '<testsuites><testsuite name="pytest" tests="1">'
        '<testcase classname="tests.test_layer_norm.TestShapes" name="test_3d" time="1.5">'
        '<failure message="assert (2, 3) == (2, 4)">assert (2, 3) == (2, 4)</failure>'
        "</testcase></testsuite></testsuites>",
        encoding="utf-8",
    )
    import_path(store, "junit", xml, code_dir=CODE)
    out = store.require_sample("layer_norm").test_output
    assert "tests/test_layer_norm.py::TestShapes::test_3d FAILED" in out
    assert "assert (2, 3) == (2, 4)" in out
    assert " 1 failed in 1.50s " in out


def test_cli_imports_and_prints_the_summary(tmp_path: Path) -> None:
    db = tmp_path / "cli.db"
    result = run("--db", db, "import", "junit", XML, "--code", CODE)
    assert result.exit_code == 0, result.output
    assert "3 new, 0 updated, 0 unchanged samples" in result.output
    assert "Skipped (1):" in result.output
    again = run("--db", db, "import", "junit", XML, "--code", CODE, "--json")
    assert again.exit_code == 0, again.output
    assert json.loads(again.output)["samples"] == {"new": 0, "updated": 0, "unchanged": 3}
    assert count_samples(db) == 3


def test_cli_without_code_names_the_option(tmp_path: Path) -> None:
    result = run("--db", tmp_path / "x.db", "import", "junit", XML)
    assert result.exit_code == 1
    assert "Error:" in result.output and "--code" in result.output
    assert "Traceback" not in result.output


def test_malformed_xml_names_file_and_line_and_changes_nothing(tmp_path: Path) -> None:
    db = tmp_path / "m.db"
    assert run("--db", db, "import", "junit", XML, "--code", CODE).exit_code == 0
    before = count_samples(db)
    bad = tmp_path / "bad.xml"
    bad.write_text(
        '<?xml version="1.0"?>\n<testsuites>\n  <testsuite name="pytest">\n'
        '    <testcase classname="tests.test_orphan" name="t">\n  </testsuite>\n</testsuites>\n',
        encoding="utf-8",
    )
    code = tmp_path / "code"
    shutil.copytree(CODE, code)
    (code / "orphan.py").write_text("x = 1\n", encoding="utf-8")
    result = run("--db", db, "import", "junit", bad, "--code", code)
    assert result.exit_code == 1
    assert f"Error: {bad}:5: malformed XML: mismatched tag" in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert count_samples(db) == before


@pytest.mark.parametrize("encoding", ["utf-8", "utf-16"])
def test_doctype_and_entities_are_refused(tmp_path: Path, encoding: str) -> None:
    bomb = tmp_path / "bomb.xml"
    bomb.write_text(
        f'<?xml version="1.0" encoding="{encoding}"?>\n'
        '<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;">]>\n'
        '<testsuite><testcase classname="conv_block" name="&lol2;"/></testsuite>\n',
        encoding=encoding,
    )
    db = tmp_path / "b.db"
    result = run("--db", db, "import", "junit", bomb, "--code", CODE)
    assert result.exit_code == 1
    assert f"Error: {bomb}: refusing XML with <!DOCTYPE>" in result.output
    assert count_samples(db) == 0


def test_entity_without_doctype_is_refused(store: Store, tmp_path: Path) -> None:
    xml = tmp_path / "e.xml"
    xml.write_text('<testsuite><!ENTITY x "y"></testsuite>', encoding="utf-8")
    with pytest.raises(UserError, match="refusing XML with <!ENTITY>"):
        import_path(store, "junit", xml, code_dir=CODE)


def test_non_utf8_code_file_is_named_and_nothing_is_stored(tmp_path: Path) -> None:
    code = tmp_path / "code"
    shutil.copytree(CODE, code)
    (code / "zz_latin.py").write_bytes(b"# caf\xe9\nx = 1\n")
    db = tmp_path / "u.db"
    result = run("--db", db, "import", "junit", XML, "--code", code)
    assert result.exit_code == 1
    assert f"{code / 'zz_latin.py'}: not UTF-8 (byte 5)" in result.output
    assert count_samples(db) == 0  # the three good samples were rolled back


def test_bad_layouts_are_user_errors(store: Store, tmp_path: Path) -> None:
    code = tmp_path / "code"
    code.mkdir()
    with pytest.raises(UserError, match=r"no \.py/\.txt code files \(--code\)"):
        import_path(store, "junit", XML, code_dir=code)
    (code / "a.py").write_text("", encoding="utf-8")
    (code / "a.txt").write_text("", encoding="utf-8")
    with pytest.raises(UserError, match="two code files for sample 'a': a.py and a.txt"):
        import_path(store, "junit", XML, code_dir=code)
    with pytest.raises(UserError, match=r"not a folder \(--code\)"):
        import_path(store, "junit", XML, code_dir=tmp_path / "missing")
    html = tmp_path / "r.xml"
    html.write_text("<html><body/></html>", encoding="utf-8")
    with pytest.raises(
        UserError, match="expected a <testsuites> or <testsuite> root, found <html>"
    ):
        import_path(store, "junit", html, code_dir=CODE)
    bad_time = tmp_path / "t.xml"
    bad_time.write_text('<testsuite><testcase name="t" time="soon"/></testsuite>', encoding="utf-8")
    with pytest.raises(UserError, match="testcase #1 't'.*field 'time'"):
        import_path(store, "junit", bad_time, code_dir=CODE)


def test_suggester_and_error_panel_read_junit_from_its_models(store: Store) -> None:
    """The results come from the JUnit models kept with the sample, not from
    re-parsing the pytest-like text written for people."""
    from annotator.models import SampleIn
    from annotator.suggest.engine import Engine
    from annotator.tui.sample_data import load_view

    import_path(store, "junit", XML, code_dir=CODE)
    conv = store.require_sample("conv_block")
    # Blank the human-readable text: the failure must still be found.
    store.upsert_sample(
        SampleIn(
            id=conv.id,
            generated_code=conv.generated_code,
            test_output="",
            passed=conv.passed,
            metadata=conv.metadata,
        )
    )
    view = load_view(store, "conv_block")
    assert view is not None
    assert view.failure.exception == "RuntimeError"
    assert "mat1 and mat2 shapes cannot be multiplied" in view.failure.message
    facts = Engine(store).suggest("conv_block", 3)
    assert facts and facts[0].category in (6, 10)  # a shape error in a call
    norm2 = load_view(store, "layer_norm_v2")
    assert norm2 is not None and norm2.failure.exception == "TypeError"
