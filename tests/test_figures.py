"""``annotator figures`` and ``report --format html``: the SVGs are parsed and the numbers and
labels found; output is deterministic; the HTML is self-contained and parses."""

from __future__ import annotations

import builtins
import json
import os
import shutil
import subprocess
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner
from test_export_fixture import build

from annotator.cli import cli
from annotator.models import LabelValue, SampleIn
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

pytest.importorskip("matplotlib")

SVG = "{http://www.w3.org/2000/svg}"
GOLDEN = Path(__file__).resolve().parent / "golden"


def _run(*args: str, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args))
    assert result.exit_code == code, result.output
    return result.output


def _texts(path: Path) -> list[str]:
    root = ET.parse(path).getroot()
    return [("".join(t.itertext())).strip() for t in root.iter(f"{SVG}text")]


@pytest.fixture
def figures(tmp_path: Path) -> Path:
    tax, db = build(tmp_path)
    out = tmp_path / "figs"
    output = _run(
        "--db", str(db), "--taxonomy", str(tax), "figures", "--out", str(out), "--width", "page"
    )
    assert output.count("wrote ") == 4, output
    return out


def test_every_figure_carries_its_numbers_and_labels(figures: Path) -> None:
    names = sorted(p.name for p in figures.iterdir())
    assert names == [
        "categories_page.svg",
        "category_model_heatmap_page.svg",
        "confusion_page.svg",
        "pass_at_1_by_stage_page.svg",
    ]
    cats = _texts(figures / "categories_page.svg")
    # auto source: category 1 has 2 occurrences (1 DL-specific), 2 has 2, 3 has 2
    for label in (
        "1. Deviates from prompt",
        "2. Edge cases | 100% _coverage_",
        "DL-specific",
        "Not DL-specific",
        "Occurrences",
    ):
        assert label in cats
    assert cats.count("2") >= 3
    assert "3. Arithmetic $ # errors \\ slash" in cats  # literal: no math text

    passes = _texts(figures / "pass_at_1_by_stage_page.svg")
    # m1: alpha 0/2, beta 1/1; m2: alpha 0/1, beta 1/2 (as in the report)
    for label in ("m1", "m2", "alpha", "beta", "0.0", "100.0", "50.0", "pass@1 (%)"):
        assert label in passes

    heat = _texts(figures / "category_model_heatmap_page.svg")
    for label in ("m1", "m2", "1. Deviates from prompt", "Occurrences"):
        assert label in heat
    # cells: category 1 m1=2 m2=0, category 2 m1=1 m2=1, category 3 m1=2 m2=0
    cells = [t for t in heat if t.isdigit()]
    for value in ("2", "0", "1"):
        assert value in cells

    conf = _texts(figures / "confusion_page.svg")
    assert "Confusion matrix, rater vs rater: n = 4, agreement 75.0%, κ = 0.667" in conf
    assert {"rater alice", "rater bob", "pass", "1", "2", "3"} <= set(conf)


def test_text_golden(figures: Path) -> None:
    """The labels and numbers of each figure, in drawing order, against a golden file."""
    texts = {p.stem.removesuffix("_page"): _texts(p) for p in sorted(figures.iterdir())}
    # axis tick labels are included: a matplotlib upgrade that moves them shows up here
    doc = json.dumps(texts, indent=1, ensure_ascii=False) + "\n"
    path = GOLDEN / "figures_text.json"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.write_text(doc, encoding="utf-8")
    assert json.loads(path.read_text(encoding="utf-8")) == texts


@pytest.mark.parametrize("fmt", ["svg", "pdf", "png"])
def test_output_is_deterministic(tmp_path: Path, fmt: str) -> None:
    tax, db = build(tmp_path)
    outs = []
    for run in ("a", "b"):
        out = tmp_path / run
        _run("--db", str(db), "--taxonomy", str(tax), "figures", "--out", str(out), "--format", fmt)
        outs.append({p.name: p.read_bytes() for p in out.iterdir()})
    assert outs[0] == outs[1] and len(outs[0]) == 8  # four figures, two widths
    magic = {"svg": b"<?xml", "pdf": b"%PDF", "png": b"\x89PNG"}[fmt]
    assert all(data.startswith(magic) for data in outs[0].values())
    if fmt == "svg":
        assert all(b"<dc:date>" not in data for data in outs[0].values())


@pytest.mark.parametrize("fmt", ["svg", "png"])
def test_a_forked_worker_draws_what_this_process_draws(
    tmp_path: Path, fmt: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both widths: the forked worker's files equal the ones drawn in one process, and a
    worker that fails is replaced by drawing its width here."""
    from annotator.export import figures as figures_module

    tax, db = build(tmp_path)
    store = Store.open(db, taxonomy=load_taxonomy(tax))
    both = ("column", "page")
    forked = figures_module.render_figures(store, fmt, widths=both)
    monkeypatch.setattr(figures_module, "_cpus", lambda: 1)
    alone = figures_module.render_figures(store, fmt, widths=both)
    monkeypatch.setattr(figures_module, "_cpus", lambda: 2)
    monkeypatch.setattr(figures_module._Forked, "result", lambda self: None)
    redone = figures_module.render_figures(store, fmt, widths=both)
    store.close()
    assert list(forked[0]) == list(alone[0]) == list(redone[0]) and len(forked[0]) == 8
    assert forked == alone == redone


def test_figures_without_data_are_skipped_with_a_reason(tmp_path: Path) -> None:
    Store.open(tmp_path / "empty.db").close()
    out = _run("--db", str(tmp_path / "empty.db"), "figures", "--out", str(tmp_path / "f"))
    assert out.count("skipped ") == 5 and "wrote" not in out  # the saturation curve too
    assert "skipped saturation: no rater has decided a sample" in out


def test_hostile_names_are_drawn_literally(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        for i, model in enumerate(["$\\alpha$ <b>", "m\x1b[31m"]):
            store.upsert_sample(SampleIn(id=f"s{i}", model=model, stage="training", passed=False))
            store.set_label(f"s{i}", "final", LabelValue(kind="bug", category=1))
    figs = tmp_path / "f"
    _run("--db", str(db), "figures", "--out", str(figs))
    texts = _texts(figs / "category_model_heatmap_page.svg")
    assert "$\\alpha$ <b>" in texts and "m[31m" in texts
    assert not any("\x1b" in t for t in texts)


def test_pair_option_and_bad_pair(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    out = tmp_path / "f"
    _run(
        "--db",
        str(db),
        "--taxonomy",
        str(tax),
        "figures",
        "--out",
        str(out),
        "--pair",
        "final,alice",
    )
    conf = _texts(out / "confusion_page.svg")
    assert "adjudicated (final)" in conf and "rater alice" in conf
    assert any(t.startswith("Confusion matrix, rater vs adjudicated") for t in conf)
    bad = _run(
        "--db",
        str(db),
        "--taxonomy",
        str(tax),
        "figures",
        "--out",
        str(out),
        "--pair",
        "a,b,c",
        code=1,
    )
    assert "--pair takes two annotators" in bad or "unknown annotator" in bad


def test_missing_matplotlib_says_how_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_import = builtins.__import__

    def no_matplotlib(name: str, *args: Any, **kwargs: Any) -> Any:
        if name.partition(".")[0] == "matplotlib":
            raise ImportError("No module named 'matplotlib'", name="matplotlib")
        return real_import(name, *args, **kwargs)

    Store.open(tmp_path / "a.db").close()
    monkeypatch.setattr(builtins, "__import__", no_matplotlib)
    out = _run("--db", str(tmp_path / "a.db"), "figures", "--out", str(tmp_path / "f"), code=1)
    assert (
        "pip install 'dl-bug-annotator[figures]'" in out
        and "pip install -e '.[figures]'" in out
        and out.count("\n") == 1
    )


class _Collect(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[str] = []
        self.attrs: list[tuple[str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append(tag)
        self.attrs += attrs

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_html_report_is_self_contained(tmp_path: Path) -> None:
    tax, db = build(tmp_path)
    page = tmp_path / "report.html"
    _run("--db", str(db), "--taxonomy", str(tax), "report", "--format", "html", "--out", str(page))
    text = page.read_text(encoding="utf-8")
    parser = _Collect()
    parser.feed(text)
    tags = set(parser.tags)
    assert parser.tags.count("svg") == 4 and parser.tags.count("figure") == 4
    assert (
        "script" not in tags and "link" not in tags and "img" not in tags and "iframe" not in tags
    )
    assert not any(
        v and v.startswith(("http:", "https:", "//"))
        for k, v in parser.attrs
        if k in ("src", "href")
    )
    body = " ".join(parser.text)
    # tables as in the Markdown report, values unescaped and literal
    assert "Edge cases | 100% _coverage_" in body
    assert "pass@k" in body and "Between raters" in body and "75.0% [30.1, 95.4]" in body
    assert parser.tags.count("table") >= 5
    assert '<td class="num">' in text
    # figure SVGs parse as XML
    for chunk in text.split("<svg")[1:]:
        ET.fromstring("<svg" + chunk.split("</svg>")[0] + "</svg>")


def test_html_report_escapes_data(tmp_path: Path) -> None:
    db = tmp_path / "a.db"
    with Store.open(db) as store:
        store.upsert_sample(
            SampleIn(id="s", model="<script>alert(1)</script>", passed=False, stage="a")
        )
    page = tmp_path / "r.html"
    _run(
        "--db", str(db), "report", "--format", "html", "--title", "<img src=x>", "--out", str(page)
    )
    text = page.read_text(encoding="utf-8")
    assert "<script>" not in text and "<img" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="no headless Chromium")
def test_html_report_renders_in_chromium(tmp_path: Path) -> None:  # pragma: no cover - optional
    tax, db = build(tmp_path)
    page = tmp_path / "report.html"
    _run("--db", str(db), "--taxonomy", str(tax), "report", "--format", "html", "--out", str(page))
    shot = tmp_path / "shot.png"
    chromium = shutil.which("chromium") or "/usr/bin/chromium"
    subprocess.run(
        [
            chromium,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            f"--screenshot={shot}",
            "--window-size=1200,3000",
            page.as_uri(),
        ],
        check=True,
        timeout=120,
        capture_output=True,
    )
    assert shot.read_bytes().startswith(b"\x89PNG") and shot.stat().st_size > 10_000
