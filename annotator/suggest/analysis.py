"""Static facts about generated code, alone and against its reference.

Contract: :func:`analyze_code` parses each source once with ``ast.parse``
(parse only: never ``exec``/``eval``/``compile`` to code) and returns a
:class:`CodeFacts`. It never
raises: code that does not parse gives ``syntax_error`` (message, line) and
otherwise empty facts. All lists are sorted or in source order, so results are
deterministic. Code that is a function's body (a ``return`` outside any ``def``:
a HumanEval-style completion, whose ``def`` line is in the prompt) names no
undefined names: its parameters are not in it. Findings are heuristics for
ranking suggestions, not proofs:
e.g. a "tensor" is a name annotated as a tensor/array or assigned from a
``torch.``/``np.``/``tf.`` call.
"""

from __future__ import annotations

import ast
import textwrap
import warnings
from collections import Counter
from dataclasses import dataclass, field

from annotator.suggest._astfacts import Finding, FunctionSig, ModuleFacts, Param
from annotator.suggest._astscope import collect

__all__ = [
    "CodeFacts",
    "Finding",
    "FunctionSig",
    "Param",
    "ReferenceDiff",
    "SignatureDiff",
    "SyntaxIssue",
    "analyze_code",
]


@dataclass(frozen=True, slots=True)
class SyntaxIssue:
    message: str
    line: int  # 1-based; 0 when unknown


@dataclass(frozen=True, slots=True)
class SignatureDiff:
    """How the target function's parameters differ from the reference's."""

    function: str
    missing: list[str] = field(default_factory=list)  # in reference only
    extra: list[str] = field(default_factory=list)  # in generated only
    order_changed: bool = False  # common parameters in another order
    default_changes: list[tuple[str, str | None, str | None]] = field(default_factory=list)
    kind_changes: list[tuple[str, str, str]] = field(default_factory=list)  # (name, ref, gen)
    missing_function: bool = False  # the generated code does not define it

    @property
    def differs(self) -> bool:
        return bool(
            self.missing
            or self.extra
            or self.order_changed
            or self.default_changes
            or self.kind_changes
            or self.missing_function
        )


@dataclass(frozen=True, slots=True)
class ReferenceDiff:
    """Generated code compared with the reference solution."""

    signature: SignatureDiff | None
    frameworks_only_generated: list[str] = field(default_factory=list)
    frameworks_only_reference: list[str] = field(default_factory=list)
    constants_only_generated: list[str] = field(default_factory=list)  # multiset difference
    constants_only_reference: list[str] = field(default_factory=list)
    added_functions: list[str] = field(default_factory=list)
    added_classes: list[str] = field(default_factory=list)
    missing_functions: list[str] = field(default_factory=list)
    redundant_checks: list[Finding] = field(default_factory=list)  # not in the reference
    added_casts: list[Finding] = field(default_factory=list)  # cast calls not in the reference


@dataclass(frozen=True, slots=True)
class CodeFacts:
    syntax_error: SyntaxIssue | None = None
    not_analysed: str | None = None
    """Why the code was not analysed (too large, analyser out of memory): not a fact about it."""
    undefined_names: list[Finding] = field(default_factory=list)  # kind="undefined"
    imports: list[str] = field(default_factory=list)  # dotted modules, sorted
    frameworks: list[str] = field(default_factory=list)  # sorted, see FRAMEWORKS
    functions: list[FunctionSig] = field(default_factory=list)
    classes: list[str] = field(default_factory=list)
    constants: list[str] = field(default_factory=list)  # numeric literals, source order
    redundant_casts: list[Finding] = field(default_factory=list)
    checks: list[Finding] = field(default_factory=list)  # isinstance/assert/raise
    tensor_loops: list[Finding] = field(default_factory=list)
    reference: ReferenceDiff | None = None
    """None when there is no reference or it does not parse."""
    defined_names: list[str] = field(default_factory=list)

    def names(self) -> list[str]:
        """Identifiers defined or imported in the code (for 'did you mean')."""
        return self.defined_names

    def function(self, name: str) -> FunctionSig | None:
        short = name.rsplit(".", 1)[-1]
        for sig in self.functions:
            if sig.qualname == name or sig.name == short:
                return sig
        return None


MAX_ANALYSED_CHARS = 500_000
"""Generated or reference code longer than this is not parsed: 'too large to analyse'
(parsing costs about 200 bytes of memory per character; real samples are a few KB)."""


def _parse(code: str) -> ast.Module:
    # Invalid escape sequences etc. in the analysed code would otherwise
    # surface as warnings in the annotator's own output.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return ast.parse(code)
        except IndentationError:
            # Class-method samples are often stored as an indented method body;
            # that is an extraction artefact, not a bug in the generated code.
            dedented = textwrap.dedent(code)
            if dedented == code:
                raise
            return ast.parse(dedented)


class NotAnalysed(Exception):
    """The code could not be analysed (size, memory, nesting): says nothing about its bugs."""


_SCOPES = (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda, ast.ClassDef)


def _is_function_body(tree: ast.Module) -> bool:
    """A ``return`` or ``yield`` outside any function or class (whose bodies are not walked)."""
    stack: list[ast.AST] = list(tree.body)
    while stack:
        node = stack.pop()
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
            return True
        if not isinstance(node, _SCOPES):
            stack.extend(ast.iter_child_nodes(node))
    return False


def _visit(code: str) -> tuple[ModuleFacts | None, SyntaxIssue | None]:
    if len(code) > MAX_ANALYSED_CHARS:
        raise NotAnalysed(
            f"too large to analyse ({len(code) / 1e6:.1f} MB > {MAX_ANALYSED_CHARS / 1e6:g} MB)"
        )
    try:
        tree = _parse(code)
    except SyntaxError as err:
        return None, SyntaxIssue(err.msg or "invalid syntax", err.lineno or 0)
    except ValueError as err:  # NUL bytes in the source
        return None, SyntaxIssue(f"{type(err).__name__}: {err}", 0)
    except (MemoryError, RecursionError) as err:
        raise NotAnalysed(f"too large or nested to analyse ({type(err).__name__})") from None
    try:
        facts = collect(tree)
        if facts.undefined and _is_function_body(tree):
            facts.undefined = []  # the parameters, in the prompt's def line, are not here
        return facts, None
    except RecursionError:  # ast walks recurse; absurdly nested code
        raise NotAnalysed("too deeply nested to analyse") from None


def _signature_diff(name: str, gen: FunctionSig | None, ref: FunctionSig) -> SignatureDiff:
    if gen is None:
        return SignatureDiff(name, missing_function=True)
    g = {p.name: p for p in gen.params}
    r = {p.name: p for p in ref.params}
    common_g = [p.name for p in gen.params if p.name in r]
    common_r = [p.name for p in ref.params if p.name in g]
    return SignatureDiff(
        function=name,
        missing=[p.name for p in ref.params if p.name not in g],
        extra=[p.name for p in gen.params if p.name not in r],
        order_changed=common_g != common_r,
        default_changes=[
            (n, r[n].default, g[n].default) for n in common_r if r[n].default != g[n].default
        ],
        kind_changes=[(n, r[n].kind, g[n].kind) for n in common_r if r[n].kind != g[n].kind],
    )


def _target(function: str | None, ref: ModuleFacts) -> str | None:
    if function:
        return function
    # Without a name, the reference's first top-level function is the task.
    top = [f for f in ref.functions if "." not in f.qualname]
    return top[0].qualname if top else None


def _diff(gen: ModuleFacts, ref: ModuleFacts, function: str | None) -> ReferenceDiff:
    target = _target(function, ref)
    signature = None
    if target:
        ref_sig = ref.find_function(target)
        if ref_sig is not None:
            signature = _signature_diff(target, gen.find_function(target), ref_sig)
    gen_consts, ref_consts = Counter(gen.constants), Counter(ref.constants)
    ref_funcs = {f.name for f in ref.functions}
    gen_funcs = {f.name for f in gen.functions}
    ref_checks = {c.code for c in ref.checks}
    ref_cast_calls = {c.code for c in ref.casts}
    return ReferenceDiff(
        signature=signature,
        frameworks_only_generated=sorted(set(gen.frameworks) - set(ref.frameworks)),
        frameworks_only_reference=sorted(set(ref.frameworks) - set(gen.frameworks)),
        constants_only_generated=sorted((gen_consts - ref_consts).elements()),
        constants_only_reference=sorted((ref_consts - gen_consts).elements()),
        added_functions=sorted(gen_funcs - ref_funcs),
        added_classes=sorted(set(gen.classes) - set(ref.classes)),
        missing_functions=sorted(ref_funcs - gen_funcs),
        redundant_checks=[c for c in gen.checks if c.code not in ref_checks],
        added_casts=[c for c in gen.casts if c.code not in ref_cast_calls],
    )


def analyze_code(
    generated: str, reference: str | None = None, function: str | None = None
) -> CodeFacts:
    """Analyse ``generated`` (and compare with ``reference`` when given).

    ``function`` names the task's function (``name`` or ``Class.name``); it
    selects whose signature is compared.
    """
    try:
        return _analyze(generated, reference, function)
    except NotAnalysed as exc:
        return CodeFacts(not_analysed=str(exc))
    except Exception as exc:  # a bug here must not take the annotation UI down
        # Never a fact: an analyser failure says nothing about the sample's bug.
        return CodeFacts(not_analysed=f"analysis failed ({type(exc).__name__})")


def _analyze(generated: str, reference: str | None, function: str | None) -> CodeFacts:
    gen, error = _visit(generated)
    if gen is None:
        return CodeFacts(syntax_error=error)
    ref_diff = None
    if reference is not None:
        try:
            ref, _ = _visit(reference)
        except NotAnalysed:
            ref = None  # compared without the reference
        if ref is not None:
            ref_diff = _diff(gen, ref, function)
    return CodeFacts(
        syntax_error=None,
        undefined_names=gen.undefined,
        imports=sorted(set(gen.imports)),
        frameworks=sorted(set(gen.frameworks)),
        functions=gen.functions,
        classes=gen.classes,
        constants=gen.constants,
        redundant_casts=gen.redundant_casts,
        checks=gen.checks,
        tensor_loops=gen.tensor_loops,
        reference=ref_diff,
        defined_names=sorted(gen.defined),
    )
