"""An import of a results document leaves the cyclic collector as it found it: the
document is frozen out of it while the samples are built (benchfiles.out_of_gc) and
unfrozen after, when the import succeeds or fails; a freeze of someone else's stays."""

from __future__ import annotations

import gc
import json
from pathlib import Path

import pytest

from annotator.errors import UserError
from annotator.importers import import_path
from annotator.store import Store

ENTRY = {"solution": "x", "status": "fail", "details": {"t": "tb"}}


def _results(tmp_path: Path, entries: list[object]) -> Path:
    path = tmp_path / "b_eval_results.json"
    path.write_text(json.dumps({"eval": {"T/1": entries}}))
    return path


def test_nothing_is_left_frozen(store: Store, tmp_path: Path) -> None:
    assert gc.get_freeze_count() == 0
    import_path(store, "bigcodebench", _results(tmp_path, [ENTRY, ENTRY]))
    assert gc.get_freeze_count() == 0 and len(store.sample_ids()) == 2
    with pytest.raises(UserError):
        import_path(store, "bigcodebench", _results(tmp_path, [ENTRY, {"status": 3}]))
    assert gc.get_freeze_count() == 0


def test_a_freeze_of_someone_elses_stays(store: Store, tmp_path: Path) -> None:
    gc.freeze()
    try:
        assert gc.get_freeze_count() > 0
        import_path(store, "bigcodebench", _results(tmp_path, [ENTRY]))
        assert gc.get_freeze_count() > 0  # (not unfrozen by the import)
    finally:
        gc.unfreeze()
