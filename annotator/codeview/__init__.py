"""What the UI's code view shows beside the code: marks and the reference diff.

Contract: nothing here touches Textual or executes the code it reads.
:mod:`.marks` gives the exact expression each of the suggester's facts points
at, from libcst positions one statement at a time (:mod:`.cstspan`);
:mod:`.codediff` diffs the generated code against the reference with comments
and docstrings left out. Both load libcst and take milliseconds a file, so the
UI computes them in a worker, off the suggestion path and off ``n``. Only the
UI (and its tests and benchmarks) use this package; it reads the facts
(:mod:`annotator.suggest.analysis`, :mod:`annotator.suggest.evidence`) and the
failure (:mod:`annotator.failures`), never the other way round.
"""
