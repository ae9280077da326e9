"""annotator: label failing LLM-generated code with a bug taxonomy.

Importing the package only arranges that sqlite-utils loads without pandas and
numpy (:mod:`annotator.startup`).
"""

from .startup import install as _install

_install()
