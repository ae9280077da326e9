"""The small labeled study that the export tests share, built through the store API.

A mini taxonomy whose names carry Markdown and LaTeX special characters, seven
samples, and three annotators (final, alice, bob) covering: second categories
(one equal to the first), inferred subcategories, a pass, skip and flag-only
labels, a sample without final, and an alice/bob tie. The expected counts are
spelled out in test_export_counts.py.
"""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

MINI_TAXONOMY = """\
name: Mini
version: "0.1"
categories:
  - id: 1
    name: Deviates from prompt
    subcategories:
      - {name: "Shape & dimension mismatch", dl_specific: true}
      - {name: "Wrong DL/ML functionality", dl_specific: true}
      - {name: Not DL-related, dl_specific: false}
  - id: 2
    name: "Edge cases | 100% _coverage_"
    subcategories:
      - {name: "Tensor {value} edges ~ ^", dl_specific: true}
      - {name: Not DL-related, dl_specific: false}
  - id: 3
    name: 'Arithmetic $ # errors \\ slash'
    subcategories:
      - {name: Not DL-related, dl_specific: false}
"""

NOTE = "non-dl | pipe [bold]markup[/bold]\nsecond line \x1b[31mred"


def bug(cat: int, sub: str | None = None, **more: object) -> LabelValue:
    return LabelValue(kind="bug", category=cat, subcategory=sub, **more)  # type: ignore[arg-type]


def build(folder: Path) -> tuple[Path, Path]:
    """Write the taxonomy and the database under ``folder``; returns their paths."""
    tax_path = folder / "mini.yaml"
    tax_path.write_text(MINI_TAXONOMY, encoding="utf-8")
    db_path = folder / "study.db"
    samples = [
        ("s1", "m1", "alpha", False),
        ("s2", "m1", "alpha", False),
        ("s3", "m2", "beta", False),
        ("s4", "m2", "beta", True),
        ("s5", "m1", None, None),
        ("s6", "m2", "alpha", False),
        ("s7", "m1", "beta", True),
    ]
    shape, func, notdl = "Shape & dimension mismatch", "Wrong DL/ML functionality", "Not DL-related"
    tensor = "Tensor {value} edges ~ ^"
    labels: list[tuple[str, str, LabelValue]] = [
        ("s1", "final", bug(1, shape, category2=2, subcategory2=tensor)),
        ("s1", "alice", bug(1, shape)),
        ("s1", "bob", bug(1, func)),
        ("s2", "final", bug(1, notdl, subcategory_inferred=True, note=NOTE)),
        ("s2", "alice", bug(2)),
        ("s2", "bob", LabelValue(kind="pass")),
        ("s3", "final", LabelValue(kind="pass")),
        ("s3", "alice", bug(2, tensor)),
        ("s3", "bob", bug(2, notdl, subcategory_inferred=True, note="plain python")),
        ("s4", "final", LabelValue(kind="none", flag="unsure")),
        ("s4", "alice", LabelValue(kind="skip")),
        ("s4", "bob", LabelValue(kind="none", flag="look again")),
        ("s5", "alice", bug(3, notdl)),
        ("s5", "bob", bug(3)),
        (
            "s6",
            "final",
            bug(2, None, category2=2, subcategory2=notdl, subcategory2_inferred=True, note2="nd"),
        ),
        ("s7", "final", bug(3)),
    ]
    with Store.open(db_path, load_taxonomy(tax_path)) as store:
        for sid, model, stage, passed in samples:
            store.upsert_sample(
                SampleIn(
                    id=sid,
                    generated_code="x = 1",
                    model=model,
                    stage=stage,
                    passed=passed,
                    task_type="classification" if sid in ("s1", "s3") else None,
                )
            )
        for sid, who, value in labels:
            store.set_label(sid, who, value, source="test")
    return tax_path, db_path


def export(study: tuple[Path, Path], *args: str) -> str:
    """``annotator --db DB --taxonomy TAX export ARGS...`` on a :func:`build` study, which
    must succeed; its standard output."""
    tax, db = study
    result = CliRunner().invoke(cli, ["--db", str(db), "--taxonomy", str(tax), "export", *args])
    assert result.exit_code == 0, result.output
    return result.stdout


def test_fixture_builds_what_the_other_tests_assume(tmp_path: Path) -> None:
    tax_path, db_path = build(tmp_path)
    with Store.open(db_path, load_taxonomy(tax_path)) as store:
        assert sorted(store.annotators()) == ["alice", "bob", "final"]
        assert len(list(store.labels())) == 16
        label = store.label("s2", "final")
        assert label is not None and label.subcategory_inferred and label.note == NOTE
