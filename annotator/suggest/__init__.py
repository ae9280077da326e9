"""Suggestions of taxonomy categories for failing samples.

Contract: nothing here touches Textual or executes the code it looks at.
The failure comes from :mod:`annotator.failures` (test output parsed once per
sample by :func:`annotator.failures.primary.report_of`, fingerprinted and
clustered there), feeding both the UI's error panel and the facts; code is
analysed with ``ast`` (:mod:`.analysis`: libcst's scope analysis cost 25-60 ms
a file, over the 20 ms budget per sample); names are fuzzily matched with
rapidfuzz (:mod:`.names`). :mod:`.features` turns all that into named facts,
:mod:`.rules` (a table in ``rules.yaml``) and :mod:`.rank` into ranked
suggestions, :mod:`.calibrate` gives each a confidence, :mod:`.engine`
caches them in SQLite, :mod:`.evaluate` measures them leave-one-out. The code
view's marks and reference diff (libcst, computed by the UI off the suggestion
path) are :mod:`annotator.codeview`'s.
"""

# What the UI and the CLI say when a sample has no failure signal and no code
# fact (no ranking is made: a guess from the prior would invite anchoring).
NO_SIGNAL = "no failure signal: judge the code against the prompt"
