"""Suggestion engine: cached facts, ranked suggestions, clusters, evaluation.

Contract:
- :class:`Engine` works on one database through its own store connection
  (guarded by a lock, so the UI may call it from a worker thread while the UI
  thread saves labels on its own connection); the caches are read and written
  by named store methods (:mod:`annotator.store.facts`).
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

import hashlib
import threading
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path
from typing import Any

from ..failures.fingerprint import Cluster, cluster
from ..failures.primary import code_of, function_of, report_of
from ..models import Suggestion
from ..store import FactInput, FactRow, Store
from .calibrate import Calibrator
from .features import Facts, sample_facts, signature_key
from .model import Model, fit_model
from .rank import Votes
from .rules import RuleSet, load_rules

# Bump when features or ranking change: cached facts and suggestions are
# keyed on it and are recomputed.
ANALYZER_VERSION = "10"
PARALLEL_FROM = 400
CHUNK = 128

Progress = Callable[[int], None]


def _compute(row: FactInput) -> tuple[str, dict[str, Any]]:
    report = report_of(row.test_output, row.metadata)
    function = function_of(row.metadata)
    code = code_of(row.generated_code, row.metadata)
    facts = sample_facts(code, row.reference_code, row.test_output, function, report)
    return row.sample_id, facts.to_json()


class Engine:
    """Suggestions for the samples of one database."""

    def __init__(self, store: Store, rules: RuleSet | None = None) -> None:
        self.store = store.reopen()
        self.taxonomy = store.taxonomy
        self.rules = rules or load_rules(store.taxonomy)
        self.lock = threading.RLock()
        self._models: dict[tuple[str | None, frozenset[str]], tuple[int, Model]] = {}
        self._clusters: tuple[tuple[bool, int], list[Cluster[str]]] | None = None
        """The last clustering, keyed by the fingerprints it was made from."""

    def close(self) -> None:
        self.store.close()

    # -- facts ---------------------------------------------------------------
    def stale(self, ids: Iterable[str] | None = None) -> list[str]:
        """Samples (of ``ids``, or all) whose facts are missing or stale."""
        return self.store.stale_fact_ids(ANALYZER_VERSION, ids)

    def ensure_facts(
        self, ids: Iterable[str] | None = None, progress: Progress | None = None
    ) -> int:
        """Compute facts for samples that have none or stale ones; returns how many."""
        with self.lock:
            stale = self.stale(ids)
            if not stale:
                return 0
            pool = ProcessPoolExecutor(max_workers=2) if len(stale) >= PARALLEL_FROM else None
            try:
                for start in range(0, len(stale), CHUNK):
                    chunk = stale[start : start + CHUNK]
                    rows = list(self.store.fact_inputs(chunk))
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

    def _store_facts(self, results: list[tuple[str, dict[str, Any]]]) -> None:
        rows = []
        for sid, data in results:
            facts = Facts.from_json(data)
            rows.append(
                FactRow(sid, facts.exception, signature_key(facts), facts.fingerprint, data)
            )
        self.store.store_facts(rows, ANALYZER_VERSION)

    # -- votes ---------------------------------------------------------------
    def labels_version(self, annotator: str | None = None) -> int:
        """Label-history position of the labels ``annotator`` may see (all when None)."""
        return self.store.history_position(annotator)

    def votes(self, annotator: str | None = None) -> Votes:
        """Category votes of the visible labels over the rule table's prior.

        ``annotator`` given: only that annotator's own labels vote (a blind
        session); None: every annotator's. Rebuilt when those labels change.
        """
        return self._model(annotator)[0]

    def calibrator(self, annotator: str | None = None) -> Calibrator:
        """Confidence map fitted on the visible labels (see :mod:`.calibrate`)."""
        return self._model(annotator)[1]

    def _model(
        self, annotator: str | None, hidden: frozenset[str] = frozenset()
    ) -> tuple[Votes, Calibrator]:
        model = self.model(annotator, hidden)
        return model.votes, model.calibrator

    def model(self, annotator: str | None = None, hidden: frozenset[str] = frozenset()) -> Model:
        """Votes, decisive triggers and confidence map fitted on the visible labels.

        ``hidden``: samples whose labels neither vote nor calibrate (a blind
        sitting's re-shows, whose label is the annotator's first answer)."""
        with self.lock:
            version = self.labels_version(annotator)
            cached = self._models.get((annotator, hidden))
            if cached is not None and cached[0] == version:
                return cached[1]
            self.ensure_facts(self.store.bug_sample_ids(annotator))
            labeled = [
                (row.sample_id, Facts.from_json(row.facts), row.pairs)
                for row in self.store.category_labels(annotator)
                if row.sample_id not in hidden
            ]
            model = fit_model(labeled, self.rules, self.taxonomy)
            if hidden:  # one sitting's model at a time besides the plain ones
                for key in [k for k in self._models if k[1]]:
                    del self._models[key]
            self._models[(annotator, hidden)] = (version, model)
            return model

    def ranked(
        self,
        sample_id: str,
        facts: Facts,
        top: int = 5,
        annotator: str | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> list[Suggestion]:
        """Rank one sample (its own labels left out of the votes), with confidences."""
        return self.model(annotator, hidden).rank(facts, sample_id, top)

    # -- suggestions ---------------------------------------------------------
    def suggest(
        self,
        sample_id: str,
        top: int = 5,
        annotator: str | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> list[Suggestion]:
        return list(self.suggest_many([sample_id], top, annotator, hidden))[0][1]

    def suggest_many(
        self,
        ids: list[str],
        top: int = 5,
        annotator: str | None = None,
        hidden: frozenset[str] = frozenset(),
    ) -> Iterator[tuple[str, list[Suggestion]]]:
        """Suggestions for many samples: cached ones in one query, the rest ranked in batches.

        ``annotator`` given: what that annotator's labeling UI shows (only
        their own labels vote and calibrate); None: every annotator's labels.
        """
        with self.lock:
            self.ensure_facts(ids)
            version = self.labels_version(annotator)
            self._model(annotator, hidden)
            who = "*" if annotator is None else f"@{annotator}"
            if hidden:  # another model: another cache key
                digest = hashlib.sha256("\0".join(sorted(hidden)).encode()).hexdigest()[:16]
                who += f"~{digest}"
            suffix = f"|{ANALYZER_VERSION}|{self.rules.digest}|{who}|{version}"
            for start in range(0, len(ids), 1000):
                chunk = ids[start : start + 1000]
                fresh: list[tuple[str, str, list[dict[str, Any]]]] = []
                results: list[tuple[str, list[Suggestion]]] = []
                for row in self.store.cached_suggestions(chunk):
                    sid = row.sample_id
                    key = f"{row.facts_key or ''}{suffix}"
                    hit = row.suggestions_key == key
                    ranked = (
                        [Suggestion.model_validate(s) for s in row.suggestions()] if hit else []
                    )
                    # The cache holds at least 5; a longer list is ranked anew.
                    if not hit or (len(ranked) < top and len(ranked) >= 5):
                        data = row.facts()
                        facts = Facts.from_json(data) if data else None
                        ranked = (
                            self.ranked(sid, facts, max(top, 5), annotator, hidden)
                            if facts is not None
                            else []
                        )
                        fresh.append((sid, key, [s.model_dump() for s in ranked]))
                    results.append((sid, ranked[:top]))
                # Written before yielding: a caller that stops early keeps the cache.
                if fresh:
                    self.store.store_suggestions(fresh)
                yield from results

    def clusters(self, failing_only: bool = True) -> list[Cluster[str]]:
        """Samples that fail the same way (fingerprints, near-identical ones merged).

        The one clustering: ``annotator clusters`` lists it and the UI's
        cluster label (:meth:`cluster_of`) takes its members from it. The
        result is kept while the fingerprints stay the same.
        """
        with self.lock:
            self.ensure_facts()
            items = self.store.fingerprints(failing_only)
            key = (failing_only, hash(tuple(items)))
            if self._clusters is None or self._clusters[0] != key:
                self._clusters = (key, cluster(items))
            return list(self._clusters[1])

    def cluster_of(self, sample_id: str, failing_only: bool = True) -> tuple[str, list[str]]:
        """The fingerprint of a sample and the members of its cluster in
        :meth:`clusters` (the same members ``annotator clusters`` lists),
        the sample first when it is not among them (a passing sample)."""
        with self.lock:
            self.ensure_facts()
            fingerprint = self.store.fingerprint_of(sample_id)
            if not fingerprint:
                return "", [sample_id]
            members = next(
                (list(c.members) for c in self.clusters(failing_only) if sample_id in c.members),
                [],
            )
            if sample_id not in members:
                members.insert(0, sample_id)
            return fingerprint, members


_ENGINES: dict[tuple[str, str | None], Engine] = {}
_ENGINES_LOCK = threading.Lock()


def engine_for(store: Store, rules: RuleSet | None = None) -> Engine:
    """One engine per database file and rule table in this process (a cache: its facts,
    model and process pool). ``rules``: a table of one's own (``--rules``), passed by the
    caller that loaded it; None: the taxonomy's table."""
    key = (str(Path(store.path).resolve()), rules.digest if rules is not None else None)
    with _ENGINES_LOCK:
        engine = _ENGINES.get(key)
        if engine is None:
            engine = _ENGINES[key] = Engine(store, rules)
        return engine


def suggestion_note(
    store: Store,
    annotator: str | None = None,
    hidden: frozenset[str] = frozenset(),
    rules: RuleSet | None = None,
) -> str:
    """What the suggestion panel says before the suggestions (:meth:`Model.note`):
    for a taxonomy the shipped rules were not written for, that suggestions
    come only from the visible labels, and whether they are enough for a confidence."""
    engine = engine_for(store, rules)
    if not engine.rules.foreign:
        return ""
    return engine.model(annotator, hidden).note()


def suggestions_for(
    store: Store,
    sample_id: str,
    top: int = 5,
    annotator: str | None = None,
    hidden: frozenset[str] = frozenset(),
    rules: RuleSet | None = None,
) -> list[Suggestion]:
    """Ranked suggestions for a sample (best first); with ``annotator``, blind:
    only that annotator's own labels (and the rule table's prior) vote, and
    those on ``hidden`` samples neither vote nor calibrate."""
    return engine_for(store, rules).suggest(sample_id, top, annotator, hidden)
