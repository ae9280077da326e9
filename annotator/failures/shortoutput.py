"""Failures in output too short to have structure.

Contract: :func:`short_failures` reads lines that carry no pytest section
and no ``Traceback`` block (a pasted summary line, a lone ``E   ...`` line, a
bare ``ValueError: ...`` line) and returns the failures they state, in order:

- ``FAILED path::test - Exc: message`` / ``ERROR path - ...`` lines: one
  failure each (an ``ERROR`` of a node without ``::`` is a collection error);
- otherwise the ``E`` lines, as one failure;
- otherwise the first line that is an exception line.

Used by :mod:`.testoutput` only when nothing else was found, so a real report
is never reinterpreted. Linear, anchored regexes over capped lines.
"""

from __future__ import annotations

import re
from dataclasses import replace

from annotator.failures.outputfacts import (
    EXCEPTION_LINE,
    MAX_DETAILS,
    MAX_LINE,
    exception_from,
    message_facts,
)
from annotator.failures.outputmodels import FailedTest

_SUMMARY = re.compile(r"^(FAILED|ERROR) (\S+)(?: - (.*))?$")
_E_LINE = re.compile(r"^E {1,}(.*)$")


def _failure(test_id: str, exc: str, message: str, details: str) -> FailedTest:
    facts = message_facts(message[:MAX_LINE], details[:MAX_DETAILS])
    return FailedTest(
        test_id=test_id,
        exception_type=exc.rsplit(".", 1)[-1],
        message=message[:MAX_LINE],
        details=details[:MAX_DETAILS],
        shapes=facts.shapes,
        assertion=facts.assertion,
        did_not_raise=facts.did_not_raise,
        timeout=facts.timeout,
    )


def short_failures(lines: list[str]) -> tuple[list[FailedTest], list[FailedTest]]:
    """(failures, collection errors) stated by unstructured ``lines``."""
    failures: list[FailedTest] = []
    collect: list[FailedTest] = []
    e_lines: list[str] = []
    first_exc: tuple[str, str] | None = None
    for raw in lines:
        line = raw[:MAX_LINE].rstrip()
        m = _SUMMARY.match(line)
        if m:
            kind, node, text = m.group(1), m.group(2), m.group(3) or ""
            exc, msg = exception_from([text]) if text else ("", "")
            ft = _failure(node, exc, msg or text, text)
            if kind == "ERROR" and "::" not in node:
                collect.append(replace(ft, phase="collect"))
            else:
                failures.append(ft)
            continue
        em = _E_LINE.match(line)
        if em:
            e_lines.append(em.group(1))
        elif first_exc is None:
            xm = EXCEPTION_LINE.match(line.strip())
            if xm and not xm.group(1).endswith("Warning"):  # log noise, not a failure
                first_exc = (xm.group(1), (xm.group(2) or "").strip())
    if failures or collect:
        return failures, collect
    if e_lines:
        exc, msg = exception_from(e_lines)
        return [_failure("", exc, msg, "\n".join(e_lines))], []
    if first_exc is not None:
        return [_failure("", first_exc[0], first_exc[1], first_exc[1])], []
    return [], []
