"""JUnit XML importer (placeholder until implemented)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

from ..errors import UserError
from ..models import SampleIn
from ..taxonomy import Taxonomy
from .base import ImportSummary

NAME = "junit"
HELP = "what `pytest --junitxml` writes, joined with the generated code files of --code DIR"


def read(path: Path, taxonomy: Taxonomy, summary: ImportSummary, **options: Any) -> Iterator[SampleIn]:
    raise UserError("junit import is not implemented yet", file=path)
    yield  # pragma: no cover
