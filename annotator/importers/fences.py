"""The code of a model's response: its fenced code block.

Contract: :func:`fenced_code` returns the first fenced block marked Python, else the
first fenced block of any kind, else None. A block opens with three or more
backticks or tildes (up to three spaces before them) and an optional info string
(no backtick in it), and closes at the first later line that is the same fence,
perhaps longer, and nothing else (CommonMark, simplified). An opening that never
closes is no block; the fences after it are read as if it were not there. The
same blocks as the regular expression
``^( {0,3})(`{3,}|~{3,})[ \\t]*([^\\n`]*)\\n(.*?)^ {0,3}\\2[`~]*[ \\t]*$`` (multiline,
dotall) finds, which the tests hold it to; but in one pass over the lines: that
expression looks for the close of every opening to the end of the text, so that a
response of a thousand fences that never close took seconds (an untrusted log
holds thousands of responses).
"""

from __future__ import annotations

import re

# Possessive runs: a line of a thousand tildes and then a character that fails the
# line would otherwise be tried at every split of the run.
_OPENING = re.compile(r"( {0,3}+)(`{3,}+|~{3,}+)[ \t]*+([^\n`]*+)")
"""An opening fence line: indent, fence, info string (the whole line)."""
_CLOSING = re.compile(r" {0,3}+(`++|~++)[`~]*+[ \t]*+")
"""A line that may close a fence: its leading run of one fence character."""
_PYTHON = frozenset({"python", "py", "python3", "py3"})


def fenced_code(response: str) -> str | None:
    """The code of a model response (see the module's contract)."""
    if "```" not in response and "~~~" not in response:
        return None  # the common answer without a block, in one scan
    blocks = _blocks(response)
    for info, body in blocks:
        if info in _PYTHON:
            return body
    return blocks[0][1] if blocks else None


def _blocks(text: str) -> list[tuple[str, str]]:
    """Each block's language (the info string's first word, lower case) and body."""
    lines = text.split("\n")
    starts = [0]
    for line in lines:
        starts.append(starts[-1] + len(line) + 1)
    # runs[c][j]: how long a fence of character c line j can close (0: none).
    runs: dict[str, list[int]] = {"`": [0] * len(lines), "~": [0] * len(lines)}
    for j, line in enumerate(lines):
        closing = _CLOSING.fullmatch(line)
        if closing is not None:
            run = closing.group(1)
            runs[run[0]][j] = len(run)
    # longest[c][j]: the longest fence of character c some line from j on can close.
    longest: dict[str, list[int]] = {}
    for char, run_of in runs.items():
        best = [0] * (len(lines) + 1)
        for j in range(len(lines) - 1, -1, -1):
            best[j] = max(best[j + 1], run_of[j])
        longest[char] = best
    blocks: list[tuple[str, str]] = []
    i = 0
    last = len(lines) - 1  # the last line has no newline after it: it opens nothing
    while i < last:
        opening = _OPENING.fullmatch(lines[i])
        if opening is None:
            i += 1
            continue
        fence, info = opening.group(2), opening.group(3)
        char = fence[0]
        # Backticks cannot be shortened (the rest would be an info string holding
        # backticks); tildes can, the rest joining the info string, as the
        # expression backtracks to the longest fence some later line closes.
        reach = longest[char][i + 1]
        size = len(fence) if char == "`" else min(len(fence), reach)
        if size < 3 or reach < size:
            i += 1
            continue
        if size < len(fence):
            info = fence[size:] + lines[i][len(opening.group(1)) + len(fence) :]
        close = i + 1
        while runs[char][close] < size:
            close += 1
        body = text[starts[i + 1] : starts[close]]
        blocks.append((info.strip().split(" ")[0].lower(), body))
        i = close + 1
    return blocks
