# One command runs every check: `make check`.
.PHONY: check format lint imports types test schema

check: lint imports types test

format:
	.venv/bin/ruff format annotator tests benchmarks db

lint:
	.venv/bin/ruff format --check annotator tests benchmarks db
	.venv/bin/ruff check annotator tests benchmarks db

# The layer contracts in pyproject.toml's [tool.importlinter].
imports:
	.venv/bin/lint-imports

types:
	.venv/bin/mypy

test:
	.venv/bin/pytest

schema:
	.venv/bin/python -m annotator.store.schema --write
