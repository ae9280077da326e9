"""The Textual labeling UI (``annotator label`` / ``annotator demo``).

Contract: only this package (and the CLI command that launches it, lazily)
imports Textual. :class:`~annotator.tui.app.AnnotatorApp` is the entry point.
"""
