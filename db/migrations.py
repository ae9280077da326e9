"""Schema steps of the annotator database, as an append-only sqlite-utils set.

Contract: steps are applied in order by ``annotator.store.Store.open`` and
recorded in ``_sqlite_migrations``. Never edit or reorder a step that has
shipped: add a new one. ``db/schema.sql`` is the generated snapshot of the
result (``python -m annotator.store.schema --write``); a test keeps it in sync.

The heavy texts of a sample (prompt, code, test output) live in
``sample_texts`` so that listing and filtering 100k samples scans a compact
``samples`` table; the view ``samples_full`` joins the two.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database
from sqlite_utils.migrations import Migrations

migrations = Migrations("annotator")

LABEL_COLUMNS = """
    kind TEXT NOT NULL CHECK (kind IN ('bug', 'pass', 'skip', 'none')),
    category INTEGER,
    subcategory TEXT,
    subcategory_inferred INTEGER NOT NULL DEFAULT 0,
    category2 INTEGER,
    subcategory2 TEXT,
    subcategory2_inferred INTEGER NOT NULL DEFAULT 0,
    note TEXT NOT NULL DEFAULT '',
    note2 TEXT NOT NULL DEFAULT '',
    flag TEXT,
    suggestions_shown INTEGER,
    taxonomy_version TEXT NOT NULL,
    source TEXT NOT NULL,
    written_by TEXT,
    raw TEXT,
    revision INTEGER NOT NULL DEFAULT 1,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
"""

_HISTORY_COPY = (
    "kind, category, subcategory, subcategory_inferred, category2, subcategory2, "
    "subcategory2_inferred, note, note2, flag, suggestions_shown, taxonomy_version, "
    "source, written_by, raw, revision, created_at, updated_at"
)


def _run(db: Database, script: str) -> None:
    """Run several statements inside the migration's transaction.

    ``executescript`` would COMMIT first and break the step's atomicity, so the
    script is split into complete statements and run one by one.
    """
    buffer = ""
    for line in script.splitlines(keepends=True):
        buffer += line
        if sqlite3.complete_statement(buffer):
            db.execute(buffer)
            buffer = ""
    if buffer.strip():
        raise ValueError(f"incomplete SQL statement in migration: {buffer[:60]}")


@migrations()
def m001_initial(db: Database) -> None:
    new_values = ", ".join(f"NEW.{c.strip()}" for c in _HISTORY_COPY.split(","))
    old_values = ", ".join(f"OLD.{c.strip()}" for c in _HISTORY_COPY.split(","))
    _run(
        db,
        f"""
CREATE TABLE samples (
    id TEXT PRIMARY KEY,
    passed INTEGER,
    model TEXT,
    stage TEXT,
    data_type TEXT,
    task_type TEXT,
    source TEXT,
    content_hash TEXT NOT NULL,
    metadata TEXT NOT NULL DEFAULT '{{}}',
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
CREATE INDEX idx_samples_passed ON samples (passed);
CREATE INDEX idx_samples_model ON samples (model);
CREATE INDEX idx_samples_hash ON samples (content_hash);
CREATE TABLE sample_texts (
    sample_id TEXT PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,
    prompt TEXT NOT NULL DEFAULT '',
    generated_code TEXT NOT NULL DEFAULT '',
    reference_code TEXT NOT NULL DEFAULT '',
    test_output TEXT NOT NULL DEFAULT ''
);
CREATE TABLE annotators (
    name TEXT PRIMARY KEY,
    created_at TEXT NOT NULL
);
CREATE TABLE labels (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators (name),
    {LABEL_COLUMNS},
    PRIMARY KEY (sample_id, annotator)
);
CREATE INDEX idx_labels_annotator ON labels (annotator, kind);
CREATE TABLE label_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id TEXT NOT NULL,
    annotator TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changed_at TEXT NOT NULL,
    {LABEL_COLUMNS.replace("kind TEXT NOT NULL CHECK (kind IN ('bug', 'pass', 'skip', 'none'))", "kind TEXT")}
);
CREATE INDEX idx_history_label ON label_history (sample_id, annotator, id);
CREATE TRIGGER labels_history_insert AFTER INSERT ON labels BEGIN
    INSERT INTO label_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (NEW.sample_id, NEW.annotator, 'insert', NEW.updated_at, {new_values});
END;
CREATE TRIGGER labels_history_update AFTER UPDATE ON labels BEGIN
    INSERT INTO label_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (NEW.sample_id, NEW.annotator, 'update', NEW.updated_at, {new_values});
END;
CREATE TRIGGER labels_history_delete AFTER DELETE ON labels BEGIN
    INSERT INTO label_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (OLD.sample_id, OLD.annotator, 'delete',
            MAX(strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), OLD.updated_at), {old_values});
END;
CREATE VIEW samples_full AS
    SELECT s.*, t.prompt, t.generated_code, t.reference_code, t.test_output
    FROM samples s JOIN sample_texts t ON t.sample_id = s.id;
CREATE VIEW category_counts AS
    SELECT annotator, category, COUNT(*) AS occurrences FROM (
        SELECT annotator, sample_id, category FROM labels
            WHERE kind = 'bug' AND category IS NOT NULL
        UNION
        SELECT annotator, sample_id, category2 FROM labels
            WHERE kind = 'bug' AND category2 IS NOT NULL
    ) GROUP BY annotator, category ORDER BY annotator, category;
CREATE VIEW annotator_progress AS
    SELECT annotator,
        SUM(kind = 'bug') AS bugs, SUM(kind = 'pass') AS passes,
        SUM(kind = 'skip') AS skipped, SUM(flag IS NOT NULL) AS flagged,
        COUNT(*) AS labeled
    FROM labels GROUP BY annotator;
""",
    )


@migrations()
def m002_suggestion_cache(db: Database) -> None:
    """Cached analysis of each sample and cached ranked suggestions.

    ``sample_facts.key`` is the sample's content hash plus the analyzer
    version, so facts are recomputed only when the sample or the analyzer
    changes. ``suggestions.key`` adds the rules' hash and the label history
    position, so rankings follow rule and label changes.
    """
    _run(
        db,
        """
CREATE TABLE sample_facts (
    sample_id TEXT PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    exception TEXT,
    signature TEXT,
    fingerprint TEXT,
    facts TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
CREATE INDEX idx_facts_fingerprint ON sample_facts (fingerprint);
CREATE INDEX idx_facts_signature ON sample_facts (signature);
CREATE TABLE suggestions (
    sample_id TEXT PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,
    key TEXT NOT NULL,
    suggestions TEXT NOT NULL,
    computed_at TEXT NOT NULL
);
""",
    )


@migrations()
def m003_taxonomy_binding(db: Database) -> None:
    """The taxonomy a database is bound to (one row), recorded by the first
    import or label: name, version and a hash of its structure (see
    ``annotator.store.taxonomy_binding``)."""
    _run(
        db,
        """
CREATE TABLE taxonomy_binding (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    name TEXT NOT NULL,
    version TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    bound_at TEXT NOT NULL
);
""",
    )


@migrations()
def m004_machine_annotations(db: Database) -> None:
    """Machine annotators (an LLM labeling as ``llm:NAME``) and each of their answers.

    A machine annotator's labels live in ``labels`` like anyone's; this table
    marks the annotator as machine-made (so blind views and default agreement
    leave it out) and ``machine_answers`` keeps, per sample, what the model
    answered: status 'labeled' (a valid answer, written as the label),
    'invalid' (an answer that failed validation, never a label) or 'failed'
    (no answer: timeout, HTTP error), with model, endpoint (never a key),
    prompt version and token counts.
    """
    _run(
        db,
        """
CREATE TABLE machine_annotators (
    name TEXT PRIMARY KEY REFERENCES annotators (name),
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE machine_answers (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES machine_annotators (name),
    status TEXT NOT NULL CHECK (status IN ('labeled', 'invalid', 'failed')),
    model TEXT NOT NULL,
    endpoint TEXT NOT NULL,
    prompt_version TEXT NOT NULL,
    prompt_tokens INTEGER,
    completion_tokens INTEGER,
    answer TEXT,
    error TEXT,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, annotator)
);
""",
    )


@migrations()
def m005_search_and_focus_time(db: Database) -> None:
    """Full-text search over sample texts and notes; focus time per label.

    ``sample_fts`` indexes ``sample_texts`` (external content: no second copy
    of the texts) and ``note_fts`` the notes of ``labels``; triggers keep both
    in step with every insert, update and delete (importers, merges, the UI).
    Searching notes is always restricted to one annotator's own labels
    (blind labeling). ``label_time`` holds the seconds each annotator spent
    with each sample on screen (idle gaps dropped), beside the label.
    """
    _run(
        db,
        """
CREATE VIRTUAL TABLE sample_fts USING fts5(
    prompt, generated_code, reference_code, test_output,
    content='sample_texts', content_rowid='rowid'
);
CREATE TRIGGER sample_fts_insert AFTER INSERT ON sample_texts BEGIN
    INSERT INTO sample_fts (rowid, prompt, generated_code, reference_code, test_output)
    VALUES (NEW.rowid, NEW.prompt, NEW.generated_code, NEW.reference_code, NEW.test_output);
END;
CREATE TRIGGER sample_fts_delete AFTER DELETE ON sample_texts BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    VALUES ('delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output);
END;
CREATE TRIGGER sample_fts_update AFTER UPDATE ON sample_texts BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    VALUES ('delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output);
    INSERT INTO sample_fts (rowid, prompt, generated_code, reference_code, test_output)
    VALUES (NEW.rowid, NEW.prompt, NEW.generated_code, NEW.reference_code, NEW.test_output);
END;
INSERT INTO sample_fts (sample_fts) VALUES ('rebuild');
CREATE VIRTUAL TABLE note_fts USING fts5(note, note2, content='labels', content_rowid='rowid');
CREATE TRIGGER note_fts_insert AFTER INSERT ON labels BEGIN
    INSERT INTO note_fts (rowid, note, note2) VALUES (NEW.rowid, NEW.note, NEW.note2);
END;
CREATE TRIGGER note_fts_delete AFTER DELETE ON labels BEGIN
    INSERT INTO note_fts (note_fts, rowid, note, note2)
    VALUES ('delete', OLD.rowid, OLD.note, OLD.note2);
END;
CREATE TRIGGER note_fts_update AFTER UPDATE OF note, note2 ON labels BEGIN
    INSERT INTO note_fts (note_fts, rowid, note, note2)
    VALUES ('delete', OLD.rowid, OLD.note, OLD.note2);
    INSERT INTO note_fts (rowid, note, note2) VALUES (NEW.rowid, NEW.note, NEW.note2);
END;
INSERT INTO note_fts (note_fts) VALUES ('rebuild');
CREATE TABLE label_time (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    seconds REAL NOT NULL DEFAULT 0,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, annotator)
);
""",
    )


@migrations()
def m006_h21a_one_count_definition(db: Database) -> None:
    """Each count of the study defined once, here, and read by every command and screen.

    ``sample_outcomes`` (one row): ``samples`` (model-samples: one per attempt),
    ``passing`` (``passed = 1``), ``failing`` (``passed = 0``), ``outcome_unknown``
    (``passed`` null) and ``to_label`` (failing + outcome unknown: the labeling
    queue). ``sample_tasks``: one row per task (``metadata.task_id``, else the
    sample id: a sample without one is a task of its own) with its samples and
    outcomes; the study's ``tasks`` is its row count. ``annotator_progress`` (replacing the view of m001, which counted a
    skip as a label): per annotator with at least one label, ``labeled`` (labels
    that are not a skip: a category, a pass or only a flag/note), ``of_to_label``
    (of those, on samples to label: the screens' progress), ``decided`` (a
    category or a pass: what agreement rates), ``bugs``, ``passes``, ``flagged``
    (labels with a flag) and ``skipped`` (skips, which are not labels).
    """
    _run(
        db,
        """
DROP VIEW IF EXISTS annotator_progress;
CREATE VIEW sample_outcomes AS
    SELECT COUNT(*) AS samples,
        COALESCE(SUM(passed = 1), 0) AS passing,
        COALESCE(SUM(passed = 0), 0) AS failing,
        COALESCE(SUM(passed IS NULL), 0) AS outcome_unknown,
        COALESCE(SUM(passed IS NOT 1), 0) AS to_label
    FROM samples;
CREATE VIEW sample_tasks AS
    SELECT COALESCE(
            CASE WHEN json_valid(metadata) THEN json_extract(metadata, '$.task_id') END, id
        ) AS task,
        COUNT(*) AS samples,
        SUM(passed = 1) AS passing,
        SUM(passed = 0) AS failing,
        SUM(passed IS NULL) AS outcome_unknown
    FROM samples GROUP BY 1;
CREATE VIEW annotator_progress AS
    SELECT l.annotator,
        SUM(l.kind != 'skip') AS labeled,
        SUM(l.kind != 'skip' AND s.passed IS NOT 1) AS of_to_label,
        SUM(l.kind IN ('bug', 'pass')) AS decided,
        SUM(l.kind = 'bug') AS bugs,
        SUM(l.kind = 'pass') AS passes,
        SUM(l.kind != 'skip' AND l.flag IS NOT NULL) AS flagged,
        SUM(l.kind = 'skip') AS skipped
    FROM labels l JOIN samples s ON s.id = l.sample_id
    GROUP BY l.annotator
    HAVING SUM(l.kind != 'skip') > 0;
""",
    )


@migrations()
def m007_h22b_taxonomy_yaml(db: Database) -> None:
    """The bound taxonomy itself, as YAML, beside its name, version and hash:
    every command uses it unless ``--taxonomy`` names another (see
    ``annotator.store.taxonomy_binding``). NULL in a database bound before
    this step until its next write under that taxonomy."""
    _run(db, "ALTER TABLE taxonomy_binding ADD COLUMN yaml TEXT;")


@migrations()
def m008_rounds(db: Database) -> None:
    """Rounds of a study: batches of samples drawn together and assigned to annotators.

    ``rounds``: one row per batch (its name, the seed of a random draw or the
    filter it was drawn by, how it was shared, when it was made). A sample is in
    at most one round (``round_samples.sample_id`` is the key; ``position`` is the
    draw order). ``round_assignments``: which annotator is to label which sample
    of a round; its key (sample_id, annotator) is what the labeling queue joins
    on to put an annotator's round first. Whether a round is closed is computed
    from the labels (every assignment decided), never stored.
    """
    _run(
        db,
        """
CREATE TABLE rounds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    seed INTEGER,
    query TEXT,
    overlap TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE round_samples (
    sample_id TEXT PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    position INTEGER NOT NULL
);
CREATE INDEX idx_round_samples_round ON round_samples (round_id, position);
CREATE TABLE round_assignments (
    sample_id TEXT NOT NULL REFERENCES round_samples (sample_id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    round_id INTEGER NOT NULL REFERENCES rounds (id),
    PRIMARY KEY (sample_id, annotator)
) WITHOUT ROWID;
CREATE INDEX idx_round_assignments_annotator ON round_assignments (annotator, round_id);
""",
    )


@migrations()
def m009_negotiation(db: Database) -> None:
    """Initial and negotiated labels.

    ``discussions``: that the disagreement on a sample was shown to an annotator
    (``annotator round discuss``, ``annotator negotiate``), first time only; every
    change of that annotator's label on that sample after ``shown_at`` is
    negotiated. ``negotiation_reasons``: the reason given for a negotiated change,
    keyed by the ``label_history`` row the change wrote. A label's initial value
    needs no table: it is its first decided row in ``label_history``.
    """
    _run(
        db,
        """
CREATE TABLE discussions (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    round_id INTEGER REFERENCES rounds (id),
    shown_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, annotator)
) WITHOUT ROWID;
CREATE TABLE negotiation_reasons (
    history_id INTEGER PRIMARY KEY REFERENCES label_history (id),
    sample_id TEXT NOT NULL,
    annotator TEXT NOT NULL,
    reason TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE INDEX idx_negotiation_reasons_label ON negotiation_reasons (sample_id, annotator);
""",
    )


@migrations()
def m010_retest(db: Database) -> None:
    """Test-retest: the study's retest plan and the answers given to a re-show.

    ``retest_plan`` (at most one row): the share of each annotator's own decided
    samples that is re-shown (chosen by a hash of seed, annotator and sample id,
    so the same samples whenever the plan is recomputed), and the delay: at least
    ``after`` of the annotator's other samples decided since, or ``days`` days.
    ``retest_answers``: one row per (sample, annotator), the second answer, with
    the label columns and ``first_history_id`` (the ``label_history`` row of the
    first answer it was given against). It never touches ``labels``: the study's
    counts, agreement and report never read it. ``retest_history`` keeps every
    change of a retest answer (for undo), filled by triggers as ``label_history``.
    """
    new_values = ", ".join(f"NEW.{c.strip()}" for c in _HISTORY_COPY.split(","))
    old_values = ", ".join(f"OLD.{c.strip()}" for c in _HISTORY_COPY.split(","))
    history_columns = LABEL_COLUMNS.replace(
        "kind TEXT NOT NULL CHECK (kind IN ('bug', 'pass', 'skip', 'none'))", "kind TEXT"
    )
    _run(
        db,
        f"""
CREATE TABLE retest_plan (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    share REAL NOT NULL CHECK (share > 0 AND share <= 1),
    after INTEGER NOT NULL CHECK (after >= 0),
    days REAL CHECK (days IS NULL OR days >= 0),
    seed INTEGER NOT NULL,
    set_at TEXT NOT NULL
);
CREATE TABLE retest_answers (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL REFERENCES annotators (name),
    first_history_id INTEGER,
    {LABEL_COLUMNS},
    PRIMARY KEY (sample_id, annotator)
);
CREATE TABLE retest_history (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sample_id TEXT NOT NULL,
    annotator TEXT NOT NULL,
    op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    changed_at TEXT NOT NULL,
    {history_columns}
);
CREATE INDEX idx_retest_history ON retest_history (sample_id, annotator, id);
CREATE TRIGGER retest_history_insert AFTER INSERT ON retest_answers BEGIN
    INSERT INTO retest_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (NEW.sample_id, NEW.annotator, 'insert', NEW.updated_at, {new_values});
END;
CREATE TRIGGER retest_history_update AFTER UPDATE ON retest_answers BEGIN
    INSERT INTO retest_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (NEW.sample_id, NEW.annotator, 'update', NEW.updated_at, {new_values});
END;
CREATE TRIGGER retest_history_delete AFTER DELETE ON retest_answers BEGIN
    INSERT INTO retest_history (sample_id, annotator, op, changed_at, {_HISTORY_COPY})
    VALUES (OLD.sample_id, OLD.annotator, 'delete',
            MAX(strftime('%Y-%m-%dT%H:%M:%f000Z', 'now'), OLD.updated_at), {old_values});
END;
""",
    )


@migrations()
def m011_gold(db: Database) -> None:
    """The gold set and training answers (issue #27, part 4).

    ``gold``: one reference label per sample (``kind`` bug or pass; ``category`` and
    ``subcategory`` of a bug), its ``purpose`` (``training``: shown with feedback in
    training mode; ``check``: hidden in the ordinary queue to measure drift) and where
    it came from (``source``: ``annotator:NAME`` or ``import:FILE``).
    ``training_answers``: an annotator's answer to a training item, one per
    (sample, annotator), never overwritten (the first answer, given before the
    feedback, is the one scored), with the reference as it was when answered. Kept
    apart from ``labels``: no count, view or statistic of the study reads it.
    """
    _run(
        db,
        """
CREATE TABLE gold (
    sample_id TEXT PRIMARY KEY REFERENCES samples (id) ON DELETE CASCADE,
    purpose TEXT NOT NULL CHECK (purpose IN ('training', 'check')),
    kind TEXT NOT NULL CHECK (kind IN ('bug', 'pass')),
    category INTEGER,
    subcategory TEXT,
    source TEXT NOT NULL,
    taxonomy_version TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    CHECK ((kind = 'bug') = (category IS NOT NULL))
);
CREATE INDEX idx_gold_purpose ON gold (purpose);
CREATE TABLE training_answers (
    sample_id TEXT NOT NULL REFERENCES samples (id) ON DELETE CASCADE,
    annotator TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('bug', 'pass')),
    category INTEGER,
    subcategory TEXT,
    reference_kind TEXT NOT NULL,
    reference_category INTEGER,
    reference_subcategory TEXT,
    taxonomy_version TEXT NOT NULL,
    answered_at TEXT NOT NULL,
    PRIMARY KEY (sample_id, annotator)
);
CREATE INDEX idx_training_annotator ON training_answers (annotator);
""",
    )


@migrations()
def m012_search_pending(db: Database) -> None:
    """New sample texts wait for the search index instead of being indexed one by one.

    ``sample_fts_pending`` lists the ``sample_texts`` rows not yet in ``sample_fts``:
    the insert trigger records a new row there (writing FTS5 per row made the index
    most of an import's cost); the store indexes pending rows in batches, and every
    search does so before it matches, so a search finds what it found before. A row
    is either indexed or pending, never both: the update and delete triggers remove
    a row's old words from the index only when it was indexed (an FTS5 'delete' of
    words never indexed corrupts an external-content index); an updated pending row
    stays pending (it is indexed with its new texts), a deleted one leaves the list.
    An existing database's index is complete, so the list starts empty.
    """
    _run(
        db,
        """
CREATE TABLE sample_fts_pending (rowid INTEGER PRIMARY KEY);
DROP TRIGGER sample_fts_insert;
DROP TRIGGER sample_fts_update;
DROP TRIGGER sample_fts_delete;
CREATE TRIGGER sample_fts_insert AFTER INSERT ON sample_texts BEGIN
    INSERT OR IGNORE INTO sample_fts_pending (rowid) VALUES (NEW.rowid);
END;
CREATE TRIGGER sample_fts_delete AFTER DELETE ON sample_texts BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    SELECT 'delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output
    WHERE NOT EXISTS (SELECT 1 FROM sample_fts_pending WHERE rowid = OLD.rowid);
    DELETE FROM sample_fts_pending WHERE rowid = OLD.rowid;
END;
CREATE TRIGGER sample_fts_update AFTER UPDATE ON sample_texts
WHEN NOT EXISTS (SELECT 1 FROM sample_fts_pending WHERE rowid = OLD.rowid) BEGIN
    INSERT INTO sample_fts (sample_fts, rowid, prompt, generated_code, reference_code,
        test_output)
    VALUES ('delete', OLD.rowid, OLD.prompt, OLD.generated_code, OLD.reference_code,
        OLD.test_output);
    INSERT INTO sample_fts (rowid, prompt, generated_code, reference_code, test_output)
    VALUES (NEW.rowid, NEW.prompt, NEW.generated_code, NEW.reference_code, NEW.test_output);
END;
""",
    )


@migrations()
def m013_drop_samples_hash_index(db: Database) -> None:
    """No query looks a sample up by its content hash (a re-import and a merge compare
    the hash of the row found by id), so ``idx_samples_hash`` was only written: its
    random 64-character keys cost an import of new samples a tenth of the store's
    write (27 of 244 ms CPU for 10,000 samples)."""
    _run(db, "DROP INDEX IF EXISTS idx_samples_hash;")
