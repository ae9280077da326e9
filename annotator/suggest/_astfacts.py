"""The raw facts of one syntax-tree pass, and the node helpers that name them.

Contract: :class:`ModuleFacts` is what :func:`._astscope.collect` returns for a
module: its function signatures (:class:`FunctionSig` of :class:`Param`), class
names, imports, frameworks, numeric constants and :class:`Finding` lists (checks,
casts, redundant casts, tensor loops, undefined names) in source order, plus the
names it defines and the names taken for tensors. :func:`code_of` gives a
node's source (first line, at most :data:`MAX_CODE` characters) and
:func:`dotted` an attribute chain's dotted name. Plain data, no parsing here:
:mod:`._astvisit` fills it.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass, field

MAX_CODE = 200


@dataclass(frozen=True, slots=True)
class Finding:
    kind: str
    line: int  # 1-based
    code: str  # source of the node (first line, capped)
    detail: str = ""


@dataclass(frozen=True, slots=True)
class Param:
    name: str
    kind: str  # "posonly" | "normal" | "vararg" | "kwonly" | "varkw"
    default: str | None = None
    annotation: str | None = None


@dataclass(frozen=True, slots=True)
class FunctionSig:
    name: str
    qualname: str  # "Class.method" for methods, "outer.inner" for nested
    params: list[Param] = field(default_factory=list)
    line: int = 0


@dataclass
class ModuleFacts:
    functions: list[FunctionSig] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    imports: list[str] = field(default_factory=list)
    frameworks: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)
    checks: list[Finding] = field(default_factory=list)
    casts: list[Finding] = field(default_factory=list)
    redundant_casts: list[Finding] = field(default_factory=list)
    tensor_loops: list[Finding] = field(default_factory=list)
    undefined: list[Finding] = field(default_factory=list)
    defined: set[str] = field(default_factory=set)
    tensors: set[str] = field(default_factory=set)

    def find_function(self, name: str) -> FunctionSig | None:
        short = name.rsplit(".", 1)[-1]
        exact = [f for f in self.functions if f.qualname == name]
        return exact[0] if exact else next((f for f in self.functions if f.name == short), None)


def code_of(node: ast.AST) -> str:
    try:
        text = ast.unparse(node)
    except Exception:  # unparse has gaps on exotic nodes; a label is enough
        return type(node).__name__
    return text.split("\n", 1)[0][:MAX_CODE]


def dotted(node: ast.AST | None) -> str:
    """'torch.nn.functional' for an Attribute chain of Names, else ''."""
    parts: list[str] = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    return ""
