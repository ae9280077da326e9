"""Suggestion rules: a table of data, each rule with the examples that test it.

Contract: :func:`load_rules` reads ``rules.yaml`` (or a group's own file) into
a :class:`RuleSet`, refusing unknown fact names, categories or subcategories
with the YAML path. A :class:`Rule` fires on a sample when all of its
``when`` facts hold and none of its ``unless`` facts do; it then adds its
``weight`` to its category, with the evidence of the facts it matched.
Every rule carries ``examples``: test outputs (and optionally code) on which
it must fire, and on which it must not; the test suite runs them all. A
table names the taxonomy (name and content hash) its rules, prior and
examples were written for (``taxonomy:``); loaded for another taxonomy it
has no prior and no rule (:attr:`RuleSet.foreign` says why), since its
category numbers mean something else there.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import UserError
from ..safefiles import read_text
from ..store.taxonomy_binding import content_hash
from ..taxonomy import Taxonomy
from .features import FACTS, Facts

MAX_RULES_BYTES = 4 << 20
"""Largest rules file read."""

RULES_PATH = Path(__file__).with_name("rules.yaml")


_TEMPLATE = """\
============================= test session starts ==============================
collected 2 items

test_sample.py::test_it FAILED                                            [ 50%]
test_sample.py::test_other {other}                                            [100%]

=================================== FAILURES ===================================
___________________________________ test_it ____________________________________

    def test_it():
>       out = target(x)

test_sample.py:10:
_ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _ _

    def target(x):
>       y = compute(x)
E       {error}

temp.py:5: {exception}
=========================== short test summary info ============================
FAILED test_sample.py::test_it - {error}
========================= {summary} in 0.10s ==========================
"""


class Example(BaseModel):
    """A sample for a rule's test: an error line or a whole test output, and optionally code."""

    model_config = ConfigDict(extra="forbid")

    error: str = ""
    """One exception line, e.g. "TypeError: f() got an unexpected keyword argument 'dim'";
    it is wrapped in a pytest report whose error is raised in the generated code."""
    output: str = ""
    """A whole test output (instead of ``error``)."""
    all_failed: bool = False
    """With ``error``: the other test fails too (default: it passes)."""
    code: str = "def target(x):\n    y = compute(x)\n    return y\n"
    reference: str = ""
    function: str | None = None
    """The name of the function the prompt asked for (the sample's metadata)."""

    def test_output(self) -> str:
        if self.output or not self.error:
            return self.output
        exception = self.error.split(":", 1)[0]
        other, summary = (
            ("FAILED", "2 failed") if self.all_failed else ("PASSED", "1 failed, 1 passed")
        )
        return _TEMPLATE.format(error=self.error, exception=exception, other=other, summary=summary)


class Examples(BaseModel):
    model_config = ConfigDict(extra="forbid")

    fire: list[Example] = Field(min_length=1)
    """Samples on which the rule must fire."""
    skip: list[Example] = Field(default_factory=list)
    """Samples on which it must not."""


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    when: list[str] = Field(min_length=1)
    unless: list[str] = Field(default_factory=list)
    category: int
    subcategory: str | None = None
    weight: float = Field(ge=0, le=5)
    """0: an evidence-only rule (its facts are shown with the category, the
    ranking does not move)."""
    decisive: bool = False
    """No effect (kept so that older tables load): a rule is decisive only
    when visible labels show it to be (:mod:`.triggers`)."""
    examples: Examples

    @model_validator(mode="after")
    def _known_facts(self) -> Rule:
        for name in [*self.when, *self.unless]:
            if name not in FACTS and not name.startswith("exc:"):
                raise ValueError(f"unknown fact '{name}' (see annotator/suggest/features.py FACTS)")
        return self

    def fires(self, facts: Facts) -> bool:
        return all(facts.has(n) for n in self.when) and not any(facts.has(n) for n in self.unless)

    def evidence(self, facts: Facts) -> list[str]:
        return [facts.flags[n] for n in self.when if n in facts.flags]


class Prior(BaseModel):
    """What the suggester assumes before any visible label: citable numbers."""

    model_config = ConfigDict(extra="forbid")

    source: str = Field(min_length=1)
    """Where the numbers come from (a published study, a data set)."""
    categories: dict[int, float] = Field(default_factory=dict)
    """Category frequencies (counts or shares; normalised when used)."""
    decisive_hit_rate: float = Field(default=0.85, gt=0, lt=1)
    """Confidence of a decisive suggestion before labels say otherwise."""

    def shares(self, taxonomy: Taxonomy) -> dict[int, float]:
        known = {c: max(v, 0.0) for c, v in self.categories.items() if taxonomy.has(c)}
        total = sum(known.values())
        return {c: v / total for c, v in known.items()} if total > 0 else {}


class WrittenFor(BaseModel):
    """The taxonomy a rule table, its prior and its examples were written for."""

    model_config = ConfigDict(extra="forbid")

    name: str = Field(min_length=1)
    hash: str = Field(min_length=12)
    """Its content hash (``annotator.store.taxonomy_binding.content_hash``), or a prefix."""

    def matches(self, taxonomy: Taxonomy) -> bool:
        return self.name == taxonomy.name and content_hash(taxonomy).startswith(self.hash)


class RuleSet(BaseModel):
    model_config = ConfigDict(extra="forbid")

    version: str
    taxonomy: WrittenFor | None = None
    """The taxonomy the table was written for; None: any (a group's own table)."""
    prior: Prior | None = None
    rules: list[Rule]
    digest: str = ""
    skipped: list[str] = Field(default_factory=list, exclude=True)
    """Rules left out because they name a category or subcategory the taxonomy lacks."""
    foreign: str = Field(default="", exclude=True)
    """Why the table does not apply to the loaded taxonomy ('' when it does):
    then it has no prior and no rule (they name categories of another taxonomy)."""

    def check(self, taxonomy: Taxonomy, source: str) -> None:
        """Refuse duplicate ids; skip (and list in :attr:`skipped`) the rules
        that name what ``taxonomy`` does not have: a group's own taxonomy
        must not make the bundled rule table fail. A table written for
        another taxonomy (:attr:`taxonomy`) keeps no prior and no rule: a
        category number means something else there."""
        ids: set[str] = set()
        kept: list[Rule] = []
        if self.taxonomy is not None and not self.taxonomy.matches(taxonomy):
            self.foreign = (
                f"the rules and prior were written for taxonomy {self.taxonomy.name}"
                f" ({self.taxonomy.hash[:12]}), not {taxonomy.name}"
                f" ({content_hash(taxonomy)[:12]})"
            )
            self.skipped = [f"{rule.id}: {self.foreign}" for rule in self.rules]
            self.rules = []
            self.prior = None
        for index, rule in enumerate(self.rules):
            where = f"rules[{index}]"
            if rule.id in ids:
                raise UserError(f"duplicate rule id '{rule.id}'", file=source, where=f"{where}.id")
            ids.add(rule.id)
            if not taxonomy.has(rule.category):
                self.skipped.append(
                    f"{rule.id}: no category {rule.category} in taxonomy {taxonomy.name}"
                )
            elif (
                rule.subcategory
                and taxonomy.category(rule.category).subcategory(rule.subcategory) is None
            ):
                self.skipped.append(
                    f"{rule.id}: category {rule.category} of taxonomy {taxonomy.name}"
                    f" has no subcategory '{rule.subcategory}'"
                )
            else:
                kept.append(rule)
        self.rules = kept

    def fired(self, facts: Facts) -> list[Rule]:
        return [rule for rule in self.rules if rule.fires(facts)]


def _yaml_where(loc: tuple[Any, ...]) -> str:
    return "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc).lstrip(".")


@lru_cache(maxsize=8)
def _load(path: str, taxonomy: Taxonomy) -> RuleSet:
    text = read_text(Path(path), what="rules file", cap=MAX_RULES_BYTES)
    try:
        data = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    except yaml.YAMLError as exc:
        raise UserError(f"invalid YAML: {exc}", file=path) from None
    except (ValueError, RecursionError) as exc:  # a 5000-digit number, deep nesting
        raise UserError(
            f"invalid YAML: {str(exc)[:200] or 'nested too deeply'}", file=path
        ) from None
    try:
        rules = RuleSet.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        raise UserError(
            str(err["msg"]).removeprefix("Value error, "), file=path, where=_yaml_where(err["loc"])
        ) from None
    rules.check(taxonomy, path)
    # The taxonomy is part of the digest: the same file is another table for another taxonomy.
    rules.digest = hashlib.sha256((text + content_hash(taxonomy)).encode()).hexdigest()[:16]
    return rules


def load_rules(taxonomy: Taxonomy, path: str | Path | None = None) -> RuleSet:
    """Load and validate a rule table (the bundled one by default)."""
    return _load(str(path or RULES_PATH), taxonomy)
