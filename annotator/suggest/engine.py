"""Suggestion engine: cached facts, ranked suggestions, clusters, evaluation.

Contract:
- :class:`Engine` works on one database through its own connection (guarded
  by a lock, so the UI may call it from a worker thread while the UI thread
  saves labels on the store's connection).
- Facts are cached in ``sample_facts`` under the sample's content hash and
  :data:`ANALYZER_VERSION`; :meth:`Engine.ensure_facts` computes only what is
  missing or stale (two worker processes for large batches).
- Suggestions are cached in ``suggestions`` under the facts key, the rules'
  digest, whose labels vote and their label-history position: they follow
  sample, rule and label changes. A sample's own labels never vote for it.
- Blind: with ``annotator`` given, votes and confidences come from that
  annotator's own labels and the rule table's prior only, never from another
  annotator's labels.
- :func:`suggestions_for` is the entry point for the UI and the CLI.
Nothing here executes sample code.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..models import Suggestion
from ..store import Store, suggest_data
from ..store.connection import now, write_transaction
from .calibrate import Calibrator, Record, records_for
from .features import Facts, sample_facts, signature_key
from .fingerprint import Cluster, cluster
from .primary import function_of, report_of
from .rank import Votes, rank
from .rules import RuleSet, load_rules

# Bump when features or ranking change: cached facts and suggestions are
# keyed on it and are recomputed.
ANALYZER_VERSION = "5"
PARALLEL_FROM = 400
CHUNK = 128
CALIBRATION_SAMPLES = 2000  # the latest labeled samples fit the confidence map

Progress = Callable[[int], None]


def _compute(row: tuple[str, str, str, str, str | None]) -> tuple[str, dict[str, Any]]:
    sample_id, generated, reference, output, metadata = row
    meta = json.loads(metadata or "{}")
    report = report_of(output, meta)
    return sample_id, sample_facts(
        generated, reference, output, function_of(meta), report
    ).to_json()


class Engine:
    """Suggestions for the samples of one database."""

    def __init__(self, store: Store, rules: RuleSet | None = None) -> None:
        self.store = store.reopen()
        self.taxonomy = store.taxonomy
        self.rules = rules or load_rules(store.taxonomy)
        self.lock = threading.RLock()
        self._models: dict[str | None, tuple[int, Votes, Calibrator]] = {}

    @property
    def conn(self) -> Any:
        return self.store.db.conn

    def close(self) -> None:
        self.store.close()

    # -- facts ---------------------------------------------------------------
    def _stale(self, ids: Iterable[str] | None) -> list[str]:
        sql = (
            "SELECT s.id FROM samples s LEFT JOIN sample_facts f ON f.sample_id = s.id"
            " WHERE (f.key IS NULL OR f.key != s.content_hash || ':' || ?)"
        )
        params: list[Any] = [ANALYZER_VERSION]
        if ids is not None:
            sql += " AND s.id IN (SELECT value FROM json_each(?))"
            params.append(json.dumps(list(ids)))
        return [r[0] for r in self.conn.execute(sql + " ORDER BY s.rowid", params)]

    def ensure_facts(
        self, ids: Iterable[str] | None = None, progress: Progress | None = None
    ) -> int:
        """Compute facts for samples that have none or stale ones; returns how many."""
        with self.lock:
            stale = self._stale(ids)
            if not stale:
                return 0
            pool = ProcessPoolExecutor(max_workers=2) if len(stale) >= PARALLEL_FROM else None
            try:
                for start in range(0, len(stale), CHUNK):
                    chunk = stale[start : start + CHUNK]
                    rows = list(self._texts(chunk))
                    results = list(
                        pool.map(_compute, rows, chunksize=8) if pool else map(_compute, rows)
                    )
                    self._store_facts(results)
                    if progress is not None:
                        progress(len(chunk))
            finally:
                if pool is not None:
                    pool.shutdown()
            return len(stale)

    def _texts(self, ids: list[str]) -> Iterator[tuple[str, str, str, str, str | None]]:
        cur = self.conn.execute(
            "SELECT id, generated_code, reference_code, test_output, metadata FROM samples_full"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (json.dumps(ids),),
        )
        yield from cur

    def _store_facts(self, results: list[tuple[str, dict[str, Any]]]) -> None:
        stamp = now()
        with write_transaction(self.store.db):
            for sid, data in results:
                facts = Facts.from_json(data)
                self.conn.execute(
                    "INSERT OR REPLACE INTO sample_facts (sample_id, key, exception, signature,"
                    " fingerprint, facts, computed_at) VALUES (?, (SELECT content_hash FROM samples"
                    " WHERE id = ?) || ':' || ?, ?, ?, ?, ?, ?)",
                    (sid, sid, ANALYZER_VERSION, facts.exception, signature_key(facts),
                     facts.fingerprint, json.dumps(data), stamp),
                )  # fmt: skip

    # -- votes ---------------------------------------------------------------
    def labels_version(self, annotator: str | None = None) -> int:
        """Label-history position of the labels ``annotator`` may see (all when None)."""
        return suggest_data.history_position(self.store, annotator)

    def votes(self, annotator: str | None = None) -> Votes:
        """Category votes of the visible labels over the rule table's prior.

        ``annotator`` given: only that annotator's own labels vote (a blind
        session); None: every annotator's. Rebuilt when those labels change.
        """
        return self._model(annotator)[0]

    def calibrator(self, annotator: str | None = None) -> Calibrator:
        """Confidence map fitted on the visible labels (see :mod:`.calibrate`)."""
        return self._model(annotator)[1]

    def _model(self, annotator: str | None) -> tuple[Votes, Calibrator]:
        with self.lock:
            version = self.labels_version(annotator)
            cached = self._models.get(annotator)
            if cached is not None and cached[0] == version:
                return cached[1], cached[2]
            self.ensure_facts(suggest_data.bug_sample_ids(self.store, annotator))
            prior = self.rules.prior
            votes = Votes(prior=prior.shares(self.taxonomy) if prior else {})
            facts_of: dict[str, Facts] = {}
            for row in suggest_data.category_labels(self.store, annotator):
                facts_of[row.sample_id] = Facts.from_json(row.facts)
                votes.add(row.sample_id, facts_of[row.sample_id], row.pairs)
            records: list[Record] = []
            for sid in list(votes.labeled)[-CALIBRATION_SAMPLES:]:
                ranked = rank(facts_of[sid], self.rules, self.taxonomy, votes, sid)
                records += records_for(sid, ranked, {c for c, _ in votes.labeled[sid]})
            calibrator = Calibrator.fit(
                records, prior.decisive_hit_rate if prior else Calibrator.decisive_hit_rate
            )
            self._models[annotator] = (version, votes, calibrator)
            return votes, calibrator

    def ranked(
        self, sample_id: str, facts: Facts, top: int = 5, annotator: str | None = None
    ) -> list[Suggestion]:
        """Rank one sample (its own labels left out of the votes), with confidences."""
        votes, calibrator = self._model(annotator)
        return calibrator.apply(rank(facts, self.rules, self.taxonomy, votes, sample_id, top=top))

    # -- suggestions ---------------------------------------------------------
    def suggest(
        self, sample_id: str, top: int = 5, annotator: str | None = None
    ) -> list[Suggestion]:
        return list(self.suggest_many([sample_id], top, annotator))[0][1]

    def suggest_many(
        self, ids: list[str], top: int = 5, annotator: str | None = None
    ) -> Iterator[tuple[str, list[Suggestion]]]:
        """Suggestions for many samples: cached ones in one query, the rest ranked in batches.

        ``annotator`` given: what that annotator's labeling UI shows (only
        their own labels vote and calibrate); None: every annotator's labels.
        """
        with self.lock:
            self.ensure_facts(ids)
            version = self.labels_version(annotator)
            self._model(annotator)
            who = "*" if annotator is None else f"@{annotator}"
            suffix = f"|{ANALYZER_VERSION}|{self.rules.digest}|{who}|{version}"
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                rows = self.conn.execute(
                    "SELECT j.value, f.key, f.facts, s.key, s.suggestions FROM json_each(?) j"
                    " LEFT JOIN sample_facts f ON f.sample_id = j.value"
                    " LEFT JOIN suggestions s ON s.sample_id = j.value ORDER BY j.key",
                    (json.dumps(chunk),),
                ).fetchall()
                fresh: list[tuple[str, str, str, str]] = []
                results: list[tuple[str, list[Suggestion]]] = []
                for sid, facts_key, facts_json, cached_key, cached in rows:
                    key = f"{facts_key or ''}{suffix}"
                    ranked = (
                        [Suggestion.model_validate(s) for s in json.loads(cached)]
                        if cached_key == key
                        else []
                    )
                    # The cache holds at least 5; a longer list is ranked anew.
                    if cached_key != key or (len(ranked) < top and len(ranked) >= 5):
                        facts = Facts.from_json(json.loads(facts_json)) if facts_json else None
                        ranked = (
                            self.ranked(sid, facts, max(top, 5), annotator)
                            if facts is not None
                            else []
                        )
                        payload = json.dumps([s.model_dump() for s in ranked])
                        fresh.append((sid, key, payload, now()))
                    results.append((sid, ranked[:top]))
                # Written before yielding: a caller that stops early keeps the cache.
                if fresh:
                    with write_transaction(self.store.db):
                        self.conn.executemany(
                            "INSERT OR REPLACE INTO suggestions (sample_id, key, suggestions,"
                            " computed_at) VALUES (?, ?, ?, ?)",
                            fresh,
                        )
                yield from results

    def clusters(self, failing_only: bool = True) -> list[Cluster[str]]:
        """Samples that fail the same way (fingerprints, near-identical ones merged)."""
        with self.lock:
            self.ensure_facts()
            where = "WHERE s.passed IS NOT 1" if failing_only else ""
            rows = self.conn.execute(
                f"SELECT s.id, f.fingerprint FROM samples s JOIN sample_facts f ON f.sample_id = s.id {where}"
                " ORDER BY s.rowid"
            ).fetchall()
            return cluster((sid, fp or "") for sid, fp in rows)

    def cluster_of(self, sample_id: str, failing_only: bool = True) -> tuple[str, list[str]]:
        """The fingerprint of a sample and every sample that shares it exactly.

        The UI labels clusters from here: an indexed lookup, so it stays fast
        at 100k samples once facts are cached (``annotator suggest`` warms
        them; a cold database is analysed here first).
        """
        with self.lock:
            self.ensure_facts()
            row = self.conn.execute(
                "SELECT fingerprint FROM sample_facts WHERE sample_id = ?", (sample_id,)
            ).fetchone()
            fingerprint = row[0] if row else ""
            if not fingerprint:
                return "", [sample_id]
            where = "AND s.passed IS NOT 1" if failing_only else ""
            members = [
                r[0]
                for r in self.conn.execute(
                    "SELECT s.id FROM sample_facts f JOIN samples s ON s.id = f.sample_id"
                    f" WHERE f.fingerprint = ? {where} ORDER BY s.rowid",
                    (fingerprint,),
                )
            ]
            if sample_id not in members:
                members.insert(0, sample_id)
            return fingerprint, members


_ENGINES: dict[str, Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(store: Store) -> Engine:
    """One engine per database file (and rule table) in this process."""
    key = str(Path(store.path).resolve())
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = Engine(store)
        return engine


def use_rules(store: Store, rules: RuleSet) -> Engine:
    """Make ``rules`` the rule table of ``store``'s file in this process
    (``annotator label --rules``): :func:`engine_for` returns this engine."""
    key = str(Path(store.path).resolve())
    with _ENGINES_LOCK:
        engine = _ENGINES[key] = Engine(store, rules)
        return engine


def suggestions_for(
    store: Store, sample_id: str, top: int = 5, annotator: str | None = None
) -> list[Suggestion]:
    """Ranked suggestions for a sample (best first); with ``annotator``, blind:
    only that annotator's own labels (and the rule table's prior) vote."""
    return engine_for(store).suggest(sample_id, top, annotator)
