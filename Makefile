# The README's two commands: `make demo` (set up, run ragfirst on samples/) and
# `make test` (set up, run the whole test suite). .ci/run runs `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: demo test pytest lint format docs rules-bundle install-check vscode bench bench-check fuzz clean

DEMO_STAMP := $(VENV)/.demo-stamp

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(STAMP) $(DEMO_STAMP)

## The demo needs ragfirst and its runtime dependencies only (no test tools).
$(DEMO_STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e .
	touch $(DEMO_STAMP)

## Set up and run ragfirst on the samples (exit status 1 means "findings", as expected),
## then write the samples' decision report (one HTML page) and print where it is.
demo: $(DEMO_STAMP)
	$(BIN)/ragfirst check samples/ || test $$? -eq 1
	$(BIN)/ragfirst report samples/ -o build/report/samples.html
	@echo "The samples' report: $(CURDIR)/build/report/samples.html"

## Set up and run everything CI runs.
test: $(STAMP) lint pytest install-check vscode

lint: $(STAMP)
	$(BIN)/ruff check server tests
	$(BIN)/ruff format --check server tests

pytest: $(STAMP)
	$(BIN)/python -m pytest

## A plain (non-editable) install into a fresh venv must find its rules and docs.
install-check: $(STAMP)
	bash scripts/install_check.sh

## The VS Code extension: npm ci, type-check, lint, unit tests, .vsix (skipped without npm).
vscode:
	@if command -v npm >/dev/null 2>&1; then bash editors/vscode/ci.sh; \
	else echo "vscode: npm not found, skipping the extension build"; fi

## The benchmark against semgrep (its own venv under bench/; not part of `make test`).
bench:
	bash bench/setup.sh
	bench/.venv/bin/python bench/run_bench.py --json bench/results/latest.json
	bench/.venv/bin/python bench/run_bench.py --corpus b --no-scaling --json bench/results/corpus-b.json
	bench/.venv/bin/python bench/scaling_project.py --json bench/results/scaling-project.json
	bench/.venv/bin/python bench/analysis_split.py bench/corpus/base bench/corpus/b/base --json bench/results/analysis-split.json
	bench/.venv/bin/python bench/lsp_latency.py --json bench/results/lsp.json
	bench/.venv/bin/python bench/ts_bench.py --json bench/results/ts.json

## Fails when ragfirst is less than 3x faster than semgrep on the quick corpus.
bench-check:
	bash bench/setup.sh
	bench/.venv/bin/python bench/check_ratio.py

## 10,000 fuzz cases per file kind (the CI suite runs a small fixed-seed subset).
fuzz: $(STAMP)
	$(BIN)/python scripts/fuzz.py --cases 10000

## Regenerate docs/rules/*.md from the rule YAML, and the guide's SVG pictures.
docs: $(STAMP)
	$(BIN)/python -m ragfirst.docs_gen docs/rules
	$(BIN)/python -m ragfirst.report.guide_figures docs/guide

## Write rules/parsed-packs.cache, the built-in packs and tables as shipped parsed (a run
## reads them without parsing YAML; tests/test_pack_bundle.py fails until it is current).
rules-bundle: $(STAMP)
	$(BIN)/python -m ragfirst.rules.pack_bundle

format: $(STAMP)
	$(BIN)/ruff format server tests
	$(BIN)/ruff check --fix server tests

clean:
	rm -rf $(VENV) build dist .pytest_cache .ragfirst_cache
