"""The facts of the report's Method section, each with the command that prints its number.

Contract: :func:`method_facts(inputs)` returns a list of :class:`Fact` (topic, text, value,
command), in the order of :data:`FACT_SOURCES`; :mod:`annotator.export.method_out` renders
them as Markdown or LaTeX. Every number is computed by the library function behind the
command named with it, never by a second definition (one number everywhere):

- raters and samples decided per rater: :meth:`Store.status` (``annotator status --json``);
- rounds: :func:`annotator.rounds.rounds` (``annotator round list``);
- agreement of the initial decisions (the ``initial`` block, and per round) and of the
  current labels: :func:`annotator.agreement.agreement_report` with the report's bootstrap
  (``annotator agreement --bootstrap N --json``); percentages with the Wilson interval of
  the report's agreement section (:func:`annotator.export.report_agreement.wilson`);
- negotiated changes: :meth:`Store.negotiated_changes` (``annotator round discuss``);
- saturation: :func:`annotator.export.saturation.saturation` (``annotator saturation``);
- taxonomy and codebook: the database's taxonomy (``annotator taxonomy``); the codebook's
  SHA-256 is that of ``annotator taxonomy --codebook``'s output;
- test-retest: :func:`annotator.agreement.retest_agreement` with the report's bootstrap
  (``annotator agreement --retest --bootstrap N --json``);
- gold accuracy: :func:`annotator.agreement.gold.gold_report` (``annotator gold report``);
- suggestions hidden: :meth:`Store.suggestion_exposure` over the raters' decided labels
  (``annotator export labels``, field ``suggestions_shown``).

A fact whose data does not exist yet (no rounds, no retest, no gold, no overlap) has
``value`` None and its ``text`` says what is missing; the writers state it as not measured.
One function per source of facts (:data:`FACT_SOURCES`): a new measure is one more.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..agreement import agreement_report, retest_agreement
from ..agreement.gold import gold_report
from ..rounds import rounds
from ..store import Store, StoreStatus
from ..store.rows import share
from .codebook import render as render_codebook
from .report_agreement import num, pct, wilson
from .saturation import Batches, SaturationRow


@dataclass(frozen=True)
class Fact:
    """One sentence of the Method section."""

    topic: str
    """The paragraph it belongs to (``Raters``, ``Agreement``, ...)."""
    text: str
    """Our words; ``{}`` marks where ``value`` goes. For a fact not measured: what is missing."""
    value: str | None
    """From the data (the writers escape it); None: not measured."""
    command: str
    """The command that prints the number (empty when not measured)."""

    @property
    def measured(self) -> bool:
        return self.value is not None


@dataclass
class MethodInputs:
    """What every fact source may read: computed once by the report."""

    store: Store
    status: StoreStatus
    """``annotator status``'s counts, read once."""
    raters: list[str]
    raters_named: bool
    """Whether the raters were named (``--annotators``): the commands then name them too."""
    n_boot: int
    batches: Batches
    rows: list[SaturationRow]
    _agreement: dict[str, Any] | None = field(default=None, repr=False)

    def agreement(self) -> dict[str, Any]:
        """The raters' :func:`agreement_report` at ``n_boot`` (computed once: the report's
        agreement section shows the same one)."""
        if self._agreement is None:
            self._agreement = agreement_report(self.store, self.raters, n_boot=self.n_boot)
        return self._agreement


def _who(inputs: MethodInputs) -> str:
    return f" --annotators {','.join(inputs.raters)}" if inputs.raters_named else ""


def raters_facts(inputs: MethodInputs) -> list[Fact]:
    status = inputs.status
    raters = [r for r in inputs.raters if r in status.annotators]
    command = "annotator status --json"
    if not raters:
        return [Fact("Raters", "raters (none has labeled a sample)", None, "")]
    per = ", ".join(f"{r} {status.annotators[r].decided}" for r in raters)
    return [
        Fact("Raters", "Raters: {}", f"{len(raters)} ({', '.join(raters)})", command),
        Fact("Raters", "samples to label: {}", str(status.to_label), command),
        Fact("Raters", "samples decided per rater (a category or pass): {}", per, command),
    ]


def rounds_facts(inputs: MethodInputs) -> list[Fact]:
    """The rounds as ``annotator round list`` lists them."""
    listed = rounds(inputs.store)
    if not listed:
        return [Fact("Rounds", "rounds (none drawn)", None, "")]
    sizes = ", ".join(str(r.round.size) for r in listed)
    closed = sum(r.closed for r in listed)
    value = f"{len(listed)} (sizes {sizes}; {closed} closed)"
    return [Fact("Rounds", "Rounds: {}", value, "annotator round list --json")]


def _agreement_command(inputs: MethodInputs) -> str:
    return f"annotator agreement{_who(inputs)} --bootstrap {inputs.n_boot} --json"


def _block_facts(block: dict[str, Any], what: str, command: str) -> list[Fact]:
    """Items, per pair percent [Wilson] and Cohen's κ [bootstrap], α of one block."""
    facts = [
        Fact(
            "Agreement",
            what + ", samples decided by two or more raters: {}",
            str(block["n_items"]),
            command,
        )
    ]
    for pair in block["pairs"]:
        if not pair["n"]:
            continue
        value = pair["percent"]
        interval = wilson(round(value * pair["n"]), pair["n"]) if value is not None else None
        facts.append(
            Fact(
                "Agreement",
                "{}",
                f"{pair['a']} and {pair['b']}: {pair['n']} samples, agreement"
                f" {pct(value, interval)}, Cohen's κ {num(pair['cohen_kappa'], pair['ci'])}",
                command,
            )
        )
    alpha = num(block["krippendorff_alpha"], block["ci"].get("krippendorff_alpha"))
    facts.append(
        Fact("Agreement", "Krippendorff's α (nominal) over all raters: {}", alpha, command)
    )
    return facts


def initial_agreement_facts(inputs: MethodInputs) -> list[Fact]:
    """Agreement of the raters' initial labels (their first decision, before discussion):
    the ``initial`` block of ``annotator agreement --json``, and per round."""
    what = "agreement of the initial decisions (before discussion)"
    if len(inputs.raters) < 2:
        return [Fact("Agreement", what, None, "")]
    report = inputs.agreement()
    initial = report.get("initial")
    if not initial or not initial["n_items"]:
        return [Fact("Agreement", what, None, "")]
    command = _agreement_command(inputs)
    facts = _block_facts(initial, "Initial decisions (before any discussion)", command)
    per_round = [
        f"{r['name']} {pct(r['initial']['percent'])} to {pct(r['negotiated']['percent'])}"
        for r in report.get("rounds", [])
        if r["initial"]["n_items"]
    ]
    if per_round:
        facts.append(
            Fact(
                "Agreement",
                "percent agreement per round, initial to negotiated: {}",
                "; ".join(per_round),
                command,
            )
        )
    return facts


def negotiated_agreement_facts(inputs: MethodInputs) -> list[Fact]:
    """How many labels changed after their annotator saw the disagreement."""
    changes = inputs.store.negotiated_changes()
    if not changes:
        return [Fact("Agreement", "negotiation (no label changed after a discussion)", None, "")]
    return [
        Fact(
            "Agreement",
            "labels changed after the disagreement was discussed (negotiated): {}",
            str(len(changes)),
            "annotator round discuss R --no-record --json",
        )
    ]


def agreement_facts(inputs: MethodInputs) -> list[Fact]:
    """Agreement of the raters' current labels (after any negotiation): the main block
    of ``annotator agreement``."""
    if len(inputs.raters) < 2:
        return [Fact("Agreement", "agreement (fewer than two raters)", None, "")]
    report = inputs.agreement()
    if not report["n_items"]:
        return [Fact("Agreement", "agreement (no sample decided by two raters)", None, "")]
    return _block_facts(
        report, "current labels (after any negotiation)", _agreement_command(inputs)
    )


def retest_facts(inputs: MethodInputs) -> list[Fact]:
    """Each rater's agreement with their own earlier answer on re-shown samples:
    :func:`annotator.agreement.retest_agreement` (``annotator agreement --retest``)."""
    found = [
        s
        for s in retest_agreement(inputs.store, n_boot=inputs.n_boot)
        if s.n and s.annotator in inputs.raters
    ]
    if not found:
        return [Fact("Test-retest", "test-retest (no second answer yet)", None, "")]
    value = "; ".join(
        f"{s.annotator} {s.n} samples, agreement {pct(s.percent)},"
        f" Cohen's κ {num(s.kappa.value, s.kappa.ci)}, {len(s.flips)} flip{'' if len(s.flips) == 1 else 's'}"
        for s in found
    )
    return [
        Fact(
            "Test-retest",
            "each rater against their own first answer on re-shown samples: {}",
            value,
            f"annotator agreement --retest --bootstrap {inputs.n_boot} --json",
        )
    ]


def _accuracy(acc: dict[str, Any]) -> str:
    """``correct/n = percent% [lo, hi]``, as ``annotator gold report`` prints it."""
    if not acc["n"]:
        return "-"
    lo, hi = acc["ci"]
    return f"{acc['correct']}/{acc['n']} = {acc['percent']}% [{lo}, {hi}]"


def gold_facts(inputs: MethodInputs) -> list[Fact]:
    """Each rater's accuracy against the gold labels, on training items and on hidden check
    items: :func:`annotator.agreement.gold.gold_report` (``annotator gold report --json``)."""
    data = gold_report(inputs.store)
    rows = [
        e
        for e in data["annotators"]
        if e["annotator"] in inputs.raters and (e["training"]["n"] or e["check"]["n"])
    ]
    if not rows:
        return [Fact("Gold", "accuracy on gold samples (no rater answered one)", None, "")]
    value = "; ".join(
        f"{e['annotator']} training {_accuracy(e['training'])}, check {_accuracy(e['check'])}"
        for e in rows
    )
    items = f"{data['training_items']} training and {data['check_items']} check items"
    return [
        Fact("Gold", "gold set: {}", items, "annotator gold report --json"),
        Fact(
            "Gold",
            "accuracy against the reference labels (category; Wilson 95% intervals): {}",
            value,
            "annotator gold report --json",
        ),
    ]


def _series(values: Sequence[int]) -> str:
    return ", ".join(str(v) for v in values)


def saturation_facts(inputs: MethodInputs) -> list[Fact]:
    rows = inputs.rows
    if not rows:
        return [Fact("Saturation", "saturation (no decided sample)", None, "")]
    command = f"annotator saturation{inputs.batches.option}{_who(inputs)} --json"
    taxonomy = inputs.store.taxonomy
    n_subs = sum(len(c.subcategories) for c in taxonomy.categories)
    last = rows[-1]
    rounds_ = inputs.batches.source == "rounds"
    what = "rounds" if rounds_ else f"batches of {inputs.batches.size}"
    per = "round" if rounds_ else "batch"
    return [
        Fact("Saturation", f"{what} samples in labeling order: {{}}", str(len(rows)), command)
        if inputs.batches.source != "rounds"
        else Fact("Saturation", "rounds: {}", str(len(rows)), command),
        Fact(
            "Saturation",
            f"conflicts between initial decisions per {per}: {{}}",
            _series([r.conflicts for r in rows]),
            command,
        ),
        Fact(
            "Saturation",
            f"categories used for the first time per {per}: {{}}",
            _series([len(r.new_categories) for r in rows]),
            command,
        ),
        Fact(
            "Saturation",
            f"subcategories used for the first time per {per}: {{}}",
            _series([len(r.new_subcategories) for r in rows]),
            command,
        ),
        Fact(
            "Saturation",
            f"new open-coding clusters of notes per {per}: {{}}",
            _series([len(r.new_clusters) for r in rows]),
            command,
        ),
        Fact(
            "Saturation",
            "categories used in all: {}",
            f"{last.categories_so_far} of {len(taxonomy.categories)}",
            command,
        ),
        Fact(
            "Saturation",
            "subcategories used in all: {}",
            f"{last.subcategories_so_far} of {n_subs}",
            command,
        ),
    ]


def codebook_sha256(store: Store) -> str:
    """SHA-256 of ``annotator taxonomy --codebook``'s output (Markdown, one final newline)."""
    text = render_codebook(store.taxonomy, "md").rstrip("\n") + "\n"
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def taxonomy_facts(inputs: MethodInputs) -> list[Fact]:
    taxonomy = inputs.store.taxonomy
    return [
        Fact(
            "Taxonomy",
            "Taxonomy: {}",
            f"{taxonomy.name}, version {taxonomy.version}",
            "annotator taxonomy",
        ),
        Fact(
            "Taxonomy",
            "codebook: {}",
            f"version {taxonomy.version}, SHA-256 {codebook_sha256(inputs.store)[:12]}",
            "annotator taxonomy --codebook | sha256sum",
        ),
    ]


def suggestion_facts(inputs: MethodInputs) -> list[Fact]:
    seen = inputs.store.suggestion_exposure(inputs.raters)
    recorded = seen.shown + seen.hidden
    if not recorded:
        return [Fact("Suggestions", "whether suggestions were shown (not recorded)", None, "")]
    value = f"{seen.hidden} of {recorded} ({share(seen.hidden, recorded)})"
    return [
        Fact(
            "Suggestions",
            "decided labels made with the suggestions hidden against anchoring"
            " (annotator label --blind-suggestions): {}",
            value,
            "annotator export labels (field suggestions_shown)",
        )
    ]


FactSource = Callable[[MethodInputs], list[Fact]]

FACT_SOURCES: tuple[FactSource, ...] = (
    raters_facts,
    rounds_facts,
    initial_agreement_facts,
    agreement_facts,
    negotiated_agreement_facts,
    retest_facts,
    gold_facts,
    saturation_facts,
    taxonomy_facts,
    suggestion_facts,
)


def method_facts(inputs: MethodInputs) -> list[Fact]:
    """Every fact, in the order of :data:`FACT_SOURCES`."""
    return [fact for source in FACT_SOURCES for fact in source(inputs)]
