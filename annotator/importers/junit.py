"""JUnit XML importer: ``annotator import junit FILE.xml --code DIR``.

Contract: FILE.xml is what ``pytest --junitxml`` writes, read and validated by
:mod:`.junit_xml` (which refuses DTDs and names the file and line of malformed
XML). DIR holds the generated code, one file per sample: ``<id>.py`` or
``<id>.txt`` (the sample id is the file stem; two files with the same stem are
an error). The files are read as text and never executed; a file that is not
UTF-8 raises a :class:`~annotator.errors.UserError` naming it.

Joining rules:

* a ``<property name="sample" value="X"/>`` on a testcase assigns it to sample
  X and takes precedence over everything else;
* otherwise a testcase belongs to sample X when X occurs in its ``classname``,
  ``name`` or ``file`` attribute; when several ids occur, the longest wins (so
  ``foo_1`` beats ``foo``), ties going to the alphabetically first id;
* a testcase that matches no code file is left out and listed in
  ``summary.skipped`` with the reason;
* a code file that no testcase refers to is imported with ``passed=None``,
  an empty test output and a warning in ``summary.warnings``.

Each sample's ``test_output`` is its testcases written in verbose pytest style
by :func:`~.junit_render.render_output`; its metadata keeps the testcase models
themselves (``junit_cases``), which the suggester and the error panel read.
``passed`` is True when the sample has testcases and none failed or errored.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .inputs import folder_files, read_text
from .junit_render import case_counts, render_output
from .junit_xml import JUnitCase, parse_junit

NAME = "junit"
HELP = "what `pytest --junitxml` writes, joined with the generated code files of --code DIR"

CODE_SUFFIXES = (".py", ".txt")
SAMPLE_PROPERTY = "sample"


# --------------------------------------------------------------------------- code files


def code_files(code_dir: Path) -> dict[str, Path]:
    """Sample id -> code file, for the ``.py``/``.txt`` files directly in DIR."""
    if not code_dir.is_dir():
        raise UserError("not a folder (--code)", file=code_dir)
    found: dict[str, Path] = {}
    for file in folder_files(code_dir, CODE_SUFFIXES):
        if file.stem in found:
            raise UserError(
                f"two code files for sample '{file.stem}': {found[file.stem].name} and {file.name}",
                file=code_dir,
            )
        found[file.stem] = file
    if not found:
        raise UserError(f"no {'/'.join(CODE_SUFFIXES)} code files (--code)", file=code_dir)
    return found


def _code_dir(options: dict[str, Any]) -> Path:
    code_dir = options.get("code_dir")
    if code_dir is None:
        raise UserError(
            "the junit format needs --code DIR (the folder of generated code files, one per sample)"
        )
    return Path(code_dir)


# --------------------------------------------------------------------------- joining


def match_sample(case: JUnitCase, ids: list[str]) -> str | None:
    """The sample a testcase belongs to (see the module rules); None if none."""
    if SAMPLE_PROPERTY in case.properties:
        return case.properties[SAMPLE_PROPERTY]
    best: str | None = None
    for sample_id in ids:
        if any(sample_id in text for text in case.haystacks()):
            if best is None or len(sample_id) > len(best):
                best = sample_id
    return best


def estimate(path: Path, **options: Any) -> int | None:
    return len(code_files(_code_dir(options)))


def read(
    path: Path, taxonomy: Taxonomy, summary: ImportSummary, **options: Any
) -> Iterator[SampleIn]:
    code_dir = _code_dir(options)
    files = code_files(code_dir)
    report = parse_junit(path)
    # Sorted so that, among ids of equal length, the alphabetically first wins.
    ids = sorted(files)
    by_sample: dict[str, list[JUnitCase]] = {sample_id: [] for sample_id in ids}
    for case in report.cases():
        sample_id = match_sample(case, ids)
        if sample_id is None:
            summary.skipped.append(
                f"{case.nodeid}: no code file in {code_dir} matches its classname, name or file"
            )
        elif sample_id not in by_sample:
            summary.skipped.append(
                f"{case.nodeid}: property {SAMPLE_PROPERTY}='{sample_id}' names no code file"
                f" in {code_dir}"
            )
        else:
            by_sample[sample_id].append(case)
    for sample_id in ids:
        file = files[sample_id]
        code = read_text(file)
        cases = by_sample[sample_id]
        if not cases:
            summary.warnings.append(
                f"{sample_id}: no testcase in {path.name} refers to it; imported with passed unknown"
            )
        yield SampleIn(
            id=sample_id,
            generated_code=code,
            test_output=render_output(cases) if cases else "",
            passed=(all(c.status in ("PASSED", "SKIPPED") for c in cases) if cases else None),
            metadata={
                "code_file": file.name,
                "junit": case_counts(cases),
                # The suggester and the error panel read the results from
                # these models, not from the text above (written for people).
                "junit_cases": [c.model_dump() for c in cases],
            },
            source=str(path),
        )
