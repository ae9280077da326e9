"""``export counts`` on a large random database follows the documented rules.

The database is filled with plain SQL (the store API validates and commits one
label at a time, which is right for the UI and far too slow to build many
labels in a test). A pure-Python reference (annotator.export.majority) checks
on the same data that the SQL aggregation applies the documented rules. How
fast it is (100k samples x 3 annotators under 2 s) is measured by
``benchmarks/export_bench.py``, which builds its database with :func:`build_db`.
"""

from __future__ import annotations

import json
import random
from collections import Counter
from collections.abc import Iterator
from itertools import groupby
from pathlib import Path

import pytest
from click.testing import CliRunner
from rawsql import peek, tamper

from annotator.cli import cli
from annotator.export import count_table
from annotator.export.majority import label_picks, majority_picks
from annotator.store import Store
from annotator.taxonomy import load_taxonomy

N = 20_000
STAMP = "2024-01-01T00:00:00Z"


@pytest.fixture(scope="module")
def big_db(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_db(tmp_path_factory.mktemp("big") / "big.db", N)


def build_db(path: Path, n: int) -> Path:
    """``n`` failing samples, labeled by a, b and (mostly) final, at random (seed 7)."""
    taxonomy = load_taxonomy()
    rng = random.Random(7)
    cats = [(c.id, [s.name for s in c.subcategories]) for c in taxonomy.categories]
    with Store.open(path, taxonomy) as store:
        # Built raw for speed, in a state the store never writes: no history
        # triggers (they would triple the build time and the export never reads history).
        conn = tamper(store)
        # History triggers would triple the build time and the export never reads history.
        for op in ("insert", "update", "delete"):
            conn.execute(f"DROP TRIGGER labels_history_{op}")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("BEGIN")
        conn.executemany(
            "INSERT INTO samples (id, passed, content_hash, created_at, updated_at)"
            " VALUES (?, 0, ?, ?, ?)",
            ((f"s{i:06d}", str(i), STAMP, STAMP) for i in range(n)),
        )
        for who in ("final", "a", "b"):
            conn.execute("INSERT INTO annotators VALUES (?, ?)", (who, STAMP))

        def decision() -> tuple[object, ...]:
            if rng.random() < 0.2:
                return ("pass", None, None, 0, None, None, 0)
            cat, subs = rng.choice(cats)
            cat2, subs2 = rng.choice(cats) if rng.random() < 0.3 else (None, [None])
            return (
                "bug",
                cat,
                rng.choice([*subs, None]),
                int(rng.random() < 0.3),
                cat2,
                rng.choice([*subs2, None]),
                int(rng.random() < 0.3),
            )

        def labels() -> Iterator[tuple[object, ...]]:
            for i in range(n):
                sid = f"s{i:06d}"
                base = decision()
                # Most samples have a final label and raters who mostly agree.
                rows = [("a", base), ("b", base if rng.random() < 0.7 else decision())]
                if rng.random() < 0.9:
                    rows.append(("final", decision()))
                for who, value in rows:
                    yield (sid, who, *value, "x" * 40, "1", "t", STAMP, STAMP)

        conn.executemany(
            "INSERT INTO labels (sample_id, annotator, kind, category, subcategory,"
            " subcategory_inferred, category2, subcategory2, subcategory2_inferred, note,"
            " taxonomy_version, source, created_at, updated_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            labels(),
        )
        conn.execute("COMMIT")
    return path


@pytest.mark.parametrize("source", ["auto", "majority", "final"])
def test_counts_export_of_many_labels(big_db: Path, source: str) -> None:
    result = CliRunner().invoke(
        cli, ["--db", str(big_db), "export", "counts", "--format", "json", "--source", source]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["n_samples"] > N // 2


def _reference(path: Path, source: str) -> dict[tuple[int, str | None], tuple[int, int]]:
    """The counts by the plain-Python rules of annotator.export.majority."""
    taxonomy = load_taxonomy()
    order = {c.id: {s.name: i for i, s in enumerate(c.subcategories)} for c in taxonomy.categories}
    counts: Counter[tuple[int, str | None]] = Counter()
    inferred: Counter[tuple[int, str | None]] = Counter()
    with Store.open(path, taxonomy) as store:
        rows = peek(
            store,
            "SELECT sample_id, annotator, kind, category, subcategory, subcategory_inferred,"
            " category2, subcategory2, subcategory2_inferred FROM labels ORDER BY sample_id",
        )
        for _, group in groupby(rows, key=lambda r: r[0]):
            labels = list(group)
            mine = [r for r in labels if r[1] == source]
            final = [r for r in labels if r[1] == "final" and r[2] in ("bug", "pass")]
            if source != "auto":
                picks = label_picks(mine[0]) if mine else []
            elif final:
                picks = label_picks(final[0])
            else:
                picks, _ = majority_picks([r for r in labels if r[1] != "final"], order)
            for p in picks:
                counts[(p.category, p.subcategory)] += 1
                inferred[(p.category, p.subcategory)] += p.inferred
    return {k: (n, inferred[k]) for k, n in counts.items()}


@pytest.mark.parametrize("source", ["auto", "a"])
def test_sql_aggregation_follows_the_python_rules(big_db: Path, source: str) -> None:
    expected = _reference(big_db, source)
    with Store.open(big_db, load_taxonomy()) as store:
        table = count_table(store, source)
    got = {
        (c.id, None if s.unspecified else s.name): (s.count, s.inferred)
        for c in table.categories
        for s in c.subcategories
        if s.count
    }
    assert got == expected
