"""Failing lines and evidence lines: marked, inside their file, agreeing.

Usage: python benchmarks/lines_bench.py [DLBENCH_DIR] [--list]

Imports the folder into a temporary database, computes every failing
sample's facts and primary error (what the code view marks) and prints:

- failing samples with a marked line (the error panel's failing line);
- samples whose evidence names a line of the generated code past its end
  ("line 871 of the generated code" for a 48-line file; target 0);
- samples whose evidence names the failing line, and how many of them name
  the marked one (target: all).

An evidence text names a generated-code line as "line N" (not "test line N",
"output line N" or FILE:LINE, which name other files). With ``--list`` the
offending samples are listed.
"""

from __future__ import annotations

import argparse
import re
from pathlib import Path

from _env import failing_dlbench_samples, print_header

from annotator.failures.primary import function_of, primary_error, report_of
from annotator.suggest.features import sample_facts

DEFAULT = Path(__file__).resolve().parents[1].parent / "shared" / "dlbench"

# "line 12" naming the generated code; not "test line 12", "output line 12",
# nor "file.py:12" (those name their own file).
GENERATED_LINE = re.compile(r"(?<!test )(?<!output )\bline (\d+)")
# The facts whose evidence names where the failure happened.
FAILURE_FACTS = ("out:in_generated", "out:library_call", "out:own_raise", "out:in_repository")


def failure_lines(flags: dict[str, str]) -> list[int]:
    """Generated-code lines the failure-location evidence names."""
    names = [n for n in flags if n in FAILURE_FACTS or n.startswith("exc:")]
    return [int(m) for n in names for m in GENERATED_LINE.findall(flags[n])]


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("data", nargs="?", type=Path, default=DEFAULT)
    parser.add_argument("--list", action="store_true")
    args = parser.parse_args()
    print_header("cold: data imported into a fresh database")
    if not (args.data / "Generated").is_dir():
        print(f"no DL-Bench folder at {args.data}")
        return 1
    samples = failing_dlbench_samples(args.data)
    failing = marked = 0
    outside: list[str] = []
    naming: list[str] = []
    disagree: list[str] = []
    for sample in samples:
        if sample is None:
            continue
        failing += 1
        code = sample.generated_code
        report = report_of(sample.test_output, sample.metadata)
        line = primary_error(report, code).line
        marked += line is not None
        facts = sample_facts(
            code, sample.reference_code, sample.test_output, function_of(sample.metadata), report
        )
        count = code.count("\n") + 1
        every = [int(m) for text in facts.flags.values() for m in GENERATED_LINE.findall(text)]
        if any(not 0 < n <= count for n in every):
            outside.append(f"{sample.id}: {sorted(set(every))} of {count} lines")
        named = failure_lines(facts.flags)
        if named:
            naming.append(sample.id)
            if any(n != line for n in named):
                disagree.append(f"{sample.id}: evidence {sorted(set(named))}, marked {line}")
    print(f"failing samples: {failing}")
    print(f"with a marked failing line: {marked} of {failing}")
    print(f"evidence naming a line outside the generated code: {len(outside)} samples")
    print(
        f"evidence line == marked line: {len(naming) - len(disagree)} of {len(naming)}"
        " samples whose evidence names the failing line"
    )
    if args.list:
        for row in [*outside, *disagree]:
            print(f"  {row}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
