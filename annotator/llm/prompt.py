"""The request for one sample and the validation of the model's answer.

Contract: :func:`build_messages` returns the chat messages (system: the task,
the taxonomy with definitions, decision rules and subcategories, the answer
format; user: the sample). :data:`PROMPT_VERSION` changes whenever the
wording does, and is stored with every answer. :func:`parse_answer` takes
the raw reply text and returns a :class:`~annotator.models.LabelValue`, or
raises :class:`InvalidAnswer` with a one-line reason: the reply must hold
one JSON object (a Markdown code fence around it is tolerated; parsed with
depth and digit limits) matching :class:`LlmAnswer`, naming categories and
subcategories of the taxonomy. Every text of the sample is sent inside a
code fence longer than any backtick run in it (:func:`fenced`), so a sample
cannot close its fence and write instructions into the prompt.
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from ..failures.frames import attribute
from ..failures.importedoutput import other_code
from ..failures.primary import code_of, is_patch, report_of
from ..models import LabelValue, Sample
from ..safejson import JsonLimitError, loads
from ..taxonomy import Taxonomy
from ..textsafe import visible_id

PROMPT_VERSION = "2"
MAX_TEXT = 12_000
"""Characters of each code or output text sent (longer texts are cut, and say so)."""


ANSWER_DEPTH = 8
"""Nesting accepted in the model's JSON answer (it is one flat object)."""
ANSWER_DIGITS = 12
"""Digits accepted in an integer of the answer (category ids)."""


class InvalidAnswer(Exception):
    """The reply is not a valid answer; ``str()`` is the reason."""


class LlmAnswer(BaseModel):
    """The JSON object the model is asked for."""

    model_config = ConfigDict(extra="ignore")

    category: int
    subcategory: str | None = None
    second_category: int | None = None
    rationale: str = Field(default="", max_length=4000)


def _cut(text: str) -> str:
    if len(text) <= MAX_TEXT:
        return text
    return text[:MAX_TEXT] + f"\n... ({len(text) - MAX_TEXT} more characters cut)"


def taxonomy_text(taxonomy: Taxonomy) -> str:
    lines = [f"Taxonomy {taxonomy.name} {taxonomy.version}:"]
    for cat in taxonomy.categories:
        lines.append(f"{cat.id}. {cat.name}: {cat.meaning}")
        for rule in cat.decision:
            lines.append(f"   rule: {rule.when} -> {rule.then}")
        for sub in cat.subcategories:
            definition = f": {sub.definition}" if sub.definition else ""
            lines.append(f"   - subcategory '{sub.name}'{definition}")
    return "\n".join(lines)


def system_message(taxonomy: Taxonomy) -> str:
    return (
        "You classify why LLM-generated deep-learning code fails its tests, with the bug"
        " taxonomy below. Judge the generated code against the prompt; the reference is a"
        " correct solution. Choose the category that best explains the failure, and a second"
        " category only if a second, distinct bug is present.\n\n"
        f"{taxonomy_text(taxonomy)}\n\n"
        'Answer with one JSON object and nothing else: {"category": <id>, "subcategory":'
        ' "<exact subcategory name of that category>", "second_category": <id or null>,'
        ' "rationale": "<one or two sentences>"}'
    )


def facts_text(sample: Sample) -> str:
    report = report_of(sample.test_output, sample.metadata)  # the one parse of the results
    lines = []
    failure = report.primary_failure()
    if failure is not None:
        lines.append(f"Primary error: {failure.exception_type or 'Error'}: {failure.message}")
        # Lines named only in the file they belong to (see failures/frames.py).
        found = attribute(failure, code_of(sample.generated_code, sample.metadata))
        if found.raised is not None:
            code = found.frame.code.strip() if found.frame is not None else ""
            where = found.where(other_code(report.format))
            lines.append(f"Raised {where}" + (f": {code}" if code else ""))
        if failure.shapes:
            lines.append(f"Shapes in the message: {failure.shapes}")
    if report.timeout:
        lines.append("The tests timed out.")
    if report.did_not_raise:
        lines.append("A test expected an exception that was not raised.")
    counts = report.counts
    lines.append(f"Tests: {counts.passed} passed, {counts.failed} failed, {counts.errors} errors.")
    return "\n".join(lines)


_BACKTICKS = re.compile(r"`{3,}")


def fenced(text: str, info: str = "") -> str:
    """``text`` in a Markdown code fence longer than any backtick run in it, so
    that nothing in the data can close the fence and speak as the prompt."""
    longest = max((len(m) for m in _BACKTICKS.findall(text)), default=0)
    fence = "`" * max(3, longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def user_message(sample: Sample) -> str:
    """The sample, every text of it fenced (see :func:`fenced`); the id on one line."""
    language = "diff" if is_patch(sample.metadata) else "python"
    return (
        f"Sample: {visible_id(sample.id)}\n\n"
        f"## Prompt\n{fenced(_cut(sample.prompt))}\n\n"
        f"## Generated code\n{fenced(_cut(sample.generated_code), language)}\n\n"
        f"## Reference code\n{fenced(_cut(sample.reference_code), 'python')}\n\n"
        f"## Failure facts\n{fenced(facts_text(sample))}\n\n"
        f"## Test output (end)\n{fenced(_cut(sample.test_output[-MAX_TEXT:]))}"
    )


def build_messages(taxonomy: Taxonomy, sample: Sample) -> list[dict[str, str]]:
    return [
        {"role": "system", "content": system_message(taxonomy)},
        {"role": "user", "content": user_message(sample)},
    ]


_FENCE = re.compile(r"^\s*```(?:json)?\s*(.*?)\s*```\s*$", re.DOTALL)


def parse_answer(text: str, taxonomy: Taxonomy, *, model: str = "") -> LabelValue:
    """The label in a reply, or :class:`InvalidAnswer`."""
    body = text.strip()
    fenced = _FENCE.match(body)
    if fenced:
        body = fenced.group(1)
    try:
        data: Any = loads(body, max_depth=ANSWER_DEPTH, max_digits=ANSWER_DIGITS)
    except JsonLimitError as exc:
        raise InvalidAnswer(f"not JSON: {str(exc).removeprefix('invalid JSON: ')}") from None
    try:
        answer = LlmAnswer.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"]) or "answer"
        raise InvalidAnswer(f"{where}: {err['msg']}") from None
    if not taxonomy.has(answer.category):
        raise InvalidAnswer(f"category: unknown category {answer.category}")
    cat = taxonomy.category(answer.category)
    sub = answer.subcategory
    if sub is not None and cat.subcategory(sub) is None:
        raise InvalidAnswer(f"subcategory: category {cat.id} has no subcategory '{sub}'")
    if sub is None and len(cat.subcategories) == 1:
        sub = cat.subcategories[0].name
    second = answer.second_category
    if second is not None and not taxonomy.has(second):
        raise InvalidAnswer(f"second_category: unknown category {second}")
    if second == answer.category:
        second = None
    sub2 = None
    if second is not None and len(taxonomy.category(second).subcategories) == 1:
        sub2 = taxonomy.category(second).subcategories[0].name
    return LabelValue(
        kind="bug",
        category=answer.category,
        subcategory=sub,
        category2=second,
        subcategory2=sub2,
        note=answer.rationale.strip(),
        raw={"model": model, "prompt_version": PROMPT_VERSION},
    )
