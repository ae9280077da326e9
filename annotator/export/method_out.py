"""The Method section rendered from its facts: Markdown (the report) and LaTeX (a paper).

Contract: :func:`method_markdown(facts)` returns the report's ``## Method`` lines and
:func:`method_latex(facts)` a LaTeX fragment (``\\subsection*{Method}`` and one
``\\paragraph`` per topic) for a paper to ``\\input``. Each measured fact is one clause,
its value in place of ``{}``, followed by the command that prints the number (Markdown: in
parentheses as code; LaTeX: a footnote in ``\\texttt``); consecutive facts of one command
name it once, after the last of them. The facts of one topic form one
paragraph; facts not measured are gathered in a last sentence, "Not measured: ...". Every
text, value and command is escaped for the format (:func:`~annotator.export.markdown.cell`,
:func:`~annotator.export.latex.escape`), so names from the data stay literal.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from .latex import escape
from .markdown import cell
from .method import Fact

Escape = Callable[[object], str]

# Greek letters of the statistics' names as math (a paper's font may lack them in text).
_GREEK = {"κ": r"$\kappa$", "α": r"$\alpha$"}


def _latex(text: object) -> str:
    out = escape(text)
    for letter, math in _GREEK.items():
        out = out.replace(letter, math)
    return out


def _clause(fact: Fact, esc: Escape, command: Callable[[str], str] | None, first: bool) -> str:
    before, _, after = fact.text.partition("{}")
    if first:  # our words open the sentence (never a value from the data: it stays as is)
        before = before[:1].upper() + before[1:]
    cited = command(fact.command) if command is not None else ""
    return f"{esc(before)}{esc(fact.value)}{esc(after)}{cited}"


def _clauses(items: list[Fact], esc: Escape, command: Callable[[str], str]) -> list[str]:
    """The topic's clauses; a run of facts from one command names it once, after the last."""
    return [
        _clause(
            f,
            esc,
            command if i + 1 == len(items) or items[i + 1].command != f.command else None,
            i == 0,
        )
        for i, f in enumerate(items)
    ]


def _md(text: object) -> str:
    """:func:`cell`, keeping one leading and trailing space (the words around a value)."""
    raw = str(text)
    core = cell(raw)
    lead = " " if raw[:1].isspace() else ""
    trail = " " if raw[-1:].isspace() and core else ""
    return f"{lead}{core}{trail}"


def _md_command(command: str) -> str:
    # A backtick in a name (from --annotators) would end the code span: escaped text then.
    return f" ({cell(command)})" if "`" in command else f" (`{command}`)"


def _topics(facts: Sequence[Fact]) -> dict[str, list[Fact]]:
    topics: dict[str, list[Fact]] = {}
    for fact in facts:
        if fact.measured:
            topics.setdefault(fact.topic, []).append(fact)
    return topics


def _sentence(clauses: list[str]) -> str:
    return "; ".join(clauses) + "."


def _missing(facts: Sequence[Fact], esc: Escape) -> str:
    missing = [esc(f.text.replace("{}", "").strip()) for f in facts if not f.measured]
    return f"Not measured: {'; '.join(missing)}." if missing else ""


def method_markdown(facts: Sequence[Fact]) -> list[str]:
    lines = [
        "## Method",
        "",
        "Each number is followed by the command that prints it.",
        "",
    ]
    for topic, items in _topics(facts).items():
        clauses = _clauses(items, _md, _md_command)
        lines += [f"**{cell(topic)}.** {_sentence(clauses)}", ""]
    missing = _missing(facts, _md)
    return [*lines, missing, ""] if missing else lines


def method_latex(facts: Sequence[Fact]) -> str:
    lines = [
        "% Method section written by `annotator report --format latex`; each footnote names",
        "% the command that prints the number.",
        r"\subsection*{Method}",
    ]
    for topic, items in _topics(facts).items():
        clauses = _clauses(items, _latex, lambda c: rf"\footnote{{\texttt{{{escape(c)}}}}}")
        lines += ["", rf"\paragraph{{{_latex(topic)}.}} {_sentence(clauses)}"]
    missing = _missing(facts, _latex)
    if missing:
        lines += ["", missing]
    return "\n".join(lines) + "\n"
