"""The Inspect estimate counts the sample members from the central directory: the
same number as zipfile's listing and as the import reads, and anything unusual
left to zipfile (which refuses what it refused)."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from test_import_digests import _inspect
from test_import_inspect import SAMPLES, eval_log

from annotator.errors import UserError
from annotator.importers import IMPORTERS, estimate, import_path
from annotator.importers.inspect_log import _count_samples
from annotator.store import Store


def _listed(path: Path) -> int:
    with zipfile.ZipFile(path) as archive:
        return sum(1 for name in archive.namelist() if name.startswith("samples/"))


def _with_member_extras(path: Path) -> Path:
    """A log whose members carry an extra field and a comment."""
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("header.json", json.dumps({"eval": {"task": "t", "model": "m"}}))
        for i, sample in enumerate(SAMPLES):
            info = zipfile.ZipInfo(f"samples/{sample['id']}_epoch_{sample['epoch']}.json")
            info.comment = b"a comment"
            if i == 1:
                info.extra = b"\xfe\xca\x04\x00abcd"
            archive.writestr(info, json.dumps(sample))
    return path


@pytest.mark.parametrize("kind", ["test-log", "odd", "extras"])
def test_the_estimate_is_what_the_import_reads(kind: str, store: Store, tmp_path: Path) -> None:
    if kind == "test-log":
        path = eval_log(tmp_path / "run.eval", SAMPLES)
    elif kind == "odd":
        path, _ = _inspect(tmp_path)
    else:
        path = _with_member_extras(tmp_path / "extras.eval")
    counted = estimate("inspect", path)
    assert counted == _listed(path) - (kind == "odd")  # (a name with a newline is no sample)
    assert counted == import_path(store, "inspect", path).samples["new"]
    assert (_count_samples(path) is None) == (kind == "extras")


def test_a_damaged_directory_is_left_to_zipfile(tmp_path: Path) -> None:
    path = eval_log(tmp_path / "run.eval", SAMPLES)
    data = bytearray(path.read_bytes())
    central = data.rindex(b"PK\x01\x02")
    data[central : central + 4] = b"PK\x09\x09"
    path.write_bytes(bytes(data))
    assert _count_samples(path) is None
    with pytest.raises(UserError, match="not an Inspect .eval log"):
        IMPORTERS["inspect"].estimate(path)
