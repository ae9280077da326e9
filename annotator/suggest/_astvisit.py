"""The single syntax-tree pass behind :mod:`annotator.suggest.analysis`.

Contract: :class:`_Facts` walks a parsed ``ast.Module`` (never compiled or
executed) once and fills a :class:`ModuleFacts` with raw facts in source
order, plus the names each scope binds; :mod:`._astscope` then checks every
load against the visible scopes and :func:`._astscope.collect` runs both. The
facts themselves are :mod:`._astfacts`.

Why ``ast`` and not libcst metadata: on the DL-Bench files libcst's
``ScopeProvider`` costs ~45 ms median per file and a bare libcst visit ~8 ms,
against a 10 ms budget; ``ast.parse`` plus two walks costs ~1-2 ms.

Heuristics, named once: a *tensor* name is a parameter annotated
``Tensor``/``ndarray``/``Array`` or a name assigned from a call rooted at a
tensor library (``torch.x(...)``, ``np.x(...)``) or from a tensor method
(``x.float()``, ``x.view(...)``); a *check* is an ``isinstance`` call, an
``assert`` or a ``raise``.
"""

from __future__ import annotations

import ast
import builtins

from ._astfacts import Finding, FunctionSig, ModuleFacts, Param, code_of, dotted

FRAMEWORKS = {
    "torch": "torch",
    "torchvision": "torchvision",
    "torchaudio": "torchaudio",
    "tensorflow": "tensorflow",
    "keras": "keras",
    "tf_keras": "keras",
    "jax": "jax",
    "flax": "jax",
    "numpy": "numpy",
    "cv2": "cv2",
    "PIL": "PIL",
    "sklearn": "sklearn",
    "scipy": "scipy",
    "pandas": "pandas",
    "kornia": "kornia",
    "mxnet": "mxnet",
    "paddle": "paddle",
    "onnx": "onnx",
    "skimage": "skimage",
    "transformers": "transformers",
}
TENSOR_ROOTS = frozenset({"torch", "np", "numpy", "tf", "tensorflow", "jnp", "jax", "F"})
TENSOR_ANNOTATIONS = ("Tensor", "ndarray", "Array")
TENSOR_METHODS = frozenset(
    "float double half long int bool to type cpu cuda view reshape permute transpose "
    "contiguous detach clone squeeze unsqueeze flatten astype sum mean".split()
)
BUILTIN_CASTS = frozenset({"float", "int", "bool", "str", "complex", "list", "tuple"})
METHOD_CASTS = frozenset({"float", "double", "half", "long", "int", "bool", "contiguous", "cpu"})
ARG_CASTS = frozenset({"to", "type", "astype"})
# dtype named in a dtype= keyword -> the no-argument method casting to it again.
DTYPE_METHOD = {
    "float32": "float",
    "float": "float",
    "float64": "double",
    "double": "double",
    "float16": "half",
    "half": "half",
    "int64": "long",
    "long": "long",
    "int32": "int",
    "bool": "bool",
}
TENSOR_CTORS = frozenset({"torch.tensor", "torch.as_tensor", "torch.Tensor", "np.array"})
BUILTIN_NAMES = frozenset(dir(builtins)) | {"__file__", "__name__", "__doc__", "__builtins__"}
_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)
_COMPS = (ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp)


def _root(node: ast.AST) -> str:
    while isinstance(node, ast.Attribute | ast.Call | ast.Subscript):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else ""


def _number(node: ast.AST) -> str | None:
    neg = isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub)
    if isinstance(node, ast.UnaryOp) and neg:
        node = node.operand
    if isinstance(node, ast.Constant):
        value = node.value
        # bool is an int subclass but True/False are not numeric constants.
        if isinstance(value, int | float | complex) and not isinstance(value, bool):
            return repr(-value if neg else value)
    return None


def _params(node: ast.FunctionDef | ast.AsyncFunctionDef, facts: ModuleFacts) -> list[Param]:
    a = node.args
    positional = [*a.posonlyargs, *a.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(a.defaults))
    defaults += a.defaults
    out: list[Param] = []

    def add(arg: ast.arg, kind: str, default: ast.expr | None) -> None:
        ann = code_of(arg.annotation) if arg.annotation else None
        out.append(Param(arg.arg, kind, code_of(default) if default else None, ann))
        if ann and any(t in ann for t in TENSOR_ANNOTATIONS):
            facts.tensors.add(arg.arg)

    for i, arg in enumerate(positional):
        add(arg, "posonly" if i < len(a.posonlyargs) else "normal", defaults[i])
    if a.vararg:
        add(a.vararg, "vararg", None)
    for arg, default in zip(a.kwonlyargs, a.kw_defaults, strict=False):
        add(arg, "kwonly", default)
    if a.kwarg:
        add(a.kwarg, "varkw", None)
    return out


def _redundant_cast(node: ast.Call, name: str, attr: str, tensors: set[str]) -> str:
    first = node.args[0] if node.args else None
    if name in BUILTIN_CASTS and len(node.args) == 1 and isinstance(first, ast.Call):
        if dotted(first.func) == name:
            return f"{name}() of {name}()"
    if name in TENSOR_CTORS and first is not None:
        if isinstance(first, ast.Name) and first.id in tensors:
            return f"{name}() of existing tensor {first.id!r}"
        if isinstance(first, ast.Call) and dotted(first.func) in TENSOR_CTORS:
            return f"{name}() of {dotted(first.func)}()"
    if not attr or not isinstance(node.func, ast.Attribute):
        return ""
    inner = node.func.value
    if not isinstance(inner, ast.Call):
        return ""
    inner_attr = inner.func.attr if isinstance(inner.func, ast.Attribute) else ""
    same_args = ast.dump(ast.Tuple(node.args)) == ast.dump(ast.Tuple(inner.args))
    if inner_attr == attr and (attr in METHOD_CASTS or same_args):
        return f".{attr}() applied twice"
    for kw in inner.keywords:
        if kw.arg == "dtype":
            dtype = dotted(kw.value).rsplit(".", 1)[-1]
            wanted = DTYPE_METHOD.get(dtype)
            arg_dtype = dotted(first).rsplit(".", 1)[-1] if first is not None else ""
            if wanted and (attr == wanted or (attr in ARG_CASTS and arg_dtype == dtype)):
                return f".{attr}() on a tensor created with dtype={dtype}"
    return ""


def _loop_reasons(node: ast.For | ast.AsyncFor, tensors: set[str]) -> list[str]:
    reasons: list[str] = []
    it = node.iter
    if isinstance(it, ast.Name) and it.id in tensors:
        reasons.append(f"iterates tensor {it.id!r}")
    elif isinstance(it, ast.Call) and dotted(it.func) == "range":
        for arg in it.args:
            sub = list(ast.walk(arg))
            if any(isinstance(n, ast.Attribute) and n.attr in ("shape", "size") for n in sub):
                reasons.append("range over a tensor dimension")
            elif isinstance(arg, ast.Call) and dotted(arg.func) == "len" and arg.args:
                target = arg.args[0]
                if isinstance(target, ast.Name) and target.id in tensors:
                    reasons.append(f"range(len({target.id}))")
    loop_vars = {n.id for n in ast.walk(node.target) if isinstance(n, ast.Name)}
    for stmt in node.body:
        for n in ast.walk(stmt):
            if isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute):
                if n.func.attr == "item" and not n.args:
                    reasons.append(".item() in loop")
            elif isinstance(n, ast.Subscript) and isinstance(n.value, ast.Name):
                if n.value.id in tensors and loop_vars & {
                    x.id for x in ast.walk(n.slice) if isinstance(x, ast.Name)
                }:
                    reasons.append(f"indexes tensor {n.value.id!r} by loop variable")
    return list(dict.fromkeys(reasons))


class _Facts(ast.NodeVisitor):
    """Phase 1: facts, plus the names each scope binds."""

    def __init__(self) -> None:
        self.facts = ModuleFacts()
        self.bound: dict[int, set[str]] = {}
        self._scope: list[ast.AST] = []
        self._qual: list[str] = []

    def _bind(self, name: str) -> None:
        self.bound.setdefault(id(self._scope[-1]), set()).add(name)
        self.facts.defined.add(name)

    def _enter(self, node: ast.AST) -> None:
        self._scope.append(node)
        self.bound.setdefault(id(node), set())

    def visit_Module(self, node: ast.Module) -> None:
        self._enter(node)
        self.generic_visit(node)

    def _function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._bind(node.name)
        qual = ".".join([*self._qual, node.name])
        sig = FunctionSig(node.name, qual, _params(node, self.facts), node.lineno)
        self.facts.functions.append(sig)
        for expr in [*node.decorator_list, *node.args.defaults, *node.args.kw_defaults]:
            if expr is not None:
                self.visit(expr)
        self._enter(node)
        self._qual.append(node.name)
        for p in sig.params:
            self._bind(p.name)
        for stmt in node.body:
            self.visit(stmt)
        self._qual.pop()
        self._scope.pop()

    visit_FunctionDef = visit_AsyncFunctionDef = _function

    def visit_Lambda(self, node: ast.Lambda) -> None:
        self._enter(node)
        a = node.args
        for arg in [*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg]:
            if arg is not None:
                self._bind(arg.arg)
        self.visit(node.body)
        self._scope.pop()

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        self._bind(node.name)
        self.facts.classes.append(node.name)
        for expr in [*node.decorator_list, *node.bases, *(k.value for k in node.keywords)]:
            self.visit(expr)
        self._enter(node)
        self._qual.append(node.name)
        for stmt in node.body:
            self.visit(stmt)
        self._qual.pop()
        self._scope.pop()

    def _comprehension(self, node: ast.AST) -> None:
        self._enter(node)
        self.generic_visit(node)
        self._scope.pop()

    visit_ListComp = visit_SetComp = visit_DictComp = visit_GeneratorExp = _comprehension

    def visit_Name(self, node: ast.Name) -> None:
        if not isinstance(node.ctx, ast.Load):
            self._bind(node.id)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        # A walrus inside a comprehension binds in the enclosing function.
        for scope in reversed(self._scope):
            if not isinstance(scope, _COMPS):
                self.bound.setdefault(id(scope), set()).add(node.target.id)
                break
        self.generic_visit(node)

    def visit_Global(self, node: ast.Global) -> None:
        for name in node.names:
            self._bind(name)
            self.bound.setdefault(id(self._scope[0]), set()).add(name)

    def visit_Nonlocal(self, node: ast.Nonlocal) -> None:
        for name in node.names:
            self._bind(name)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchAs(self, node: ast.MatchAs) -> None:
        if node.name:
            self._bind(node.name)
        self.generic_visit(node)

    def visit_MatchStar(self, node: ast.MatchStar) -> None:
        if node.name:
            self._bind(node.name)

    def visit_MatchMapping(self, node: ast.MatchMapping) -> None:
        if node.rest:
            self._bind(node.rest)
        self.generic_visit(node)

    def _import(self, module: str) -> None:
        self.facts.imports.append(module)
        fw = FRAMEWORKS.get(module.split(".", 1)[0])
        if fw:
            self.facts.frameworks.append(fw)

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            self._import(alias.name)
            self._bind(alias.asname or alias.name.split(".", 1)[0])

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        if node.module and not node.level:  # relative imports name the project
            self._import(node.module)
        for alias in node.names:
            if alias.name == "*":
                self.bound.setdefault(id(self._scope[0]), set()).add("*")
            else:
                self._bind(alias.asname or alias.name)

    def visit_UnaryOp(self, node: ast.UnaryOp) -> None:
        value = _number(node)
        if value is not None:
            self.facts.constants.append(value)  # the operand is counted as negative
        else:
            self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        value = _number(node)
        if value is not None:
            self.facts.constants.append(value)

    def visit_Assert(self, node: ast.Assert) -> None:
        self.facts.checks.append(Finding("assert", node.lineno, code_of(node.test)))
        self.generic_visit(node)

    def visit_Raise(self, node: ast.Raise) -> None:
        exc = node.exc
        # Compare raises by exception class: messages are reworded freely.
        name = dotted(exc.func if isinstance(exc, ast.Call) else exc)
        self.facts.checks.append(Finding("raise", node.lineno, f"raise {name}".strip()))
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        value = node.value
        if isinstance(value, ast.Call) and (
            _root(value) in TENSOR_ROOTS
            or (isinstance(value.func, ast.Attribute) and value.func.attr in TENSOR_METHODS)
        ):
            for target in node.targets:
                if isinstance(target, ast.Name):
                    self.facts.tensors.add(target.id)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = dotted(node.func)
        attr = node.func.attr if isinstance(node.func, ast.Attribute) else ""
        if name == "isinstance":
            self.facts.checks.append(Finding("isinstance", node.lineno, code_of(node)))
        is_cast = name in BUILTIN_CASTS or name in TENSOR_CTORS or attr in ARG_CASTS
        if is_cast or (attr in METHOD_CASTS and not node.args):
            code = code_of(node)
            self.facts.casts.append(Finding("cast", node.lineno, code))
            reason = _redundant_cast(node, name, attr, self.facts.tensors)
            if reason:
                self.facts.redundant_casts.append(
                    Finding("redundant_cast", node.lineno, code, reason)
                )
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        reasons = _loop_reasons(node, self.facts.tensors)
        if reasons:
            header = f"for {code_of(node.target)} in {code_of(node.iter)}:"
            self.facts.tensor_loops.append(
                Finding("tensor_loop", node.lineno, header, "; ".join(reasons))
            )
        self.generic_visit(node)

    visit_AsyncFor = visit_For
