"""DL-Bench folder importer: ``Original/``, ``Generated/``, ``Result/``, ``labels.csv``.

Contract: the sample id is the file stem. ``Generated/<id>.py`` is the code
under test, ``Original/<id>.py`` the reference, ``Result/<id>.txt`` the pytest
output after a small header whose 'Pass or Failed: 0/1' line gives the result
(1 = passed; the line may stand anywhere in the file - real files have it
after 26,000 characters of error cases). A sample whose outcome cannot be
read is imported with outcome unknown and named in the summary's
``unknown_outcome``: nothing is lost silently. An optional ``labels.csv`` (see :mod:`annotator.sheet.reader`) gives the
prompts and the labels of each annotator group; the group ``final`` holds the
adjudicated labels. Files are read as text and never executed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import SampleIn
from ..sheet.reader import read_sheet
from ..taxonomy import Taxonomy
from .base import ImportedLabel, ImportSummary
from .inputs import folder_files, inside, read_text, readable_folder, regular_file

NAME = "dlbench"
HELP = "a DL-Bench folder: Original/, Generated/, Result/ and an optional labels.csv"

PASS_LINE = re.compile(r"^Pass or Failed:\s*(\S+)", re.MULTILINE)
HEADER_FIELD = re.compile(r"^(output file|function):\s*\n(.*)$", re.MULTILINE)


def _stems(folder: Path, suffix: str) -> dict[str, Path]:
    if not folder.exists() and not folder.is_symlink():
        return {}
    if folder.is_symlink():
        inside(folder, folder.parent)
    return {p.stem: p for p in folder_files(folder, (suffix,), root=folder.parent)}


def _layout(path: Path) -> tuple[dict[str, Path], dict[str, Path], dict[str, Path]]:
    if not path.is_dir():
        raise UserError("expected a folder with Generated/, Original/ and Result/", file=path)
    readable_folder(path)
    generated = _stems(path / "Generated", ".py")
    if not generated:
        raise UserError("no Generated/*.py files", file=path)
    return generated, _stems(path / "Original", ".py"), _stems(path / "Result", ".txt")


def estimate(path: Path, **_: Any) -> int | None:
    return len(_layout(path)[0])


def _read_code(file: Path) -> str:
    return read_text(file, universal_newlines=True)


def parse_result(text: str) -> tuple[bool | None, dict[str, str]]:
    """The pass flag and header fields of a Result file."""
    match = PASS_LINE.search(text)
    passed: bool | None = None
    if match:
        passed = {"1": True, "0": False}.get(match.group(1))
    header = {
        key.replace(" ", "_"): value.strip() for key, value in HEADER_FIELD.findall(text[:5_000])
    }
    return passed, header


def read(
    path: Path, taxonomy: Taxonomy, summary: ImportSummary, **_: Any
) -> Iterator[SampleIn | ImportedLabel]:
    generated, original, result = _layout(path)
    prompts: dict[str, str] = {}
    labels: list[ImportedLabel] = []
    sheet = path / "labels.csv"
    if sheet.exists() or sheet.is_symlink():
        if sheet.is_symlink():
            inside(sheet, path)
        regular_file(sheet)
        prompts, labels = read_sheet(sheet, taxonomy, summary, set(generated))
    for stem in sorted(set(original) | set(result)):
        if stem not in generated:
            summary.skipped.append(f"{stem}: no Generated/{stem}.py")
    for stem in sorted(generated):
        output = ""
        passed: bool | None = None
        metadata: dict[str, Any] = {}
        if stem in result:
            try:
                raw = result[stem].read_bytes()
            except OSError as exc:
                raise UserError(f"cannot read: {exc.strerror}", file=result[stem]) from None
            output = raw.decode("utf-8", errors="replace")
            if "\ufffd" in output and b"\xef\xbf\xbd" not in raw:
                summary.warnings.append(f"{result[stem]}: invalid UTF-8 replaced")
            passed, header = parse_result(output)
            metadata.update(header)
            if passed is None:
                summary.unknown_outcome.append(
                    f"{stem}: no 'Pass or Failed: 0/1' line in {result[stem]}"
                )
        else:
            summary.warnings.append(f"{stem}: no Result/{stem}.txt")
            summary.unknown_outcome.append(f"{stem}: no Result/{stem}.txt")
        if stem not in original:
            summary.warnings.append(f"{stem}: no Original/{stem}.py")
        yield SampleIn(
            id=stem,
            prompt=prompts.get(stem, ""),
            generated_code=_read_code(generated[stem]),
            reference_code=_read_code(original[stem]) if stem in original else "",
            test_output=output,
            passed=passed,
            metadata=metadata,
            source=str(path),
        )
    yield from labels
