"""Inspect importer: ``annotator import inspect LOG.eval [--scorer NAME]``.

Contract: LOG.eval is the log ``inspect eval`` writes: a zip archive holding
``header.json`` (``eval.task``, ``eval.model`` ...) and one
``samples/<id>_epoch_<n>.json`` per sample and epoch (``id``, ``epoch``,
``input``, ``target``, ``output.completion``, ``scores`` by scorer name, each
``{value, answer, explanation}``, and ``error`` ``{message, traceback}`` when
the sample failed with an error). It is read with :mod:`zipfile` (inspect_ai
is not needed); each member is read bounded (:data:`MAX_MEMBER`) and at most
:data:`MAX_MEMBERS` members are listed, so a zip bomb is refused, not
inflated.

- Every sample of every epoch is one attempt of task ``<task>/<id>``
  (:func:`~.benchfiles.attempt_sample`), model ``eval.model``.
- The score read is ``--scorer NAME``, else the sample's first. Its value
  ``C`` (correct) passes; ``I``, ``P`` (partial) and ``N`` (no answer) fail; a
  number passes when it is 1 and fails from 0 to below 1. The status is
  ``pass``, ``fail``, ``partial``, ``no_answer``, ``error`` or ``unscored``. An
  ``error`` is the sample raising in Inspect's run machinery (a solver, the
  sandbox, the model's API), not a verdict on the code: Inspect leaves such a
  sample out of its metrics, and so its outcome is unknown here too (pass@k
  counts it nowhere), as is an ``unscored`` one's; the summary counts both.
- The generated code is the score's ``answer`` (the code the scorer extracted
  and ran), else the completion's fenced code block
  (:func:`~.fences.fenced_code`), else the whole completion (which the
  metadata keeps as it was); the prompt is the input; the
  reference is the target; the test output is the score's explanation and the
  error's traceback, which also make the parsed report.
- A member that is not JSON or a field of the wrong type fails the import
  naming the file, the member and the field. Nothing is executed.
"""

from __future__ import annotations

import os
import re
import struct
import zipfile
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from ..errors import UserError
from ..imported import REPORT_KEY
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary
from .benchfiles import as_text, attempt, validate_at
from .fences import fenced_code
from .inputs import regular_file
from .jsondata import load_json
from .protocol import Option
from .report import cap, case_data

MAX_MEMBER = 16 << 20
"""Largest member read (unpacked), as a JSONL line: one sample's record. It is parsed whole
and a member of many small events takes about 12x its size in objects, so 16 MiB keeps one
member under 300 MB (a sample stores at most 16 Mi characters of text anyway)."""
MAX_MEMBERS = 50_000
"""Most members of an archive: counted from its end record before the listing is read
(zipfile keeps about 700 bytes per member: a million would be most of a GB; 50,000 and a
member at its cap stay under 300 MB)."""
_SAMPLE = re.compile(r"^samples/(?P<id>.+)_epoch_(?P<epoch>\d+)\.json$")
LETTERS: dict[str, tuple[str, bool | None]] = {
    "C": ("pass", True),
    "I": ("fail", False),
    "P": ("partial", False),
    "N": ("no_answer", False),
}


class EvalSpec(BaseModel):
    model_config = ConfigDict(extra="ignore")

    task: str = Field(min_length=1)
    model: str = Field(min_length=1)


class Header(BaseModel):
    model_config = ConfigDict(extra="ignore")

    eval: EvalSpec


class Score(BaseModel):
    model_config = ConfigDict(extra="ignore")

    value: Any = None
    answer: str | None = None
    explanation: str | None = None


class SampleError(BaseModel):
    model_config = ConfigDict(extra="ignore")

    message: str = ""
    traceback: str = ""


class Output(BaseModel):
    model_config = ConfigDict(extra="ignore")

    completion: str = ""


class EvalSample(BaseModel):
    """One ``samples/<id>_epoch_<n>.json``."""

    model_config = ConfigDict(extra="ignore")

    id: str | int
    epoch: int = 1
    input: str | list[Any] = ""
    target: str | list[str] = ""
    output: Output = Field(default_factory=Output)
    scores: dict[str, Score] | None = None
    error: SampleError | None = None
    metadata: dict[str, Any] = Field(default_factory=dict)


ScoreFields = tuple[Any, "str | None", "str | None"]
"""A score's value, answer and explanation."""


@dataclass(frozen=True, slots=True)
class Plain:
    """One sample member's fields (as :class:`EvalSample` reads them), as plain values."""

    id: str | int
    epoch: int
    input: str | list[Any]
    target: str | list[str]
    completion: str
    scores: dict[str, ScoreFields] | None
    error: tuple[str, str] | None
    """The error's message and traceback."""
    metadata: dict[str, Any]


def _plain(raw: Any, path: Path, where: str) -> Plain:
    """The fields of one sample member: checked by hand when each has its plain JSON
    type (nearly always), else validated by :class:`EvalSample` (its coercions, its
    one-line refusals)."""
    if type(raw) is dict:
        found = _checked(raw)
        if found is not None:
            return found
    sample = validate_at(EvalSample, raw, path, where)
    scores = sample.scores
    error = sample.error
    return Plain(
        sample.id,
        sample.epoch,
        sample.input,
        sample.target,
        sample.output.completion,
        None
        if scores is None
        else {name: (s.value, s.answer, s.explanation) for name, s in scores.items()},
        None if error is None else (error.message, error.traceback),
        sample.metadata,
    )


def _checked(raw: dict[str, Any]) -> Plain | None:
    """:func:`_plain` by hand, or None for anything :class:`EvalSample` may coerce or refuse."""
    get = raw.get
    sid = get("id")
    epoch = get("epoch", 1)
    given = get("input", "")
    target = get("target", "")
    output = get("output", _EMPTY)
    scores = get("scores")
    error = get("error")
    metadata = get("metadata", _EMPTY)
    if not (
        (type(sid) is str or type(sid) is int)
        and type(epoch) is int
        and (type(given) is str or type(given) is list)
        and (type(target) is str or type(target) is list and all(type(t) is str for t in target))
        and type(output) is dict
        and type(metadata) is dict
    ):
        return None
    completion = output.get("completion", "")
    if type(completion) is not str:
        return None
    plain_scores: dict[str, ScoreFields] | None = None
    if scores is not None:
        if type(scores) is not dict:
            return None
        plain_scores = {}
        for name, score in scores.items():
            if type(score) is not dict:
                return None
            answer = score.get("answer")
            explanation = score.get("explanation")
            if not (
                (answer is None or type(answer) is str)
                and (explanation is None or type(explanation) is str)
            ):
                return None
            plain_scores[name] = (score.get("value"), answer, explanation)
    plain_error: tuple[str, str] | None = None
    if error is not None:
        if type(error) is not dict:
            return None
        message = error.get("message", "")
        traceback = error.get("traceback", "")
        if type(message) is not str or type(traceback) is not str:
            return None
        plain_error = (message, traceback)
    if metadata is _EMPTY:
        metadata = {}
    return Plain(sid, epoch, given, target, completion, plain_scores, plain_error, metadata)


_EMPTY: dict[str, Any] = {}  # (only read: a field left out)


def _member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, path: Path) -> Any:
    where = f"{path}!{info.filename}"
    if info.file_size > MAX_MEMBER:
        raise UserError(f"larger than {MAX_MEMBER >> 20} MiB unpacked: refusing it", file=where)
    try:
        with archive.open(info) as handle:
            # As much as the archive says (+1 to catch a lie), never more than the cap.
            raw = handle.read(info.file_size + 1)
            if len(raw) > info.file_size:
                raw += handle.read(MAX_MEMBER + 1 - len(raw))
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError, EOFError) as exc:
        raise UserError(f"cannot unpack: {exc}", file=where) from None
    if len(raw) > MAX_MEMBER:
        raise UserError(f"larger than {MAX_MEMBER >> 20} MiB unpacked: refusing it", file=where)
    try:
        return load_json(path, raw)
    except UserError as exc:  # name the member, not only the archive
        raise UserError(exc.reason, file=where) from None


def _prompt(value: str | list[Any]) -> str:
    if isinstance(value, str):
        return value
    parts = []
    for message in value:
        content = message.get("content") if isinstance(message, dict) else message
        if isinstance(content, list):
            content = "\n".join(
                str(c.get("text", "")) if isinstance(c, dict) else as_text(c) for c in content
            )
        parts.append(content if isinstance(content, str) else as_text(content))
    return "\n\n".join(parts)


def _outcome(score: ScoreFields | None, errored: bool) -> tuple[str, bool | None]:
    if errored:
        return "error", None
    if score is None:
        return "unscored", None
    value = score[0]
    if isinstance(value, str) and value in LETTERS:
        return LETTERS[value]
    if isinstance(value, bool):
        return ("pass", True) if value else ("fail", False)
    if isinstance(value, int | float):
        if value == 1:
            return "pass", True
        if 0 <= value < 1:
            return "fail", False
    return "unscored", None


class InspectImporter:
    """The ``inspect`` format (see the module contract)."""

    name = "inspect"
    help = "an Inspect .eval log (zip: header.json, samples/*.json)"
    usage = "LOG.eval [--scorer NAME]"
    options = (
        Option(
            "scorer", "--scorer", "the score to read (default: each sample's first)", metavar="NAME"
        ),
    )
    needs_sample_ids = False

    def _open(self, path: Path) -> zipfile.ZipFile:
        regular_file(path, "Inspect .eval log")
        try:
            with path.open("rb") as handle:
                # zipfile's own reading of the end record (what ZipFile() trusts too).
                end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
            if end is not None and end[zipfile._ECD_ENTRIES_TOTAL] > MAX_MEMBERS:  # type: ignore[attr-defined]
                raise UserError(f"more than {MAX_MEMBERS} members: refusing it", file=path)
            return zipfile.ZipFile(path)
        except (zipfile.BadZipFile, OSError) as exc:
            raise UserError(f"not an Inspect .eval log (a zip archive): {exc}", file=path) from None

    def _samples(
        self, archive: zipfile.ZipFile, path: Path
    ) -> list[tuple[str, int, zipfile.ZipInfo]]:
        """(sample id, epoch, member) of every sample member (each name matched once)."""
        infos = archive.infolist()
        if len(infos) > MAX_MEMBERS:
            raise UserError(f"more than {MAX_MEMBERS} members: refusing it", file=path)
        found = []
        for info in infos:
            match = _SAMPLE.match(info.filename)
            if match:
                found.append((match["id"], int(match["epoch"]), info))
        return found

    def estimate(self, path: Path, **_: Any) -> int | None:
        regular_file(path, "Inspect .eval log")
        counted = _count_samples(path)
        if counted is not None:
            return counted
        with self._open(path) as archive:  # anything unusual: zipfile decides
            return len(self._samples(archive, path))

    def read(
        self,
        path: Path,
        taxonomy: Taxonomy,
        summary: ImportSummary,
        *,
        scorer: str | None = None,
        **_: Any,
    ) -> Iterator[SampleIn]:
        with self._open(path) as archive:
            names = set(archive.namelist())
            # A log still being written has its journal's start but no header yet.
            head = next((n for n in ("header.json", "_journal/start.json") if n in names), None)
            if head is None:
                raise UserError("no header.json: not an Inspect .eval log", file=path)
            info = archive.getinfo(head)
            header = validate_at(Header, _member(archive, info, path), path, head)
            members = self._samples(archive, path)
            if not members:
                raise UserError("no samples/*.json in the log", file=path)
            epochs = Counter(key for key, _epoch, _info in members)
            model, task = header.eval.model, header.eval.task
            no_scorer = errored = 0
            for key, _epoch, member in sorted(members, key=_order):
                where = member.filename
                sample = _plain(_member(archive, member, path), path, where)
                score = None
                scored = scorer or next(iter(sample.scores or {}), "score")
                if sample.scores:
                    score = sample.scores.get(scored)
                    no_scorer += scorer is not None and score is None
                error = sample.error
                errored += error is not None
                status, passed = _outcome(score, error is not None)
                explanation = (score[2] if score else None) or ""
                if error is not None:
                    case = case_data(
                        "sample",
                        "error",
                        verdict="Error",
                        message=cap(error[0]) or "",
                        traceback=cap(error[1]) or "",
                    )
                elif passed is False:
                    case = case_data(
                        scored,
                        "failed",
                        verdict=status.replace("_", " "),
                        traceback=cap(explanation) or "",
                    )
                else:
                    case = None
                output = explanation
                if error is not None:
                    output += f"\n--- error ---\n{error[1] or error[0]}"
                target = (
                    sample.target if isinstance(sample.target, str) else "\n".join(sample.target)
                )
                metadata = _metadata(sample, where)
                metadata[REPORT_KEY] = {"format": "inspect", "cases": [case] if case else []}
                yield attempt(
                    model,
                    f"{task}/{sample.id}",
                    sample.epoch,
                    epochs[key],
                    status,
                    passed,
                    path,
                    metadata,
                    prompt=_prompt(sample.input),
                    generated_code=(score[1] if score and score[1] else None)
                    or fenced_code(sample.completion)
                    or sample.completion,
                    reference_code=target,
                    test_output=output.strip("\n"),
                )
            if no_scorer:
                summary.unknown_outcome.append(
                    f"{no_scorer} samples have no score '{scorer}' (imported with outcome unknown)"
                )
            if errored:
                summary.unknown_outcome.append(
                    f"{errored} samples raised in Inspect (status 'error': imported with outcome"
                    " unknown, as Inspect leaves them out of its metrics)"
                )


def _metadata(sample: Plain, member: str) -> dict[str, Any]:
    kept: dict[str, Any] = {"member": member, "completion": sample.completion}
    if sample.metadata:
        kept["sample_metadata"] = sample.metadata
        entry = sample.metadata.get("entry_point")
        if isinstance(entry, str) and entry:  # the function the prompt asks for
            kept["entry_point"] = entry
    return kept


def _count_samples(path: Path) -> int | None:
    """The sample members of the archive, counted from its central directory as
    :meth:`InspectImporter._samples` counts zipfile's listing, without building a
    ``ZipInfo`` per member (the read lists the archive again: that listing is most
    of an estimate's time and a seventh of an import's own work). None when
    anything is unusual (zip64, an extra field, a record out of place, a name not
    in its encoding, too many members): zipfile lists it, and refuses it."""
    end_record = getattr(zipfile, "_EndRecData", None)  # zipfile's own, not public
    if end_record is None:
        return None
    try:
        with path.open("rb") as handle:
            end = end_record(handle)
            if end is None or end[_ECD_SIGNATURE] != _END_SIGNATURE:
                return None
            size, offset = end[_ECD_SIZE], end[_ECD_OFFSET]
            start = end[_ECD_LOCATION] - size
            if offset < 0 or start < offset or end[_ECD_ENTRIES_TOTAL] > MAX_MEMBERS:
                return None
            handle.seek(start)
            data = handle.read(size)
        if len(data) != size:
            return None
        count = entries = 0
        position = 0
        while position < size:
            if data[position : position + 4] != b"PK\x01\x02":
                return None
            (flags,) = _FLAGS.unpack_from(data, position + 8)
            name_length, extra_length, comment_length = _LENGTHS.unpack_from(data, position + 28)
            if extra_length:
                return None
            raw = data[position + 46 : position + 46 + name_length]
            name = raw.decode("utf-8" if flags & 0x800 else "cp437")
            if "\x00" in name or os.sep != "/" and os.sep in name:
                return None  # names zipfile rewrites
            count += _SAMPLE.match(name) is not None
            entries += 1
            position += 46 + name_length + comment_length
    except (OSError, ValueError, struct.error, IndexError, TypeError):
        return None  # (IndexError, TypeError: an end record of another shape: zipfile decides)
    if position != size or entries != end[_ECD_ENTRIES_TOTAL]:
        return None
    return count


_ECD_SIGNATURE, _ECD_ENTRIES_TOTAL, _ECD_SIZE, _ECD_OFFSET, _ECD_LOCATION = 0, 4, 5, 6, 9
"""Fields of zipfile's end record (``_EndRecData``), as zipfile names them."""
_END_SIGNATURE = b"PK\x05\x06"
_FLAGS = struct.Struct("<H")
_LENGTHS = struct.Struct("<3H")


def _order(found: tuple[str, int, zipfile.ZipInfo]) -> tuple[str, int]:
    return found[0], found[1]
