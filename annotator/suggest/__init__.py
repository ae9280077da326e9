"""Pure analysis helpers behind the label suggestions.

Contract: nothing in this package does I/O, touches SQLite or Textual, or
executes the code it looks at. Test output is parsed with regexes
(:mod:`.testoutput`), failures are fingerprinted and clustered
(:mod:`.fingerprint`), code is parsed with libcst (:mod:`.analysis`) and names
are fuzzily matched (:mod:`.names`).
"""
