"""One number everywhere: one fixture through every command, the views and the screens' titles.

Each count of the study (model-samples, tasks, failing, outcome unknown, to label; per
annotator labeled, decided, skipped) is defined once (the views of migration m006, read
by ``Store.status``). This walks one database through ``status`` (text and JSON),
``report``, the views as Datasette would read them, ``agreement`` and the titles of the
labeling and review screens, and asserts that they all print the same figures: a skip is
not a label anywhere, and an annotator without a label (a failed ``llm-label`` run, only
skips) appears nowhere.
"""

from __future__ import annotations

import json
import re
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue
from annotator.store import Store
from annotator.store.rows import share
from annotator.tui.app import AnnotatorApp
from annotator.tui.screens.label import LabelScreen
from annotator.tui.screens.review import ReviewScreen

from .conftest import settle, text_of

# (id, task, passed): two models ran t1 and t2, t3 twice (attempts); outcomes of all kinds.
SAMPLES = [
    ("m1/t1", "t1", False),
    ("m2/t1", "t1", False),
    ("m1/t2", "t2", True),
    ("m2/t2", "t2", False),
    ("m1/t3#1", "t3", None),
    ("m1/t3#2", "t3", False),
    ("m1/t4", "t4", True),
    ("m1/t5", "t5", None),
]
LABELS: dict[str, dict[str, LabelValue]] = {
    "alice": {
        "m1/t1": LabelValue(category=1),
        "m2/t1": LabelValue(kind="skip"),
        "m2/t2": LabelValue(kind="pass"),
        "m1/t3#1": LabelValue(kind="none", flag="problem"),
        "m1/t2": LabelValue(category=6),  # a label on a passing sample
    },
    "bob": {
        "m1/t1": LabelValue(category=1),
        "m2/t1": LabelValue(category=2, flag="?"),
        "m2/t2": LabelValue(category=6),
        "m1/t3#2": LabelValue(kind="skip"),
    },
    "final": {sid: LabelValue(category=1) for sid, _, passed in SAMPLES if passed is not True},
    "skipper": {"m1/t5": LabelValue(kind="skip")},
}


@pytest.fixture
def study(tmp_path: Path) -> Path:
    source = tmp_path / "samples.jsonl"
    source.write_text(
        "".join(
            json.dumps({"id": sid, "task_id": task, "passed": passed, "generated_code": "x = 1"})
            + "\n"
            for sid, task, passed in SAMPLES
        )
    )
    db = tmp_path / "study.db"
    imported = CliRunner().invoke(cli, ["--db", str(db), "import", "jsonl", str(source)])
    assert imported.exit_code == 0, imported.output
    with Store.open(db) as store:
        for who, labels in LABELS.items():
            for sid, value in labels.items():
                store.set_label(sid, who, value)
        # A failed llm-label run: the machine annotator is registered, with no label.
        store.register_machine("llm:broken", model="broken", endpoint="http://127.0.0.1:9")
    return db


def expected() -> tuple[dict[str, int], dict[str, dict[str, int]]]:
    """The figures, counted here from the fixture's own lists (not from the store)."""
    to_label = {sid for sid, _, passed in SAMPLES if passed is not True}
    people: dict[str, dict[str, int]] = {}
    for who, labels in LABELS.items():
        kept = {sid: v for sid, v in labels.items() if v.kind != "skip"}
        if not kept:
            continue
        people[who] = {
            "labeled": len(kept),
            "of_to_label": len(set(kept) & to_label),
            "decided": sum(v.kind in ("bug", "pass") for v in kept.values()),
            "skipped": sum(v.kind == "skip" for v in labels.values()),
        }
    totals = {
        "samples": len(SAMPLES),
        "tasks": len({task for _, task, _ in SAMPLES}),
        "failing": sum(passed is False for _, _, passed in SAMPLES),
        "outcome_unknown": sum(passed is None for _, _, passed in SAMPLES),
        "passing": sum(passed is True for _, _, passed in SAMPLES),
        "to_label": len(to_label),
    }
    return totals, people


def run(db: Path, *args: str) -> str:
    result = CliRunner().invoke(cli, ["--db", str(db), *args])
    assert result.exit_code == 0, result.output
    return result.output


async def test_every_command_and_screen_prints_the_same_figures(study: Path) -> None:
    want, people = expected()
    # The fixture has what the figures must tell apart.
    assert set(people) == {"alice", "bob", "final"}
    assert want["failing"] != want["to_label"] and want["samples"] != want["tasks"]
    assert people["alice"]["labeled"] != people["alice"]["of_to_label"]
    assert people["alice"]["labeled"] != people["alice"]["decided"]
    to_label = want["to_label"]

    # status --json
    doc = json.loads(run(study, "status", "--json"))
    for key in ("samples", "tasks", "failing", "outcome_unknown", "passing", "to_label"):
        assert doc[key] == want[key], key
    assert set(doc["annotators"]) == set(people)
    for who, figures in people.items():
        for key, value in figures.items():
            assert doc["annotators"][who][key] == value, (who, key)

    # status (text)
    text = run(study, "status")
    assert (
        f"Samples:  {want['samples']} model-samples of {want['tasks']} tasks:"
        f" {want['failing']} failing, {want['outcome_unknown']} outcome unknown,"
        f" {want['passing']} passing"
    ) in text
    assert f"To label: {to_label} " in text
    progress = " · ".join(
        f"{who} {f['of_to_label']}/{to_label} ({share(f['of_to_label'], to_label)})"
        for who, f in sorted(people.items())
    )
    assert f"Progress: {progress}" in text
    for who, f in people.items():
        assert re.search(
            rf"{who}\s+{f['labeled']} labeled \({f['decided']} decided: .*, {f['skipped']} skipped",
            text,
        ), who
    assert "llm:broken" not in text and "skipper" not in text

    # report
    report = run(study, "report")
    for title, key in (
        ("Tasks", "tasks"),
        ("Model-samples", "samples"),
        ("Failing", "failing"),
        ("Passing", "passing"),
        ("Outcome unknown", "outcome_unknown"),
        ("To label (failing or outcome unknown)", "to_label"),
    ):
        assert f"| {title} | {want[key]} |" in report, title
    assert f"{want['tasks']} tasks, {want['samples']} model-samples" in report
    for who, f in people.items():
        ratio = f"{f['of_to_label']}/{to_label} ({share(f['of_to_label'], to_label)})"
        assert f"| {who} | {f['labeled']} | {ratio} | {f['decided']} |" in report, who
    assert "llm:broken" not in report and "skipper" not in report

    # The database views, as Datasette or sqlite3 read them.
    conn = sqlite3.connect(study)
    try:
        row = conn.execute(
            "SELECT samples, (SELECT COUNT(*) FROM sample_tasks), failing, outcome_unknown,"
            " passing, to_label FROM sample_outcomes"
        ).fetchone()
        assert row == tuple(
            want[k]
            for k in ("samples", "tasks", "failing", "outcome_unknown", "passing", "to_label")
        )
        view = {
            r[0]: {"labeled": r[1], "of_to_label": r[2], "decided": r[3], "skipped": r[4]}
            for r in conn.execute(
                "SELECT annotator, labeled, of_to_label, decided, skipped FROM annotator_progress"
            )
        }
    finally:
        conn.close()
    assert view == people

    # agreement: the raters by default (not final, not the machine); each rates its decided.
    agreement = json.loads(run(study, "agreement", "--json", "--bootstrap", "0"))
    assert agreement["annotators"] == ["alice", "bob"]
    assert agreement["includes_adjudicated"] is False
    for who in ("alice", "bob", "final"):
        alone = json.loads(run(study, "agreement", "--annotators", who, "--json"))
        assert alone["n_rated"] == people[who]["decided"], who
    assert "includes the adjudicated labels" in run(
        study, "agreement", "--annotators", "alice,final", "--bootstrap", "0"
    )

    # The screens' titles.
    with Store.open(study) as store:
        app = AnnotatorApp(store, "alice")
        async with app.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(app.screen, LabelScreen)
            title = text_of(app.screen.sub_title)
        f = people["alice"]
        assert f"alice · {f['of_to_label']}/{to_label} labeled" in title
        assert f"({share(f['of_to_label'], to_label)})" in title

        review = AnnotatorApp(store, "carol", review=True)
        async with review.run_test(size=(120, 40)) as pilot:
            await settle(pilot)
            assert isinstance(review.screen, ReviewScreen)
            header = text_of(review.screen.sub_title)
        raters = " ".join(
            f"{who} {people[who]['of_to_label']}/{to_label}" for who in ("alice", "bob")
        )
        assert f"labeled: {raters}" in header
        assert "llm:broken" not in header and "skipper" not in header
