"""Suggestions of taxonomy categories for failing samples.

Contract: nothing here touches Textual or executes the code it looks at.
Test output is parsed once per sample (:func:`.primary.report_of`: JUnit
from its models, other output with regexes in :mod:`.testoutput`), feeding
both the UI's error panel and the facts; failures are
fingerprinted and clustered (:mod:`.fingerprint`); code is analysed with
``ast`` (:mod:`.analysis`: libcst's scope analysis cost 25-60 ms a file, over
the 20 ms budget per sample); the reference diff drops comments and
docstrings with libcst (:mod:`.codediff`); the code view marks the exact
expression a fact points at from libcst positions, one statement at a time
(:mod:`.marks`, :mod:`.cstspan`; computed by the UI, off the suggestion
path); names are fuzzily matched with
rapidfuzz (:mod:`.names`). :mod:`.features` turns all that into named facts,
:mod:`.rules` (a table in ``rules.yaml``) and :mod:`.rank` into ranked
suggestions, :mod:`.calibrate` gives each a confidence, :mod:`.engine`
caches them in SQLite, :mod:`.evaluate` measures them leave-one-out.
"""

# What the UI and the CLI say when a sample has no failure signal and no code
# fact (no ranking is made: a guess from the prior would invite anchoring).
NO_SIGNAL = "no failure signal: judge the code against the prompt"
