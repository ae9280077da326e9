"""Merging the rounds, discussions and negotiation reasons of another database.

Contract: :class:`RoundsMerge` (part of :mod:`.merge_study`'s merge, inside the merge's
transaction, after the label history is merged): a round matches ours by (name,
created_at, seed, its set of samples) and its assignments are united; a round only they
have is copied under a new id unless one of its samples is in one of our rounds (then
a conflict: reported, neither it nor its assignments copied); discussions unite by
(sample, annotator), keeping the earlier ``shown_at`` and mapping the round id;
negotiation reasons unite by the ``label_history`` entry they explain, mapped to ours
by its content (:meth:`~.merge_study_rows.StudyReader._history_id`).
"""

from __future__ import annotations

from typing import Any

from .merge_rows import MAX_LABEL_VALUE, instant
from .merge_study_plain import copy_plain_study, round_tables
from .merge_study_rows import _REQUIRED, StudyReader, _spelled


class RoundsMerge(StudyReader):
    """Rounds, their assignments, discussions and negotiation reasons."""

    # -- rounds -------------------------------------------------------------------
    def rounds(self, with_assignments: bool) -> None:
        t = "rounds"
        theirs: dict[int, tuple[str, str, int | None, str | None, str]] = {}
        for row in self._rows(t, sorted(_REQUIRED[t]), '"id"'):
            rid = self._int(t, row, "id")
            assert rid is not None
            if rid in theirs:
                raise self._bad(t, row, "id", f"a second round {rid}")
            name = self._text(t, row, "name")
            seed = self._int(t, row, "seed", null=True)
            query = self._text(t, row, "query", null=True, cap=MAX_LABEL_VALUE)
            overlap = self._text(t, row, "overlap")
            assert name is not None and overlap is not None
            theirs[rid] = (name, self._time(t, row, "created_at"), seed, query, overlap)
        self.their_rounds = set(theirs)
        t = "round_samples"
        members: dict[int, list[tuple[int, str]]] = {rid: [] for rid in theirs}
        round_of: dict[str, int] = {}
        for row in self._rows(t, sorted(_REQUIRED[t]), '"round_id", "position"'):
            sid = self._sample(t, row)
            rid = self._int(t, row, "round_id")
            position = self._int(t, row, "position", low=0)
            assert rid is not None and position is not None
            if rid not in theirs:
                raise self._bad(t, row, "round_id", f"no round {rid}")
            if sid in round_of:
                raise self._bad(t, row, "sample_id", f"sample {sid!r} in a second round")
            round_of[sid] = rid
            members[rid].append((position, sid))
        ours: dict[tuple[Any, ...], int] = {}
        our_samples: dict[int, set[str]] = {}
        for sid, rid in self.conn.execute("SELECT sample_id, round_id FROM round_samples"):
            our_samples.setdefault(int(rid), set()).add(str(sid))
        for rid, name, created_at, seed in self.conn.execute(
            "SELECT id, name, created_at, seed FROM rounds"
        ):
            sig = (name, _spelled(created_at), seed, frozenset(our_samples.get(int(rid), ())))
            ours[sig] = int(rid)
        taken = set().union(*our_samples.values()) if our_samples else set()
        for rid, (name, created_at, seed, query, overlap) in theirs.items():
            sig = (name, created_at, seed, frozenset(s for _, s in members[rid]))
            if sig in ours:
                self.round_map[rid] = ours[sig]
                self._count("rounds", "same")
                continue
            clash = next((s for _, s in sorted(members[rid]) if s in taken), None)
            if clash is not None:
                self.round_map[rid] = None
                self._count(
                    "rounds",
                    "conflicts",
                    f"{name!r}: its sample {clash!r} is in one of this database's rounds;"
                    " not copied",
                )
                continue
            new_id = int(
                self.conn.execute("SELECT IFNULL(MAX(id), 0) + 1 FROM rounds").fetchone()[0]
            )
            self.conn.execute(
                "INSERT INTO rounds (id, name, seed, query, overlap, created_at)"
                " VALUES (?, ?, ?, ?, ?, ?)",
                (new_id, name, seed, query, overlap, created_at),
            )
            self.conn.executemany(
                "INSERT INTO round_samples (sample_id, round_id, position) VALUES (?, ?, ?)",
                [(sid, new_id, position) for position, sid in sorted(members[rid])],
            )
            taken |= {s for _, s in members[rid]}
            self.round_map[rid] = new_id
            self._count("rounds", "added")
            self.counts["round_samples"]["added"] += len(members[rid])
        if with_assignments:
            self._assignments(round_of)

    def _assignments(self, round_of: dict[str, int]) -> None:
        t = "round_assignments"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        only = None
        if self.alias is not None:  # the set-based path first (:mod:`.merge_study_plain`)
            with round_tables(self.conn, round_of, self.round_map):
                only = copy_plain_study(self.conn, self, self.alias, t)
        for row in self._rows(t, sorted(_REQUIRED[t]), order, only):
            sid = self._text(t, row, "sample_id", cap=MAX_LABEL_VALUE)
            assert sid is not None
            rid = self._int(t, row, "round_id")
            if round_of.get(sid) != rid:
                raise self._bad(t, row, "sample_id", f"sample {sid!r} is not in round {rid}")
            who = self._annotator(t, row)
            ours = self.round_map.get(int(rid or 0))
            if ours is None:
                continue  # the round was not copied (a conflict, reported)
            added = self.conn.execute(
                "INSERT OR IGNORE INTO round_assignments (sample_id, annotator, round_id)"
                " VALUES (?, ?, ?)",
                (sid, who, ours),
            ).rowcount
            self._count(t, "added" if added else "same")

    # -- negotiation ----------------------------------------------------------------
    def discussions(self, only: list[int] | None = None) -> None:
        t = "discussions"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY'
        for row in self._rows(t, sorted(_REQUIRED[t]), order, only):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            rid = self._int(t, row, "round_id", null=True)
            if rid is not None and rid not in self.their_rounds:
                raise self._bad(t, row, "round_id", f"no round {rid}")
            ours = None if rid is None else self.round_map.get(rid)
            shown = self._time(t, row, "shown_at")
            mine = self.conn.execute(
                "SELECT shown_at FROM discussions WHERE sample_id = ? AND annotator = ?",
                (sid, who),
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO discussions (sample_id, annotator, round_id, shown_at)"
                    " VALUES (?, ?, ?, ?)",
                    (sid, who, ours, shown),
                )
                self._count(t, "added")
            elif instant(shown) < instant(mine[0]):
                # First shown there: every change since is negotiated.
                self.conn.execute(
                    "UPDATE discussions SET shown_at = ? WHERE sample_id = ? AND annotator = ?",
                    (shown, sid, who),
                )
                self._count(t, "updated")
            else:
                self._count(t, "same")

    def reasons(self) -> None:
        t = "negotiation_reasons"
        order = '"sample_id" COLLATE BINARY, "annotator" COLLATE BINARY, "history_id"'
        for row in self._rows(t, sorted(_REQUIRED[t]), order):
            sid = self._sample(t, row)
            who = self._annotator(t, row)
            history_id = self._history_id(t, row, "history_id", (sid, who))
            reason = self._text(t, row, "reason", cap=MAX_LABEL_VALUE)
            created = self._time(t, row, "created_at")
            mine = self.conn.execute(
                "SELECT reason FROM negotiation_reasons WHERE history_id = ?", (history_id,)
            ).fetchone()
            if mine is None:
                self.conn.execute(
                    "INSERT INTO negotiation_reasons"
                    " (history_id, sample_id, annotator, reason, created_at)"
                    " VALUES (?, ?, ?, ?, ?)",
                    (history_id, sid, who, reason, created),
                )
                self._count(t, "added")
            elif mine[0] == reason:
                self._count(t, "same")
            else:
                self._count(t, "conflicts", f"{sid} / {who}: another reason; kept this database's")
