"""Issue 23 items 10, 11 and 14: bounded work and one line instead of a traceback.

Real files through the real CLI. The times and memory of the big cases are
measured in benchmarks/hostile.py (H23_CASES); here only what is refused and
what is kept.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clirun import one_line_error, run

from annotator.models import SampleIn
from annotator.store import Store


def test_a_nul_in_a_harness_task_id_is_one_line(tmp_path: Path) -> None:
    results = tmp_path / "r.jsonl"
    results.write_text('{"task_id": "a\\u0000b", "status": "fail"}\n')
    one_line_error(
        run(tmp_path / "x.db", "import", "dlbench-harness", str(results)),
        "r.jsonl:1 field 'task_id'",
        "NUL",
    )


def test_harness_attempts_are_capped_and_the_statuses_copied_only_when_few(
    tmp_path: Path,
) -> None:
    from annotator.importers.harness_models import MAX_ATTEMPTS

    results = tmp_path / "r.jsonl"
    line = {"task_id": "T/1", "status": "fail", "statuses": ["fail"] * (MAX_ATTEMPTS + 1)}
    results.write_text(json.dumps(line) + "\n")
    one_line_error(
        run(tmp_path / "x.db", "import", "dlbench-harness", str(results)),
        "r.jsonl:1 field 'statuses'",
    )
    line["statuses"] = ["fail"] * 150
    results.write_text(json.dumps(line) + "\n")
    assert run(tmp_path / "y.db", "import", "dlbench-harness", str(results)).exit_code == 0
    with Store.open(tmp_path / "y.db") as store:
        ids = store.sample_ids()
        assert len(ids) == 150
        sample = store.require_sample(ids[-1])
        assert sample.metadata["attempt"] == 150 and "statuses" not in sample.metadata


def _taxonomy(tmp_path: Path, ids: list[str]) -> Path:
    lines = ["name: T", "version: '1'", "categories:"]
    for i, cid in enumerate(ids):
        lines += [f"  - id: {cid}", f"    name: C{i}", "    subcategories:"]
        lines += [f"      - {{name: S{i}, dl_specific: false}}"]
    path = tmp_path / "t.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.mark.parametrize("command", ["taxonomy", "codebook", "migrate", "import"])
def test_a_5000_digit_category_id_is_one_line(tmp_path: Path, command: str) -> None:
    tax = str(_taxonomy(tmp_path, ["1", "9" * 5000]))
    db = tmp_path / "x.db"
    args = {
        "taxonomy": ["--taxonomy", tax, "taxonomy"],
        "codebook": ["--taxonomy", tax, "taxonomy", "--codebook", "--format", "latex"],
        "migrate": ["taxonomy", "migrate", tax, "--dry-run"],
        "import": ["--taxonomy", tax, "import", "jsonl", str(tmp_path / "s.jsonl")],
    }[command]
    (tmp_path / "s.jsonl").write_text('{"id": "n1"}\n')
    one_line_error(run(db, *args), "t.yaml", "more than 4300 digits")


def test_a_large_category_id_is_refused_by_its_bound(tmp_path: Path) -> None:
    tax = str(_taxonomy(tmp_path, ["1", "9" * 40]))
    one_line_error(run(tmp_path / "x.db", "--taxonomy", tax, "taxonomy"), "categories[1].id")


def test_a_taxonomy_over_the_caps_is_refused(tmp_path: Path) -> None:
    from annotator.taxonomy import MAX_CATEGORIES

    tax = str(_taxonomy(tmp_path, [str(i) for i in range(1, MAX_CATEGORIES + 2)]))
    one_line_error(run(tmp_path / "x.db", "--taxonomy", tax, "taxonomy"), "categories")
    big = tmp_path / "big.yaml"
    big.write_text("name: T\n" + "# padding\n" * 500_000)
    one_line_error(run(tmp_path / "x.db", "--taxonomy", str(big), "taxonomy"), "bytes")


def test_a_deeply_nested_keymap_is_one_line(tmp_path: Path) -> None:
    keys = tmp_path / "keys.toml"
    keys.write_text("x = " + "[" * 50_000 + "]" * 50_000 + "\n")
    db = tmp_path / "x.db"
    with Store.open(db) as store:
        store.upsert_sample(SampleIn(id="s", passed=False))
    one_line_error(
        run(db, "label", "--annotator", "me", "--keys", str(keys)), "keys.toml", "nested too deeply"
    )


def test_a_long_search_is_cut_to_a_bounded_query(tmp_path: Path) -> None:
    from annotator.store import SampleFilter
    from annotator.store.search import MAX_SEARCH_WORDS, fts_query

    assert fts_query("NEAR( " * 5000) == " ".join(['"NEAR"*'] * MAX_SEARCH_WORDS)
    long_text = "tensor view " * 4000  # 48 KB
    query = fts_query(long_text)
    assert query is not None and query.count('"*') == MAX_SEARCH_WORDS
    with Store.open(tmp_path / "x.db") as store:
        store.upsert_sample(SampleIn(id="s", generated_code="x.view(tensor)", passed=False))
        # The search still finds what its first words name.
        rows = store.queue("me", SampleFilter(text=long_text))
        assert [r.id for r in rows] == ["s"]
        assert "s" in store.search_matches("me", ["s"], long_text)


def test_bidi_controls_never_reach_a_latex_table(tmp_path: Path) -> None:
    data = tmp_path / "s.jsonl"
    data.write_text(
        json.dumps({"id": "b1", "passed": False, "model": "gpt\u202eevil", "stage": "st\u2066x"})
        + "\n"
    )
    db = tmp_path / "x.db"
    assert run(db, "import", "jsonl", str(data)).exit_code == 0
    for by in ("model", "stage"):
        out = tmp_path / f"{by}.tex"
        result = run(db, "export", "counts", "--by", by, "--format", "latex", "--out", str(out))
        assert result.exit_code == 0, result.output
        text = out.read_text(encoding="utf-8")
        assert "gptevil" in text or "stx" in text
        assert not any(c in text for c in "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def test_a_sample_id_with_a_newline_stays_on_its_queue_row(tmp_path: Path) -> None:
    from annotator.tui.widgets.sample_list import row_prompt

    with Store.open(tmp_path / "x.db") as store:
        store.upsert_sample(SampleIn(id="a\nb\tc", passed=False))
        (row,) = store.queue("me")
    text = row_prompt(row).plain
    assert "\n" not in text and "a\\nb\\tc" in text


def test_a_jsonl_line_over_the_cap_fails_before_it_is_read_whole(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.importers.jsonl as jsonl

    monkeypatch.setattr(jsonl, "MAX_LINE_BYTES", 1000)
    data = tmp_path / "s.jsonl"
    data.write_text('{"id": "a"}\n' + json.dumps({"id": "b", "test_output": "y" * 2000}) + "\n")
    one_line_error(
        run(tmp_path / "x.db", "import", "jsonl", str(data)), "s.jsonl:2", "more than 1,000 bytes"
    )


def test_a_junit_file_over_the_cap_is_refused_before_reading(tmp_path: Path) -> None:
    from annotator.importers.junit_xml import MAX_JUNIT_BYTES

    xml = tmp_path / "r.xml"
    with xml.open("wb") as f:
        f.write(b'<testsuite><testcase name="t"><failure message="')
        f.write(b"z" * MAX_JUNIT_BYTES)
        f.write(b'"/></testcase></testsuite>\n')
    (tmp_path / "code").mkdir()
    (tmp_path / "code" / "t.py").write_text("x = 1\n")
    args = ["import", "junit", str(xml), "--code", str(tmp_path / "code")]
    one_line_error(run(tmp_path / "x.db", *args), "r.xml", "larger than the")


def test_a_long_junit_message_is_cut_on_its_summary_line() -> None:
    from annotator.importers.junit_render import SUMMARY_CHARS, _first_line

    assert _first_line("\n\n  first line  \nsecond") == "first line"
    assert len(_first_line("x" * 100_000)) == SUMMARY_CHARS


def test_a_file_too_large_to_analyse_is_not_split_whole() -> None:
    from annotator.codeview.cstspan import MAX_FILE_CHARS, SourcePositions
    from annotator.tui.render import error_lines

    code = "x = 1\n" * 1_000_000  # 6 MB: 1M line strings would cost about 60 MB
    positions = SourcePositions(code)
    assert not positions.parsed
    assert len(positions.lines) <= MAX_FILE_CHARS // 6 + 2
    # The error panel's fallback takes the output's tail without splitting all of it.
    lines = error_lines([], "", "E   boom\n" * 1_000_000, limit=5)
    assert [t.plain for t in lines] == ["E   boom"] * 5
