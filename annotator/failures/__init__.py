"""A sample's failure: what its test output says went wrong, read once.

Contract: nothing here touches Textual, the database or the suggester, and
nothing executes the code it reads about. :func:`.primary.report_of` is the
one parse of a sample's test output (JUnit from the importer's models in
:mod:`.junitoutput`, a harness's recorded results in :mod:`.importedoutput`,
other output with regexes in :mod:`.testoutput`, which dispatches to
:mod:`.pytestoutput`, :mod:`.shortoutput` and DL-Bench's error cases in
:mod:`.errorcases`) into the models of :mod:`.outputmodels`;
:mod:`.outputfacts` reads facts out of one failure's text; :mod:`.frames`
tells which traceback frames ran the generated code; :mod:`.primary` picks
the primary error; :mod:`.fingerprint` fingerprints and clusters failures.
The suggester (:mod:`annotator.suggest`), the UI's failure panel and the LLM
prompt all read the failure from here.
"""
