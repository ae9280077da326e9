"""What the importers of benchmark result files share: bounded reads of one
JSON document, validation that names the JSON path, and attempts as samples.

Contract:

- :func:`load_document` reads one JSON file of at most ``max_bytes`` (a
  results file is one document, not lines: it is bounded, not streamed) and
  returns its value, or one :class:`~annotator.errors.UserError` naming the
  file (too large, not UTF-8, invalid JSON).
- :func:`validate_at` checks a value against a pydantic model and names the
  file, the JSON path (``eval["HumanEval/0"][1]``) and the first bad field.
- :func:`attempt_sample` makes the sample of one attempt of a task, as the
  harness importer does: id ``<model>/<task id>`` (``#<i>`` from 1 when the task
  has several attempts), metadata ``task_id``, ``attempt``, ``attempts`` and
  ``status`` (what pass@k groups by and ``--by status`` filters on).
- :func:`attempt` is :func:`attempt_sample` for fields the importer checked
  itself (texts that are ``str``, a fresh metadata dict): the sample built without
  validating it again (:func:`built_sample`), byte for byte the same; an id
  :class:`~annotator.models.SampleIn` refuses takes :func:`attempt_sample`'s path
  and is refused with the same line.
- :func:`read_inside` reads one file of a run folder (a symlink only when it
  resolves inside the folder; never a FIFO or a device), bounded.
- :func:`model_from` names the model of a run: the option, else a name taken
  from the file, never empty.
"""

from __future__ import annotations

import errno
import os
import re
import stat
from pathlib import Path
from typing import Any, Literal, TypeVar, overload

from pydantic import BaseModel, ValidationError

from ..errors import UserError
from ..models import MAX_SAMPLE_TEXT, SampleIn, refusal
from ..safejson import writer
from .inputs import inside, regular_file
from .jsondata import load_json

M = TypeVar("M", bound=BaseModel)
_UNION_TAG = re.compile(r"^(str|int|float|bool|list|dict|none)(\[.*\])?$|^[\w-]+\[.*\]$")

MAX_DOCUMENT = 80 << 20
"""Largest results document read (bytes). A results file is one JSON document,
parsed whole (its Python objects take two to three times its size): 30,000 EvalPlus
or BigCodeBench samples take some tens of MB. At this cap an import peaks under 300 MB
(at 96 MiB: BigCodeBench 242 MB, LiveCodeBench 249 MB, EvalPlus 290 MB; a 130 MiB
BigCodeBench document 310 MB; ``benchmarks/hostile.py``); beyond it, split the run."""
MAX_TEXT_FILE = MAX_SAMPLE_TEXT
"""Largest single text file (a test output, a patch) read: a sample holds no more."""


def load_document(path: Path, what: str, max_bytes: int = MAX_DOCUMENT) -> Any:
    """The JSON value of the file ``path`` (a ``what``), bounded to ``max_bytes``."""
    regular_file(path, what)
    raw = read_bounded(path, max_bytes)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=path) from None
    del raw  # else the bytes, their text and the parsed objects are all alive at once
    return load_json(path, text)


def read_bounded(path: Path, max_bytes: int) -> bytes:
    """The bytes of ``path``, refused (one line) beyond ``max_bytes``."""
    try:
        with path.open("rb") as handle:
            # Read what the file holds, never a buffer of max_bytes; +1 sees it grow.
            size = os.fstat(handle.fileno()).st_size
            raw = b"" if size > max_bytes else handle.read(size + 1)
            if len(raw) > size:
                raw += handle.read(max(0, max_bytes + 1 - len(raw)))
    except OSError as exc:
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    if size > max_bytes or len(raw) > max_bytes:
        raise UserError(f"larger than {max_bytes >> 20} MiB: refusing to read it", file=path)
    return raw


def text_of(raw: bytes, path: str | Path) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UserError(f"not UTF-8 (byte {exc.start})", file=path) from None


def key_path(*parts: str | int) -> str:
    """A JSON path for messages: ``eval["HumanEval/0"][1]``."""
    out = ""
    for part in parts:
        if isinstance(part, int):
            out += f"[{part}]"
        elif not out:
            out = part
        else:
            out += f"[{json_text(part)}]"
    return out


def validate_at(model: type[M], data: Any, path: str | Path, where: str) -> M:
    """``data`` (found at JSON path ``where`` of ``path``) as ``model``."""
    if not isinstance(data, dict):
        raise UserError(f"expected a JSON object, got {_kind(data)}", file=path, where=where)
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        # A union's members show in the location ("id.str"): only the keys name a field.
        parts = [str(p) for p in err["loc"] if not (isinstance(p, str) and _UNION_TAG.match(p))]
        field = ".".join(parts) or None
        raise UserError(str(err["msg"]), file=path, where=where, field=field) from None


def expect(kind: type, data: Any, path: str | Path, where: str) -> Any:
    """``data`` if it is a ``kind`` (dict or list), else one clear line."""
    if not isinstance(data, kind):
        name = "a JSON object" if kind is dict else "a JSON list"
        raise UserError(f"expected {name}, got {_kind(data)}", file=path, where=where)
    return data


def _kind(data: Any) -> str:
    if data is None:
        return "null"
    return {dict: "an object", list: "a list", str: "a string", bool: "a boolean"}.get(
        type(data), "a number"
    )


def model_from(option: str | None, fallback: str) -> str:
    if option is not None:
        if not option.strip():
            raise UserError("--model must not be empty", field="model")
        return option
    return fallback or "model"


def strip_suffixes(name: str, suffixes: tuple[str, ...]) -> str:
    for suffix in suffixes:
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def attempt_sample(
    *,
    model: str,
    task_id: str,
    attempt: int,
    attempts: int,
    status: str,
    passed: bool | None,
    source: Path,
    metadata: dict[str, Any] | None = None,
    **fields: Any,
) -> SampleIn:
    """The sample of attempt ``attempt`` (from 1) of ``attempts`` of ``task_id``."""
    sample_id = f"{model}/{task_id}" + (f"#{attempt}" if attempts > 1 else "")
    meta = dict(metadata or {})
    meta.update(task_id=task_id, attempt=attempt, attempts=attempts, status=status)
    try:
        return SampleIn(
            id=sample_id,
            passed=passed,
            model=model,
            metadata=meta,
            source=str(source),
            **fields,
        )
    except ValidationError as exc:  # a task id or model the sample id cannot hold (a NUL)
        reason, field = refusal(exc)
        where = f"task {json_text(task_id)}, attempt {attempt}"
        raise UserError(reason, file=source, where=where, field=field) from None


def attempt(
    model: str,
    task_id: str,
    number: int,
    attempts: int,
    status: str,
    passed: bool | None,
    source: Path,
    metadata: dict[str, Any],
    prompt: str = "",
    generated_code: str = "",
    reference_code: str = "",
    test_output: str = "",
    task_type: str | None = None,
) -> SampleIn:
    """:func:`attempt_sample` of fields already checked (``metadata`` is taken, not
    copied); the same sample, built as :func:`built_sample` builds one."""
    sample_id = f"{model}/{task_id}#{number}" if attempts > 1 else f"{model}/{task_id}"
    where = str(source)
    texts = (sample_id, prompt, generated_code, reference_code, test_output, task_type, where)
    if "\x00" in sample_id or not _unicode(texts):  # refused by SampleIn: as attempt_sample does
        return attempt_sample(
            model=model,
            task_id=task_id,
            attempt=number,
            attempts=attempts,
            status=status,
            passed=passed,
            source=source,
            metadata=metadata,
            prompt=prompt,
            generated_code=generated_code,
            reference_code=reference_code,
            test_output=test_output,
            task_type=task_type,
        )
    metadata["task_id"] = task_id
    metadata["attempt"] = number
    metadata["attempts"] = attempts
    metadata["status"] = status
    return _fields_taken(
        sample_id,
        (prompt, generated_code, reference_code, test_output),
        passed,
        model,
        task_type,
        metadata,
        where,
    )


_new_sample = SampleIn.__new__
_set = object.__setattr__
_GIVEN = frozenset(
    ("id", "prompt", "generated_code", "reference_code", "test_output", "passed", "model")
    + ("task_type", "metadata", "source")
)


def built_sample(
    sample_id: str,
    *,
    model: str | None,
    source: str | None,
    passed: bool | None,
    metadata: dict[str, Any],
    prompt: str = "",
    generated_code: str = "",
    reference_code: str = "",
    test_output: str = "",
    task_type: str | None = None,
) -> SampleIn:
    """The :class:`~annotator.models.SampleIn` of these fields, which the caller
    checked (each text a ``str``, ``passed`` a bool or None, ``metadata`` a dict of
    JSON values), built as ``SampleIn.model_construct`` builds it (its four slots)
    without validating them a second time: validating is a tenth of an importer's
    own work, ``model_construct``'s field-by-field loop twice that. An id the model
    refuses (empty, a NUL) or a text it refuses (a lone surrogate) is validated
    with the rest, and refused as always."""
    texts = (sample_id, prompt, generated_code, reference_code, test_output, model, task_type)
    if not sample_id or "\x00" in sample_id or not _unicode((*texts, source)):
        return SampleIn(  # refused (as always: the same fields validated)
            id=sample_id,
            prompt=prompt,
            generated_code=generated_code,
            reference_code=reference_code,
            test_output=test_output,
            passed=passed,
            model=model,
            task_type=task_type,
            metadata=metadata,
            source=source,
        )
    return _fields_taken(
        sample_id,
        (prompt, generated_code, reference_code, test_output),
        passed,
        model,
        task_type,
        metadata,
        source,
    )


def _fields_taken(
    sample_id: str,
    texts: tuple[str, str, str, str],
    passed: bool | None,
    model: str | None,
    task_type: str | None,
    metadata: dict[str, Any],
    source: str | None,
) -> SampleIn:
    """The sample of fields already checked (``texts``: prompt, generated code,
    reference code, test output), not validated again (:func:`_constructed`)."""
    prompt, generated_code, reference_code, test_output = texts
    return _constructed(
        {
            "id": sample_id,
            "prompt": prompt,
            "generated_code": generated_code,
            "reference_code": reference_code,
            "test_output": test_output,
            "passed": passed,
            "model": model,
            "stage": None,
            "data_type": None,
            "task_type": task_type,
            "metadata": metadata,
            "source": source,
        }
    )


def _unicode(texts: tuple[str | None, ...]) -> bool:
    """Whether every text is Unicode SampleIn takes: no lone surrogate, which pydantic
    refuses in a ``str`` field (a surrogate escape in a LiveCodeBench judgement,
    json.loads leaves it; a file name that is not UTF-8)."""
    for text in texts:
        if text is not None and not text.isascii():
            try:
                text.encode("utf-8")
            except UnicodeEncodeError:
                return False
    return True


def _constructed(fields: dict[str, Any]) -> SampleIn:
    """The sample of ``fields`` (every field of :class:`SampleIn`, in its order), set
    as ``model_construct`` sets them."""
    sample = _new_sample(SampleIn)
    _set(sample, "__dict__", fields)
    _set(sample, "__pydantic_fields_set__", set(_GIVEN))
    _set(sample, "__pydantic_extra__", None)
    _set(sample, "__pydantic_private__", None)
    return sample


def as_text(value: Any) -> str:
    """A value a benchmark recorded (an input, an output), as literal text."""
    if isinstance(value, str):
        return value
    return json_text(value)


json_text = writer(sort_keys=False, default=str)
"""Every value spelled as JSON, its encoder made once (:func:`~annotator.safejson.writer`:
``json.dumps`` with options builds one per call, a fifth of an EvalPlus import's own
work: an input per failing test)."""


def count_key(path: Path, key: bytes, max_bytes: int = MAX_DOCUMENT) -> int | None:
    """How often ``key`` occurs in the file (in 1 MiB blocks): a cheap estimate of
    the records of a results document; None for a file that will be refused."""
    regular_file(path)
    try:
        if path.stat().st_size > max_bytes:
            return None
        count = 0
        tail = b""
        with path.open("rb") as handle:
            while block := handle.read(1 << 20):
                data = tail + block
                count += data.count(key)
                tail = data[-(len(key) - 1) :] if len(key) > 1 else b""
                count -= tail.count(key)
    except OSError:
        return None
    return count


@overload
def read_inside(
    folder: str | Path,
    name: str,
    root: Path,
    max_bytes: int = ...,
    *,
    missing_ok: Literal[False] = ...,
) -> bytes: ...


@overload
def read_inside(
    folder: str | Path, name: str, root: Path, max_bytes: int = ..., *, missing_ok: bool
) -> bytes | None: ...


def read_inside(
    folder: str | Path,
    name: str,
    root: Path,
    max_bytes: int = MAX_TEXT_FILE,
    *,
    missing_ok: bool = False,
) -> bytes | None:
    """The bytes of ``folder/name``: a regular file, or a symlink resolving inside
    ``root``; bounded to ``max_bytes``. One open and one fstat per file (a run
    folder holds tens of thousands): a symlink is seen by ``O_NOFOLLOW``, a FIFO
    is never waited on (``O_NONBLOCK``). With ``missing_ok`` a missing file is None."""
    path = os.path.join(folder, name)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError as exc:
        if exc.errno == errno.ENOENT and missing_ok:
            return None
        if exc.errno == errno.ELOOP:  # a symlink: followed only inside the imported tree
            target = inside(Path(path), root)
            regular_file(target)
            return read_bounded(target, max_bytes)
        raise UserError(f"cannot read: {exc.strerror or exc}", file=path) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode):
            raise UserError("not a regular file: refusing to read it", file=path)
        if info.st_size > max_bytes:
            raise UserError(f"larger than {max_bytes >> 20} MiB: refusing to read it", file=path)
        raw = handle.read(info.st_size + 1)
        if len(raw) > info.st_size:
            raw += handle.read(max(0, max_bytes + 1 - len(raw)))
    if len(raw) > max_bytes:
        raise UserError(f"larger than {max_bytes >> 20} MiB: refusing to read it", file=path)
    return raw
