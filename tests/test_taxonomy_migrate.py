"""`annotator taxonomy migrate`: each kind of change, merges of two categories of one
label, splits back in the queue, dry runs, idempotence, rollback and history restores."""

from __future__ import annotations

import copy
import sqlite3
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from annotator.cli import cli
from annotator.migrate import TO_CONFIRM
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

OLD: dict[str, Any] = {
    "name": "T",
    "version": "1.0",
    "categories": [
        {
            "id": 1,
            "name": "Deviates",
            "subcategories": [
                {"name": "Shape", "dl_specific": True},
                {"name": "Other", "dl_specific": False},
            ],
        },
        {"id": 2, "name": "Syntax", "subcategories": [{"name": "Other", "dl_specific": False}]},
        {"id": 3, "name": "Redundant", "subcategories": [{"name": "Other", "dl_specific": False}]},
        {
            "id": 4,
            "name": "Extra features",
            "subcategories": [{"name": "Other", "dl_specific": False}],
        },
        {
            "id": 5,
            "name": "Attributes",
            "subcategories": [
                {"name": "Wrong import", "dl_specific": True},
                {"name": "API", "dl_specific": True},
            ],
        },
        {"id": 6, "name": "Undefined", "subcategories": [{"name": "Modules", "dl_specific": True}]},
    ],
}


def _cat(data: dict[str, Any], cid: int) -> dict[str, Any]:
    return next(c for c in data["categories"] if c["id"] == cid)


def new_version(**changes: Any) -> dict[str, Any]:
    data = copy.deepcopy(OLD)
    data["version"] = "1.1"
    data["changes"] = {"from": "1.0", **changes}
    return data


def write(path: Path, data: dict[str, Any]) -> Path:
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")
    return path


@pytest.fixture
def study(tmp_path: Path) -> tuple[Path, Path]:
    tax = write(tmp_path / "old.yaml", OLD)
    db = tmp_path / "m.db"
    with Store.open(db, load_taxonomy(tax)) as store:
        for i in range(1, 7):
            store.upsert_sample(SampleIn(id=f"s{i}", test_output="E   x", passed=False))
        labels = {
            ("s1", "ann"): LabelValue(
                kind="bug",
                category=3,
                subcategory="Other",
                note="n1",
                category2=4,
                subcategory2="Other",
                note2="n2",
            ),
            ("s2", "ann"): LabelValue(kind="bug", category=4, subcategory="Other"),
            ("s3", "ann"): LabelValue(kind="bug", category=1, subcategory="Shape"),
            ("s3", "bob"): LabelValue(kind="bug", category=5, subcategory="Wrong import"),
            ("s4", "bob"): LabelValue(kind="bug", category=5, subcategory="API"),
            ("s5", "bob"): LabelValue(kind="pass"),
            ("s6", "final"): LabelValue(kind="bug", category=2, subcategory="Other"),
        }
        for (sid, who), value in labels.items():
            store.set_label(sid, who, value)
    return tax, db


def run(study: tuple[Path, Path], new: Path, *extra: str) -> Any:
    tax, db = study
    return CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(tax), "taxonomy", "migrate", str(new), *extra]
    )


def labels(db: Path, tax: Path | None = None) -> dict[tuple[str, str], tuple[Any, ...]]:
    with Store.open(db, load_taxonomy(tax) if tax else None) as store:
        return {
            (lab.sample_id, lab.annotator): (
                lab.category,
                lab.subcategory,
                lab.category2,
                lab.note,
                lab.flag,
                lab.taxonomy_version,
            )
            for lab in store.labels()
        }


def dump(db: Path) -> list[str]:
    conn = sqlite3.connect(db)
    try:
        return list(conn.iterdump())
    finally:
        conn.close()


def merged_file(tmp_path: Path) -> Path:
    data = new_version(merged=[{"from": [3, 4], "to": 4}])
    data["categories"] = [c for c in data["categories"] if c["id"] != 3]
    return write(tmp_path / "new.yaml", data)


def test_merge_rewrites_labels_and_one_label_using_both_keeps_one_category(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    new = merged_file(tmp_path)
    result = run(study, new)
    assert result.exit_code == 0, result.output
    assert "3/Other -> 4/Other: 1" in result.output
    after = labels(study[1], new)
    # s1 named 3 and 4: now one category 4 with both notes.
    assert after[("s1", "ann")] == (4, "Other", None, "n1 | n2", None, "1.1")
    assert after[("s2", "ann")] == (4, "Other", None, "", None, "1.1")
    # Untouched labels follow the version, codes unchanged.
    assert after[("s4", "bob")][:2] == (5, "API") and after[("s4", "bob")][-1] == "1.1"
    # The merged-away code is an alias of its target for old spreadsheets.
    assert load_taxonomy(new).resolve_code("3") == (4, None)


def test_dry_run_prints_counts_and_writes_nothing(study: tuple[Path, Path], tmp_path: Path) -> None:
    before = dump(study[1])
    result = run(study, merged_file(tmp_path), "--dry-run")
    assert result.exit_code == 0, result.output
    assert (
        "Would migrate T 1.0 -> 1.1: labels rewritten: 1, unchanged: 6, already at 1.1: 0, to confirm: 0."
        in result.output
    )
    assert "  3/Other -> 4/Other: 1\n" in result.output
    assert "  4/Other -> 4/Other" not in result.output
    assert dump(study[1]) == before


def test_running_twice_changes_nothing_the_second_time(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    new = merged_file(tmp_path)
    assert run(study, new).exit_code == 0
    once = dump(study[1])
    again = run(study, new)
    assert again.exit_code == 0, again.output
    assert "labels rewritten: 0, unchanged: 0, already at 1.1: 7" in again.output
    assert dump(study[1]) == once


def test_history_restores_the_old_label(study: tuple[Path, Path], tmp_path: Path) -> None:
    tax, db = study
    assert run(study, merged_file(tmp_path)).exit_code == 0
    with Store.open(db, load_taxonomy(tax)) as store:
        history = store.history("s1", "ann")
        before = next(h for h in reversed(history) if h.taxonomy_version == "1.0")
        assert (before.category, before.category2) == (3, 4)
        store.restore_label("s1", "ann", before.id)
        label = store.label("s1", "ann")
        assert label is not None
        assert (label.category, label.category2, label.note2, label.taxonomy_version) == (
            3,
            4,
            "n2",
            "1.0",
        )


def test_split_puts_labels_back_to_confirm_for_their_annotator(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    data = new_version(split=[{"from": 1, "to": [1, 7]}], added=[])
    data["categories"].append(
        {
            "id": 7,
            "name": "Shape deviation",
            "subcategories": [{"name": "Shape", "dl_specific": True}],
        }
    )
    new = write(tmp_path / "new.yaml", data)
    result = run(study, new)
    assert result.exit_code == 0, result.output
    assert "to confirm: 1." in result.output
    after = labels(study[1], new)
    assert after[("s3", "ann")][:2] == (1, "Shape") and after[("s3", "ann")][4] == TO_CONFIRM
    with Store.open(study[1], load_taxonomy(new)) as store:
        from annotator.store import SampleFilter

        flagged = store.queue("ann", SampleFilter(status="flagged"))
        assert [r.id for r in flagged] == ["s3"]
        assert store.queue("bob", SampleFilter(status="flagged")) == []
        # Back in the queue: before the annotator's labeled samples.
        assert store.queue("ann")[0].id == "s3"


def test_moved_and_renamed_subcategories(study: tuple[Path, Path], tmp_path: Path) -> None:
    data = new_version(
        moved=[{"subcategory": "Wrong import", "from": 5, "to": 6, "as": "Wrong import"}],
        renamed=[
            {"category": 1, "subcategory": "Shape", "to": "Shape and dimension"},
            {"category": 2, "to": "Missing syntax"},
        ],
    )
    _cat(data, 5)["subcategories"] = [{"name": "API", "dl_specific": True}]
    _cat(data, 6)["subcategories"].append({"name": "Wrong import", "dl_specific": True})
    _cat(data, 1)["subcategories"][0]["name"] = "Shape and dimension"
    _cat(data, 2)["name"] = "Missing syntax"
    new = write(tmp_path / "new.yaml", data)
    result = run(study, new)
    assert result.exit_code == 0, result.output
    after = labels(study[1], new)
    assert after[("s3", "bob")][:2] == (6, "Wrong import")
    assert after[("s3", "ann")][:2] == (1, "Shape and dimension")
    assert after[("s6", "final")][:2] == (2, "Other")
    assert "5/Wrong import -> 6/Wrong import: 1" in result.output


def test_added_and_removed(study: tuple[Path, Path], tmp_path: Path) -> None:
    data = new_version(added=[8], removed=[{"category": 5, "subcategory": "API"}])
    data["categories"].append(
        {"id": 8, "name": "New", "subcategories": [{"name": "x", "dl_specific": False}]}
    )
    _cat(data, 5)["subcategories"] = [
        {"name": "Wrong import", "dl_specific": True},
        {"name": "Other", "dl_specific": False},
    ]
    new = write(tmp_path / "new.yaml", data)
    result = run(study, new)
    assert result.exit_code == 0, result.output
    after = labels(study[1], new)
    assert after[("s4", "bob")][:2] == (5, None) and after[("s4", "bob")][4] == TO_CONFIRM


def test_removing_a_category_in_use_is_refused(study: tuple[Path, Path], tmp_path: Path) -> None:
    data = new_version(removed=[{"category": 3}])
    data["categories"] = [c for c in data["categories"] if c["id"] != 3]
    before = dump(study[1])
    result = run(study, write(tmp_path / "new.yaml", data))
    assert result.exit_code == 1
    assert "uses removed category 3" in result.output
    assert dump(study[1]) == before


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (lambda d: d.pop("changes"), "(changes): the new taxonomy has no changes section"),
        (
            lambda d: d["changes"].update({"from": "0.9"}),
            "(changes.from): the changes are from version 0.9",
        ),
        (
            lambda d: d.update({"version": "1.0"}),
            "(version): the new taxonomy must have a new version",
        ),
        (
            lambda d: d["categories"].pop(2),
            "(changes.from): category 3 is not in the new file: merge, split or remove it",
        ),
        (
            lambda d: d["categories"].append(
                {"id": 9, "name": "x", "subcategories": [{"name": "x", "dl_specific": False}]}
            ),
            "(changes.added): category 9 is new: list it under added",
        ),
        (
            lambda d: d["changes"].update({"merged": [{"from": [3, 42], "to": 4}]}),
            "(changes.merged[0].from): category 42 is not in version 1.0",
        ),
        (
            lambda d: _cat(d, 1)["subcategories"].pop(0),
            "subcategory 'Shape' of category 1 is not in the new file",
        ),
        (
            lambda d: d["changes"].update({"moved": [{"subcategory": "Nope", "from": 5, "to": 6}]}),
            "(changes.moved[0]): category 5 of version 1.0 has no 'Nope'",
        ),
        (lambda d: d["changes"].update({"splitt": []}), "(changes.splitt)"),
    ],
)
def test_a_bad_migration_file_changes_nothing(
    study: tuple[Path, Path], tmp_path: Path, edit: Any, message: str
) -> None:
    data = new_version()
    edit(data)
    before = dump(study[1])
    result = run(study, write(tmp_path / "new.yaml", data))
    assert result.exit_code == 1, result.output
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1
    assert dump(study[1]) == before


def test_a_failure_while_writing_rolls_everything_back(
    study: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import annotator.store.taxonomy_relabel as store_migrate

    def broken(store: Any, taxonomy: Any) -> None:
        raise sqlite3.OperationalError("disk I/O error")

    monkeypatch.setattr(store_migrate, "bind_taxonomy", broken)
    before = dump(study[1])
    result = run(study, merged_file(tmp_path))
    assert result.exit_code == 1
    assert "disk I/O error" in result.output
    assert dump(study[1]) == before


def test_agreement_reports_the_version_and_computes_on_labels_as_they_were(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    import json

    tax, db = study
    with Store.open(db, load_taxonomy(tax)) as store:
        # bob disagrees with ann on s1 (3 vs 4) and agrees on s2 (4).
        store.set_label("s1", "bob", LabelValue(kind="bug", category=4, subcategory="Other"))
        store.set_label("s2", "bob", LabelValue(kind="bug", category=4, subcategory="Other"))
    new = merged_file(tmp_path)
    assert run(study, new).exit_code == 0

    def agreement(*extra: str) -> dict[str, Any]:
        result = CliRunner().invoke(
            cli,
            [
                "--db",
                str(db),
                "--taxonomy",
                str(new),
                "agreement",
                "--annotators",
                "ann,bob",
                "--bootstrap",
                "0",
                "--json",
                *extra,
            ],
        )
        assert result.exit_code == 0, result.output
        report: dict[str, Any] = json.loads(result.stdout)
        return report

    now = agreement()
    assert now["taxonomy"]["version"] == "1.1" and now["taxonomy"]["label_versions"] == {"1.1": 9}
    # After the merge, 3 and 4 are one category: ann and bob agree on s1 and s2 (not s3).
    assert (now["pairs"][0]["n"], now["pairs"][0]["percent"]) == (3, pytest.approx(2 / 3))
    before = agreement("--taxonomy-version", "1.0")
    assert before["taxonomy"] == {
        "name": "T",
        "version": "1.0",
        "as_of_version": True,
        "label_versions": {"1.1": 9},
    }
    pair = before["pairs"][0]
    assert pair["n"] == 3 and pair["percent"] == pytest.approx(1 / 3)
    bad = CliRunner().invoke(
        cli, ["--db", str(db), "--taxonomy", str(new), "agreement", "--taxonomy-version", "0.1"]
    )
    assert bad.exit_code == 1 and "no labels were made under taxonomy version '0.1'" in bad.output


def test_old_subcategory_names_are_aliases_of_their_new_names() -> None:
    from annotator.taxonomy import parse_taxonomy

    data = new_version(
        renamed=[{"category": 1, "subcategory": "Shape", "to": "Shape and dimension"}]
    )
    _cat(data, 1)["subcategories"][0]["name"] = "Shape and dimension"
    tax = parse_taxonomy(data)
    assert tax.current_subcategory(1, "Shape") == "Shape and dimension"
    assert tax.current_subcategory(1, "Other") == "Other"
    assert tax.current_subcategory(2, "Shape") == "Shape"


def test_the_database_follows_the_new_version_only_after_the_migration(
    study: tuple[Path, Path], tmp_path: Path
) -> None:
    tax, db = study
    new = merged_file(tmp_path)

    def status(taxonomy: Path) -> Any:
        return CliRunner().invoke(cli, ["--db", str(db), "--taxonomy", str(taxonomy), "status"])

    refused = status(new)
    assert refused.exit_code == 1 and "annotator taxonomy migrate" in refused.output
    assert status(tax).exit_code == 0
    assert run(study, new, "--dry-run").exit_code == 0
    assert status(new).exit_code == 1  # a dry run binds nothing
    assert run(study, new).exit_code == 0
    assert status(new).exit_code == 0
    old = status(tax)
    assert old.exit_code == 1 and "T 1.1" in old.output


def test_nothing_needs_taxonomy_after_a_migration(study: tuple[Path, Path], tmp_path: Path) -> None:
    """Issue 22 item 6: after `taxonomy migrate` every command works without
    --taxonomy, and the old file is refused with the step that applies."""
    tax, db = study
    new = write(tmp_path / "new.yaml", new_version(merged=[{"from": [3, 4], "to": 4}]))

    def invoke(*args: str) -> Any:
        return CliRunner().invoke(cli, ["--db", str(db), *args])

    migrated = invoke("taxonomy", "migrate", str(new))  # the database keeps old.yaml
    assert migrated.exit_code == 0, migrated.output
    assert "later commands use it without --taxonomy" in migrated.output
    assert "Use --taxonomy" not in migrated.output
    for command in (
        ["status"],
        ["export", "counts"],
        ["export", "labels", "--format", "jsonl"],
        ["agreement", "--annotators", "ann,bob"],
        ["notes"],
    ):
        result = invoke(*command)
        assert result.exit_code == 0, (command, result.output)
    assert "version 1.1" in invoke("taxonomy").output
    again = invoke("taxonomy", "migrate", str(new))
    assert again.exit_code == 0 and "already at" in again.output, again.output
    refused = invoke("--taxonomy", str(tax), "status")
    assert refused.exit_code == 1
    assert "migrated from 1.0 to 1.1" in refused.output
    assert "leave out --taxonomy" in refused.output
    assert "annotator taxonomy migrate" not in refused.output
