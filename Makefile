# The two commands of the README: `make run` and `make test`. Everything else they need
# (both Python environments, the trained NLU model, the database schema, Chromium for the
# browser tests) is installed on first use by the scripts below.
.PHONY: run test setup lint

run:
	scripts/run

test:
	scripts/test

setup:
	scripts/setup

lint:
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .
