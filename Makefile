# One command runs every check: `make check`.
.PHONY: check format lint types test schema

check: lint types test

format:
	.venv/bin/ruff format annotator tests benchmarks db

lint:
	.venv/bin/ruff format --check annotator tests benchmarks db
	.venv/bin/ruff check annotator tests benchmarks db

types:
	.venv/bin/mypy

test:
	.venv/bin/pytest

schema:
	.venv/bin/python -m annotator.store.schema --write
