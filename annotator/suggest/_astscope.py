"""Undefined names: phase 2 of the syntax-tree pass, and the pass itself.

Contract: :func:`collect` takes a parsed ``ast.Module`` (never compiled or
executed) and returns a :class:`~._astfacts.ModuleFacts` with raw facts in
source order, including undefined names from a two-phase lexical scope
resolution: bindings per scope first (:class:`~._astvisit._Facts`), then every
load checked against the visible scopes (:class:`_Loads`: enclosing functions
and the module, not enclosing class bodies).
"""

from __future__ import annotations

import ast

from ._astfacts import Finding, ModuleFacts
from ._astvisit import BUILTIN_NAMES, _Facts


class _Loads(ast.NodeVisitor):
    """Phase 2: every load checked against the scopes visible from it."""

    def __init__(self, bound: dict[int, set[str]], out: list[Finding]) -> None:
        self.bound = bound
        self.out = out
        self.chain: list[tuple[set[str], bool]] = []  # (names, is_class_body)
        self.seen: set[tuple[str, int]] = set()

    def _own(self, node: ast.AST) -> set[str]:
        return self.bound.get(id(node), set())

    def visit_Module(self, node: ast.Module) -> None:
        self.chain = [(self._own(node), False)]
        for stmt in node.body:
            self.visit(stmt)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda) -> None:
        a = node.args
        outer: list[ast.expr | None] = [*a.defaults, *a.kw_defaults]
        if not isinstance(node, ast.Lambda):
            outer += node.decorator_list
            outer += [x.annotation for x in [*a.posonlyargs, *a.args, *a.kwonlyargs]]
            outer.append(node.returns)
        for expr in outer:
            if expr is not None:
                self.visit(expr)
        saved = self.chain
        # Names bound in a class body are not visible from its methods.
        self.chain = [*(c for c in saved if not c[1]), (self._own(node), False)]
        body = [node.body] if isinstance(node, ast.Lambda) else node.body
        for child in body:
            self.visit(child)
        self.chain = saved

    visit_FunctionDef = visit_AsyncFunctionDef = visit_Lambda = _function

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        saved = self.chain
        self.chain = [*saved, (self._own(node), True)]
        for stmt in node.body:
            self.visit(stmt)
        self.chain = saved

    def _comprehension(self, node: ast.AST) -> None:
        saved = self.chain
        self.chain = [*saved, (self._own(node), False)]
        self.generic_visit(node)
        self.chain = saved

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load) or node.id in BUILTIN_NAMES:
            return
        if any(node.id in names or "*" in names for names, _cls in self.chain):
            return
        key = (node.id, node.lineno)
        if key not in self.seen:
            self.seen.add(key)
            self.out.append(Finding("undefined", node.lineno, node.id))


def collect(tree: ast.Module) -> ModuleFacts:
    phase1 = _Facts()
    phase1.visit(tree)
    facts = phase1.facts
    _Loads(phase1.bound, facts.undefined).visit(tree)
    facts.undefined.sort(key=lambda f: (f.line, f.code))
    return facts
