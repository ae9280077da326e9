"""The suggester's caches: analysis facts per sample and ranked suggestions.

Contract: :class:`FactQueries` (part of :class:`~annotator.store.Store`)
keeps ``sample_facts`` under ``<content hash>:<analyzer version>`` (so a
changed sample or analyzer is stale) and ``suggestions`` under whatever key
the engine gives (facts key, rules digest, label-history position). Facts and
suggestions are JSON objects that the store encodes and decodes; it does not
know their shape. Writers are their own transactions.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from .connection import now, write_transaction
from .rows import BugCategories, CachedSuggestions, FactInput, FactRow
from .rules import bug

if TYPE_CHECKING:
    from sqlite_utils import Database


def _ids(ids: Iterable[str]) -> str:
    return json.dumps(list(ids))


class FactQueries:
    """The facts and suggestion-cache part of the store."""

    _db: Database

    # -- facts -------------------------------------------------------------
    def stale_fact_ids(self, version: str, ids: Iterable[str] | None = None) -> list[str]:
        """Samples (of ``ids``, or all) without facts for their content and ``version``,
        in import order."""
        sql = (
            "SELECT s.id FROM samples s LEFT JOIN sample_facts f ON f.sample_id = s.id"
            " WHERE (f.key IS NULL OR f.key != s.content_hash || ':' || ?)"
        )
        params: list[Any] = [version]
        if ids is not None:
            sql += " AND s.id IN (SELECT value FROM json_each(?))"
            params.append(_ids(ids))
        return [r[0] for r in self._db.conn.execute(sql + " ORDER BY s.rowid", params)]

    def fact_inputs(self, ids: list[str]) -> Iterator[FactInput]:
        """The texts and metadata that the analysis of each sample reads."""
        cur = self._db.conn.execute(
            "SELECT id, generated_code, reference_code, test_output, metadata FROM samples_full"
            " WHERE id IN (SELECT value FROM json_each(?))",
            (_ids(ids),),
        )
        for sid, gen, ref, out, meta in cur:
            yield FactInput(sid, gen, ref, out, json.loads(meta or "{}"))

    def store_facts(self, rows: Iterable[FactRow], version: str) -> None:
        """Cache facts under each sample's current content hash and ``version``."""
        stamp = now()
        with write_transaction(self._db):
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO sample_facts (sample_id, key, exception, signature,"
                " fingerprint, facts, computed_at) VALUES (?, (SELECT content_hash FROM samples"
                " WHERE id = ?) || ':' || ?, ?, ?, ?, ?, ?)",
                [
                    (r.sample_id, r.sample_id, version, r.exception, r.signature,
                     r.fingerprint, json.dumps(r.facts), stamp)
                    for r in rows
                ],
            )  # fmt: skip

    def facts_of(self, ids: list[str]) -> dict[str, dict[str, Any]]:
        """Cached facts of the samples among ``ids`` that have them."""
        cur = self._db.conn.execute(
            "SELECT sample_id, facts FROM sample_facts"
            " WHERE sample_id IN (SELECT value FROM json_each(?))",
            (_ids(ids),),
        )
        return {sid: json.loads(data) for sid, data in cur}

    # -- fingerprints ------------------------------------------------------
    def fingerprints(self, failing_only: bool = True) -> list[tuple[str, str]]:
        """(sample id, failure fingerprint or '') of every sample with facts, in import order."""
        where = "WHERE s.passed IS NOT 1" if failing_only else ""
        rows = self._db.conn.execute(
            "SELECT s.id, f.fingerprint FROM samples s JOIN sample_facts f"
            f" ON f.sample_id = s.id {where} ORDER BY s.rowid"
        )
        return [(sid, fp or "") for sid, fp in rows]

    def fingerprint_of(self, sample_id: str) -> str:
        """The sample's cached failure fingerprint ('' when none)."""
        row = self._db.conn.execute(
            "SELECT fingerprint FROM sample_facts WHERE sample_id = ?", (sample_id,)
        ).fetchone()
        return (row[0] or "") if row else ""

    def fingerprint_members(self, fingerprint: str, failing_only: bool = True) -> list[str]:
        """Samples whose cached fingerprint is exactly ``fingerprint``, in import order
        (an indexed lookup)."""
        where = "AND s.passed IS NOT 1" if failing_only else ""
        rows = self._db.conn.execute(
            "SELECT s.id FROM sample_facts f JOIN samples s ON s.id = f.sample_id"
            f" WHERE f.fingerprint = ? {where} ORDER BY s.rowid",
            (fingerprint,),
        )
        return [r[0] for r in rows]

    # -- votes and suggestions ---------------------------------------------
    def bug_categories(self, annotator: str) -> list[BugCategories]:
        """The annotator's bug labels, as their two categories."""
        rows = self._db.conn.execute(
            f"SELECT sample_id, category, category2 FROM labels WHERE annotator = ? AND {bug()}",
            (annotator,),
        )
        return [BugCategories(*r) for r in rows]

    def cached_suggestions(self, ids: list[str]) -> list[CachedSuggestions]:
        """Per id, in the given order: cached facts and suggestions with their keys."""
        rows = self._db.conn.execute(
            "SELECT j.value, f.key, f.facts, s.key, s.suggestions FROM json_each(?) j"
            " LEFT JOIN sample_facts f ON f.sample_id = j.value"
            " LEFT JOIN suggestions s ON s.sample_id = j.value ORDER BY j.key",
            (_ids(ids),),
        ).fetchall()
        return [CachedSuggestions(*r) for r in rows]

    def store_suggestions(self, rows: Iterable[tuple[str, str, list[dict[str, Any]]]]) -> None:
        """Cache (sample id, key, suggestions) rows."""
        stamp = now()
        with write_transaction(self._db):
            self._db.conn.executemany(
                "INSERT OR REPLACE INTO suggestions (sample_id, key, suggestions, computed_at)"
                " VALUES (?, ?, ?, ?)",
                [(sid, key, json.dumps(payload), stamp) for sid, key, payload in rows],
            )
