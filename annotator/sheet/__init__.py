"""The labels spreadsheet: one layout, one reader, one writer, and CSV cells a spreadsheet cannot run.

Contract: :mod:`.layout` names the columns of the wide layout (DL-Bench's
``labels.csv`` and ours); :mod:`.reader` is the one reader of every labels
sheet (the ``labels.csv`` of a DL-Bench import and ``annotator import labels``);
:mod:`.writer` writes ``export labels --format sheet``, which the reader reads
back unchanged; :mod:`.cells` guards formula-like cells for every CSV writer of
the project and undoes the guard on reading. Below the importers and the
exports (both use it), above the store (the writer reads labels through it).
"""
