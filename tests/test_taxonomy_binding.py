"""The taxonomy is bound to its database: recorded once, refused when it changes silently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_export_fixture import MINI_TAXONOMY, build

from annotator.cli import cli
from annotator.errors import UserError
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

ROOT = Path(__file__).resolve().parents[1]
JSONL = '{"id": "x1", "generated_code": "x = 1", "test_output": "E   ValueError: shape mismatch", "passed": false}\n'


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def imported(tmp_path: Path, *taxonomy: str) -> Path:
    db = tmp_path / "a.db"
    source = tmp_path / "s.jsonl"
    source.write_text(JSONL, encoding="utf-8")
    result = run("--db", str(db), *taxonomy, "import", "jsonl", str(source))
    assert result.exit_code == 0, result.output
    return db


def newer_dleval(tmp_path: Path, change: str = "") -> Path:
    text = (ROOT / "taxonomy.yaml").read_text(encoding="utf-8")
    if change:
        text = text.replace("name: Performance issues", f"name: {change}")
    else:
        text = text.replace('version: "1.0"', 'version: "1.1"')
    path = tmp_path / ("edited.yaml" if change else "v11.yaml")
    path.write_text(text, encoding="utf-8")
    return path


def test_first_import_records_the_taxonomy(tmp_path: Path) -> None:
    db = imported(tmp_path)
    with Store.open(db) as store:
        binding = store.taxonomy_binding()
    assert binding is not None
    assert (binding.name, binding.version) == ("DLEval", "1.0")
    assert len(binding.content_hash) == 64


def test_first_label_records_the_taxonomy(tmp_path: Path) -> None:
    with Store.open(tmp_path / "b.db") as store:
        store.upsert_sample(SampleIn(id="x", generated_code="", test_output=""))
        # upsert_sample alone is no import of a study: nothing bound yet
        store.set_label("x", "alice", LabelValue(kind="pass"))
        binding = store.taxonomy_binding()
    assert binding is not None and binding.name == "DLEval"


def test_another_taxonomy_is_refused_naming_both(tmp_path: Path) -> None:
    db = imported(tmp_path)
    mini = tmp_path / "mini.yaml"
    mini.write_text(MINI_TAXONOMY, encoding="utf-8")
    for command in (
        ["status"],
        ["export", "counts"],
        ["import", "jsonl", str(tmp_path / "s.jsonl")],
    ):
        result = run("--db", str(db), "--taxonomy", str(mini), *command)
        assert result.exit_code == 1, (command, result.output)
        line = result.output.strip()
        assert "\n" not in line and "Traceback" not in line
        assert "bound to taxonomy DLEval 1.0" in line and "Mini 0.1" in line


def test_a_database_made_with_a_group_taxonomy_keeps_it(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    assert run("--db", str(db), "--taxonomy", str(tax), "status").exit_code == 0
    result = run("--db", str(db), "status")  # no --taxonomy: the database's own
    assert result.exit_code == 0, result.output
    tree = run("--db", str(db), "taxonomy")
    assert "Mini taxonomy, version 0.1" in tree.output
    bundled = str(ROOT / "taxonomy.yaml")
    result = run("--db", str(db), "--taxonomy", bundled, "status")  # not the study's
    assert result.exit_code == 1 and "bound to taxonomy Mini 0.1" in result.output
    assert "leave out --taxonomy" in result.output


def test_a_newer_version_only_through_an_explicit_migration(tmp_path: Path) -> None:
    db = imported(tmp_path)
    v11 = newer_dleval(tmp_path)
    result = run("--db", str(db), "--taxonomy", str(v11), "status")
    assert result.exit_code == 1
    assert "DLEval 1.1" in result.output and "annotator taxonomy migrate" in result.output
    assert "leave out --taxonomy" in result.output  # or keep the database's own
    with Store.open(db, load_taxonomy(v11)) as store:
        with pytest.raises(UserError, match="another version"):
            store.check_taxonomy()
        old = store.rebind_taxonomy(load_taxonomy(v11))
        assert old is not None and old.version == "1.0"
        store.check_taxonomy()
    assert run("--db", str(db), "--taxonomy", str(v11), "status").exit_code == 0
    assert run("--db", str(db), "status").exit_code == 0  # the database keeps 1.1
    old = run("--db", str(db), "--taxonomy", str(ROOT / "taxonomy.yaml"), "status")
    assert old.exit_code == 1  # and now 1.0 is the other one


def test_edited_content_under_the_same_version_is_refused(tmp_path: Path) -> None:
    db = imported(tmp_path)
    edited = newer_dleval(tmp_path, change="Slow code")
    result = run("--db", str(db), "--taxonomy", str(edited), "status")
    assert result.exit_code == 1 and "differs in content" in result.output


def test_a_label_is_not_written_under_another_taxonomy(tmp_path: Path) -> None:
    db = imported(tmp_path)
    mini = tmp_path / "mini.yaml"
    mini.write_text(MINI_TAXONOMY, encoding="utf-8")
    with Store.open(db, load_taxonomy(mini)) as store:
        with pytest.raises(UserError, match="bound to taxonomy DLEval"):
            store.set_label("x1", "alice", LabelValue(kind="pass"))
        assert store.label("x1", "alice") is None


def test_exports_name_categories_only_in_the_labels_own_version(tmp_path: Path) -> None:
    db = imported(tmp_path)
    with Store.open(db) as store:
        store.set_label(
            "x1", "alice", LabelValue(kind="bug", category=13, subcategory="DL performance issue")
        )
    v11 = newer_dleval(tmp_path)
    with Store.open(db, load_taxonomy(v11)) as store:
        store.rebind_taxonomy(load_taxonomy(v11))
        store.set_label(
            "x1", "bob", LabelValue(kind="bug", category=13, subcategory="DL performance issue")
        )
    result = run("--db", str(db), "--taxonomy", str(v11), "export", "labels", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = {r["annotator"]: r for r in map(json.loads, result.output.splitlines())}
    assert rows["alice"]["taxonomy_version"] == "1.0" and rows["alice"]["category_name"] is None
    assert rows["bob"]["taxonomy_version"] == "1.1"
    assert rows["bob"]["category_name"] == "Performance issues"


def test_suggest_with_a_group_taxonomy_skips_rules_it_cannot_use(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    result = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "suggest", "--json", "s1"]
    )
    assert result.exit_code == 0, result.output + result.stderr
    doc = json.loads(result.stdout.splitlines()[0])
    assert doc["sample"] == "s1" and doc["rules_skipped"] > 0
    assert "rules skipped" in result.stderr
    assert all(s["category"] in (1, 2, 3) for s in doc["suggestions"])


def test_label_accepts_rules_like_evaluate(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.suggest import engine
    from annotator.tui.app import AnnotatorApp

    given: list[str | None] = []
    monkeypatch.setattr(
        AnnotatorApp,
        "run",
        lambda self: given.append(rules.version if (rules := self.session.view.rules) else None),
    )
    db = imported(tmp_path)
    rules = tmp_path / "mine.yaml"
    rules.write_text(
        "version: 'mine-1'\nrules:\n  - id: shape\n    when: [msg:shape]\n    category: 6\n"
        "    weight: 2\n    examples: {fire: [{error: 'ValueError: shape mismatch'}]}\n",
        encoding="utf-8",
    )
    result = run("--db", str(db), "label", "--annotator", "a", "--rules", str(rules))
    assert result.exit_code == 0, result.output
    # The table reaches the labeling view as an argument, not through process state:
    # the file's default engine keeps the taxonomy's table.
    assert given == ["mine-1"]
    with Store.open(db) as store:
        assert engine.engine_for(store).rules.version != "mine-1"
    engine._ENGINES.clear()


def test_merge_refuses_a_database_bound_to_another_taxonomy(tmp_path: Path) -> None:
    tax, study = build(tmp_path)  # bound to Mini 0.1
    mine = imported(tmp_path)  # bound to DLEval 1.0
    result = run("--db", str(mine), "merge", str(study))
    assert result.exit_code == 1
    assert "bound to taxonomy Mini 0.1" in result.output and "DLEval 1.0" in result.output
    team = tmp_path / "team.db"
    result = run("--db", str(team), "--taxonomy", str(tax), "merge", str(study))
    assert result.exit_code == 0, result.output
    with Store.open(team, load_taxonomy(tax)) as store:
        binding = store.taxonomy_binding()
    assert binding is not None and binding.name == "Mini"


def test_the_database_keeps_its_taxonomy_yaml(tmp_path: Path) -> None:
    """Issue 22 item 6: the YAML itself, not only its hash, is in the database."""
    tax, db = build(tmp_path)
    with Store.open(db) as store:  # no taxonomy given: the database's own
        assert store.taxonomy == load_taxonomy(tax)
        assert store.stored_taxonomy() == load_taxonomy(tax)


def test_a_database_bound_before_the_yaml_was_kept_gets_it_on_its_next_write(
    tmp_path: Path,
) -> None:
    from rawsql import tamper

    db = imported(tmp_path)
    with Store.open(db) as store:
        with tamper(store):
            tamper(store).execute("UPDATE taxonomy_binding SET yaml = NULL")
    with Store.open(db) as store:
        assert store.stored_taxonomy() is None
        assert store.taxonomy == load_taxonomy()  # the bundled one, as before
        store.set_label("x1", "alice", LabelValue(kind="pass"))
        assert store.stored_taxonomy() == load_taxonomy()
    assert run("--db", str(db), "status").exit_code == 0
